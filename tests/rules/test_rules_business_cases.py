"""Business cases of rules over time: a wait or an offset in hours is real time, whatever
zone the moment is written in; only days of a calendar are local."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import attrs

from crmcore.deals import Deal, DealKind
from crmcore.ids import DealId, PartnerId, PipelineId, RuleId, UserId
from crmcore.memory.rule_ledger import MemoryRuleLedger
from crmcore.money import Money
from crmcore.requests import RequestRegistered
from crmcore.rules import (
    Command,
    CreateTask,
    Rule,
    RuleContext,
    RuleEngine,
    RuleOutcome,
    SetFields,
    SmsToClient,
    Throttle,
    TimeUnit,
    Trigger,
    TriggerKind,
    Wait,
    apply_command,
    default_schemas,
    fire_time,
)
from crmcore.rules.run import due_after

BERLIN = ZoneInfo("Europe/Berlin")
# Clocks in Berlin go from 02:00 to 03:00 on Sunday 29 March 2026.
BEFORE_THE_CHANGE = datetime(2026, 3, 29, 1, 30, tzinfo=BERLIN)


def _wait(after: int, unit: TimeUnit) -> Wait:
    return Wait(after=after, unit=unit, then=(CreateTask(title="Call back"),))


def test_a_wait_of_two_hours_from_01_30_in_berlin_on_the_change_day_is_two_real_hours() -> None:
    for unit, after, length in (
        (TimeUnit.HOURS, 2, timedelta(hours=2)),
        (TimeUnit.MINUTES, 90, timedelta(minutes=90)),
        (TimeUnit.DAYS, 1, timedelta(days=1)),
    ):
        due = due_after(BEFORE_THE_CHANGE, _wait(after, unit), None)
        assert due.astimezone(UTC) - BEFORE_THE_CHANGE.astimezone(UTC) == length
        as_utc = due_after(BEFORE_THE_CHANGE.astimezone(UTC), _wait(after, unit), None)
        assert due.astimezone(UTC) == as_utc


def _hours_before(hours: int) -> Rule:
    trigger = Trigger(
        entity="deal", on=TriggerKind.DATE, field="expected_close", offset=hours,
        unit=TimeUnit.HOURS,
    )  # fmt: skip
    call = CreateTask(title="Call")
    return Rule(id=RuleId("close"), name="Before closing", trigger=trigger, then=(call,))


def test_a_trigger_three_hours_before_a_moment_after_the_change_fires_three_real_hours_before() -> (
    None
):
    closing = datetime(2026, 3, 29, 4, 0, tzinfo=BERLIN)
    fired = fire_time(_hours_before(3), closing, zone=BERLIN)
    assert fired is not None
    assert closing.astimezone(UTC) - fired.astimezone(UTC) == timedelta(hours=3)


def test_a_trigger_in_days_before_a_date_fires_at_the_local_midnight_of_that_day() -> None:
    trigger = Trigger(entity="deal", on=TriggerKind.DATE, field="expected_close", offset=3)
    rule = Rule(id=RuleId("soon"), name="Soon", trigger=trigger, then=(CreateTask(title="Call"),))
    fired = fire_time(rule, date(2026, 3, 31), zone=BERLIN)
    assert fired == datetime(2026, 3, 28, tzinfo=BERLIN)
    assert fired is not None
    assert fired.utcoffset() == timedelta(hours=1)


def test_a_throttle_of_two_hours_holds_a_second_sms_75_real_minutes_later_over_the_change() -> None:
    ledger = MemoryRuleLedger()
    rule = Rule(
        id=RuleId("sms"), name="One SMS per client in two hours",
        trigger=Trigger(entity="request", on=TriggerKind.CREATED),
        then=(SmsToClient(text="Thank you"),),
        throttle=Throttle(limit=1, window=timedelta(hours=2), per="partner_id"),
    )  # fmt: skip
    engine = RuleEngine([rule], schemas=default_schemas(), ledger=ledger)

    def run(request_id: str, now: datetime) -> RuleOutcome:
        event = RequestRegistered(entity_id=request_id, occurred_at=now)
        record = {"id": request_id, "partner_id": "p-1"}
        outcome = engine.process(event, context=RuleContext(record=record), now=now)
        for firing in outcome.firings:
            ledger.record(firing)
        return outcome

    assert len(run("q-1", BEFORE_THE_CHANGE).commands) == 1
    # 03:45 in Berlin is 75 minutes after 01:30 that night: within the two hours.
    held = run("q-2", datetime(2026, 3, 29, 3, 45, tzinfo=BERLIN))
    assert held.commands == ()
    assert "throttle" in held.held[0].reason


def test_a_rule_setting_a_deals_title_to_the_title_it_has_is_no_change() -> None:
    deal = Deal(
        id=DealId("d-1"), title="Tea", partner_id=PartnerId("p-1"),
        pipeline_id=PipelineId("main"), kind=DealKind.UNSTAGED,
        amount=Money.of("10", "RUB"), responsible_manager=UserId("anna"),
        created_at=BEFORE_THE_CHANGE, stage_entered_at=BEFORE_THE_CHANGE,
    )  # fmt: skip
    same = Command(
        rule_id=RuleId("r"), rule_version=1, entity="deal", entity_id="d-1",
        action=SetFields(values={"title": "Tea", "amount": "10.00"}), caused_by="deal.opened",
    )  # fmt: skip
    kept = apply_command(deal, same, schemas=default_schemas(), now=BEFORE_THE_CHANGE)
    assert (kept.entity, kept.events) == (deal, ())
    other = attrs.evolve(same, action=SetFields(values={"title": "Green tea"}))
    changed = apply_command(deal, other, schemas=default_schemas(), now=BEFORE_THE_CHANGE)
    assert (changed.entity.version, len(changed.events)) == (deal.version + 1, 1)
