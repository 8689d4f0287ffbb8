"""Tasks: who does what by when, with whom, about which records, and how far it has got.

A task links to any record by :class:`~crmcore.ids.EntityRef` (a deal, request, claim,
partner...); it may belong to a project and come from a step of the project's plan.

>>> from datetime import datetime, timedelta, timezone
>>> from crmcore.workcalendar import WorkingCalendar
>>> friday = datetime(2026, 3, 6, 18, 0, tzinfo=timezone.utc)
>>> task = Task(id=TaskId("t-1"), title=" Call the client ", assignee=UserId("anna"),
...     due=friday, created_at=friday - timedelta(days=1), changed_at=friday)
>>> task.title, task.status.value, task.is_open
('Call the client', 'open', True)

Past its due moment only once working time has passed: not over the weekend.

>>> calendar = WorkingCalendar(time_zone="UTC")
>>> task.is_overdue(friday + timedelta(days=1), calendar=calendar)
False
>>> task.is_overdue(friday + timedelta(days=3, hours=1), calendar=calendar)
True
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta, tzinfo
from typing import Final

import attrs

from crmcore.errors import Violation
from crmcore.ids import EntityRef, ProjectId, TaskId, UserId
from crmcore.tasks.kinds import TaskPriority, TaskStatus
from crmcore.validation import (
    Model,
    aware_datetime,
    bounded_text,
    checks,
    clean_optional_text,
    clean_text,
    each,
    identifier,
    instance_of,
    invariant,
    non_negative_int,
    optional,
    unique,
)
from crmcore.workcalendar import WorkingCalendar, elapsed

__all__ = ["TASK", "ChecklistItem", "Task"]

TASK: Final = "task"
MAX_CHECKLIST: Final = 200
"""The most items one task's checklist holds."""
MAX_LINKS: Final = 50
"""The most records one task links to."""
_TITLE: Final = 500
_TEXT: Final = 5000


@attrs.frozen(kw_only=True)
class ChecklistItem(Model):
    """One item of a task's checklist; a ticked one says when and by whom."""

    id: str = attrs.field(metadata=checks(identifier))
    text: str = attrs.field(converter=clean_text, metadata=checks(bounded_text(_TITLE)))
    done: bool = attrs.field(default=False, metadata=checks(instance_of(bool)))
    done_at: datetime | None = attrs.field(default=None, metadata=checks(optional(aware_datetime)))
    done_by: UserId | None = attrs.field(default=None, metadata=checks(optional(identifier)))

    @invariant("done", "done_at", "done_by")
    def _ticked(self) -> Iterator[Violation]:
        if self.done != (self.done_at is not None):
            yield Violation(field="done_at", message="is set exactly when the item is done")
        if not self.done and self.done_by is not None:
            yield Violation(field="done_by", message="is set only when the item is done")


def _before(earlier: datetime | None, later: datetime | None) -> bool:
    return earlier is not None and later is not None and elapsed(earlier, later) < timedelta(0)


@attrs.frozen(kw_only=True)
class Task(Model):
    """A piece of work with an assignee, co-executors and a due moment; change it through
    the services of :mod:`crmcore.tasks.services`."""

    id: TaskId = attrs.field(metadata=checks(identifier))
    title: str = attrs.field(converter=clean_text, metadata=checks(bounded_text(_TITLE)))
    assignee: UserId = attrs.field(metadata=checks(identifier))
    created_at: datetime = attrs.field(metadata=checks(aware_datetime))
    changed_at: datetime = attrs.field(metadata=checks(aware_datetime))
    description: str | None = attrs.field(
        default=None,
        converter=clean_optional_text,
        metadata=checks(optional(bounded_text(_TEXT, multiline=True))),
    )
    co_executors: frozenset[UserId] = attrs.field(
        default=frozenset(),
        metadata=checks(each(identifier, container=frozenset, max_items=MAX_LINKS)),
    )
    due: datetime | None = attrs.field(default=None, metadata=checks(optional(aware_datetime)))
    priority: TaskPriority = attrs.field(
        default=TaskPriority.NORMAL, metadata=checks(instance_of(TaskPriority))
    )
    status: TaskStatus = attrs.field(
        default=TaskStatus.OPEN, metadata=checks(instance_of(TaskStatus))
    )
    links: tuple[EntityRef, ...] = attrs.field(
        default=(),
        metadata=checks(
            each(instance_of(EntityRef), max_items=MAX_LINKS), unique(str, what="link")
        ),
    )
    checklist: tuple[ChecklistItem, ...] = attrs.field(
        default=(),
        metadata=checks(
            each(instance_of(ChecklistItem), max_items=MAX_CHECKLIST),
            unique(lambda item: item.id, what="checklist item id"),
        ),
    )
    project_id: ProjectId | None = attrs.field(default=None, metadata=checks(optional(identifier)))
    plan_step: str | None = attrs.field(default=None, metadata=checks(optional(identifier)))
    created_by: UserId | None = attrs.field(default=None, metadata=checks(optional(identifier)))
    finished_at: datetime | None = attrs.field(
        default=None, metadata=checks(optional(aware_datetime))
    )
    version: int = attrs.field(default=1, metadata=checks(non_negative_int))

    @invariant("assignee", "co_executors")
    def _people(self) -> Iterator[Violation]:
        if self.assignee in self.co_executors:
            yield Violation(field="co_executors", message="must not include the assignee")

    @invariant("status", "finished_at")
    def _finished(self) -> Iterator[Violation]:
        finished = self.status in {TaskStatus.DONE, TaskStatus.CANCELLED}
        if finished != (self.finished_at is not None):
            message = "is set exactly when the task is done or cancelled"
            yield Violation(field="finished_at", message=message)

    @invariant("created_at", "changed_at")
    def _changed_after_creation(self) -> Iterator[Violation]:
        if _before(self.created_at, self.changed_at):
            yield Violation(field="changed_at", message="must not be before created_at")

    @invariant("created_at", "finished_at")
    def _finished_after_creation(self) -> Iterator[Violation]:
        if _before(self.created_at, self.finished_at):
            yield Violation(field="finished_at", message="must not be before created_at")

    @property
    def is_open(self) -> bool:
        """Whether the task still needs work."""
        return self.status.is_open

    @property
    def progress(self) -> tuple[int, int]:
        """The checklist's ticked items and all its items."""
        return sum(1 for item in self.checklist if item.done), len(self.checklist)

    def late_from(self, calendar: WorkingCalendar | None = None) -> datetime | None:
        """From when an open task is overdue: its due moment, or on ``calendar`` the first
        working moment at or after it (a task due at Friday's close is late on Monday)."""
        if self.due is None:
            return None
        return self.due if calendar is None else calendar.next_working_moment(self.due)

    def is_overdue(self, now: datetime, *, calendar: WorkingCalendar | None = None) -> bool:
        """Whether the task is open and working time (real time without ``calendar``) has
        passed since its due moment at ``now``; compared as instants."""
        late = self.late_from(calendar) if self.is_open else None
        return late is not None and elapsed(late, now) > timedelta(0)

    def is_due_on(self, day: date, zone: tzinfo) -> bool:
        """Whether the task is due on the calendar ``day`` in ``zone``."""
        return self.due is not None and self.due.astimezone(zone).date() == day

    def links_to(self, ref: EntityRef) -> bool:
        """Whether the task links to the record ``ref``."""
        return ref in self.links

    def item(self, item_id: str) -> ChecklistItem | None:
        """The checklist item ``item_id``, if the task has it."""
        return next((item for item in self.checklist if item.id == item_id), None)
