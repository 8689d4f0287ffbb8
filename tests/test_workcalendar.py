"""Working calendars: working days and hours, holidays by date and by rule, and working-time
arithmetic that never lands on non-working time and round-trips."""

import pickle
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from crmcore.errors import DomainValidationError
from crmcore.serialization import make_converter
from crmcore.testing.strategies import aware_datetimes, working_calendars
from crmcore.workcalendar import HolidayRule, WorkingCalendar, WorkingPeriod

MOSCOW = ZoneInfo("Europe/Moscow")
CONVERTER = make_converter()
BERLIN = ZoneInfo("Europe/Berlin")
OFFICE = WorkingCalendar(
    time_zone="Europe/Moscow",
    hours=(
        WorkingPeriod(start=time(9), end=time(13)),
        WorkingPeriod(start=time(14), end=time(18)),
    ),
    holidays=frozenset({date(2026, 6, 12)}),
    holiday_rules=(HolidayRule(name="New Year", rule="FREQ=YEARLY;BYMONTH=1;BYMONTHDAY=1"),),
    extra_working_days=frozenset({date(2026, 6, 13)}),
)
MOMENTS = aware_datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2027, 12, 1))
DURATIONS = st.integers(0, 60 * 24 * 20).map(lambda m: timedelta(minutes=m))


def moscow(*args: int) -> datetime:
    return datetime(*args, tzinfo=MOSCOW)  # type: ignore[misc]


def on_working_time(calendar: WorkingCalendar, moment: datetime) -> bool:
    """Within a working period, its start and its end included."""
    local = moment.astimezone(calendar.zone).date()
    days = (local - timedelta(days=1), local, local + timedelta(days=1))
    return any(
        begin <= moment <= end for day in days for begin, end in calendar.working_periods(day)
    )


# --- examples --------------------------------------------------------------------------------


def test_time_is_added_across_the_lunch_break_and_the_weekend() -> None:
    friday = moscow(2026, 5, 29, 12, 0)
    assert OFFICE.add_working_time(friday, timedelta(hours=1)) == moscow(2026, 5, 29, 13, 0)
    assert OFFICE.add_working_time(friday, timedelta(hours=2)) == moscow(2026, 5, 29, 15, 0)
    assert OFFICE.add_working_time(friday, timedelta(hours=5)) == moscow(2026, 5, 29, 18, 0)
    assert OFFICE.add_working_time(friday, timedelta(hours=6)) == moscow(2026, 6, 1, 10, 0)


def test_five_working_days_from_wednesday_skip_the_holiday_and_work_the_extra_saturday() -> None:
    wednesday = moscow(2026, 6, 10, 10, 0)
    assert OFFICE.add_working_days(wednesday, 5) == moscow(2026, 6, 17, 10, 0)
    assert OFFICE.add_working_days(moscow(2026, 6, 5, 17, 30), 1) == moscow(2026, 6, 8, 17, 30)
    assert OFFICE.add_working_days(moscow(2026, 5, 30, 11, 0), 1) == moscow(2026, 6, 2, 9, 0)
    assert OFFICE.add_working_days(moscow(2026, 6, 8, 13, 30), 0) == moscow(2026, 6, 8, 14, 0)
    assert OFFICE.add_working_days(wednesday, 0) == wednesday
    with pytest.raises(DomainValidationError) as raised:
        OFFICE.add_working_days(wednesday, -1)
    assert raised.value.field == "days"


def test_a_start_outside_working_time_counts_from_the_next_working_moment() -> None:
    saturday = moscow(2026, 5, 30, 11, 0)
    assert OFFICE.next_working_moment(saturday) == moscow(2026, 6, 1, 9, 0)
    assert OFFICE.add_working_time(saturday, timedelta(hours=2)) == moscow(2026, 6, 1, 11, 0)
    assert OFFICE.next_working_moment(moscow(2026, 6, 1, 13, 0)) == moscow(2026, 6, 1, 14, 0)


