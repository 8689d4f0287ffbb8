"""Many rules on one trigger: the indexed engine fires what asking every rule fires, in the
same order and with the same commands, and explains the rules its index left out."""

from __future__ import annotations

import gc
from decimal import Decimal
from typing import Any

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st
from rule_samples import NOW

from crmcore.collector import PAUSE
from crmcore.conditions.operators import OPERATORS
from crmcore.ids import RuleId
from crmcore.money import Money
from crmcore.requests import RequestRegistered
from crmcore.rules import (
    AllOf,
    AnyOf,
    Condition,
    CreateTask,
    FieldCondition,
    Not,
    Rule,
    RuleContext,
    RuleEngine,
    Scope,
    SendMessage,
    Trigger,
    TriggerKind,
    compile_condition,
    default_schemas,
)

SCHEMAS = default_schemas()
TRIGGER = Trigger(entity="request", on=TriggerKind.CREATED)
REGIONS = ("north", "south", "east", "west")
SOURCES = ("web", "call", "fair", "ads")
PRODUCTS = ("tea-green", "tea-black", "cups", "kettle")
COMPANIES = ("Tea trade ltd", "Cups group", "Steel holding", "")
EVENT = RequestRegistered(entity_id="q-1", occurred_at=NOW)


def _amounts() -> st.SearchStrategy[int]:
    return st.integers(0, 10).map(lambda n: n * 1000)


@st.composite
def _leaves(draw: st.DrawFn) -> FieldCondition:
    """A test of the kinds admins write on new requests, on a field the index files."""
    kind = draw(st.sampled_from(("gt", "between", "region", "source", "in", "prefix", "word")))
    if kind == "gt":
        return FieldCondition(field="amount", op="gt", value=draw(_amounts()))
    if kind == "between":
        low = draw(_amounts())
        return FieldCondition(field="amount", op="between", value=(low, low + 3000))
    if kind in ("region", "source"):
        values = REGIONS if kind == "region" else SOURCES
        return FieldCondition(field=kind, op="eq", value=draw(st.sampled_from(values)))
    if kind == "in":
        members = draw(st.lists(st.sampled_from(SOURCES), min_size=1, max_size=3, unique=True))
        return FieldCondition(field="source", op="in", value=tuple(members))
    if kind == "prefix":
        return FieldCondition(
            field="product", op="starts_with", value=draw(st.sampled_from(("te", "TEA-G", "cu")))
        )
    word = draw(st.sampled_from(("tea", "holding", "group")))
    return FieldCondition(field="company", op="contains", value=word)


def _others() -> st.SearchStrategy[Condition]:
    """Tests the index does not file, alone or around filed ones."""
    return st.sampled_from(
        (
            FieldCondition(field="region", op="ne", value="north"),
            FieldCondition(field="company", op="is_empty"),
            FieldCondition(field="product", op="matches", value="^t.a"),
        )
    ) | _leaves().map(lambda leaf: Not(condition=leaf))


@st.composite
def _conditions(draw: st.DrawFn) -> Condition:
    parts: list[Condition] = draw(st.lists(_leaves(), min_size=1, max_size=4))
    if draw(st.integers(0, 3)) == 0:
        parts.insert(draw(st.integers(0, len(parts))), draw(_others()))
    if draw(st.integers(0, 4)) == 0:  # a nested all, flattened by the index
        parts = [AllOf(all=tuple(parts[:1])), *parts[1:]]
    if draw(st.integers(0, 5)) == 0:
        return AnyOf(any=tuple(parts))
    return parts[0] if len(parts) == 1 else AllOf(all=tuple(parts))


ACTIONS = st.sampled_from(
    (
        (SendMessage(text="New request from {{ region }}"),),
        (SendMessage(text="{{ company }} asks about {{ product }}"),),
        (SendMessage(text="Call back"), CreateTask(title="Quote {{ amount }} for {{ company }}")),
    )
)


