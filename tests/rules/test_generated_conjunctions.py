"""Generated conjunctions answer, and fail, as the compiled leaves they stand for."""

from __future__ import annotations

import enum
import itertools
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crmcore.conditions import (
    OPERATORS,
    FieldCondition,
    SchemaRegistry,
    Scope,
    compile_condition,
    condition_problems,
    schema_of,
)
from crmcore.conditions.generated import Call, Leaf, conjunction
from crmcore.conditions.scope import direct_field, plain
from crmcore.conditions.values import Constant, coerce
from crmcore.errors import DomainValidationError
from crmcore.events import DomainEvent
from crmcore.ids import EntityRef
from crmcore.money import Money

AT = datetime(2026, 6, 1, 9, tzinfo=UTC)


class Size(enum.Enum):
    SMALL = "small"
    BIG = "big"


@attrs.frozen
class Thing:
    id: str
    title: str
    size: Size
    amount: Money
    count: int
    share: Decimal
    day: date
    moment: datetime
    active: bool


SCHEMAS = SchemaRegistry(schemas={"thing": schema_of("thing", Thing)})
FIELDS = ("title", "size", "amount", "count", "share", "day", "moment", "active")
EVENT = DomainEvent(entity_id="t-1", occurred_at=AT)

# What a host's record may hold in any field: right, wrong and odd kinds of value.
VALUES = st.sampled_from(
    (
        None, "", "Tea", "tea cups", "small", "BIG", 0, 3, -2, True, False, 2.5, float("nan"),
        Decimal("3"), Decimal("2.50"), Decimal("NaN"), date(2026, 6, 1), date(2026, 5, 1),
        datetime(2026, 6, 1, 9, tzinfo=UTC), datetime(2026, 6, 1, 9), Size.SMALL, Size.BIG,
        Money(amount=Decimal("3"), currency="RUB"),
        EntityRef(entity_type="partner", entity_id="Tea"), ["tea"], ("small", "big"), {"a": 1},
    )
)  # fmt: skip
# The constants rules compare with, of every field type, singly and in pairs.
CONSTANTS: tuple[Any, ...] = (
    "tea", "Te", "cups", "small", "", 0, 3, "2.5", True, None, "2026-06-01",
    "2026-06-01T09:00:00+00:00",
)  # fmt: skip


def _valid_leaves() -> list[FieldCondition]:
    """Every leaf of a field, a built-in operator and a constant (or pair, or list of them)
    that validation accepts and that compares with a constant."""
    found = []
    singles = CONSTANTS
    values: list[Any] = [*singles, *itertools.pairwise(singles), tuple(singles[:3])]
    for field in FIELDS:
        for op, operator in sorted(OPERATORS.items()):
            if operator.reads_change:
                continue
            for value in values:
                try:
                    leaf = FieldCondition(field=field, op=op, value=value)
                except DomainValidationError:
                    continue
                problems = condition_problems(
                    leaf, entity="thing", schemas=SCHEMAS, operators=OPERATORS
                )
                if any(True for _ in problems):
                    continue
                resolved = SCHEMAS.resolve("thing", field)
                if isinstance(coerce(resolved.spec, operator, value), Constant):
                    found.append(leaf)
    return found


LEAVES = st.sampled_from(_valid_leaves())


def _answer(call: Any) -> tuple[str, Any]:
    try:
        return "answer", bool(call())
    except Exception as error:
        return "error", type(error)


def _generated(leaf: FieldCondition, record: dict[str, Any]) -> tuple[str, Any]:
    resolved = SCHEMAS.resolve("thing", leaf.field)
    direct = direct_field(resolved)
    assert direct is not None
    field, normal = direct
    expected = coerce(resolved.spec, OPERATORS[leaf.op], leaf.value)
    assert isinstance(expected, Constant)
    test = conjunction(
        [Leaf(field=field, operator=OPERATORS[leaf.op], value=expected.value,
              plain_text=normal is not plain)]
    )  # fmt: skip
    assert test is not None
    raw = record[field]
    values = {field: raw if normal is None else normal(raw)}
    return _answer(lambda: test(values, Scope(EVENT, record, now=AT)))


@settings(max_examples=600, deadline=None)
@given(LEAVES, VALUES)
def test_a_generated_leaf_answers_as_the_compiled_leaf(leaf: FieldCondition, raw: Any) -> None:
    record = {"id": "t-1", leaf.field: raw}
    compiled = compile_condition(leaf, entity="thing", schemas=SCHEMAS, operators=OPERATORS)
    wanted = _answer(lambda: compiled.evaluate(Scope(EVENT, record, now=AT)))
    assert _generated(leaf, record) == wanted


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(LEAVES, VALUES), min_size=1, max_size=4, unique_by=lambda p: p[0].field))
def test_a_generated_conjunction_stops_where_the_compiled_tests_stop(
    pairs: list[tuple[FieldCondition, Any]],
) -> None:
    record: dict[str, Any] = {"id": "t-1"}
    steps: list[Leaf | Call] = []
    values: dict[str, Any] = {}
    compiled = []
    for leaf, raw in pairs:
        record[leaf.field] = raw
        resolved = SCHEMAS.resolve("thing", leaf.field)
        field, normal = direct_field(resolved)  # type: ignore[misc]
        expected = coerce(resolved.spec, OPERATORS[leaf.op], leaf.value)
        assert isinstance(expected, Constant)
        values[field] = raw if normal is None else normal(raw)
        evaluate = compile_condition(
            leaf, entity="thing", schemas=SCHEMAS, operators=OPERATORS
        ).evaluate
        compiled.append(evaluate)
        # Every other leaf goes as a call on the scope, as the engine passes its other tests.
        steps.append(
            Call(evaluate)
            if len(steps) % 2
            else Leaf(field=field, operator=OPERATORS[leaf.op], value=expected.value,
                      plain_text=normal is not plain)
        )  # fmt: skip
    scope = Scope(EVENT, record, now=AT)
    test = conjunction(steps)
    assert test is not None
    assert _answer(lambda: test(values, scope)) == _answer(
        lambda: all(evaluate(scope) for evaluate in compiled)
    )


def test_nothing_to_test_is_no_test_and_shapes_share_their_code() -> None:
    assert conjunction([]) is None
    first = conjunction([Leaf(field="count", operator=OPERATORS["gt"], value=1, plain_text=True)])
    second = conjunction([Leaf(field="count", operator=OPERATORS["gt"], value=5, plain_text=True)])
    assert first is not None
    assert second is not None
    assert first.__code__ is second.__code__
    scope = Scope(EVENT, {"id": "t-1"}, now=AT)
    assert (first({"count": 3}, scope), second({"count": 3}, scope)) == (True, False)


def test_a_called_test_that_raises_raises_through() -> None:
    def broken(scope: Scope) -> bool:
        raise ZeroDivisionError

    test = conjunction([Call(broken)])
    assert test is not None
    with pytest.raises(ZeroDivisionError):
        test({}, Scope(EVENT, {"id": "t-1"}, now=AT))
