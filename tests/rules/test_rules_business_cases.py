"""Business cases of rules over time: a wait or an offset in hours is real time, whatever
zone the moment is written in; only days of a calendar are local."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import attrs
import pytest
from rule_samples import NEW_REQUESTS, STAFF

from crmcore.customfields import CustomField, CustomFieldRegistry, CustomFieldType
from crmcore.deals import Deal, DealChanged, DealKind
from crmcore.errors import DomainValidationError
from crmcore.ids import DealId, PartnerId, PipelineId, RuleId, UserId
from crmcore.memory.pending_steps import MemoryPendingSteps
from crmcore.memory.rule_ledger import MemoryRuleLedger
from crmcore.money import Money
from crmcore.requests import RequestRegistered
from crmcore.rules import (
    OPERATORS,
    Command,
    CreateTask,
    FieldCondition,
    Firing,
    Rule,
    RuleContext,
    RuleEngine,
    RuleOutcome,
    Scope,
    SetFields,
    SmsToClient,
    Throttle,
    TimeUnit,
    Trigger,
    TriggerKind,
    Wait,
    WaitDue,
    apply_command,
    compile_condition,
    default_schemas,
    due_time_triggers,
    fire_time,
    validate_rule,
)
from crmcore.rules.run import due_after
from crmcore.serialization import make_converter
from crmcore.workcalendar import WorkingCalendar

BERLIN = ZoneInfo("Europe/Berlin")
CONVERTER = make_converter()
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
    # Clocks go back from 03:00 to 02:00 on 25 October: 02:45 in summer time and 03:30 in
    # winter time are an hour and three quarters apart, so a two-hour throttle holds...
    assert len(run("q-3", datetime(2026, 10, 25, 2, 45, tzinfo=BERLIN)).commands) == 1
    assert run("q-4", datetime(2026, 10, 25, 3, 30, tzinfo=BERLIN)).commands == ()
    # ...and 04:00 there, two and a quarter hours after 02:45, is past it.
    assert len(run("q-5", datetime(2026, 10, 25, 4, 0, tzinfo=BERLIN)).commands) == 1


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


def _closing_today(number: int) -> dict[str, object]:
    return {
        "id": f"today-{number}", "name": "Deals closing today",
        "trigger": {"entity": "deal", "on": "changed"},
        "when": {"all": [{"field": "expected_close", "op": "eq", "value": "today"},
                         {"field": "title", "op": "eq", "value": f"Tea {number}"}]},
        "then": [{"action": "send_message", "text": "Closes today"}],
    }  # fmt: skip


def test_a_deal_closing_on_2_june_is_due_today_at_01_30_in_moscow_by_every_engine_path() -> None:
    moscow = WorkingCalendar(time_zone="Europe/Moscow")
    late_evening_utc = datetime(2026, 6, 1, 22, 30, tzinfo=UTC)  # 01:30 on 2 June in Moscow
    rules = [CONVERTER.structure(_closing_today(n), Rule) for n in range(40)]
    event = DealChanged(entity_id="d-1", occurred_at=late_evening_utc, changes={})
    record = {"id": "d-1", "title": "Tea 7", "expected_close": date(2026, 6, 2),
              "amount": Decimal(1), "partner_id": "p-1", "responsible_manager": "anna"}  # fmt: skip
    # Forty rules run through the alpha network, three one by one; with and without the index.
    for index_conditions, chosen in ((True, rules), (False, rules), (True, rules[5:8])):
        engine = RuleEngine(
            chosen, schemas=default_schemas(), calendar=moscow,
            index_conditions=index_conditions,
        )  # fmt: skip
        outcome = engine.process(event, context=RuleContext(record=record), now=late_evening_utc)
        assert [command.rule_id for command in outcome.commands] == ["today-7"]
        utc_day = {**record, "expected_close": date(2026, 6, 1)}
        outcome = engine.process(event, context=RuleContext(record=utc_day), now=late_evening_utc)
        assert outcome.commands == ()


def test_a_siberian_request_mapped_to_vera_on_leave_goes_to_the_sales_team_instead() -> None:
    rule = CONVERTER.structure(NEW_REQUESTS, Rule)
    engine = RuleEngine([rule], schemas=default_schemas())
    event = RequestRegistered(entity_id="q-1", occurred_at=BEFORE_THE_CHANGE)
    record = {"id": "q-1", "region": "Siberia", "amount": Decimal(600000), "source": "site",
              "product": "coffee"}  # fmt: skip
    outcome = engine.process(
        event, context=RuleContext(record=record, staff=STAFF), now=BEFORE_THE_CHANGE
    )
    assert outcome.failures == ()
    (command,) = outcome.commands
    assert command.assignment is not None
    assert command.assignment.user in {"anna", "boris"}
    assert "vera is on leave" in command.assignment.reason


def _thanks(text: str, **invoice: str) -> Rule:
    then: list[dict[str, str]] = [{"action": "sms_client", "text": text}]
    if invoice:
        then.append({"action": "create_invoice", **invoice})
    data = {"id": "thanks", "name": "Thanks", "trigger": {"entity": "deal", "on": "created"},
            "then": then}  # fmt: skip
    rule: Rule = CONVERTER.structure(data, Rule)
    return rule


def test_a_thank_you_sms_to_title_case_or_filtered_placeholders_is_refused_when_saved() -> None:
    for text in ("Dear {{ Title }}", "Dear {{ title|upper }}"):
        with pytest.raises(DomainValidationError) as refused:
            validate_rule(_thanks(text), schemas=default_schemas())
        assert [v.field for v in refused.value.violations] == ["then[0].text"]
    with pytest.raises(DomainValidationError) as refused:
        validate_rule(_thanks("Dear {{ title }}", amount_field="title"), schemas=default_schemas())
    assert [v.field for v in refused.value.violations] == ["then[1].amount_field"]
    validate_rule(_thanks("Dear {{ title }}", amount_field="amount"), schemas=default_schemas())


def test_explain_lists_the_rules_the_index_left_out_with_the_test_that_failed() -> None:
    moscow = WorkingCalendar(time_zone="Europe/Moscow")
    rules = [CONVERTER.structure(_closing_today(n), Rule) for n in range(40)]
    engine = RuleEngine(rules, schemas=default_schemas(), calendar=moscow)
    event = DealChanged(entity_id="d-1", occurred_at=BEFORE_THE_CHANGE, changes={})
    record = {"id": "d-1", "title": "Tea 7", "expected_close": date(2026, 6, 2)}
    outcome = engine.process(
        event, context=RuleContext(record=record), now=BEFORE_THE_CHANGE, explain=True
    )
    traced = {trace.rule_id: trace for trace in outcome.trace}
    assert set(traced) == {rule.id for rule in rules}
    assert not traced["today-3"].fired
    title = [node for node in traced["today-3"].nodes if node.field == "title"]
    assert [(node.result, node.actual) for node in title] == [(False, "Tea 7")]


def test_a_deal_created_75_real_minutes_ago_over_the_change_was_created_within_two_hours() -> None:
    condition = FieldCondition(field="created_at", op="ge", value="now - 2 hours")
    compiled = compile_condition(
        condition, entity="deal", schemas=default_schemas(), operators=OPERATORS
    )
    now = datetime(2026, 3, 29, 3, 45, tzinfo=BERLIN)  # 75 minutes after 01:30 that night
    event = DealChanged(entity_id="d-1", occurred_at=now, changes={})
    three_hours_before = now.astimezone(UTC) - timedelta(hours=3)
    for created, expected in ((BEFORE_THE_CHANGE, True), (three_hours_before, False)):
        record = {"id": "d-1", "title": "Tea", "created_at": created}
        assert compiled.evaluate(Scope(event, record, now=now)) is expected


def test_a_reminder_three_days_before_a_partners_contract_end_comes_due_on_the_day() -> None:
    contract_end = CustomField(name="contract_end", type=CustomFieldType.DATE)
    hosted = default_schemas(CustomFieldRegistry().with_field("partner", contract_end))
    data = {
        "id": "contract-ends", "name": "Three days before the contract ends",
        "trigger": {"entity": "partner", "on": "date", "field": "custom.contract_end",
                    "offset": 3},
        "then": [{"action": "send_message", "text": "The contract of {{ short_name }} ends"}],
    }  # fmt: skip
    rule = CONVERTER.structure(data, Rule)
    validate_rule(rule, schemas=hosted)
    moscow = WorkingCalendar(time_zone="Europe/Moscow")
    records = {"partner": [{"id": "p-1", "custom": {"contract_end": date(2026, 6, 5)}},
                           {"id": "p-2", "custom": {}}]}  # fmt: skip
    # 21:30 UTC on 1 June is 00:30 on 2 June in Moscow: three days before 5 June there.
    due = due_time_triggers(
        [rule], records, since=datetime(2026, 6, 1, 20, tzinfo=UTC),
        now=datetime(2026, 6, 1, 21, 30, tzinfo=UTC), schemas=hosted, calendar=moscow,
    )  # fmt: skip
    assert [(found.entity_id, found.due_at) for found in due.due] == [
        ("p-1", datetime(2026, 6, 2, tzinfo=moscow.zone))
    ]


def test_the_memory_ledger_counts_firings_of_the_repeated_hour_by_their_instants() -> None:
    ledger = MemoryRuleLedger()
    # 02:45 in summer time (00:45 UTC) comes before 02:15 in winter time (01:15 UTC).
    for number, moment in enumerate((
        datetime(2026, 10, 25, 2, 45, tzinfo=BERLIN),
        datetime(2026, 10, 25, 2, 15, fold=1, tzinfo=BERLIN),
    )):  # fmt: skip
        ledger.record(Firing(
            rule_id=RuleId("sms"), rule_version=1, entity="request", entity_id=f"q-{number}",
            at=moment, caused_by="request.registered", throttle_key="partner_id=p-1",
            actions=("sms_client",),
        ))  # fmt: skip
    one_o_clock_utc = datetime(2026, 10, 25, 1, 0, tzinfo=UTC)
    assert ledger.count(RuleId("sms"), throttle_key="partner_id=p-1", since=one_o_clock_utc) == 1
    assert [f.entity_id for f in ledger.history(entity="request", entity_id="q-1")] == ["q-1"]


def test_a_call_back_due_in_the_repeated_hour_comes_due_in_the_tick_that_spans_it() -> None:
    call_back = Trigger(entity="deal", on=TriggerKind.DATE, field="next_call", offset=0,
                        unit=TimeUnit.HOURS)  # fmt: skip
    rule = Rule(id=RuleId("call-back"), name="Call back", trigger=call_back,
                then=(CreateTask(title="Call"),))  # fmt: skip
    # 02:55 in summer time is 00:55 UTC, between 02:50 in summer and 02:10 in winter time.
    record = {"id": "d-1", "next_call": datetime(2026, 10, 25, 2, 55, tzinfo=BERLIN)}
    due = due_time_triggers(
        [rule], {"deal": [record]}, since=datetime(2026, 10, 25, 2, 50, tzinfo=BERLIN),
        now=datetime(2026, 10, 25, 2, 10, fold=1, tzinfo=BERLIN),
    )  # fmt: skip
    assert [found.entity_id for found in due.due] == ["d-1"]


def test_waiting_steps_of_the_repeated_hour_are_due_by_their_instants() -> None:
    steps = MemoryPendingSteps()
    # 02:15 in winter time (01:15 UTC) is later than 02:45 in summer time (00:45 UTC).
    later = WaitDue(rule_id=RuleId("r"), rule_version=1, step=0, entity="request",
                    entity_id="q-1", due_at=datetime(2026, 10, 25, 2, 15, fold=1, tzinfo=BERLIN),
                    caused_by="request.registered")  # fmt: skip
    earlier = attrs.evolve(
        later, entity_id="q-2", due_at=datetime(2026, 10, 25, 2, 45, tzinfo=BERLIN)
    )
    steps.add(later)
    steps.add(earlier)
    assert steps.due(until=datetime(2026, 10, 25, 1, 0, tzinfo=UTC)) == (earlier,)
    assert steps.due(until=datetime(2026, 10, 25, 2, 0, tzinfo=UTC)) == (earlier, later)
