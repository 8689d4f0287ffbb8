"""Date triggers: fire times, working days, and windows that miss nothing and repeat nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st
from rule_samples import NOW, deal

from crmcore.rules import (
    CreateTask,
    Rule,
    TimeUnit,
    Trigger,
    TriggerKind,
    due_time_triggers,
    fire_time,
)
from crmcore.rules.triggers import shift_days
from crmcore.workcalendar import WorkingCalendar, WorkingPeriod


def date_rule(offset: int = 3, **options: object) -> Rule:
    trigger = Trigger(
        entity="deal", on=TriggerKind.DATE, field="expected_close", offset=offset, **options
    )  # type: ignore[arg-type]
    return Rule(id="soon", name="soon", trigger=trigger, then=(CreateTask(title="Call"),))


def test_plain_dates_fire_at_the_start_of_the_day_shifted_by_the_offset() -> None:
    assert fire_time(date_rule(), date(2026, 6, 10), zone=UTC) == datetime(2026, 6, 7, tzinfo=UTC)
    after = date_rule(2, before=False, unit=TimeUnit.HOURS)
    assert fire_time(after, date(2026, 6, 10), zone=UTC) == datetime(2026, 6, 10, 2, tzinfo=UTC)
    assert fire_time(date_rule(), None, zone=UTC) is None


def test_working_days_follow_the_calendar() -> None:
    calendar = WorkingCalendar(
        time_zone="Europe/Moscow",
        hours=(WorkingPeriod(start=time(9), end=time(18)),),
        holidays=frozenset({date(2026, 6, 12)}),
    )
    rule = date_rule(2, working_days=True)
    # Two working days before Monday 15 June: Friday 12 June is a holiday, so Wednesday 10.
    fired = fire_time(rule, date(2026, 6, 15), zone=UTC, calendar=calendar)
    assert fired == datetime(2026, 6, 10, tzinfo=calendar.zone)
    assert shift_days(date(2026, 6, 15), -2, working=True) == date(2026, 6, 11)


def test_disabled_rules_and_versions_out_of_effect_do_not_come_due() -> None:
    records = {"deal": [deal()]}
    window = {"since": NOW, "now": NOW + timedelta(days=10)}
    assert (
        due_time_triggers([attrs.evolve(date_rule(), enabled=False)], records, **window).due == ()
    )  # type: ignore[arg-type]
    late = Rule(
        id="soon", name="soon", trigger=date_rule().trigger, then=(CreateTask(title="Call"),),
        effective_from=NOW + timedelta(days=9),
    )  # fmt: skip
    assert due_time_triggers([late], records, **window).due == ()  # type: ignore[arg-type]


_START = datetime(2026, 6, 1, tzinfo=UTC)


@settings(max_examples=60, deadline=None)
@given(
    closes=st.lists(st.dates(date(2026, 6, 1), date(2026, 7, 31)), min_size=1, max_size=8),
    cuts=st.lists(st.integers(0, 24 * 70), max_size=12),
    offset=st.integers(0, 10),
)
def test_consecutive_windows_miss_nothing_and_repeat_nothing(
    closes: list[date], cuts: list[int], offset: int
) -> None:
    rules = [date_rule(offset)]
    records = {"deal": [deal(id=f"d-{i}", expected_close=day) for i, day in enumerate(closes)]}
    end = _START + timedelta(days=70)
    once = due_time_triggers(rules, records, since=_START, now=end).due
    seen = []
    since = _START
    for moment in sorted({_START + timedelta(hours=h) for h in cuts} | {end}):
        batch = due_time_triggers(rules, records, since=since, now=moment)
        seen.extend(batch.due)
        again = due_time_triggers(rules, records, since=batch.watermark, now=moment)
        assert again.due == ()
        since = batch.watermark
    assert sorted(seen, key=repr) == sorted(once, key=repr)
    assert len({(d.entity_id, d.due_at) for d in seen}) == len(seen)
