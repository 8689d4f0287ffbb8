"""Properties of the engine: explain traces agree with direct evaluation, and rule sets that
feed each other always come to an end."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st
from rule_samples import NOW, STAFF

from crmcore.deals import DealChanged, DealMoved, DealWon
from crmcore.events import Change, DomainEvent, primitive
from crmcore.rules import (
    OPERATORS,
    FieldCondition,
    FieldType,
    Rule,
    RuleContext,
    RuleEngine,
    Scope,
    SetFields,
    Trigger,
    TriggerKind,
    compile_condition,
    default_schemas,
)
from crmcore.rules.model import nodes
from crmcore.rules.validation import protected
from crmcore.rules.watch import compile_trigger, trigger_kinds, watched_kinds
from crmcore.testing.strategies import rules

SCHEMAS = default_schemas()
DEAL_FIELDS = SCHEMAS.get("deal").fields
_VALUES: dict[FieldType, st.SearchStrategy[Any]] = {
    FieldType.TEXT: st.sampled_from(("Audi", "tea", "east", "")),
    FieldType.INTEGER: st.integers(-5, 5),
    FieldType.DECIMAL: st.integers(0, 10**7).map(Decimal),
    FieldType.MONEY: st.integers(0, 10**7).map(Decimal),
    FieldType.DATE: st.dates(date(2020, 1, 1), date(2030, 12, 31)),
    FieldType.DATETIME: st.integers(-1000, 1000).map(lambda d: NOW + timedelta(days=d)),
    FieldType.BOOLEAN: st.booleans(),
    FieldType.LIST: st.lists(st.sampled_from(("anna", "tea")), max_size=2).map(tuple),
}


@st.composite
def deal_records(draw: st.DrawFn) -> dict[str, Any]:
    record: dict[str, Any] = {"id": "d-1"}
    for name, spec in DEAL_FIELDS.items():
        values = st.sampled_from(spec.choices) if spec.choices else _VALUES[spec.type]
        record[name] = draw(st.none() | values)
    record["id"] = "d-1"
    return record


@settings(max_examples=80, deadline=None)
@given(
    st.lists(rules(entities=("deal",)), min_size=1, max_size=5, unique_by=lambda r: r.id),
    deal_records(),
)
def test_traces_agree_with_direct_evaluation(drawn: list[Rule], record: dict[str, Any]) -> None:
    changed = [
        attrs.evolve(r, enabled=True, trigger=Trigger(entity="deal", on=TriggerKind.CHANGED))
        for r in drawn
    ]
    engine = RuleEngine(changed, schemas=SCHEMAS)
    event = DealChanged(
        entity_id="d-1", occurred_at=NOW, changes={"title": Change(old="a", new="b")}
    )
    context = RuleContext(record=record, staff=STAFF)
    plain = engine.process(event, context=context, now=NOW)
    explained = engine.process(event, context=context, now=NOW, explain=True)
    assert attrs.evolve(explained, trace=()) == plain
    scope = Scope(event, record, now=NOW)
    by_id = {rule.id: rule for rule in changed}
    for trace in explained.trace:
        rule = by_id[trace.rule_id]
        if rule.when is None or trace.reason.startswith("failed"):
            continue
        shown = {node.path: node for node in trace.nodes}
        for path, node in nodes(rule.when):
            alone = compile_condition(
                node, entity="deal", schemas=SCHEMAS, operators=OPERATORS, path=path
            )
            assert shown[path].result == alone.evaluate(scope)
            if isinstance(node, FieldCondition):
                assert shown[path].field == node.field


_WRITABLE = sorted(
    n
    for n, s in DEAL_FIELDS.items()
    if s.type is FieldType.TEXT and s.writable and not protected(n)
)


@st.composite
def feeding_rules(draw: st.DrawFn) -> list[Rule]:
    count = draw(st.integers(1, 6))
    found = []
    for index in range(count):
        watched = draw(st.lists(st.sampled_from(_WRITABLE), max_size=2, unique=True))
        written = draw(st.lists(st.sampled_from(_WRITABLE), min_size=1, max_size=2, unique=True))
        found.append(
            Rule(
                id=f"r{index}",
                name=f"r{index}",
                priority=draw(st.integers(0, 3)),
                trigger=Trigger(entity="deal", on=TriggerKind.CHANGED, fields=tuple(watched)),
                then=(SetFields(values=dict.fromkeys(written, f"by r{index}")),),
            )
        )
    return found


@settings(max_examples=80, deadline=None)
@given(feeding_rules(), st.integers(1, 10))
def test_rule_sets_that_feed_each_other_terminate(drawn: list[Rule], depth: int) -> None:
    engine = RuleEngine(drawn, schemas=SCHEMAS, max_depth=depth)
    record: dict[str, Any] = {"id": "d-1", **dict.fromkeys(_WRITABLE, "start")}
    event = DealChanged(
        entity_id="d-1",
        occurred_at=NOW,
        changes={name: Change(old=None, new="start") for name in _WRITABLE},
    )
    context = RuleContext(record=record)
    steps = 0
    while True:
        steps += 1
        outcome = engine.process(event, context=context, now=NOW)
        assert steps <= min(len(drawn), depth) + 1
        changes: dict[str, Change] = {}
        for command in outcome.commands:
            assert isinstance(command.action, SetFields)
            for name, value in command.action.values.items():
                changes[name] = Change(old=primitive(record.get(name)), new=value)
                record[name] = value
        if not changes:
            break
        event = DealChanged(entity_id="d-1", occurred_at=NOW, changes=changes)
        context = RuleContext(record=dict(record), chain=outcome.chain)
    fired = outcome.chain.fired
    assert len(fired) == len(set(fired))
    _ = datetime(2026, 1, 1, tzinfo=UTC)


_STATUSES = SCHEMAS.get("deal").fields["status"].choices


@st.composite
def status_rules(draw: st.DrawFn) -> list[Rule]:
    """Rules awaiting statuses, stages and field values, or not, to test the index."""
    found = []
    for index in range(draw(st.integers(1, 8))):
        kind = draw(
            st.sampled_from((TriggerKind.STATUS_SET, TriggerKind.STAGE_SET, TriggerKind.CHANGED))
        )
        to_value = draw(st.none() | st.sampled_from((*_STATUSES, "offer", "contract")))
        if kind is TriggerKind.STATUS_SET and to_value not in (None, *_STATUSES):
            to_value = None
        fields = ("stage",) if kind is TriggerKind.CHANGED else ()
        found.append(
            Rule(
                id=f"r{index}", name="r",
                trigger=Trigger(entity="deal", on=kind, fields=fields, to_value=to_value),
                then=(SetFields(values={"title": "x"}),),
            )
        )  # fmt: skip
    return found


@settings(max_examples=80, deadline=None)
@given(
    status_rules(),
    st.sampled_from(("status", "stage")),
    st.none() | st.sampled_from((*_STATUSES, "offer", "contract")),
    st.booleans(),
)
def test_the_index_never_drops_a_rule_that_fires(
    drawn: list[Rule], field: str, new: str | None, with_change: bool
) -> None:
    engine = RuleEngine(drawn, schemas=SCHEMAS)
    cls = DealWon if field == "status" else DealMoved
    changes = {field: Change(old=None, new=new)} if with_change else {}
    event = cls(entity_id="d-1", occurred_at=NOW, changes=changes)
    record = {"id": "d-1", "status": new if field == "status" else "open", "stage": new}
    outcome = engine.process(event, context=RuleContext(record=record), now=NOW)
    scope = Scope(event, record, now=NOW)
    expected = {
        rule.id
        for rule in drawn
        if _reaches(rule, event) and compile_trigger(rule.trigger, SCHEMAS)(event, scope)
    }
    assert {c.rule_id for c in outcome.commands} == expected


def _reaches(rule: Rule, event: DomainEvent) -> bool:
    """Whether ``event`` sets off ``rule``'s trigger: by its own kinds, or as a move whose
    changes a ``changed`` trigger watches."""
    watched = set(rule.trigger.fields) & set(event.changes)
    if rule.trigger.on in trigger_kinds(event):
        return not rule.trigger.fields or bool(watched)
    return rule.trigger.on in watched_kinds(event) and bool(watched)


_NEW_VALUES = st.none() | st.sampled_from((*_STATUSES, "offer", "contract", 1, True)) | st.just([])


@st.composite
def deal_events(draw: st.DrawFn) -> DomainEvent:
    """A status, stage or plain change of a deal, with awaited fields changed or not."""
    cls = draw(st.sampled_from((DealWon, DealMoved, DealChanged)))
    names = draw(st.lists(st.sampled_from(("status", "stage", "title")), max_size=2, unique=True))
    changes = {name: Change(old=None, new=draw(_NEW_VALUES)) for name in names}
    return cls(entity_id="d-1", occurred_at=NOW, changes=changes)


@settings(max_examples=60, deadline=None)
@given(status_rules(), st.lists(deal_events(), min_size=1, max_size=8))
def test_the_index_keeps_the_answers_a_fresh_look_up_gives(
    drawn: list[Rule], events: list[DomainEvent]
) -> None:
    engine = RuleEngine(drawn, schemas=SCHEMAS)
    for event in events + events:  # the second time round, every answer is a kept one
        fresh = RuleEngine(drawn, schemas=SCHEMAS)
        assert engine.candidates(event) == fresh.candidates(event)
