"""Working calendars: when a company works, and arithmetic on working time.

A due date of "eight working hours" means eight hours of the company's working time: nights,
weekends and holidays do not count. :class:`WorkingCalendar` holds the working week (days and
hours of the day, in one IANA time zone), holidays (explicit dates and python-dateutil
recurrence rules) and extra working days (a Saturday worked in exchange for a bridge day),
and computes with them:

>>> from datetime import date, datetime, time, timedelta, timezone
>>> calendar = WorkingCalendar(
...     time_zone="Europe/Moscow",
...     hours=(WorkingPeriod(start=time(9), end=time(13)),
...            WorkingPeriod(start=time(14), end=time(18))),
...     holiday_rules=(HolidayRule(name="New Year", rule="FREQ=YEARLY;BYMONTH=1;BYMONTHDAY=1"),),
... )
>>> friday_afternoon = datetime(2026, 5, 29, 16, 0, tzinfo=calendar.zone)
>>> calendar.add_working_time(friday_afternoon, timedelta(hours=3)).isoformat()
'2026-06-01T10:00:00+03:00'
>>> calendar.working_time_between(friday_afternoon, datetime(2026, 6, 1, 10, tzinfo=calendar.zone))
datetime.timedelta(seconds=10800)
>>> calendar.is_working_day(date(2027, 1, 1))
False

A due date that uses up a working day exactly is the closing time of that day (18:00 on
Friday, not 09:00 on Monday); a start outside working time counts from the next working moment.
All arithmetic runs on absolute instants, so days when clocks change have their real length.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import attrs
from dateutil.rrule import rrulestr

from crmcore.errors import DomainValidationError, Violation
from crmcore.validation import (
    FIRST_DAY,
    LAST_DAY,
    Model,
    aware_datetime,
    bounded_text,
    checks,
    clean_text,
    each,
    instance_of,
    int_at_most,
    invariant,
    raise_violations,
)

__all__ = [
    "HolidayRule",
    "WorkingCalendar",
    "WorkingPeriod",
    "check_not_before",
    "elapsed",
    "instant_after",
    "latest",
]

_DAY: Final = timedelta(days=1)
_MIDNIGHT: Final = time(0)
# A calendar without a single working period in ten years is a mistake, not a long holiday.
_HORIZON_DAYS: Final = 3660
_SUB_DAILY: Final = re.compile(
    r"FREQ\s*=\s*(HOURLY|MINUTELY|SECONDLY)|BY(HOUR|MINUTE|SECOND)\s*=", re.IGNORECASE
)
# A rule anchored by a DTSTART is expanded from there to the year asked: only a yearly or
# monthly one stays cheap over the centuries crmcore's dates span.
_ANCHORED: Final = re.compile(r"DTSTART", re.IGNORECASE)
_COARSE: Final = re.compile(r"FREQ\s*=\s*(YEARLY|MONTHLY)\b", re.IGNORECASE)
_START_YEAR: Final = re.compile(r"DTSTART[^:\n]*:\s*(\d{4})", re.IGNORECASE)
# The most calendar days one computation walks: its cost stays bounded whatever it is asked.
_MAX_WALK_DAYS: Final = 2 * 3660


def _naive_time(field: str, value: object) -> Iterator[Violation]:
    if not isinstance(value, time) or value.tzinfo is not None:
        yield Violation(field=field, message="must be a time of day without a zone", value=value)


@attrs.frozen(kw_only=True)
class WorkingPeriod(Model):
    """Working hours within a day, from ``start`` to ``end`` local time.

    An ``end`` of ``time(0)`` means midnight at the end of the day, so ``00:00-00:00`` is a
    round-the-clock day.
    """

    start: time = attrs.field(metadata=checks(_naive_time))
    end: time = attrs.field(metadata=checks(_naive_time))

    @property
    def start_offset(self) -> timedelta:
        """The start as time since midnight."""
        return _offset(self.start)

    @property
    def end_offset(self) -> timedelta:
        """The end as time since midnight (24 hours for a period that ends at midnight)."""
        return _DAY if self.end == _MIDNIGHT else _offset(self.end)

    @invariant("start", "end")
    def _ordered(self) -> Iterator[Violation]:
        if self.end_offset <= self.start_offset:
            yield Violation(field="end", message="must be later than start", value=self.end)


def _offset(moment: time) -> timedelta:
    return timedelta(
        hours=moment.hour, minutes=moment.minute, seconds=moment.second,
        microseconds=moment.microsecond,
    )  # fmt: skip


def _rrule(field: str, value: object) -> Iterator[Violation]:
    if not isinstance(value, str):
        return
    if _SUB_DAILY.search(value):
        yield Violation(field=field, message="must recur by days or longer", value=value)
        return
    if _ANCHORED.search(value) and not _anchored_cheaply(value):
        message = f"with a DTSTART must recur yearly or monthly from {FIRST_DAY.year} on"
        yield Violation(field=field, message=message, value=value)
        return
    try:
        rrulestr(value, dtstart=datetime(2000, 1, 1))
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, OverflowError):
        message = "must be an RFC 5545 rule like 'FREQ=YEARLY;BYMONTH=1;BYMONTHDAY=1'"
        yield Violation(field=field, message=message, value=value)


def _anchored_cheaply(rule: str) -> bool:
    start = _START_YEAR.search(rule)
    return start is not None and int(start[1]) >= FIRST_DAY.year and bool(_COARSE.search(rule))


@attrs.frozen(kw_only=True)
class HolidayRule(Model):
    """Holidays that recur, as an RFC 5545 rule read by python-dateutil.

    Without a ``DTSTART`` the rule is read afresh for each year, which suits yearly holidays:
    ``FREQ=YEARLY;BYMONTH=5;BYDAY=-1MO`` is the last Monday of May in every year.
    """

    name: str = attrs.field(converter=clean_text, metadata=checks(bounded_text(200)))
    rule: str = attrs.field(
        converter=clean_text, metadata=checks(bounded_text(500, multiline=True), _rrule)
    )

    def dates(self, year: int) -> frozenset[date]:
        """The holidays of this rule in ``year``."""
        return _rule_dates(self.rule, year)


@lru_cache(maxsize=4096)
def _rule_dates(rule: str, year: int) -> frozenset[date]:
    first = datetime(year, 1, 1)
    last = datetime(year, 12, 31, 23, 59, 59)
    has_start = "DTSTART" in rule.upper()
    parsed = rrulestr(rule) if has_start else rrulestr(rule, dtstart=first)
    return frozenset(moment.date() for moment in parsed.between(first, last, inc=True))


def _time_zone(field: str, value: object) -> Iterator[Violation]:
    known = isinstance(value, str) and bool(value)
    if known:
        try:
            ZoneInfo(str(value))
        except (ZoneInfoNotFoundError, ValueError):
            known = False
    if not known:
        message = "must be an IANA zone like 'Europe/Moscow'"
        yield Violation(field=field, message=message, value=value)


def _weekdays(field: str, value: object) -> Iterator[Violation]:
    if not isinstance(value, frozenset):
        yield Violation(field=field, message="must be a frozenset of weekdays", value=value)
        return
    if not value or not value <= frozenset(range(7)):
        yield Violation(field=field, message="must hold weekdays 0 (Monday) to 6", value=value)


def _dates(field: str, value: object) -> Iterator[Violation]:
    if not isinstance(value, frozenset) or not all(
        isinstance(d, date) and not isinstance(d, datetime) for d in value
    ):
        yield Violation(field=field, message="must be a frozenset of dates", value=value)


@attrs.frozen(kw_only=True, cache_hash=True)
class WorkingCalendar(Model):
    """The working time of a company or a service desk, in its own time zone.

    ``working_days`` are weekdays (0 is Monday); ``hours`` the working periods of each working
    day, in order; ``holidays`` and ``holiday_rules`` are days off; ``extra_working_days``
    are days worked although the week or a holiday rule says otherwise.
    """

    time_zone: str = attrs.field(default="UTC", metadata=checks(_time_zone))
    working_days: frozenset[int] = attrs.field(
        default=frozenset(range(5)), metadata=checks(_weekdays)
    )
    hours: tuple[WorkingPeriod, ...] = attrs.field(
        default=(WorkingPeriod(start=time(9), end=time(18)),),
        metadata=checks(each(instance_of(WorkingPeriod))),
    )
    holidays: frozenset[date] = attrs.field(default=frozenset(), metadata=checks(_dates))
    holiday_rules: tuple[HolidayRule, ...] = attrs.field(
        default=(), metadata=checks(each(instance_of(HolidayRule)))
    )
    extra_working_days: frozenset[date] = attrs.field(default=frozenset(), metadata=checks(_dates))

    @invariant("hours", "holidays", "extra_working_days")
    def _days_and_hours(self) -> Iterator[Violation]:
        if not self.hours:
            yield Violation(field="hours", message="needs at least one working period")
        for index in range(1, len(self.hours)):
            if self.hours[index].start_offset < self.hours[index - 1].end_offset:
                message = "must start after the previous period ends"
                yield Violation(field=f"hours[{index}]", message=message)
        for day in sorted(self.holidays & self.extra_working_days):
            message = "cannot also be a holiday"
            yield Violation(field="extra_working_days", message=message, value=day)

    @property
    def zone(self) -> ZoneInfo:
        """The time zone whose wall clock the working hours follow."""
        return ZoneInfo(self.time_zone)

    def is_working_day(self, day: date) -> bool:
        """Whether ``day`` has working hours."""
        if day in self.holidays:
            return False
        if day in self.extra_working_days:
            return True
        if any(day in rule.dates(day.year) for rule in self.holiday_rules):
            return False
        return day.weekday() in self.working_days

    def is_working_time(self, moment: datetime) -> bool:
        """Whether ``moment`` falls within working hours (a period's end is not within it)."""
        found = self.next_working_moment(moment)
        # Compared as UTC: two times in one zone compare by wall clock, ignoring the fold.
        return found.astimezone(UTC) == moment.astimezone(UTC)

    def next_working_moment(self, moment: datetime) -> datetime:
        """``moment`` itself in working hours, else the start of the next working period."""
        return self.add_working_time(moment, timedelta(0))

    def add_working_time(self, moment: datetime, duration: timedelta) -> datetime:
        """The moment ``duration`` of working time after ``moment``, in ``moment``'s zone.

        A negative ``duration`` counts backwards, as :meth:`subtract_working_time` does.
        """
        start = _utc(moment, "moment")
        duration = _duration(duration)
        if duration < timedelta(0):
            return self.subtract_working_time(moment, -duration)
        remaining = duration
        for begin, end in self._periods_after(start):
            if remaining <= end - begin:
                return (begin + remaining).astimezone(moment.tzinfo)
            remaining -= end - begin
        raise _no_working_time()  # pragma: no cover - the periods end only by raising it

    def subtract_working_time(self, moment: datetime, duration: timedelta) -> datetime:
        """The latest moment with ``duration`` of working time between it and ``moment``."""
        finish = _utc(moment, "moment")
        duration = _duration(duration)
        if duration < timedelta(0):
            return self.add_working_time(moment, -duration)
        if duration == timedelta(0):
            return moment
        remaining = duration
        for begin, end in self._periods_before(finish):
            if remaining <= end - begin:
                return (end - remaining).astimezone(moment.tzinfo)
            remaining -= end - begin
        raise _no_working_time()  # pragma: no cover - the periods end only by raising it

    def add_working_days(self, moment: datetime, days: int) -> datetime:
        """The moment ``days`` working days after ``moment``, as far into that working day as
        ``moment`` (or the next working moment) is into its own, in ``moment``'s zone.

        Monday 10:00 plus five working days is the next Monday at 10:00, a holiday in
        between makes it Tuesday; a shorter day ends at its closing time.
        """
        raise_violations(int_at_most(_HORIZON_DAYS)("days", days))
        start = self.next_working_moment(moment)
        if not days:
            return start
        day = start.astimezone(self.zone).date()
        into = self.working_time_between(self.working_periods(day)[0][0], start)
        for _ in range(days):
            day = self._next_working_day(day)
        periods = self.working_periods(day)
        length = sum((end - begin for begin, end in periods), timedelta(0))
        return self.add_working_time(periods[0][0], min(into, length)).astimezone(moment.tzinfo)

    def _next_working_day(self, day: date) -> date:
        for _ in range(_HORIZON_DAYS):
            day = _step(day, 1)
            if self.working_periods(day):
                return day
        raise _no_working_time()

    def working_time_between(self, start: datetime, end: datetime) -> timedelta:
        """Working time from ``start`` to ``end`` (negative when ``end`` comes first)."""
        first, last = _utc(start, "start"), _utc(end, "end")
        if last < first:
            return -self.working_time_between(end, start)
        if last - first > timedelta(days=_MAX_WALK_DAYS - 2):
            message = f"must lie within {_MAX_WALK_DAYS - 2} days of start"
            raise DomainValidationError.single("end", message, value=end.isoformat())
        total = timedelta(0)
        for begin, finish in self._periods_after(first):
            if begin >= last:
                break
            total += min(finish, last) - begin
        return total

    def working_periods(self, day: date) -> tuple[tuple[datetime, datetime], ...]:
        """The working periods of ``day`` as UTC instants, in order, none overlapping.

        Periods are clamped where a clock change makes local times repeat or vanish.
        """
        return _working_periods(self, day)

    def _periods_after(self, start: datetime) -> Iterator[tuple[datetime, datetime]]:
        """Working periods ending after ``start``, the first one cut to begin at ``start``."""
        day = start.astimezone(self.zone).date() - _DAY
        idle = 0
        for _ in range(_MAX_WALK_DAYS):
            periods = [p for p in self.working_periods(day) if p[1] > start]
            idle = 0 if periods else idle + 1
            if idle > _HORIZON_DAYS:
                raise _no_working_time()
            for begin, end in periods:
                yield max(begin, start), end
            day = _step(day, 1)
        raise _too_far()

    def _periods_before(self, finish: datetime) -> Iterator[tuple[datetime, datetime]]:
        """Working periods starting before ``finish``, latest first, cut to end by ``finish``."""
        day = finish.astimezone(self.zone).date() + _DAY
        idle = 0
        for _ in range(_MAX_WALK_DAYS):
            periods = [p for p in self.working_periods(day) if p[0] < finish]
            idle = 0 if periods else idle + 1
            if idle > _HORIZON_DAYS:
                raise _no_working_time()
            for begin, end in reversed(periods):
                yield begin, min(end, finish)
            day = _step(day, -1)
        raise _too_far()


# Due dates of many claims walk over the same days; a calendar is immutable and hashes once.
@lru_cache(maxsize=16384)
def _working_periods(calendar: WorkingCalendar, day: date) -> tuple[tuple[datetime, datetime], ...]:
    if not calendar.is_working_day(day):
        return ()
    midnight = datetime.combine(day, _MIDNIGHT, tzinfo=calendar.zone)
    found: list[tuple[datetime, datetime]] = []
    for period in calendar.hours:
        # Wall-clock arithmetic within the zone, then the real instant of that wall time.
        begin = (midnight + period.start_offset).astimezone(UTC)
        end = (midnight + period.end_offset).astimezone(UTC)
        if found:
            begin = max(begin, found[-1][1])
        if begin < end:
            found.append((begin, end))
    return tuple(found)


def instant_after(moment: datetime, duration: timedelta) -> datetime:
    """The instant ``duration`` of real time after ``moment`` (before it when negative), in
    ``moment``'s zone: a reminder, a length, any offset that is a duration.

    Python adds a ``timedelta`` to the wall clock of a zoned datetime, which is an hour off
    across a clock change; only calendar rules (working days, the 5th of the month) are local.

    >>> from zoneinfo import ZoneInfo
    >>> start = datetime(2026, 3, 8, 3, 15, tzinfo=ZoneInfo("America/New_York"))
    >>> instant_after(start, -timedelta(hours=1)).isoformat()
    '2026-03-08T01:15:00-05:00'
    """
    return (moment.astimezone(UTC) + duration).astimezone(moment.tzinfo)


def elapsed(start: datetime, end: datetime) -> timedelta:
    """The real time from ``start`` to ``end``, whatever zones they are written in (Python
    subtracts two datetimes of one zone by their wall clocks)."""
    return end.astimezone(UTC) - start.astimezone(UTC)


def latest(*moments: datetime | None) -> datetime:
    """The latest of ``moments`` as an instant, ``None`` left out (at least one is given)."""
    return max((m for m in moments if m is not None), key=lambda m: m.astimezone(UTC))


def check_not_before(now: datetime, last: datetime, *, entity: str) -> None:
    """Refuse a command dated ``now`` before ``last``, the latest moment recorded on
    ``entity`` (``"deal 'd-1'"``): it would put the history out of order and give negative
    times at a stage. Compared as instants, whatever zones the two are written in.

    >>> at = datetime(2026, 3, 2, 9, tzinfo=UTC)
    >>> try:
    ...     check_not_before(at - timedelta(days=10), at, entity="deal 'd-1'")
    ... except DomainValidationError as error:
    ...     print(error.field, error.violations[0].message)
    now must not be before 2026-03-02T09:00:00+00:00, the last change of deal 'd-1'
    """
    if now.astimezone(UTC) < last.astimezone(UTC):
        message = f"must not be before {last.isoformat()}, the last change of {entity}"
        raise DomainValidationError.single("now", message, value=now.isoformat())


def _utc(moment: datetime, field: str) -> datetime:
    raise_violations(aware_datetime(field, moment))
    return moment.astimezone(UTC)


def _duration(value: timedelta) -> timedelta:
    if not isinstance(value, timedelta):
        raise DomainValidationError.single("duration", "must be a timedelta", value=value)
    # Working time never exceeds calendar time: a longer duration walks too far for sure.
    if not -timedelta(days=_MAX_WALK_DAYS) <= value <= timedelta(days=_MAX_WALK_DAYS):
        raise _too_far()
    return value


def _too_far() -> DomainValidationError:
    return DomainValidationError.single(
        "duration", f"reaches more than {_MAX_WALK_DAYS} days of the calendar"
    )


def _step(day: date, days: int) -> date:
    try:
        following = day + timedelta(days=days)
    except OverflowError:
        following = date.max
    if not FIRST_DAY <= following <= LAST_DAY:
        raise DomainValidationError.single(
            "duration", "reaches beyond the dates a calendar can hold"
        )
    return following


def _no_working_time() -> DomainValidationError:
    return DomainValidationError.single(
        "calendar", f"has no working time within {_HORIZON_DAYS} days"
    )
