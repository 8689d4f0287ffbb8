"""The alpha network: indexed conditions give exactly what asking every rule in turn gives."""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st
from rule_samples import NOW, STAFF

from crmcore.conditions.operators import OPERATORS
from crmcore.deals import DealChanged, DealOpened, DealWon
from crmcore.events import Change, DomainEvent
from crmcore.money import Money
from crmcore.rules import (
    AllOf,
    AnyOf,
    Condition,
    FieldCondition,
    FieldRef,
    Not,
    Rule,
    RuleContext,
    RuleEngine,
    Scope,
    SendMessage,
    Trigger,
    TriggerKind,
    default_schemas,
)
from crmcore.rules.alpha import AlphaNetwork, plan_of, safe
from crmcore.testing.strategies import rules

SCHEMAS = default_schemas()
DAY = date(2026, 6, 1)
TEXTS = ("tea", "Tea cups", "east", "", "cups")
# Field, the values records and rules draw from, and the operators that fit its type.
FIELDS: dict[str, tuple[st.SearchStrategy[Any], tuple[str, ...]]] = {
    "title": (st.sampled_from(TEXTS), ("eq", "in", "starts_with", "ends_with", "contains", "ne")),
    "stage": (st.sampled_from(("lead", "offer", "contract")), ("eq", "in", "not_in")),
    "status": (st.sampled_from(("open", "won", "lost")), ("eq", "in", "starts_with")),
    "amount": (
        st.integers(0, 6).map(lambda n: n * 1000),
        ("eq", "gt", "ge", "lt", "le", "between"),
    ),
    "version": (st.integers(0, 4), ("eq", "in", "gt", "ge", "lt", "le", "between")),
    "expected_close": (
        st.integers(-3, 3).map(lambda n: (DAY + timedelta(days=n)).isoformat()),
        ("eq", "gt", "le", "between"),
    ),
}


class Colour(enum.Enum):
    TEA = "tea"


# Values a host's record may hold beside plain ones: some compare safely, some do not.
ODD_VALUES = st.sampled_from(
    (None, Decimal("NaN"), float("nan"), 2000.0, Colour.TEA, ["tea"], True, "2026-06-01")
)


@st.composite
def leaves(draw: st.DrawFn) -> FieldCondition:
    field = draw(st.sampled_from(sorted(FIELDS)))
    values, ops = FIELDS[field]
    op = draw(st.sampled_from(ops))
    if op in ("in", "not_in"):
        value: Any = tuple(draw(st.lists(values, min_size=1, max_size=3)))
    elif op == "between":
        value = tuple(sorted(draw(st.lists(values, min_size=2, max_size=2))))
    else:
        value = draw(values)
    return FieldCondition(field=field, op=op, value=value)


OTHER_LEAVES = st.sampled_from(
    (
        FieldCondition(field="partner.region", op="eq", value="east"),
        FieldCondition(field="expected_close", op="lt", value="today + 2 days"),
        FieldCondition(field="title", op="matches", value="^te"),
        FieldCondition(field="amount", op="gt", value=FieldRef(field="version")),
        FieldCondition(field="co_executors", op="contains", value="anna"),
        FieldCondition(field="title", op="changed"),
        FieldCondition(field="title", op="is_empty"),
    )
)


def conditions() -> st.SearchStrategy[Condition]:
    base = leaves() | OTHER_LEAVES
    return st.recursive(
        base,
        lambda children: (
            st.lists(children, min_size=1, max_size=4).map(lambda items: AllOf(all=tuple(items)))
            | st.lists(children, min_size=1, max_size=2).map(lambda items: AnyOf(any=tuple(items)))
            | children.map(lambda child: Not(condition=child))
        ),
        max_leaves=6,
    )


TRIGGERS = st.sampled_from(
    (
        Trigger(entity="deal", on=TriggerKind.CREATED),
        Trigger(entity="deal", on=TriggerKind.CHANGED),
        Trigger(entity="deal", on=TriggerKind.CHANGED, fields=("title",)),
        Trigger(entity="deal", on=TriggerKind.CHANGED, fields=("stage",), to_value="offer"),
        Trigger(entity="deal", on=TriggerKind.STATUS_SET),
        Trigger(entity="deal", on=TriggerKind.STATUS_SET, to_value="won"),
    )
)


@st.composite
def filed_conditions(draw: st.DrawFn) -> Condition:
    """Mostly tests the network files, first or after others, sometimes any condition."""
    if draw(st.integers(0, 4)) == 0:
        return draw(conditions())
    parts = draw(st.lists(leaves(), min_size=1, max_size=3))
    if draw(st.booleans()):
        parts.insert(draw(st.integers(0, len(parts))), draw(conditions()))
    return AllOf(all=tuple(parts))


@st.composite
def rule_sets(draw: st.DrawFn) -> list[Rule]:
    """Rules most of which share one trigger, so that an event meets many."""
    count = draw(st.integers(8, 24))
    main = draw(TRIGGERS)
    return [
        Rule(
            id=f"r{index:02}",
            name=f"Rule {index}",
            priority=draw(st.integers(0, 2)),
            stop_processing=draw(st.integers(0, 9)) == 0,
            trigger=main if draw(st.integers(0, 4)) else draw(TRIGGERS),
            when=draw(st.none() | filed_conditions()),
            then=(SendMessage(text="About {{ title }}"),),
        )
        for index in range(count)
    ]


@st.composite
def records(draw: st.DrawFn) -> dict[str, Any]:
    record: dict[str, Any] = {"id": "d-1"}
    for field, (values, _) in FIELDS.items():
        record[field] = draw(values | ODD_VALUES if draw(st.integers(0, 5)) == 0 else values)
    if isinstance(record["amount"], int) and draw(st.booleans()):
        record["amount"] = Money(amount=Decimal(record["amount"]), currency="RUB")
    if isinstance(record["expected_close"], str):
        record["expected_close"] = date.fromisoformat(record["expected_close"])
    record["co_executors"] = ("anna",)
    return record


