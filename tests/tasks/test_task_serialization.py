"""Tasks, projects, plans and their events round-trip through the converter's JSON form, and
a damaged stored task names its fields."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings

from crmcore.errors import DomainValidationError
from crmcore.events import DomainEvent
from crmcore.serialization import make_converter
from crmcore.tasks import ChecklistItem, PlanStep, Project, ProjectPlan, Task
from crmcore.testing.strategies import TASK_EVENTS, domain_events, project_plans, projects, tasks

CONVERTER = make_converter()


def _again(value: object, cls: Any) -> Any:
    form = json.loads(json.dumps(CONVERTER.unstructure(value, cls), ensure_ascii=False))
    return CONVERTER.structure(form, cls)


@settings(max_examples=40)
@given(task=tasks())
def test_a_task_round_trips(task: Task) -> None:
    again = _again(task, Task)
    assert CONVERTER.unstructure(again, Task) == CONVERTER.unstructure(task, Task)


@settings(max_examples=25)
@given(project=projects(), plan=project_plans())
def test_a_project_and_a_plan_round_trip(project: Project, plan: ProjectPlan) -> None:
    assert CONVERTER.unstructure(_again(project, Project), Project) == CONVERTER.unstructure(
        project, Project
    )
    assert _again(plan, ProjectPlan) == plan


@settings(max_examples=25)
@given(event=domain_events(classes=TASK_EVENTS))
def test_task_events_round_trip_under_their_tags(event: DomainEvent) -> None:
    form = CONVERTER.unstructure(event, DomainEvent)
    assert form["type"] == event.name
    assert type(CONVERTER.structure(form, DomainEvent)) is type(event)


@pytest.mark.parametrize(
    ("payload", "fields"),
    [
        ({"id": "1", "text": "x", "done": True}, ["done_at"]),
        ({"id": "1", "text": "x", "extra": 1}, ["extra"]),
        ({"id": "s", "title": "x", "offset_days": -2}, ["offset_days"]),
    ],
)
def test_a_damaged_record_names_its_fields(payload: dict[str, Any], fields: list[str]) -> None:
    cls = PlanStep if "title" in payload else ChecklistItem
    with pytest.raises(DomainValidationError) as raised:
        CONVERTER.structure(payload, cls)
    assert list(raised.value.fields) == fields


def test_a_task_in_json_reads_back_as_written() -> None:
    form = {
        "id": "t-1", "title": "Позвонить", "assignee": "anna",
        "created_at": "2026-03-02T09:00:00+03:00", "changed_at": "2026-03-02T09:00:00+03:00",
        "due": "2026-03-06T18:00:00+03:00", "status": "open", "priority": "urgent",
        "co_executors": ["boris"], "links": [{"entity_type": "deal", "entity_id": "d-1"}],
        "checklist": [{"id": "1", "text": "Цены"}],
    }  # fmt: skip
    task = CONVERTER.structure(form, Task)
    assert (task.priority.value, task.co_executors, task.links[0].entity_id) == (
        "urgent", frozenset({"boris"}), "d-1",
    )  # fmt: skip