def test_holidays_by_date_and_by_rule_are_skipped_and_extra_working_days_are_worked() -> None:
    assert not OFFICE.is_working_day(date(2026, 6, 12))
    assert OFFICE.is_working_day(date(2026, 6, 13))
    assert not OFFICE.is_working_day(date(2027, 1, 1))
    assert not OFFICE.is_working_day(date(2026, 6, 14))
    thursday_evening = moscow(2026, 6, 11, 17, 0)
    due = OFFICE.add_working_time(thursday_evening, timedelta(hours=2))
    assert due == moscow(2026, 6, 13, 10, 0)


def test_subtracting_goes_back_over_non_working_time() -> None:
    monday = moscow(2026, 6, 1, 10, 0)
    assert OFFICE.subtract_working_time(monday, timedelta(hours=2)) == moscow(2026, 5, 29, 17, 0)
    assert OFFICE.add_working_time(monday, -timedelta(hours=2)) == moscow(2026, 5, 29, 17, 0)
    assert OFFICE.subtract_working_time(monday, -timedelta(hours=1)) == moscow(2026, 6, 1, 11, 0)
    assert OFFICE.subtract_working_time(monday, timedelta(0)) == monday


def test_working_time_between_counts_only_working_hours_and_is_signed() -> None:
    start, end = moscow(2026, 5, 29, 12, 0), moscow(2026, 6, 1, 10, 0)
    assert OFFICE.working_time_between(start, end) == timedelta(hours=6)
    assert OFFICE.working_time_between(end, start) == -timedelta(hours=6)
    assert OFFICE.working_time_between(start, start) == timedelta(0)


def test_is_working_time_excludes_a_period_end() -> None:
    assert OFFICE.is_working_time(moscow(2026, 6, 1, 9, 0))
    assert not OFFICE.is_working_time(moscow(2026, 6, 1, 13, 0))
    assert not OFFICE.is_working_time(moscow(2026, 6, 1, 8, 59))


def test_the_result_keeps_the_zone_of_the_moment_given() -> None:
    start = datetime(2026, 6, 1, 6, 0, tzinfo=UTC)
    due = OFFICE.add_working_time(start, timedelta(hours=1))
    assert due.tzinfo is UTC
    assert due == datetime(2026, 6, 1, 7, 0, tzinfo=UTC)


def test_a_day_when_clocks_go_forward_has_its_real_length() -> None:
    round_the_clock = WorkingCalendar(
        time_zone="Europe/Berlin",
        working_days=frozenset(range(7)),
        hours=(WorkingPeriod(start=time(0), end=time(0)),),
    )
    start = datetime(2026, 3, 29, 0, 0, tzinfo=BERLIN)
    end = datetime(2026, 3, 30, 0, 0, tzinfo=BERLIN)
    assert round_the_clock.working_time_between(start, end) == timedelta(hours=23)


def test_rules_without_dtstart_apply_to_every_year_and_with_dtstart_from_it() -> None:
    memorial = HolidayRule(name="Memorial Day", rule="FREQ=YEARLY;BYMONTH=5;BYDAY=-1MO")
    assert memorial.dates(2026) == frozenset({date(2026, 5, 25)})
    since = HolidayRule(name="Founding day", rule="DTSTART:20260301\nRRULE:FREQ=YEARLY")
    assert since.dates(2025) == frozenset()
    assert since.dates(2027) == frozenset({date(2027, 3, 1)})


def test_a_calendar_without_working_time_is_reported_not_looped_over() -> None:
    never = WorkingCalendar(holiday_rules=(HolidayRule(name="All", rule="FREQ=DAILY"),))
    with pytest.raises(DomainValidationError) as caught:
        never.add_working_time(moscow(2026, 1, 1), timedelta(hours=1))
    assert caught.value.field == "calendar"


# --- bad input -------------------------------------------------------------------------------


def test_every_problem_of_a_calendar_is_reported_by_field() -> None:
    with pytest.raises(DomainValidationError) as caught:
        WorkingCalendar(
            time_zone="Mars/Olympus",
            working_days=frozenset({7}),
            holidays=frozenset({"2026-01-01"}),  # type: ignore[arg-type]
            hours=("9-18",),  # type: ignore[arg-type]
        )
    assert caught.value.fields == ("time_zone", "working_days", "hours[0]", "holidays")


