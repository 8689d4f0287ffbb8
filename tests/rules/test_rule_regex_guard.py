"""The ``matches`` operator runs only patterns written in the rule and checked for
catastrophic backtracking: a pattern cannot come from record data."""

from __future__ import annotations

from typing import Any

import pytest

from crmcore.errors import DomainValidationError
from crmcore.rules import Rule, default_schemas, regex_problem, validate_rule
from crmcore.serialization import make_converter

CONVERTER = make_converter()


@pytest.mark.parametrize("pattern", ["(a?a?)*$", "(x?)+", "((a?)?)*", "(a?b?){50}"])
def test_optional_repeats_inside_a_repeated_group_are_refused(pattern: str) -> None:
    assert regex_problem(pattern) == "nested quantifiers can take exponential time"


@pytest.mark.parametrize("pattern", ["colou?r", "(a|b)?c", "(?:ab)*", "(?P<x>a)b+", "a+?b"])
def test_a_single_optional_part_is_accepted(pattern: str) -> None:
    assert regex_problem(pattern) is None


def _rule(value: Any) -> Rule:
    data = {
        "id": "r-1",
        "name": "Matching titles",
        "trigger": {"entity": "deal", "on": "created"},
        "when": {"field": "title", "op": "matches", "value": value},
        "then": [{"action": "assign_manager", "strategy": "head_of_department"}],
    }
    rule: Rule = CONVERTER.structure(data, Rule)
    return rule


def test_a_pattern_read_from_a_field_is_refused() -> None:
    with pytest.raises(DomainValidationError) as raised:
        validate_rule(_rule({"field": "partner.short_name"}), schemas=default_schemas())
    assert raised.value.fields == ("when.value",)
    assert "not one read from a field" in str(raised.value)


def test_a_catastrophic_pattern_written_in_the_rule_is_refused() -> None:
    with pytest.raises(DomainValidationError) as raised:
        validate_rule(_rule("(a?a?)*$"), schemas=default_schemas())
    assert raised.value.fields == ("when.value",)
