"""Days on the calendar of the host's zone: relative dates ("today + 2 working days") and
the offsets of date triggers count them.

>>> from datetime import date
>>> shift_days(date(2026, 6, 1), -3, working=True).isoformat()   # Monday, back to Wednesday
'2026-05-27'
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Final

from crmcore.workcalendar import WorkingCalendar

__all__ = ["local", "shift_days", "shift_moment"]

_LONGEST_STEP: Final = 3660


def _is_working(day: date, calendar: WorkingCalendar | None) -> bool:
    return calendar.is_working_day(day) if calendar is not None else day.weekday() < 5


def shift_days(
    day: date, days: int, *, working: bool = False, calendar: WorkingCalendar | None = None
) -> date:
    """``day`` moved by ``days`` calendar days, or by working days when ``working`` is set."""
    if not working:
        return day + timedelta(days=days)
    step = 1 if days >= 0 else -1
    remaining, moved = abs(days), 0
    while remaining and moved < _LONGEST_STEP:
        day += timedelta(days=step)
        moved += 1
        if _is_working(day, calendar):
            remaining -= 1
    return day


def local(moment: datetime, calendar: WorkingCalendar | None) -> datetime:
    """``moment`` on the wall clock of the calendar's zone (its own zone without a calendar):
    the zone whose date "today" is and whose days working days count."""
    return moment.astimezone(calendar.zone) if calendar is not None else moment


def shift_moment(
    moment: datetime, days: int, *, working: bool = False, calendar: WorkingCalendar | None = None
) -> datetime:
    """``moment`` moved by ``days`` calendar or working days of the calendar's zone, at the same
    wall-clock time there: a day is a date of the calendar, not of UTC."""
    at = local(moment, calendar)
    day = shift_days(at.date(), days, working=working, calendar=calendar)
    return datetime.combine(day, at.time(), tzinfo=at.tzinfo)