def test_periods_must_be_ordered_and_holidays_not_worked() -> None:
    with pytest.raises(DomainValidationError) as caught:
        WorkingCalendar(
            hours=(
                WorkingPeriod(start=time(9), end=time(14)),
                WorkingPeriod(start=time(13), end=time(18)),
            ),
            holidays=frozenset({date(2026, 1, 1)}),
            extra_working_days=frozenset({date(2026, 1, 1)}),
        )
    assert caught.value.fields == ("hours[1]", "extra_working_days")
    with pytest.raises(DomainValidationError, match="needs at least one"):
        WorkingCalendar(hours=())


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        (time(18), time(9), "end"),
        (time(9, tzinfo=UTC), time(18), "start"),
        ("09:00", time(18), "start"),
    ],
)
def test_a_period_must_be_naive_times_in_order(start: object, end: object, field: str) -> None:
    with pytest.raises(DomainValidationError) as caught:
        WorkingPeriod(start=start, end=end)  # type: ignore[arg-type]
    assert caught.value.field == field


@pytest.mark.parametrize(
    "rule", ["FREQ=HOURLY", "FREQ=SOMETIMES", "FREQ=YEARLY;UNTIL=someday", "not a rule"]
)
def test_a_holiday_rule_must_be_a_daily_or_longer_rrule(rule: str) -> None:
    with pytest.raises(DomainValidationError) as caught:
        HolidayRule(name="Bad", rule=rule)
    assert caught.value.field == "rule"


def test_naive_moments_and_non_durations_are_refused_by_name() -> None:
    with pytest.raises(DomainValidationError) as caught:
        OFFICE.add_working_time(datetime(2026, 1, 1), timedelta(hours=1))
    assert caught.value.field == "moment"
    with pytest.raises(DomainValidationError) as caught:
        OFFICE.add_working_time(moscow(2026, 1, 1), 3600)  # type: ignore[arg-type]
    assert caught.value.field == "duration"
    with pytest.raises(DomainValidationError) as caught:
        OFFICE.working_time_between(moscow(2026, 1, 1), datetime(2026, 1, 2))
    assert caught.value.field == "end"


def test_a_duration_beyond_the_last_date_is_refused() -> None:
    with pytest.raises(DomainValidationError) as caught:
        OFFICE.add_working_time(datetime(2999, 12, 30, tzinfo=UTC), timedelta(days=30))
    assert caught.value.field == "duration"


# --- properties ------------------------------------------------------------------------------


@given(working_calendars(), MOMENTS, DURATIONS)
def test_a_due_date_is_never_on_non_working_time(
    calendar: WorkingCalendar, start: datetime, duration: timedelta
) -> None:
    due = calendar.add_working_time(start, duration)
    assert on_working_time(calendar, due)
    assert due >= start
    assert calendar.working_time_between(start, due) == duration


@given(working_calendars(), MOMENTS, DURATIONS)
def test_adding_then_subtracting_returns_to_the_next_working_moment(
    calendar: WorkingCalendar, start: datetime, duration: timedelta
) -> None:
    due = calendar.add_working_time(start, duration)
    back = calendar.subtract_working_time(due, duration)
    assert back.astimezone(UTC) == calendar.next_working_moment(start).astimezone(UTC)
    if calendar.is_working_time(start):
        assert back.astimezone(UTC) == start.astimezone(UTC)


@given(working_calendars(), MOMENTS, DURATIONS, st.lists(st.tuples(MOMENTS, MOMENTS), max_size=3))
def test_pauses_extend_a_due_date_by_exactly_the_paused_working_time(
    calendar: WorkingCalendar,
    start: datetime,
    allowance: timedelta,
    pauses: list[tuple[datetime, datetime]],
) -> None:
    paused = sum((calendar.working_time_between(*sorted(pause)) for pause in pauses), timedelta(0))
    due = calendar.add_working_time(start, allowance)
    extended = calendar.add_working_time(start, allowance + paused)
    assert calendar.working_time_between(due, extended) == paused
    assert on_working_time(calendar, extended)


