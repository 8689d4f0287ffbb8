"""Sample moments, calendar and tasks of the tasks tests."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any, Final
from zoneinfo import ZoneInfo

from crmcore.ids import EntityRef, TaskId, UserId
from crmcore.tasks import Task, TaskDraft, create_task
from crmcore.workcalendar import WorkingCalendar, WorkingPeriod

MOSCOW: Final = ZoneInfo("Europe/Moscow")
CALENDAR: Final = WorkingCalendar(
    time_zone="Europe/Moscow", hours=(WorkingPeriod(start=time(9), end=time(18)),)
)
MONDAY: Final = datetime(2026, 3, 2, 10, 0, tzinfo=MOSCOW)
FRIDAY_CLOSE: Final = datetime(2026, 3, 6, 18, 0, tzinfo=MOSCOW)
HOUR: Final = timedelta(hours=1)
DEAL: Final = EntityRef(entity_type="deal", entity_id="d-1")
ANNA: Final = UserId("anna")
BORIS: Final = UserId("boris")


def draft(**changes: Any) -> TaskDraft:
    """A task for Anna about deal d-1, due Friday at close, with two checklist items."""
    values: dict[str, Any] = {
        "title": "Отправить КП",
        "assignee": ANNA,
        "due": FRIDAY_CLOSE,
        "links": [DEAL],
        "checklist": ["Посчитать цены", "Приложить условия"],
    }
    values.update(changes)
    return TaskDraft(**values)


def task(task_id: str = "t-1", **changes: Any) -> Task:
    """The task of :func:`draft`, created on Monday."""
    return create_task(draft(**changes), task_id=TaskId(task_id), now=MONDAY, actor=ANNA).entity