@st.composite
def rule_sets(draw: st.DrawFn) -> list[Rule]:
    """Rules all on new requests, as many as make the engine use its alpha network."""
    count = draw(st.integers(12, 40))
    return [
        Rule(
            id=RuleId(f"r{index:02}"),
            name=f"Rule {index}",
            priority=draw(st.integers(0, 2)),
            stop_processing=draw(st.integers(0, 15)) == 0,
            trigger=TRIGGER,
            when=draw(st.none() | _conditions())
            if draw(st.integers(0, 9)) == 0
            else draw(_conditions()),
            then=draw(ACTIONS),
        )
        for index in range(count)
    ]


@st.composite
def records(draw: st.DrawFn, *, odd: bool = True) -> dict[str, Any]:
    """A new request's record; ``odd`` lets its amount be one that does not compare (NaN)."""
    amount: Any = Decimal(draw(_amounts()) + draw(st.sampled_from((0, 1, 500))))
    if draw(st.booleans()):
        amount = Money(amount=amount, currency="RUB")
    amounts = (amount, amount, None, Decimal("NaN")) if odd else (amount, None)
    return {
        "id": "q-1",
        "amount": draw(st.sampled_from(amounts)),
        "region": draw(st.sampled_from(REGIONS)),
        "source": draw(st.sampled_from(SOURCES)),
        "product": draw(st.sampled_from(PRODUCTS)),
        "company": draw(st.sampled_from(COMPANIES)),
    }


def _engines(drawn: list[Rule]) -> tuple[RuleEngine, RuleEngine]:
    indexed = RuleEngine(drawn, schemas=SCHEMAS, network_from=8)
    linear = RuleEngine(drawn, schemas=SCHEMAS, index_conditions=False)
    return indexed, linear


def _plainly_fired(drawn: list[Rule], record: dict[str, Any]) -> list[str]:
    """The rules that fire, by evaluating each rule's whole condition in running order."""
    scope = Scope(EVENT, record, now=NOW)
    fired: list[str] = []
    for rule in sorted(drawn, key=lambda r: (-r.priority, r.id)):
        holds = rule.when is None or compile_condition(
            rule.when, entity="request", schemas=SCHEMAS, operators=OPERATORS
        ).evaluate(scope)
        if holds:
            fired.append(rule.id)
            if rule.stop_processing:
                break
    return fired


@settings(max_examples=100, deadline=None)
@given(rule_sets(), st.lists(records(), min_size=1, max_size=4))
def test_the_indexed_engine_fires_what_the_plain_evaluation_fires(
    drawn: list[Rule], events: list[dict[str, Any]]
) -> None:
    indexed, linear = _engines(drawn)
    for record in events:
        context = RuleContext(record=record)
        outcome = indexed.process(EVENT, context=context, now=NOW)
        assert outcome == linear.process(EVENT, context=context, now=NOW)
        if not outcome.failures:
            ids = list(dict.fromkeys(command.rule_id for command in outcome.commands))
            assert ids == _plainly_fired(drawn, record)


# Explaining asks every node, so a NaN amount fails rules the quiet run never asks further.
@settings(max_examples=50, deadline=None)
@given(rule_sets(), records(odd=False))
def test_explaining_traces_every_rule_and_changes_nothing_else(
    drawn: list[Rule], record: dict[str, Any]
) -> None:
    indexed, linear = _engines(drawn)
    context = RuleContext(record=record)
    explained = indexed.process(EVENT, context=context, now=NOW, explain=True)
    assert attrs.evolve(explained, trace=()) == indexed.process(EVENT, context=context, now=NOW)
    plain = linear.process(EVENT, context=context, now=NOW, explain=True)
    assert [t.rule_id for t in explained.trace] == [t.rule_id for t in plain.trace]
    assert [t.fired for t in explained.trace] == [t.fired for t in plain.trace]
    for trace in explained.trace:
        if trace.reason.startswith("left out by the index"):
            assert not trace.fired
            assert any(not node.result for node in trace.nodes)


def _rule(number: int, when: Condition) -> Rule:
    return Rule(id=RuleId(f"r{number:02}"), name="r", trigger=TRIGGER, when=when,
                then=(SendMessage(text="{{ company }}"),))  # fmt: skip


def _many() -> list[Rule]:
    big = FieldCondition(field="amount", op="gt", value=5000)
    return [
        _rule(0, AllOf(all=(FieldCondition(field="region", op="eq", value="north"), big))),
        _rule(1, AllOf(all=(FieldCondition(field="region", op="eq", value="south"),
                            FieldCondition(field="source", op="in", value=("web", "ads"))))),
        *(_rule(n, FieldCondition(field="product", op="starts_with", value="kettle"))
          for n in range(2, 40)),
    ]  # fmt: skip


