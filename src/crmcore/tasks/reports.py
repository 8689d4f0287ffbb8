"""Read-only views of tasks: a user's agenda of the day, as the manager's desktop shows it.

>>> from datetime import date, datetime, timedelta, timezone
>>> from crmcore.ids import TaskId, UserId
>>> from crmcore.memory import MemoryTaskRepository
>>> from crmcore.tasks import TaskDraft, create_task
>>> now = datetime(2026, 3, 3, 12, 0, tzinfo=timezone.utc)
>>> repository = MemoryTaskRepository()
>>> for number, due in enumerate((now - timedelta(days=1), now + timedelta(hours=3))):
...     draft = TaskDraft(title=f"Call {number}", assignee=UserId("anna"), due=due)
...     repository.add(create_task(draft, task_id=TaskId(f"t-{number}"), now=now).entity)
>>> agenda = task_agenda(repository, UserId("anna"), day=now.date(), now=now, zone=timezone.utc)
>>> [t.id for t in agenda.today], [t.id for t in agenda.overdue]
(['t-1'], ['t-0'])
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, tzinfo

import attrs

from crmcore.ids import UserId
from crmcore.tasks.model import Task
from crmcore.tasks.repository import TaskRepository
from crmcore.validation import check_now, plain_date, raise_violations
from crmcore.workcalendar import WorkingCalendar

__all__ = ["TaskAgenda", "task_agenda"]


@attrs.frozen(kw_only=True)
class TaskAgenda:
    """A user's open tasks for a day: those due on the day and not late yet, and those
    overdue (of any day), each ordered by due moment, then id."""

    user: UserId
    day: date
    today: tuple[Task, ...]
    overdue: tuple[Task, ...]


def task_agenda(
    tasks: TaskRepository,
    user: UserId,
    *,
    day: date,
    now: datetime,
    zone: tzinfo,
    calendar: WorkingCalendar | None = None,
) -> TaskAgenda:
    """The agenda of ``user`` for the calendar ``day`` in ``zone`` at ``now``; a task is
    overdue once working time of ``calendar`` (real time without one) passed its due moment."""
    check_now(now)
    raise_violations(plain_date("day", day))
    start = datetime.combine(day, time(), tzinfo=zone)
    # The end of the day or now, whichever is later, bounds both lists in one query.
    end = max(start + timedelta(days=1), now, key=lambda moment: moment.timestamp())
    found = tasks.find(assignee=user, open_only=True, due_before=end)
    overdue = tuple(task for task in found if task.is_overdue(now, calendar=calendar))
    today = tuple(task for task in found if task.is_due_on(day, zone) and task not in overdue)
    return TaskAgenda(user=user, day=day, today=today, overdue=overdue)
