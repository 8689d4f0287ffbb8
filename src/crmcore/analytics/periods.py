"""Periods of analysis and their counterpart a year before.

A :class:`Period` is a range of calendar days, both ends included. Its previous-year period
is found with python-dateutil's ``relativedelta``, which keeps month ends: 29 February
compares with 28 February, and a period running from the first of a month to a month's end
compares with the same whole months a year before (February 2025 with all of February 2024).

>>> february = Period.containing(date(2024, 2, 10), Granularity.MONTH)
>>> str(february), str(february.previous_year())
('2024-02-01..2024-02-29', '2023-02-01..2023-02-28')
>>> str(Period(first=date(2024, 2, 29), last=date(2024, 2, 29)).previous_year())
'2023-02-28..2023-02-28'
>>> [str(p) for p in Period.containing(date(2024, 5, 1), Granularity.QUARTER).split(
...     Granularity.MONTH)]
['2024-04-01..2024-04-30', '2024-05-01..2024-05-31', '2024-06-01..2024-06-30']
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta, tzinfo

import attrs
from dateutil.relativedelta import relativedelta

from crmcore.errors import Violation
from crmcore.validation import Model, checks, invariant, plain_date, raise_violations

__all__ = ["Granularity", "Period"]

_DAY = timedelta(days=1)
_YEAR = relativedelta(years=1)


class Granularity(enum.Enum):
    """The length of a calendar period: a day, an ISO week (Monday first), a month, a quarter
    or a year."""

    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"

    def start_of(self, day: date) -> date:
        """The first day of the period of this length that holds ``day``."""
        if self is Granularity.DAY:
            return day
        if self is Granularity.WEEK:
            return day - timedelta(days=day.weekday())
        if self is Granularity.MONTH:
            return day.replace(day=1)
        if self is Granularity.QUARTER:
            return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
        return date(day.year, 1, 1)

    def step(self) -> relativedelta:
        """The length of one period of this granularity."""
        steps = {
            Granularity.DAY: relativedelta(days=1),
            Granularity.WEEK: relativedelta(weeks=1),
            Granularity.MONTH: relativedelta(months=1),
            Granularity.QUARTER: relativedelta(months=3),
            Granularity.YEAR: relativedelta(years=1),
        }
        return steps[self]


def _month_end(day: date) -> date:
    return day + relativedelta(day=31)


@attrs.frozen(kw_only=True, order=False)
class Period(Model):
    """The calendar days from ``first`` to ``last``, both included."""

    first: date = attrs.field(metadata=checks(plain_date))
    last: date = attrs.field(metadata=checks(plain_date))

    @invariant("first", "last")
    def _ordered(self) -> Iterator[Violation]:
        if self.last < self.first:
            yield Violation(field="last", message="must not be before first", value=self.last)

    def __str__(self) -> str:
        return f"{self.first.isoformat()}..{self.last.isoformat()}"

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.first <= day <= self.last

    @classmethod
    def containing(cls, day: date, granularity: Granularity, *, to_date: bool = False) -> Period:
        """The period of ``granularity`` that holds ``day``; with ``to_date`` it ends on ``day``
        (month to date, year to date)."""
        raise_violations(plain_date("day", day))
        first = granularity.start_of(day)
        last = day if to_date else first + granularity.step() - _DAY
        return cls(first=first, last=last)

    @property
    def days(self) -> int:
        """How many days the period has."""
        return (self.last - self.first).days + 1

    def previous_year(self) -> Period:
        """The same period a year before: 29 February becomes 28 February, and a period from
        the first of a month to a month's end keeps ending at that month's end."""
        first = self.first - _YEAR
        last = self.last - _YEAR
        if self.first.day == 1 and self.last == _month_end(self.last):
            last = _month_end(last)
        return Period(first=first, last=last)

    def split(self, granularity: Granularity) -> tuple[Period, ...]:
        """The period cut at the boundaries of ``granularity``: consecutive pieces without
        gaps or overlaps, the first and last clipped to this period."""
        pieces = []
        first = self.first
        while first <= self.last:
            start = granularity.start_of(first)
            last = min(start + granularity.step() - _DAY, self.last)
            pieces.append(Period(first=first, last=last))
            first = last + _DAY
        return tuple(pieces)

    def bounds(self, zone: tzinfo = UTC) -> tuple[datetime, datetime]:
        """The moments the period starts and ends at in ``zone``, in UTC: ``[start, end)``."""
        start = datetime.combine(self.first, time(), tzinfo=zone)
        end = datetime.combine(self.last + _DAY, time(), tzinfo=zone)
        return start.astimezone(UTC), end.astimezone(UTC)
