"""Projects: started from a plan, their tasks due on the working calendar, their progress."""

from __future__ import annotations

from decimal import Decimal

import pytest
from task_samples import ANNA, BORIS, CALENDAR, DEAL, FRIDAY_CLOSE, MONDAY

from crmcore.errors import DomainValidationError
from crmcore.ids import ProjectId, TaskId
from crmcore.tasks import (
    PlanStep,
    ProjectPlan,
    TaskPriority,
    cancel_task,
    complete_task,
    project_progress,
    start_project,
)

PLAN = ProjectPlan(
    id="onboarding",
    name="Подключение клиента",
    steps=(
        PlanStep(id="contract", title="Подписать договор"),
        PlanStep(id="delivery", title="Первая поставка", offset_days=4, assignee=BORIS,
                 priority=TaskPriority.HIGH),
        PlanStep(id="call", title="Звонок после поставки", offset_days=5),
    ),
)  # fmt: skip


def _started() -> tuple:  # type: ignore[type-arg]
    started = start_project(
        PLAN, project_id=ProjectId("p-1"), manager=ANNA, now=MONDAY, calendar=CALENDAR,
        links=[DEAL], task_ids=[TaskId("t-1"), TaskId("t-2"), TaskId("t-3")], actor=ANNA,
    )  # fmt: skip
    return started.project, started.tasks, started.events


def test_a_project_makes_one_task_per_step_due_on_working_days() -> None:
    project, tasks, events = _started()
    assert project.task_ids == ("t-1", "t-2", "t-3")
    assert (project.name, project.plan_id, project.links) == (PLAN.name, "onboarding", (DEAL,))
    assert [t.assignee for t in tasks] == [ANNA, BORIS, ANNA]
    assert [t.due for t in tasks] == [MONDAY, MONDAY.replace(day=6), MONDAY.replace(day=9)]
    assert all(t.project_id == "p-1" and t.links == (DEAL,) for t in tasks)
    assert [t.plan_step for t in tasks] == ["contract", "delivery", "call"]
    assert [e.name for e in events] == ["project.started", *["task.created"] * 3]


def test_progress_counts_done_tasks_and_leaves_cancelled_ones_out() -> None:
    project, tasks, _ = _started()
    first = project_progress(project, tasks, now=MONDAY, calendar=CALENDAR)
    assert (first.total, first.open, first.share, first.finished) == (3, 3, Decimal(0), False)
    done = complete_task(tasks[0], now=MONDAY).entity
    cancelled = cancel_task(tasks[1], now=MONDAY).entity
    later = FRIDAY_CLOSE.replace(day=10)
    progress = project_progress(project, [done, cancelled, tasks[2]], now=later, calendar=CALENDAR)
    assert (progress.done, progress.cancelled, progress.open, progress.overdue) == (1, 1, 1, 1)
    assert progress.share == Decimal("0.5")
    over = project_progress(project, [done, cancelled], now=later)
    assert (over.share, over.finished) == (Decimal(1), True)
    nothing = project_progress(project, [cancelled], now=later)
    assert nothing.share == Decimal(1)


def test_a_bad_start_names_every_problem() -> None:
    with pytest.raises(DomainValidationError) as raised:
        start_project(
            PLAN,
            project_id=ProjectId(""),
            manager=ANNA,
            now=MONDAY,
            calendar=CALENDAR,
            task_ids=[TaskId("t-1"), TaskId("")],
            links="x",  # type: ignore[arg-type]
        )
    assert {"links", "task_ids", "id"} <= set(raised.value.fields)
    with pytest.raises(DomainValidationError) as raised:
        start_project(
            PLAN,
            project_id=ProjectId("p"),
            manager=ANNA,
            now=MONDAY,
            calendar=CALENDAR,
            task_ids=[TaskId("a"), TaskId("a"), TaskId("")],
        )
    assert {"steps[2].id", "task_ids[1]"} <= set(raised.value.fields)
    with pytest.raises(DomainValidationError) as raised:
        start_project("onboarding", project_id=ProjectId("p"), manager=ANNA, now=MONDAY,  # type: ignore[arg-type]
                      calendar=CALENDAR)  # fmt: skip
    assert raised.value.field == "plan"


def test_a_plan_needs_steps_with_distinct_ids() -> None:
    with pytest.raises(DomainValidationError) as raised:
        ProjectPlan(id="p", name="x", steps=())
    assert raised.value.field == "steps"
    step = PlanStep(id="a", title="x")
    with pytest.raises(DomainValidationError) as raised:
        ProjectPlan(id="p", name="x", steps=(step, step))
    assert raised.value.field == "steps[1]"
    with pytest.raises(DomainValidationError) as raised:
        PlanStep(id="a", title="x", offset_days=-1)
    assert raised.value.field == "offset_days"