@given(working_calendars(), MOMENTS, MOMENTS, MOMENTS)
def test_working_time_adds_up_over_consecutive_spans(
    calendar: WorkingCalendar, first: datetime, second: datetime, third: datetime
) -> None:
    a, b, c = sorted((first, second, third))
    whole = calendar.working_time_between(a, c)
    assert whole == calendar.working_time_between(a, b) + calendar.working_time_between(b, c)
    assert timedelta(0) <= whole <= c - a


@given(working_calendars())
def test_calendars_round_trip_through_the_converter_and_pickle(calendar: WorkingCalendar) -> None:
    converter = CONVERTER
    assert converter.structure(converter.unstructure(calendar), WorkingCalendar) == calendar
    assert pickle.loads(pickle.dumps(calendar)) == calendar
    assert attrs.evolve(calendar) == calendar


@given(st.timedeltas())
def test_durations_round_trip_as_iso_8601_text(duration: timedelta) -> None:
    converter = CONVERTER
    text = converter.unstructure(duration)
    assert text.lstrip("-").startswith("P")
    assert converter.structure(text, timedelta) == duration


@pytest.mark.parametrize("text", ["P", "PT", "1H", "P1H", "PT1.5H", "", 3600])
def test_a_malformed_duration_is_refused(text: object) -> None:
    with pytest.raises(DomainValidationError, match="ISO 8601 duration"):
        CONVERTER.structure(text, timedelta)


@pytest.mark.parametrize("text", ["9 o'clock", "09:00+03:00", 900])
def test_a_malformed_time_of_day_is_refused(text: object) -> None:
    with pytest.raises(DomainValidationError):
        CONVERTER.structure(text, time)


def test_odd_field_values_are_refused_by_name() -> None:
    with pytest.raises(DomainValidationError) as caught:
        WorkingCalendar(working_days=(0, 1), time_zone="")  # type: ignore[arg-type]
    assert caught.value.fields == ("time_zone", "working_days")
    with pytest.raises(DomainValidationError) as caught:
        HolidayRule(name="Bad", rule=5)  # type: ignore[arg-type]
    assert caught.value.field == "rule"


def test_a_calendar_without_working_time_is_reported_going_backwards_too() -> None:
    never = WorkingCalendar(holiday_rules=(HolidayRule(name="All", rule="FREQ=DAILY"),))
    with pytest.raises(DomainValidationError) as caught:
        never.subtract_working_time(moscow(2026, 1, 1), timedelta(hours=1))
    assert caught.value.field == "calendar"


@pytest.mark.parametrize("duration", [timedelta.max, timedelta.min, timedelta(days=20_000)])
def test_a_duration_longer_than_the_calendar_walks_is_refused_at_once(duration: timedelta) -> None:
    with pytest.raises(DomainValidationError) as caught:
        OFFICE.add_working_time(datetime(2026, 3, 2, tzinfo=UTC), duration)
    assert caught.value.field == "duration"


@pytest.mark.parametrize(
    "moment", [datetime.max.replace(tzinfo=UTC), datetime.min.replace(tzinfo=UTC)]
)
def test_moments_near_the_ends_of_the_calendar_are_refused_by_field(moment: datetime) -> None:
    with pytest.raises(DomainValidationError) as caught:
        OFFICE.add_working_time(moment, timedelta(hours=1))
    assert caught.value.field == "moment"


def test_working_time_over_centuries_is_refused_instead_of_walked() -> None:
    with pytest.raises(DomainValidationError) as caught:
        OFFICE.working_time_between(
            datetime(1900, 1, 2, tzinfo=UTC), datetime(2999, 12, 1, tzinfo=UTC)
        )
    assert caught.value.field == "end"


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=DAILY;BYHOUR=0,1,2,3;BYMINUTE=0,30",
        "FREQ=YEARLY;BYSECOND=1",
        "DTSTART:19000101T000000\nRRULE:FREQ=DAILY",
        "DTSTART:00010101\nRRULE:FREQ=YEARLY",
    ],
)
def test_holiday_rules_that_expand_without_bound_are_refused(rule: str) -> None:
    with pytest.raises(DomainValidationError) as caught:
        HolidayRule(name="Odd", rule=rule)
    assert caught.value.field == "rule"
