"""Waiting steps: "3 working days later, if the request is still not answered, notify the
head of department", kept by the host and run when due, cancelled when the record no longer
qualifies."""

from __future__ import annotations

from datetime import date, timedelta

import attrs
import pytest
from rule_samples import NOW

from crmcore.errors import DomainValidationError
from crmcore.memory._store import Journal
from crmcore.memory.pending_steps import MemoryPendingSteps
from crmcore.memory.rule_ledger import MemoryRuleLedger
from crmcore.requests import RequestRegistered
from crmcore.rules import (
    PendingSteps,
    Rule,
    RuleContext,
    RuleEngine,
    TimeUnit,
    Wait,
    default_schemas,
    validate_rule,
)
from crmcore.serialization import make_converter
from crmcore.testing.contracts.pending_steps import PendingStepsContract
from crmcore.workcalendar import WorkingCalendar

SCHEMAS = default_schemas()
UNANSWERED = {
    "id": "unanswered", "name": "Remind about unanswered requests",
    "trigger": {"entity": "request", "on": "created"},
    "when": {"field": "region", "op": "eq", "value": "east"},
    "then": [{"action": "send_message", "text": "New request"}],
    "waits": [{"after": 3, "working_days": True,
               "when": {"field": "first_response_at", "op": "is_empty"},
               "then": [{"action": "send_message", "to": ["head"],
                         "text": "Still not answered: {{ id }}"}]}],
}  # fmt: skip


class TestMemoryPendingSteps(PendingStepsContract):
    def make_steps(self) -> PendingSteps:
        return MemoryPendingSteps()


def _engine(**options: object) -> RuleEngine:
    rule = make_converter().structure(UNANSWERED, Rule)
    return RuleEngine([rule], schemas=SCHEMAS, **options)  # type: ignore[arg-type]


def _registered(engine: RuleEngine, steps: MemoryPendingSteps) -> None:
    event = RequestRegistered(entity_id="q-1", occurred_at=NOW)
    outcome = engine.process(event, context=RuleContext(record={"id": "q-1", "region": "east"}),
                             now=NOW)  # fmt: skip
    for step in outcome.scheduled:
        steps.add(step)


def _tick(
    engine: RuleEngine, steps: MemoryPendingSteps, record: dict[str, object], days: int
) -> list[str]:
    texts = []
    for step in steps.due(until=NOW + timedelta(days=days)):
        outcome = engine.process_step(step, context=RuleContext(record=record), now=step.due_at)
        texts += [c.action.text for c in outcome.commands]  # type: ignore[attr-defined]
        steps.remove(step)
    return texts


def test_a_step_runs_when_due_if_the_record_still_qualifies() -> None:
    engine, steps = _engine(), MemoryPendingSteps()
    _registered(engine, steps)
    (step,) = steps.due(until=NOW + timedelta(days=30))
    assert step.due_at == NOW + timedelta(days=3)  # 2026-06-01 is a Monday
    record = {"id": "q-1", "region": "east", "first_response_at": None}
    assert _tick(engine, steps, record, 2) == []
    assert _tick(engine, steps, record, 3) == ["Still not answered: q-1"]
    assert steps.due(until=NOW + timedelta(days=30)) == ()


def test_a_step_is_cancelled_when_the_record_no_longer_qualifies() -> None:
    engine, steps = _engine(), MemoryPendingSteps()
    for record in ({"id": "q-1", "region": "east", "first_response_at": NOW},
                   {"id": "q-1", "region": "west", "first_response_at": None}):  # fmt: skip
        _registered(engine, steps)
        (step,) = steps.due(until=NOW + timedelta(days=30))
        outcome = engine.process_step(step, context=RuleContext(record=record), now=step.due_at)
        assert outcome.commands == ()
        assert outcome.held[0].reason == "cancelled: the record no longer qualifies"
        steps.remove(step)


def test_working_days_skip_the_calendars_days_off() -> None:
    calendar = WorkingCalendar(holidays=frozenset({date(2026, 6, 3)}))
    engine, steps = _engine(calendar=calendar), MemoryPendingSteps()
    _registered(engine, steps)
    (step,) = steps.due(until=NOW + timedelta(days=30))
    assert step.due_at == NOW + timedelta(days=4)


def test_a_dry_run_schedules_nothing_and_a_gone_rule_runs_nothing() -> None:
    engine = _engine()
    event = RequestRegistered(entity_id="q-1", occurred_at=NOW)
    context = RuleContext(record={"id": "q-1", "region": "east"})
    assert engine.process(event, context=context, now=NOW, dry_run=True).scheduled == ()
    (step,) = engine.process(event, context=context, now=NOW).scheduled
    other = RuleEngine([], schemas=SCHEMAS)
    assert other.process_step(step, context=context, now=NOW).commands == ()
    beyond = attrs.evolve(step, step=5)
    assert engine.process_step(beyond, context=context, now=NOW) == engine.process_step(
        beyond, context=context, now=NOW, dry_run=False
    )
    assert engine.process_step(beyond, context=context, now=NOW).commands == ()


def test_a_failing_step_is_reported_and_its_firing_logged_when_it_runs() -> None:
    ledger = MemoryRuleLedger()
    engine = _engine(ledger=ledger)
    event = RequestRegistered(entity_id="q-1", occurred_at=NOW)
    (step,) = engine.process(
        event, context=RuleContext(record={"id": "q-1", "region": "east"}), now=NOW
    ).scheduled
    ran = engine.process_step(step, context=RuleContext(record={"id": "q-1", "region": "east"}),
                              now=step.due_at)  # fmt: skip
    assert [f.caused_by for f in ran.firings] == ["rule.step_due"]
    failed = engine.process_step(step, context=RuleContext(record=_Unreadable()), now=step.due_at)
    assert [f.rule_id for f in failed.failures] == ["unanswered"]


class _Unreadable:
    @property
    def region(self) -> str:
        raise RuntimeError("the record cannot be read")


def test_wait_problems_are_reported_under_their_paths() -> None:
    with pytest.raises(DomainValidationError) as shape:
        Wait(after=1, unit=TimeUnit.HOURS, working_days=True, then=())
    assert set(shape.value.fields) == {"unit", "then"}
    with pytest.raises(DomainValidationError) as bounds:
        Wait(after=0, then=())
    assert bounds.value.fields == ("after",)
    rule = make_converter().structure(
        {**UNANSWERED, "waits": [{"after": 1, "when": {"field": "colour", "op": "is_empty"},
                                  "then": [{"action": "send_message", "text": "{{ size }}"}]}]},
        Rule,
    )  # fmt: skip
    with pytest.raises(DomainValidationError) as meaning:
        validate_rule(rule, schemas=SCHEMAS)
    assert meaning.value.fields == ("waits[0].when.field", "waits[0].then[0].text")


def test_a_failed_unit_of_work_takes_its_steps_back() -> None:
    steps = MemoryPendingSteps()
    engine = _engine()
    journal = Journal()
    with journal.recording():
        _registered(engine, steps)
    journal.rollback()
    assert steps.due(until=NOW + timedelta(days=30)) == ()
    _registered(engine, steps)
    (step,) = steps.due(until=NOW + timedelta(days=30))
    with journal.recording():
        steps.remove(step)
    journal.rollback()
    assert steps.due(until=NOW + timedelta(days=30)) == (step,)
