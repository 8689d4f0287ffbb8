"""Services of the tasks area: create a task, edit it, move it through its lifecycle and
keep its checklist.

Each service is a pure function returning an :class:`~crmcore.events.Outcome`; a refused
command raises a typed error naming every problem and changes nothing.

>>> from datetime import datetime, timedelta, timezone
>>> now = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
>>> created = create_task(
...     TaskDraft(title="Send the offer", assignee=UserId("anna"), due=now + timedelta(days=1),
...               links=[EntityRef(entity_type="deal", entity_id="d-1")],
...               checklist=["Price the items", "Attach the terms"]),
...     task_id=TaskId("t-1"), now=now, actor=UserId("anna"))
>>> created.entity.status.value, [i.id for i in created.entity.checklist], created.events[0].name
('open', ['1', '2'], 'task.created')
>>> ticked = tick_item(created.entity, "1", now=now, actor=UserId("anna")).entity
>>> ticked.progress
(1, 2)
>>> done = complete_task(start_task(ticked, now=now).entity, now=now).entity
>>> done.status.value, done.version
('done', 4)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, tzinfo
from typing import Any

import attrs

from crmcore.errors import BusinessRuleError, DomainValidationError, Violation
from crmcore.events import Outcome, changes_between
from crmcore.ids import EntityRef, ProjectId, TaskId, UserId
from crmcore.repository_checks import instant
from crmcore.tasks.events import TaskChanged, TaskChecklistChanged, TaskCreated, TaskStatusChanged
from crmcore.tasks.kinds import TaskPriority, TaskStatus
from crmcore.tasks.lifecycle import TASK_LIFECYCLE
from crmcore.tasks.model import TASK, ChecklistItem, Task
from crmcore.validation import check_now, enum_member, raise_violations, read_collection
from crmcore.workcalendar import WorkingCalendar, check_not_before

__all__ = [
    "TaskDraft",
    "TaskEdit",
    "add_item",
    "cancel_task",
    "complete_task",
    "create_task",
    "due_on",
    "edit_task",
    "overdue_tasks",
    "reopen_task",
    "start_task",
    "stop_task",
    "tick_item",
    "untick_item",
]

_FINISHED = frozenset({TaskStatus.DONE, TaskStatus.CANCELLED})


@attrs.frozen(kw_only=True)
class TaskDraft:
    """A new task as entered, before any check: the priority may be given as its value, the
    checklist as the texts of its items (numbered ``"1"``, ``"2"``... in order)."""

    title: str
    assignee: UserId
    description: str | None = None
    co_executors: Sequence[UserId] = ()
    due: datetime | None = None
    priority: TaskPriority | str = TaskPriority.NORMAL
    links: Sequence[EntityRef] = ()
    checklist: Sequence[str] = ()
    project_id: ProjectId | None = None
    plan_step: str | None = None


@attrs.frozen(kw_only=True)
class TaskEdit:
    """The fields of a task to change; a field left ``None`` keeps its value."""

    title: str | None = None
    description: str | None = None
    assignee: UserId | None = None
    co_executors: Sequence[UserId] | None = None
    due: datetime | None = None
    priority: TaskPriority | str | None = None
    links: Sequence[EntityRef] | None = None


def _collections(source: Any, found: list[Violation]) -> dict[str, Any]:
    """The draft's or edit's co-executors and links read as collections, where given."""
    read: dict[str, Any] = {}
    co_executors = getattr(source, "co_executors", None)
    if co_executors is not None:
        items = read_collection("co_executors", co_executors, found, hashable=True)
        if items is not None:
            read["co_executors"] = frozenset(items)
    links = getattr(source, "links", None)
    if links is not None:
        items = read_collection("links", links, found)
        if items is not None:
            read["links"] = items
    return read


def _checklist(texts: object, found: list[Violation]) -> tuple[ChecklistItem, ...]:
    items = read_collection("checklist", texts, found) or ()
    checklist: list[ChecklistItem] = []
    for index, text in enumerate(items):
        try:
            checklist.append(ChecklistItem(id=str(index + 1), text=text))
        except DomainValidationError as error:
            found.extend(v.under(f"checklist[{index}]") for v in error.violations)
    return tuple(checklist)


def create_task(
    draft: TaskDraft, *, task_id: TaskId, now: datetime, actor: UserId | None = None
) -> Outcome[Task]:
    """A new open task from ``draft``, created at ``now``.

    Raises :class:`DomainValidationError` naming every problem of the draft.
    """
    check_now(now)
    found: list[Violation] = []
    priority = enum_member(TaskPriority, "priority", draft.priority, found)
    read = _collections(draft, found)
    checklist = _checklist(draft.checklist, found)
    try:
        task = Task(
            id=task_id, title=draft.title, assignee=draft.assignee, created_at=now,
            changed_at=now, description=draft.description,
            co_executors=read.get("co_executors", frozenset()), due=draft.due,
            priority=priority or TaskPriority.NORMAL, links=read.get("links", ()),
            checklist=checklist, project_id=draft.project_id, plan_step=draft.plan_step,
            created_by=actor,
        )  # fmt: skip
    except DomainValidationError as error:
        found.extend(error.violations)
    raise_violations(found)
    event = TaskCreated(
        entity_id=task.id, occurred_at=now, changes=changes_between(None, task), actor=actor
    )
    return Outcome(entity=task, events=(event,))


def _checked(task: Task, now: datetime) -> None:
    check_now(now)
    check_not_before(now, task.changed_at, entity=f"task {task.id!r}")


def _changed(
    task: Task, changed: Task, now: datetime, actor: UserId | None, event: type[Any], **extra: Any
) -> Outcome[Task]:
    differences = changes_between(task, changed, ignore=frozenset({"version", "changed_at"}))
    if not differences:
        return Outcome(entity=task)
    stored = attrs.evolve(changed, changed_at=now, version=task.version + 1)
    announced = event(entity_id=task.id, occurred_at=now, changes=differences, actor=actor, **extra)
    return Outcome(entity=stored, events=(announced,))


def edit_task(
    task: Task, edit: TaskEdit, *, now: datetime, actor: UserId | None = None
) -> Outcome[Task]:
    """``task`` with the fields of ``edit`` changed. An edit that changes nothing returns the
    task as it was, with no new version and no event; a finished task must be reopened
    first (:class:`BusinessRuleError`)."""
    _checked(task, now)
    if not task.is_open:
        raise BusinessRuleError(f"task {task.id!r} is {task.status.value}: reopen it to edit it")
    found: list[Violation] = []
    changes: dict[str, Any] = {
        name: getattr(edit, name)
        for name in ("title", "description", "assignee", "due")
        if getattr(edit, name) is not None
    }
    if edit.priority is not None:
        changes["priority"] = enum_member(TaskPriority, "priority", edit.priority, found)
    changes.update(_collections(edit, found))
    raise_violations(found)
    try:
        changed = attrs.evolve(task, **changes)
    except DomainValidationError as error:
        raise DomainValidationError(error.violations) from None
    return _changed(task, changed, now, actor, TaskChanged)


def _move(task: Task, event: str, *, now: datetime, actor: UserId | None) -> Outcome[Task]:
    _checked(task, now)
    target = TaskStatus(TASK_LIFECYCLE.target(task.status.value, event, entity=(TASK, task.id)))
    finished_at = now if target in _FINISHED else None
    moved = attrs.evolve(task, status=target, finished_at=finished_at)
    return _changed(task, moved, now, actor, TaskStatusChanged, step=event)


def start_task(task: Task, *, now: datetime, actor: UserId | None = None) -> Outcome[Task]:
    """Start working on an open task."""
    return _move(task, "start", now=now, actor=actor)


def stop_task(task: Task, *, now: datetime, actor: UserId | None = None) -> Outcome[Task]:
    """Put a task in progress back to open (work on it has stopped for now)."""
    return _move(task, "stop", now=now, actor=actor)


def complete_task(task: Task, *, now: datetime, actor: UserId | None = None) -> Outcome[Task]:
    """Mark an open or running task done."""
    return _move(task, "complete", now=now, actor=actor)


def cancel_task(task: Task, *, now: datetime, actor: UserId | None = None) -> Outcome[Task]:
    """Cancel an open or running task: it will not be done."""
    return _move(task, "cancel", now=now, actor=actor)


def reopen_task(task: Task, *, now: datetime, actor: UserId | None = None) -> Outcome[Task]:
    """Reopen a done task: it needs more work."""
    return _move(task, "reopen", now=now, actor=actor)


def _open_for_checklist(task: Task) -> None:
    if not task.is_open:
        raise BusinessRuleError(
            f"task {task.id!r} is {task.status.value}: reopen it to change its checklist"
        )


def add_item(
    task: Task, text: str, *, now: datetime, item_id: str | None = None, actor: UserId | None = None
) -> Outcome[Task]:
    """Add an item with ``text`` to the checklist of an open task; its id is ``item_id`` or
    the next free number."""
    _checked(task, now)
    _open_for_checklist(task)
    taken = {item.id for item in task.checklist}
    number = len(task.checklist) + 1
    while item_id is None and str(number) in taken:
        number += 1
    try:
        item = ChecklistItem(id=item_id or str(number), text=text)
        changed = attrs.evolve(task, checklist=(*task.checklist, item))
    except DomainValidationError as error:
        raise DomainValidationError(error.violations) from None
    return _changed(task, changed, now, actor, TaskChecklistChanged)


def _ticked(
    task: Task, item_id: str, *, done: bool, now: datetime, actor: UserId | None
) -> Outcome[Task]:
    _checked(task, now)
    _open_for_checklist(task)
    current = task.item(item_id)
    if current is None:
        raise DomainValidationError.single(
            "item_id", "is not an item of the checklist", value=item_id
        )
    if current.done == done:
        return Outcome(entity=task)
    item = attrs.evolve(
        current, done=done, done_at=now if done else None, done_by=actor if done else None
    )
    checklist = tuple(item if i.id == item_id else i for i in task.checklist)
    return _changed(task, attrs.evolve(task, checklist=checklist), now, actor, TaskChecklistChanged)


def tick_item(
    task: Task, item_id: str, *, now: datetime, actor: UserId | None = None
) -> Outcome[Task]:
    """Tick the checklist item ``item_id``: it is done (ticking a ticked one changes nothing)."""
    return _ticked(task, item_id, done=True, now=now, actor=actor)


def untick_item(
    task: Task, item_id: str, *, now: datetime, actor: UserId | None = None
) -> Outcome[Task]:
    """Untick the checklist item ``item_id``: it needs doing again."""
    return _ticked(task, item_id, done=False, now=now, actor=actor)


def overdue_tasks(
    tasks: Iterable[Task], now: datetime, *, calendar: WorkingCalendar | None = None
) -> list[Task]:
    """The open tasks of ``tasks`` past their due moment at ``now`` in working time of
    ``calendar``, ordered by due moment (as instants), then id."""
    check_now(now)
    found = [task for task in tasks if task.is_overdue(now, calendar=calendar)]
    return sorted(found, key=_by_due)


def due_on(tasks: Iterable[Task], day: date, zone: tzinfo) -> list[Task]:
    """The open tasks of ``tasks`` due on ``day`` in ``zone``, ordered by due moment, then id."""
    found = [task for task in tasks if task.is_open and task.is_due_on(day, zone)]
    return sorted(found, key=_by_due)


def _by_due(task: Task) -> tuple[datetime, str]:
    assert task.due is not None
    return instant(task.due), task.id
