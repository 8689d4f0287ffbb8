"""Strategies for the tasks area: tasks, their checklists, plans and projects."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Final

from hypothesis import strategies as st

from crmcore.events import DomainEvent
from crmcore.ids import ProjectId, TaskId, UserId
from crmcore.tasks.events import (
    ProjectStarted,
    TaskChanged,
    TaskChecklistChanged,
    TaskCreated,
    TaskStatusChanged,
)
from crmcore.tasks.kinds import TaskPriority, TaskStatus
from crmcore.tasks.model import ChecklistItem, Task
from crmcore.tasks.projects import PlanStep, Project, ProjectPlan
from crmcore.testing.strategies._common import (
    _IDS,
    Choices,
    _after,
    _free_text,
    _optional,
    _strategy,
    aware_datetimes,
)
from crmcore.testing.strategies.kernel import domain_events, entity_refs

__all__ = [
    "TASK_EVENTS",
    "checklist_items",
    "plan_steps",
    "project_plans",
    "projects",
    "tasks",
]

TASK_EVENTS: Final[tuple[type[DomainEvent], ...]] = (
    TaskCreated,
    TaskChanged,
    TaskStatusChanged,
    TaskChecklistChanged,
    ProjectStarted,
)
"""The event classes of the tasks area."""

_HOURS: Final = st.integers(min_value=0, max_value=24 * 60).map(lambda h: timedelta(hours=h))
_MOMENTS: Final = aware_datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2027, 1, 1))
_USERS: Final = _IDS.map(UserId)


@st.composite
def checklist_items(draw: st.DrawFn) -> ChecklistItem:
    """Checklist items, ticked (with when and by whom) or not."""
    done = draw(st.booleans())
    return ChecklistItem(
        id=draw(_IDS), text=draw(_free_text(max_size=80)), done=done,
        done_at=draw(_MOMENTS) if done else None,
        done_by=draw(_optional(_USERS)) if done else None,
    )  # fmt: skip


@st.composite
def tasks(draw: st.DrawFn, *, statuses: Choices[TaskStatus] = tuple(TaskStatus)) -> Task:
    """Tasks in any status of ``statuses``, consistent with it (a finished one says when),
    with co-executors other than the assignee, links and a checklist."""
    status = draw(_strategy(statuses))
    created = draw(_MOMENTS)
    assignee = draw(_USERS)
    others = draw(st.frozensets(_USERS, max_size=3))
    return Task(
        id=TaskId(draw(_IDS)), title=draw(_free_text(max_size=120)), assignee=assignee,
        created_at=created, changed_at=_after(created, draw(_HOURS)),
        description=draw(st.none() | _free_text(max_size=200, multiline=True)),
        co_executors=others - {assignee}, due=draw(st.none() | _MOMENTS),
        priority=draw(st.sampled_from(TaskPriority)), status=status,
        links=tuple(draw(st.lists(entity_refs(), max_size=3, unique_by=str))),
        checklist=tuple(draw(st.lists(checklist_items(), max_size=3, unique_by=lambda i: i.id))),
        project_id=draw(_optional(_IDS.map(ProjectId))), plan_step=draw(_optional(_IDS)),
        created_by=draw(_optional(_USERS)),
        finished_at=None if status.is_open else _after(created, draw(_HOURS)),
        version=draw(st.integers(min_value=1, max_value=1000)),
    )  # fmt: skip


def plan_steps() -> st.SearchStrategy[PlanStep]:
    """Steps of a plan, due up to a year of working days after the start."""
    return st.builds(
        PlanStep,
        id=_IDS,
        title=_free_text(max_size=80),
        offset_days=st.integers(min_value=0, max_value=250),
        assignee=_optional(_USERS),
        description=st.none() | _free_text(max_size=120, multiline=True),
        priority=st.sampled_from(TaskPriority),
    )


def project_plans() -> st.SearchStrategy[ProjectPlan]:
    """Plans of one to five steps with distinct ids."""
    return st.builds(
        ProjectPlan,
        id=_IDS,
        name=_free_text(max_size=80),
        steps=st.lists(plan_steps(), min_size=1, max_size=5, unique_by=lambda s: s.id).map(tuple),
    )


def projects() -> st.SearchStrategy[Project]:
    """Projects with their tasks' ids and links."""
    return st.builds(
        Project,
        id=_IDS.map(ProjectId),
        name=_free_text(max_size=80),
        plan_id=_IDS,
        manager=_USERS,
        started_at=_MOMENTS,
        task_ids=st.lists(_IDS.map(TaskId), max_size=4, unique=True).map(tuple),
        links=st.lists(entity_refs(), max_size=3, unique_by=str).map(tuple),
        started_by=_optional(_USERS),
        version=st.integers(min_value=1, max_value=1000),
    )


def _task_strategies() -> dict[type[Any], st.SearchStrategy[Any]]:
    """The tasks area's models and their strategies, for :func:`_hypothesis_setup_hook`."""
    registered: dict[type[Any], st.SearchStrategy[Any]] = {
        ChecklistItem: checklist_items(),
        Task: tasks(),
        PlanStep: plan_steps(),
        ProjectPlan: project_plans(),
        Project: projects(),
    }
    registered.update({cls: domain_events(classes=(cls,)) for cls in TASK_EVENTS})
    return registered
