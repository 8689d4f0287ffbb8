"""Strategies for working calendars (:mod:`crmcore.workcalendar`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, time
from typing import Final

from hypothesis import strategies as st

from crmcore.testing.strategies._common import Choices, _strategy
from crmcore.workcalendar import HolidayRule, WorkingCalendar, WorkingPeriod

__all__ = [
    "working_calendars",
    "working_periods",
]

_CALENDAR_ZONES: Final = ("UTC", "Europe/Moscow", "Europe/Berlin", "America/New_York",
                          "Asia/Vladivostok", "Australia/Lord_Howe")  # fmt: skip
_HOLIDAY_RULES: Final = (
    HolidayRule(name="New Year", rule="FREQ=YEARLY;BYMONTH=1;BYMONTHDAY=1"),
    HolidayRule(name="Orthodox Christmas", rule="FREQ=YEARLY;BYMONTH=1;BYMONTHDAY=7"),
    HolidayRule(name="Memorial Day", rule="FREQ=YEARLY;BYMONTH=5;BYDAY=-1MO"),
    HolidayRule(name="First Friday", rule="FREQ=MONTHLY;BYDAY=+1FR"),
)


def _quarter(index: int) -> time:
    """The ``index``-th quarter hour of a day; 96 is the midnight that ends it."""
    return time(0) if index == 96 else time(index // 4, index % 4 * 15)


@st.composite
def working_periods(draw: st.DrawFn, *, count: int = 1) -> tuple[WorkingPeriod, ...]:
    """``count`` ordered, non-overlapping working periods on a quarter-hour grid."""
    marks = draw(st.lists(st.integers(0, 96), min_size=2 * count, max_size=2 * count, unique=True))
    marks.sort()
    return tuple(
        WorkingPeriod(start=_quarter(marks[i]), end=_quarter(marks[i + 1]))
        for i in range(0, 2 * count, 2)
    )


@st.composite
def working_calendars(
    draw: st.DrawFn,
    *,
    time_zones: Choices[str] = _CALENDAR_ZONES,
    years: Sequence[int] = (2025, 2026, 2027),
) -> WorkingCalendar:
    """Working calendars with one to three periods a day, holidays and extra working days
    in ``years``, in zones with and without daylight saving time."""
    days = st.dates(date(min(years), 1, 1), date(max(years), 12, 31))
    holidays = draw(st.frozensets(days, max_size=12))
    return WorkingCalendar(
        time_zone=draw(_strategy(time_zones)),
        working_days=draw(st.frozensets(st.integers(0, 6), min_size=1)),
        hours=draw(st.integers(1, 3).flatmap(lambda count: working_periods(count=count))),
        holidays=holidays,
        holiday_rules=tuple(draw(st.lists(st.sampled_from(_HOLIDAY_RULES), unique=True))),
        extra_working_days=draw(st.frozensets(days, max_size=4)) - holidays,
    )