def test_explain_names_the_indexed_test_that_left_a_rule_out() -> None:
    engine = RuleEngine(_many(), schemas=SCHEMAS)
    record = {"id": "q-1", "amount": Decimal(9000), "region": "south", "source": "call",
              "product": "tea-green", "company": "Tea trade"}  # fmt: skip
    outcome = engine.process(EVENT, context=RuleContext(record=record), now=NOW, explain=True)
    assert len(outcome.trace) == 40
    first, second = outcome.trace[:2]
    assert first.reason == "left out by the index: when.all[0] (region eq 'north') does not hold"
    assert [(n.path, n.actual, n.result) for n in first.nodes] == [("when.all[0]", "south", False)]
    assert second.reason == (
        "left out by the index: when.all[1] (source in ['web', 'ads']) does not hold"
    )
    assert [n.result for n in second.nodes] == [True, False]
    assert all(
        t.reason.startswith("left out by the index: when (product") for t in outcome.trace[2:]
    )
    assert outcome.commands == ()


def test_explain_traces_the_rules_the_index_lets_through_node_by_node() -> None:
    engine = RuleEngine(_many(), schemas=SCHEMAS)
    record = {"id": "q-1", "amount": Decimal(9000), "region": "north", "source": "call",
              "product": "kettle-2", "company": "Tea trade"}  # fmt: skip
    outcome = engine.process(EVENT, context=RuleContext(record=record), now=NOW, explain=True)
    first = outcome.trace[0]
    assert (first.fired, first.reason) == (True, "conditions hold")
    assert [node.path for node in first.nodes] == ["when", "when.all[0]", "when.all[1]"]
    assert [t.rule_id for t in outcome.trace if t.fired] == [
        "r00",
        *(f"r{n:02}" for n in range(2, 40)),
    ]
    assert len(outcome.commands) == 39


def test_a_filled_in_action_seen_before_is_shared_and_a_bad_one_fails_each_time() -> None:
    engine = RuleEngine(_many(), schemas=SCHEMAS)
    record = {"id": "q-1", "amount": Decimal(9000), "region": "north", "source": "call",
              "product": "tea", "company": "Tea trade"}  # fmt: skip
    first = engine.process(EVENT, context=RuleContext(record=record), now=NOW).commands[0]
    again = engine.process(EVENT, context=RuleContext(record=record), now=NOW).commands[0]
    assert first.action is again.action
    assert first.action == SendMessage(text="Tea trade")
    blank = {**record, "company": " "}
    for _ in range(2):
        outcome = engine.process(EVENT, context=RuleContext(record=blank), now=NOW)
        assert outcome.commands == ()
        (failure,) = outcome.failures
        assert (failure.rule_id, failure.error) == ("r00", "DomainValidationError")


def test_rules_sharing_a_test_are_explained_at_their_own_paths() -> None:
    region = FieldCondition(field="region", op="eq", value="north")
    rules = [
        _rule(0, region),
        _rule(1, AllOf(all=(FieldCondition(field="amount", op="gt", value=1), region))),
    ]
    engine = RuleEngine(rules, schemas=SCHEMAS)
    record = {"id": "q-1", "amount": Decimal(2), "region": "north", "company": "Tea"}
    outcome = engine.process(EVENT, context=RuleContext(record=record), now=NOW, explain=True)
    paths = [[node.path for node in trace.nodes] for trace in outcome.trace]
    assert paths == [["when"], ["when", "when.all[0]", "when.all[1]"]]
    assert [c.rule_id for c in outcome.commands] == ["r00", "r01"]


def test_compiling_leaves_the_garbage_collector_as_it_found_it() -> None:
    assert gc.isenabled()
    RuleEngine(_many(), schemas=SCHEMAS)
    assert gc.isenabled()
    gc.disable()
    try:
        RuleEngine(_many(), schemas=SCHEMAS)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_engines_compiling_at_once_share_one_pause_of_the_collector() -> None:
    with PAUSE:
        with PAUSE:
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
