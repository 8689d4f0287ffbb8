"""Period arithmetic: partitions without gaps or overlaps, and the same period a year before
(29 February against 28 February, month ends kept)."""

from datetime import UTC, date, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given
from hypothesis import strategies as st

from crmcore.analytics import Granularity, Period
from crmcore.errors import DomainValidationError
from crmcore.testing.strategies import periods

# A year after the first day crmcore takes, so that the year before is one too.
DAYS = st.dates(min_value=date(1901, 1, 1), max_value=date(2200, 12, 31))
COARSE = st.sampled_from((Granularity.MONTH, Granularity.QUARTER, Granularity.YEAR))


@given(period=periods(min_value=date(2023, 1, 1), max_value=date(2025, 12, 31)),
       granularity=st.sampled_from(Granularity))  # fmt: skip
def test_a_split_partitions_the_period_without_gaps_or_overlaps(
    period: Period, granularity: Granularity
) -> None:
    pieces = period.split(granularity)
    assert pieces[0].first == period.first
    assert pieces[-1].last == period.last
    for before, after in pairwise(pieces):
        assert after.first == before.last + timedelta(days=1)
    for piece in pieces:
        assert granularity.start_of(piece.first) == granularity.start_of(piece.last)
    assert sum(piece.days for piece in pieces) == period.days


@given(day=DAYS, granularity=st.sampled_from(Granularity))
def test_the_period_containing_a_day_holds_it_and_splits_into_itself(
    day: date, granularity: Granularity
) -> None:
    period = Period.containing(day, granularity)
    assert day in period
    assert period.split(granularity) == (period,)
    to_date = Period.containing(day, granularity, to_date=True)
    assert (to_date.first, to_date.last) == (period.first, day)


@given(period=st.from_type(Period))
def test_the_previous_year_is_a_year_before_give_or_take_29_february(period: Period) -> None:
    before = period.previous_year()
    assert before.first == period.first - relativedelta(years=1)
    assert abs(before.days - period.days) <= 1
    assert before.last.year == period.last.year - 1


@given(day=DAYS)
def test_a_single_day_compares_with_the_same_day_or_28_february(day: date) -> None:
    before = Period(first=day, last=day).previous_year()
    assert before.first == before.last
    if (day.month, day.day) == (2, 29):
        assert before.first == date(day.year - 1, 2, 28)
    else:
        assert before.first == day.replace(year=day.year - 1)


@given(year=st.integers(min_value=1901, max_value=2200), granularity=COARSE)
def test_whole_months_of_a_year_map_onto_the_whole_months_a_year_before(
    year: int, granularity: Granularity
) -> None:
    this_year = Period.containing(date(year, 6, 1), Granularity.YEAR)
    mapped = tuple(piece.previous_year() for piece in this_year.split(granularity))
    assert mapped == this_year.previous_year().split(granularity)


def test_leap_februaries_and_month_to_date() -> None:
    february = Period.containing(date(2025, 2, 14), Granularity.MONTH)
    assert february.previous_year() == Period(first=date(2024, 2, 1), last=date(2024, 2, 29))
    to_date = Period.containing(date(2024, 2, 29), Granularity.YEAR, to_date=True)
    assert to_date.previous_year() == Period(first=date(2023, 1, 1), last=date(2023, 2, 28))
    week = Period(first=date(2025, 2, 22), last=date(2025, 2, 28))
    assert week.previous_year() == Period(first=date(2024, 2, 22), last=date(2024, 2, 28))


def test_bounds_are_the_days_of_the_zone_in_utc() -> None:
    day = Period(first=date(2026, 3, 2), last=date(2026, 3, 2))
    start, end = day.bounds(ZoneInfo("Asia/Vladivostok"))
    assert (start.tzinfo, start.hour, end - start) == (UTC, 14, timedelta(days=1))
    assert start.date() == date(2026, 3, 1)


def test_bad_periods_name_the_field() -> None:
    with pytest.raises(DomainValidationError) as raised:
        Period(first=date(2026, 3, 2), last=date(2026, 3, 1))
    assert raised.value.field == "last"
    with pytest.raises(DomainValidationError) as raised:
        Period.containing("2026-03-02", Granularity.DAY)  # type: ignore[arg-type]
    assert raised.value.field == "day"
    assert str(raised.value) == "day: must be a date (got '2026-03-02')"