EVENTS = st.sampled_from(
    (
        DealOpened(entity_id="d-1", occurred_at=NOW),
        DealChanged(entity_id="d-1", occurred_at=NOW, changes={"title": Change(old="a", new="b")}),
        DealChanged(
            entity_id="d-1", occurred_at=NOW, changes={"stage": Change(old="lead", new="offer")}
        ),
        DealWon(
            entity_id="d-1", occurred_at=NOW, changes={"status": Change(old="open", new="won")}
        ),
    )
)


def _both(drawn: list[Rule]) -> tuple[RuleEngine, RuleEngine]:
    indexed = RuleEngine(drawn, schemas=SCHEMAS, network_from=8)
    linear = RuleEngine(drawn, schemas=SCHEMAS, index_conditions=False)
    return indexed, linear


@settings(max_examples=100, deadline=None)
@given(rule_sets(), st.lists(st.tuples(EVENTS, records()), min_size=1, max_size=4))
def test_indexed_conditions_give_what_every_rule_asked_in_turn_gives(
    drawn: list[Rule], events: list[tuple[DomainEvent, dict[str, Any]]]
) -> None:
    indexed, linear = _both(drawn)
    for event, record in events:
        context = RuleContext(record=record, staff=STAFF)
        assert indexed.process(event, context=context, now=NOW) == linear.process(
            event, context=context, now=NOW
        )


@settings(max_examples=25, deadline=None)
@given(
    st.lists(rules(entities=("deal",)), min_size=8, max_size=16, unique_by=lambda r: r.id),
    records(),
)
def test_indexed_conditions_agree_on_any_valid_rule(
    drawn: list[Rule], record: dict[str, Any]
) -> None:
    created = [
        attrs.evolve(rule, trigger=Trigger(entity="deal", on=TriggerKind.CREATED)) for rule in drawn
    ]
    indexed, linear = _both(created)
    event = DealOpened(entity_id="d-1", occurred_at=NOW)
    context = RuleContext(record=record, staff=STAFF)
    assert indexed.process(event, context=context, now=NOW) == linear.process(
        event, context=context, now=NOW
    )


def _network(*conditions: Condition) -> AlphaNetwork[Rule]:
    found = [
        Rule(
            id=f"r{index}",
            name="r",
            trigger=Trigger(entity="deal", on=TriggerKind.CREATED),
            when=condition,
            then=(SendMessage(text="x"),),
        )
        for index, condition in enumerate(conditions)
    ]
    plans = [plan_of(rule, schemas=SCHEMAS, operators=OPERATORS, checks=False) for rule in found]
    return AlphaNetwork(found, plans)


def _chosen(network: AlphaNetwork[Rule], record: object) -> list[str] | None:
    event = DealOpened(entity_id="d-1", occurred_at=NOW)
    selected = network.select(Scope(event, record, now=NOW))
    return None if selected is None else [rule.id for rule in selected[0]]


def test_an_event_is_asked_only_the_rules_whose_filed_tests_hold() -> None:
    network = _network(
        AllOf(all=(FieldCondition(field="amount", op="gt", value=5),
                   FieldCondition(field="stage", op="eq", value="offer"),
                   FieldCondition(field="status", op="in", value=("open", "won")))),
        FieldCondition(field="title", op="starts_with", value="TE"),
        FieldCondition(field="title", op="ends_with", value="cups"),
        FieldCondition(field="amount", op="between", value=(10, 20)),
        FieldCondition(field="amount", op="lt", value=10),
        FieldCondition(field="amount", op="ge", value=12),
        FieldCondition(field="amount", op="le", value=12),
        FieldCondition(field="title", op="contains", value="tea"),
        FieldCondition(field="amount", op="gt", value=12),
        FieldCondition(field="amount", op="lt", value=12),
    )  # fmt: skip
    assert network.filed == 10
    record = {"id": "d-1", "amount": Decimal(12), "stage": "offer", "status": "won",
              "title": "Tea cups"}  # fmt: skip
    assert _chosen(network, record) == ["r0", "r1", "r2", "r3", "r5", "r6", "r7"]
    other = {**record, "amount": 3, "stage": "lead", "title": "cup"}
    assert _chosen(network, other) == ["r4", "r6", "r9"]


def test_a_record_the_network_cannot_read_safely_is_asked_every_rule() -> None:
    network = _network(FieldCondition(field="amount", op="gt", value=5))
    assert _chosen(network, {"id": "d-1", "amount": Decimal("NaN")}) is None
    assert _chosen(network, {"id": "d-1", "amount": ["a"]}) is None
    assert _chosen(network, ("not", "a", "mapping")) is None
    assert _chosen(network, {"id": "d-1", "amount": 1.5}) == []


def test_rules_that_read_more_than_the_record_first_are_not_filed() -> None:
    related = FieldCondition(field="partner.region", op="eq", value="east")
    network = _network(
        AllOf(all=(related, FieldCondition(field="stage", op="eq", value="offer"))),
        FieldCondition(field="amount", op="gt", value=None),
    )
    assert network.filed == 0


def test_values_that_compare_safely() -> None:
    assert all(map(safe, ("a", 1, True, None, DAY, NOW, Decimal(1), 1.0, Colour.TEA)))
    assert safe(Money(amount=Decimal(1), currency="RUB"))
    assert not any(map(safe, (Decimal("NaN"), float("inf"), ["a"], object(), datetime)))
    assert safe(datetime(2026, 1, 1, tzinfo=UTC))
