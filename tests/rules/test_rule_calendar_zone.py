""" "Today" in conditions, date triggers and waiting steps is a date of the calendar's zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from rule_samples import deal, schemas

from crmcore.deals import DealChanged
from crmcore.rules import (
    OPERATORS,
    FieldCondition,
    Rule,
    Scope,
    SendMessage,
    TimeUnit,
    Trigger,
    TriggerKind,
    Wait,
    compile_condition,
    fire_time,
)
from crmcore.rules.run import due_after
from crmcore.workcalendar import WorkingCalendar

MOSCOW = WorkingCalendar(time_zone="Europe/Moscow")
# 22:30 UTC on Monday 1 June is already 01:30 on Tuesday 2 June in Moscow.
LATE_EVENING_UTC = datetime(2026, 6, 1, 22, 30, tzinfo=UTC)


def _holds(op: str, value: Any, *, calendar: WorkingCalendar | None, **record: Any) -> bool:
    condition = FieldCondition(field="expected_close", op=op, value=value)
    compiled = compile_condition(condition, entity="deal", schemas=schemas(), operators=OPERATORS)
    event = DealChanged(entity_id="d-1", occurred_at=LATE_EVENING_UTC, changes={})
    scope = Scope(event, deal(**record), now=LATE_EVENING_UTC, calendar=calendar)
    return compiled.evaluate(scope)


def test_a_deal_closing_today_in_moscow_is_due_today_after_midnight_there() -> None:
    tuesday = date(2026, 6, 2)
    assert _holds("eq", "today", calendar=MOSCOW, expected_close=tuesday)
    assert not _holds("eq", "today", calendar=MOSCOW, expected_close=date(2026, 6, 1))


def test_without_a_calendar_today_is_the_date_of_the_moment_given() -> None:
    assert _holds("eq", "today", calendar=None, expected_close=date(2026, 6, 1))


def test_working_days_from_today_count_from_the_calendars_date() -> None:
    # From Tuesday 2 June in Moscow, two working days on is Thursday 4 June (not Wednesday).
    thursday = date(2026, 6, 4)
    assert _holds("eq", "today + 2 working days", calendar=MOSCOW, expected_close=thursday)


def test_today_as_a_moment_is_midnight_in_the_calendars_zone() -> None:
    condition = FieldCondition(field="created_at", op="ge", value="today")
    compiled = compile_condition(condition, entity="deal", schemas=schemas(), operators=OPERATORS)
    event = DealChanged(entity_id="d-1", occurred_at=LATE_EVENING_UTC, changes={})
    # 21:10 UTC on 1 June is 00:10 on 2 June in Moscow: created today there.
    just_after_midnight = datetime(2026, 6, 1, 21, 10, tzinfo=UTC)
    before_midnight = datetime(2026, 6, 1, 20, 50, tzinfo=UTC)
    for created, expected in ((just_after_midnight, True), (before_midnight, False)):
        record = deal(created_at=created)
        scope = Scope(event, record, now=LATE_EVENING_UTC, calendar=MOSCOW)
        assert compiled.evaluate(scope) is expected


def _date_rule(**trigger: Any) -> Rule:
    return Rule(
        id="reminder", name="Before the close",
        trigger=Trigger(entity="deal", on=TriggerKind.DATE, field="created_at", **trigger),
        then=(SendMessage(text="Soon"),),
    )  # fmt: skip


def test_a_working_day_date_trigger_counts_the_days_of_the_calendars_zone() -> None:
    rule = _date_rule(offset=1, before=False, working_days=True)
    # Friday 5 June 22:00 UTC is Saturday 6 June 01:00 in Moscow: the next working day
    # there is Monday 8 June, at 01:00 Moscow time.
    friday_night_utc = datetime(2026, 6, 5, 22, tzinfo=UTC)
    at = fire_time(rule, friday_night_utc, zone=UTC, calendar=MOSCOW)
    assert at == datetime(2026, 6, 8, 1, tzinfo=ZoneInfo("Europe/Moscow"))


def test_a_waiting_step_in_working_days_counts_the_calendars_days() -> None:
    step = Wait(after=1, working_days=True, then=(SendMessage(text="Still open?"),))
    friday_night_utc = datetime(2026, 6, 5, 22, tzinfo=UTC)
    assert due_after(friday_night_utc, step, MOSCOW) == datetime(
        2026, 6, 8, 1, tzinfo=ZoneInfo("Europe/Moscow")
    )


def test_a_waiting_step_in_days_is_a_duration() -> None:
    step = Wait(after=2, unit=TimeUnit.DAYS, then=(SendMessage(text="Still open?"),))
    start = datetime(2026, 3, 28, 12, tzinfo=UTC)
    berlin = WorkingCalendar(time_zone="Europe/Berlin")  # the clocks change on 29 March
    assert due_after(start, step, berlin) - start == timedelta(days=2)
