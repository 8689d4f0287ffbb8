"""Projects: a group of tasks started from a plan, and how far the project has got.

A :class:`ProjectPlan` is the host's template: ordered steps, each due some working days
after the project starts. :func:`start_project` makes the project and one task per step,
their due moments on the working calendar.

>>> from datetime import datetime, timezone
>>> from crmcore.workcalendar import WorkingCalendar
>>> plan = ProjectPlan(id="onboarding", name="Onboard a client", steps=(
...     PlanStep(id="contract", title="Sign the contract", offset_days=0),
...     PlanStep(id="training", title="Train the staff", offset_days=3, assignee=UserId("boris")),
... ))
>>> friday = datetime(2026, 3, 6, 10, 0, tzinfo=timezone.utc)
>>> started = start_project(plan, project_id=ProjectId("p-1"), manager=UserId("anna"),
...     now=friday, calendar=WorkingCalendar(time_zone="UTC"))
>>> [(t.assignee, t.due.isoformat()) for t in started.tasks]
[('anna', '2026-03-06T10:00:00+00:00'), ('boris', '2026-03-11T10:00:00+00:00')]
>>> project_progress(started.project, started.tasks, now=friday).share
Decimal('0')
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Final

import attrs

from crmcore.errors import DomainValidationError, Violation
from crmcore.events import DomainEvent, changes_between
from crmcore.ids import EntityRef, ProjectId, TaskId, UserId, new_id
from crmcore.tasks.events import ProjectStarted
from crmcore.tasks.kinds import TaskPriority, TaskStatus
from crmcore.tasks.model import MAX_LINKS, Task
from crmcore.tasks.services import TaskDraft, create_task
from crmcore.validation import (
    Model,
    aware_datetime,
    bounded_text,
    check_now,
    checks,
    clean_optional_text,
    clean_text,
    each,
    identifier,
    instance_of,
    int_at_most,
    non_negative_int,
    optional,
    raise_violations,
    read_collection,
    unique,
)
from crmcore.workcalendar import WorkingCalendar

__all__ = [
    "PROJECT",
    "PlanStep",
    "Project",
    "ProjectPlan",
    "ProjectProgress",
    "ProjectStart",
    "project_progress",
    "start_project",
]

PROJECT: Final = "project"
MAX_STEPS: Final = 200
"""The most steps one plan holds."""
MAX_OFFSET_DAYS: Final = 3660
"""The furthest a step may lie after the project's start, in working days."""
_NAME: Final = 500


@attrs.frozen(kw_only=True)
class PlanStep(Model):
    """One step of a plan: a task due ``offset_days`` working days after the project's start
    (0: the start itself, or the next working moment), for ``assignee`` (the project's
    manager when ``None``)."""

    id: str = attrs.field(metadata=checks(identifier))
    title: str = attrs.field(converter=clean_text, metadata=checks(bounded_text(_NAME)))
    offset_days: int = attrs.field(
        default=0, metadata=checks(non_negative_int, int_at_most(MAX_OFFSET_DAYS))
    )
    assignee: UserId | None = attrs.field(default=None, metadata=checks(optional(identifier)))
    description: str | None = attrs.field(
        default=None,
        converter=clean_optional_text,
        metadata=checks(optional(bounded_text(5000, multiline=True))),
    )
    priority: TaskPriority = attrs.field(
        default=TaskPriority.NORMAL, metadata=checks(instance_of(TaskPriority))
    )


def _non_empty(field: str, value: object) -> Iterator[Violation]:
    if isinstance(value, tuple) and not value:
        yield Violation(field=field, message="must have at least one step")


@attrs.frozen(kw_only=True)
class ProjectPlan(Model):
    """A project's plan (the host's template): its steps in order."""

    id: str = attrs.field(metadata=checks(identifier))
    name: str = attrs.field(converter=clean_text, metadata=checks(bounded_text(_NAME)))
    steps: tuple[PlanStep, ...] = attrs.field(
        metadata=checks(
            each(instance_of(PlanStep), max_items=MAX_STEPS),
            _non_empty,
            unique(lambda step: step.id, what="step id"),
        )
    )


