"""Throttles, first-time enrollment and the execution log, over the memory ledger."""

from __future__ import annotations

from datetime import timedelta

import attrs
import pytest
from rule_samples import NOW

from crmcore.errors import DomainValidationError
from crmcore.memory._store import Journal
from crmcore.memory.rule_ledger import MemoryRuleLedger
from crmcore.requests import RequestRegistered
from crmcore.rules import (
    Enrollment,
    FieldCondition,
    Rule,
    RuleContext,
    RuleEngine,
    RuleLedger,
    RuleOutcome,
    SmsToClient,
    Throttle,
    Trigger,
    TriggerKind,
    default_schemas,
    validate_rule,
)
from crmcore.serialization import make_converter
from crmcore.testing.contracts.rule_ledger import RuleLedgerContract

SCHEMAS = default_schemas()


class TestMemoryRuleLedger(RuleLedgerContract):
    def make_ledger(self) -> RuleLedger:
        return MemoryRuleLedger()


def _sms(**changes: object) -> Rule:
    return Rule(
        id="sms", name="One SMS per client a day",
        trigger=Trigger(entity="request", on=TriggerKind.CREATED),
        when=FieldCondition(field="region", op="eq", value="east"),
        then=(SmsToClient(text="Thank you"),), **changes,  # type: ignore[arg-type]
    )  # fmt: skip


def _run(
    engine: RuleEngine, ledger: MemoryRuleLedger, request_id: str, partner: str, hours: int
) -> RuleOutcome:
    event = RequestRegistered(entity_id=request_id, occurred_at=NOW)
    record = {"id": request_id, "region": "east", "partner_id": partner}
    outcome = engine.process(
        event, context=RuleContext(record=record), now=NOW + timedelta(hours=hours)
    )
    for firing in outcome.firings:
        ledger.record(firing)
    return outcome


def test_a_throttle_holds_a_rule_back_per_client_within_its_window() -> None:
    ledger = MemoryRuleLedger()
    rule = _sms(throttle=Throttle(limit=1, window=timedelta(days=1), per="partner_id"))
    engine = RuleEngine([rule], schemas=SCHEMAS, ledger=ledger)
    first = _run(engine, ledger, "q-1", "p-1", 0)
    assert [c.rule_id for c in first.commands] == ["sms"]
    (firing,) = first.firings
    assert (firing.throttle_key, firing.actions, firing.at) == (
        "partner_id=p-1",
        ("sms_client",),
        NOW,
    )
    again = _run(engine, ledger, "q-2", "p-1", 5)
    assert again.commands == ()
    assert "throttle" in again.held[0].reason
    assert [c.rule_id for c in _run(engine, ledger, "q-3", "p-2", 5).commands] == ["sms"]
    assert [c.rule_id for c in _run(engine, ledger, "q-4", "p-1", 25).commands] == ["sms"]


def test_a_first_time_rule_fires_once_per_record() -> None:
    ledger = MemoryRuleLedger()
    engine = RuleEngine([_sms(enrollment=Enrollment.FIRST_TIME)], schemas=SCHEMAS, ledger=ledger)
    assert len(_run(engine, ledger, "q-1", "p-1", 0).commands) == 1
    held = _run(engine, ledger, "q-1", "p-1", 1)
    assert held.commands == ()
    assert held.firings == ()
    assert "first-time" in held.held[0].reason
    assert len(_run(engine, ledger, "q-2", "p-1", 1).commands) == 1
    assert [f.entity_id for f in ledger.history(entity="request", entity_id="q-1")] == ["q-1"]


def test_explained_runs_say_why_a_rule_was_held() -> None:
    ledger = MemoryRuleLedger()
    engine = RuleEngine([_sms(enrollment=Enrollment.FIRST_TIME)], schemas=SCHEMAS, ledger=ledger)
    _run(engine, ledger, "q-1", "p-1", 0)
    event = RequestRegistered(entity_id="q-1", occurred_at=NOW)
    context = RuleContext(record={"id": "q-1", "region": "east"})
    (trace,) = engine.process(event, context=context, now=NOW, explain=True).trace
    assert not trace.fired
    assert "first-time" in trace.reason


def test_a_dry_run_records_no_firing() -> None:
    ledger = MemoryRuleLedger()
    engine = RuleEngine([_sms(enrollment=Enrollment.FIRST_TIME)], schemas=SCHEMAS, ledger=ledger)
    event = RequestRegistered(entity_id="q-1", occurred_at=NOW)
    context = RuleContext(record={"id": "q-1", "region": "east"})
    outcome = engine.process(event, context=context, now=NOW, dry_run=True)
    assert len(outcome.commands) == 1
    assert outcome.firings == ()


def test_rules_that_count_their_firings_need_a_ledger() -> None:
    rules = [
        _sms(throttle=Throttle(window=timedelta(hours=1))),
        attrs.evolve(_sms(enrollment=Enrollment.FIRST_TIME), id="welcome"),
    ]
    with pytest.raises(DomainValidationError) as caught:
        RuleEngine(rules, schemas=SCHEMAS)
    assert caught.value.fields == ("[0].throttle", "[1].enrollment")


def test_a_throttle_names_a_field_and_a_window_that_make_sense() -> None:
    with pytest.raises(DomainValidationError) as caught:
        Throttle(limit=0, window=timedelta(0))
    assert set(caught.value.fields) == {"limit", "window"}
    with pytest.raises(DomainValidationError) as unknown:
        validate_rule(_sms(throttle=Throttle(window=timedelta(1), per="colour")), schemas=SCHEMAS)
    assert unknown.value.fields == ("throttle.per",)


def test_throttles_and_enrollment_round_trip_through_json() -> None:
    converter = make_converter()
    rule = _sms(throttle=Throttle(limit=2, window=timedelta(days=1), per="partner_id"),
                enrollment=Enrollment.FIRST_TIME)  # fmt: skip
    data = converter.unstructure(rule)
    assert data["enrollment"] == "first_time"
    assert converter.structure(data, Rule) == rule


def test_a_failed_unit_of_work_takes_its_firings_back() -> None:
    ledger = MemoryRuleLedger()
    engine = RuleEngine([_sms(enrollment=Enrollment.FIRST_TIME)], schemas=SCHEMAS, ledger=ledger)
    journal = Journal()
    with journal.recording():
        assert len(_run(engine, ledger, "q-1", "p-1", 0).firings) == 1
    journal.rollback()
    assert ledger.history(entity="request", entity_id="q-1") == ()
    assert not ledger.fired_for("sms", entity="request", entity_id="q-1")
    assert ledger.count("sms", throttle_key="", since=NOW) == 0
