"""Conditions: every operator, relative dates, field references, custom fields, facts,
bounded regular expressions."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from rule_samples import NOW, Facts, deal, schemas

from crmcore.conditions.operators import compile_regex
from crmcore.deals import DealChanged
from crmcore.events import Change
from crmcore.rules import (
    OPERATORS,
    FieldCondition,
    FieldRef,
    Scope,
    compile_condition,
    regex_problem,
)

FACTS = Facts(
    partners={
        "p-1": {"id": "p-1", "region": "Siberia", "segment": None, "custom": {"car_brand": "BMW"}}
    },
    purchases={"p-1": Decimal("51000.50")},
)


def holds(
    field: str,
    op: str,
    value: Any = None,
    *,
    changes: dict[str, Change] | None = None,
    **record: Any,
) -> bool:
    condition = FieldCondition(field=field, op=op, value=value)
    compiled = compile_condition(condition, entity="deal", schemas=schemas(), operators=OPERATORS)
    event = DealChanged(entity_id="d-1", occurred_at=NOW, changes=changes or {})
    return compiled.evaluate(Scope(event, deal(**record), now=NOW, facts=FACTS))


@pytest.mark.parametrize(
    ("field", "op", "value", "expected"),
    [
        ("amount", "eq", 150000, True),
        ("amount", "ne", "150000.00", False),
        ("amount", "lt", "150000.01", True),
        ("amount", "le", 150000, True),
        ("amount", "gt", 150000, False),
        ("amount", "ge", 150000, True),
        ("amount", "between", (100000, 200000), True),
        ("title", "in", ("Green tea", "Black tea"), True),
        ("title", "not_in", ("Green tea",), False),
        ("title", "contains", "TEA", True),
        ("title", "starts_with", "green", True),
        ("title", "ends_with", "coffee", False),
        ("title", "matches", r"^Gr[a-z]+ t", True),
        ("lost_reason", "is_empty", None, True),
        ("title", "is_not_empty", None, True),
        ("expected_close", "gt", "2026-06-09", True),
        ("expected_close", "lt", "today + 3 days", False),
        ("expected_close", "le", "today + 9 days", True),
        ("expected_close", "between", ("today", "today + 2 weeks"), True),
        ("expected_close", "lt", "today + 8 working days", True),
        ("partner.region", "eq", "Siberia", True),
        ("partner.segment", "is_empty", None, True),
        ("partner.custom.car_brand", "eq", "Audi", False),
        ("partner.last_purchase_amount", "gt", 50000, True),
        ("partner.last_purchase_amount", "gt", "51000.50", False),
    ],
)
def test_operators_compare_plain_values(field: str, op: str, value: Any, expected: bool) -> None:
    assert holds(field, op, value) is expected


def test_working_days_skip_the_weekend() -> None:
    # Monday 1 June + 7 working days is Wednesday 10 June; + 7 days would be Monday 8 June.
    assert holds("expected_close", "eq", "today + 7 working days")
    assert not holds("expected_close", "eq", "today + 7 days")


def test_a_datetime_compares_with_now_and_relative_days() -> None:
    created = datetime(2026, 6, 1, 7, tzinfo=UTC)
    assert holds("created_at", "gt", "now - 3 hours", created_at=created)
    assert holds("created_at", "ge", "today", created_at=created)
    assert not holds("created_at", "lt", "today - 1 day", created_at=created)


def test_fields_compare_with_other_fields() -> None:
    assert holds(
        "stage_entered_at", "ge", FieldRef(field="created_at"), created_at=NOW, stage_entered_at=NOW
    )
    assert not holds("expected_close", "lt", FieldRef(field="closed_at"), closed_at=None)


def test_change_operators_read_the_event() -> None:
    changes = {
        "amount": Change(
            old={"amount": "10", "currency": "RUB"}, new={"amount": "20", "currency": "RUB"}
        )
    }
    assert holds("amount", "changed", changes=changes)
    assert holds("amount", "changed_from", 10, changes=changes)
    assert holds("amount", "changed_to", "20.00", changes=changes)
    assert not holds("title", "changed", changes=changes)


def test_missing_related_records_read_as_empty() -> None:
    assert holds("partner.region", "is_empty", partner_id="p-404")
    assert not holds("partner.region", "eq", "Siberia", partner_id=None)


@pytest.mark.parametrize(
    ("pattern", "problem"),
    [
        ("(a+)+$", "nested quantifiers"),
        ("(x|xy)*z", "nested quantifiers"),
        (r"(a)\1", "backreferences"),
        ("a*b*c*d", "at most 2 unbounded"),
        ("a{1,1000}", "more than 100"),
        ("a" * 201, "at most 200"),
        ("(unclosed", "not a regular expression"),
    ],
)
def test_risky_patterns_are_refused(pattern: str, problem: str) -> None:
    found = regex_problem(pattern)
    assert found is not None
    assert problem in found
    with pytest.raises(ValueError, match="regular expression"):
        compile_regex(pattern)


def test_matching_reads_a_bounded_prefix_of_the_subject() -> None:
    assert holds("title", "matches", "tea$", title="Green tea")
    assert not holds("title", "matches", "tea$", title="x" * 5000 + "tea")


def test_explain_records_every_node_with_its_values() -> None:
    condition = FieldCondition(field="partner.last_purchase_amount", op="gt", value=50000)
    compiled = compile_condition(condition, entity="deal", schemas=schemas(), operators=OPERATORS)
    trace: list[Any] = []
    event = DealChanged(entity_id="d-1", occurred_at=NOW)
    assert compiled.explain(Scope(event, deal(), now=NOW, facts=FACTS), trace)
    (node,) = trace
    assert (node.path, node.actual, node.expected, node.result) == (
        "when",
        "51000.50",
        "50000",
        True,
    )


def test_related_records_are_fetched_once_per_event() -> None:
    facts = Facts(partners=FACTS.partners, purchases={})
    scope = Scope(DealChanged(entity_id="d-1", occurred_at=NOW), deal(), now=NOW, facts=facts)
    for field in ("partner.region", "partner.segment", "partner.custom.car_brand"):
        condition = FieldCondition(field=field, op="is_not_empty")
        compile_condition(
            condition, entity="deal", schemas=schemas(), operators=OPERATORS
        ).evaluate(scope)
    assert facts.asked == [("partner", "p-1")]


def test_dates_of_records_compare_with_iso_literals() -> None:
    assert holds("expected_close", "eq", date(2026, 6, 10).isoformat())