@attrs.frozen(kw_only=True)
class Project(Model):
    """A group of tasks with its own plan: who manages it, what it is about, its tasks in
    the order of the plan's steps."""

    id: ProjectId = attrs.field(metadata=checks(identifier))
    name: str = attrs.field(converter=clean_text, metadata=checks(bounded_text(_NAME)))
    plan_id: str = attrs.field(metadata=checks(identifier))
    manager: UserId = attrs.field(metadata=checks(identifier))
    started_at: datetime = attrs.field(metadata=checks(aware_datetime))
    task_ids: tuple[TaskId, ...] = attrs.field(
        default=(),
        metadata=checks(each(identifier, max_items=MAX_STEPS), unique(str, what="task id")),
    )
    links: tuple[EntityRef, ...] = attrs.field(
        default=(),
        metadata=checks(
            each(instance_of(EntityRef), max_items=MAX_LINKS), unique(str, what="link")
        ),
    )
    started_by: UserId | None = attrs.field(default=None, metadata=checks(optional(identifier)))
    version: int = attrs.field(default=1, metadata=checks(non_negative_int))


@attrs.frozen(kw_only=True)
class ProjectStart:
    """What :func:`start_project` made: the project, its tasks, and their events: the
    project's first, then one a task in the order of the tasks."""

    project: Project
    tasks: tuple[Task, ...]
    events: tuple[DomainEvent, ...]


def start_project(
    plan: ProjectPlan,
    *,
    project_id: ProjectId,
    manager: UserId,
    now: datetime,
    calendar: WorkingCalendar,
    name: str | None = None,
    links: Sequence[EntityRef] = (),
    task_ids: Sequence[TaskId] | None = None,
    actor: UserId | None = None,
) -> ProjectStart:
    """Start a project of ``plan`` at ``now``, managed by ``manager``: one task per step, due
    on ``calendar``, each linked to ``links``. ``task_ids`` name the tasks in step order
    (new ids by default).

    Raises :class:`DomainValidationError` naming every problem.
    """
    check_now(now)
    found: list[Violation] = []
    if not isinstance(plan, ProjectPlan):
        raise DomainValidationError.single("plan", "must be a ProjectPlan", value=plan)
    refs = read_collection("links", links, found) or ()
    ids = tuple(task_ids) if task_ids is not None else tuple(TaskId(new_id()) for _ in plan.steps)
    if len(ids) != len(plan.steps):
        message = f"must name one task per step ({len(plan.steps)})"
        found.append(Violation(field="task_ids", message=message))
    tasks: list[Task] = []
    events: list[DomainEvent] = []
    for index, (step, task_id) in enumerate(zip(plan.steps, ids, strict=False)):
        draft = TaskDraft(
            title=step.title, assignee=step.assignee or manager, description=step.description,
            due=calendar.add_working_days(now, step.offset_days), priority=step.priority,
            links=refs, project_id=project_id, plan_step=step.id,
        )  # fmt: skip
        try:
            outcome = create_task(draft, task_id=task_id, now=now, actor=actor)
        except DomainValidationError as error:
            found.extend(v.under(f"steps[{index}]") for v in error.violations)
            continue
        tasks.append(outcome.entity)
        events.extend(outcome.events)
    try:
        project = Project(
            id=project_id, name=plan.name if name is None else name, plan_id=plan.id,
            manager=manager, started_at=now, task_ids=ids, links=refs, started_by=actor,
        )  # fmt: skip
    except DomainValidationError as error:
        found.extend(error.violations)
    raise_violations(found)
    started = ProjectStarted(
        entity_id=project.id, occurred_at=now, changes=changes_between(None, project), actor=actor
    )
    return ProjectStart(project=project, tasks=tuple(tasks), events=(started, *events))


@attrs.frozen(kw_only=True)
class ProjectProgress:
    """How far a project has got: its tasks by status, the overdue ones, and the share
    done (cancelled tasks left out; 1 when nothing is left to do)."""

    project_id: ProjectId
    total: int
    done: int
    cancelled: int
    open: int
    overdue: int
    share: Decimal

    @property
    def finished(self) -> bool:
        """Whether no task of the project is open."""
        return self.open == 0


def project_progress(
    project: Project,
    tasks: Iterable[Task],
    *,
    now: datetime,
    calendar: WorkingCalendar | None = None,
) -> ProjectProgress:
    """The progress of ``project`` at ``now`` from its ``tasks`` (others are left out)."""
    check_now(now)
    mine = [task for task in tasks if task.id in set(project.task_ids)]
    done = sum(1 for task in mine if task.status is TaskStatus.DONE)
    cancelled = sum(1 for task in mine if task.status is TaskStatus.CANCELLED)
    counted = len(mine) - cancelled
    return ProjectProgress(
        project_id=project.id, total=len(mine), done=done, cancelled=cancelled,
        open=counted - done,
        overdue=sum(1 for task in mine if task.is_overdue(now, calendar=calendar)),
        share=Decimal(done) / Decimal(counted) if counted else Decimal(1),
    )  # fmt: skip
