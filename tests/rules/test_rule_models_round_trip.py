"""Every public model of the rules area is drawn by st.from_type and round-trips as JSON."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rule_samples import CONVERTER

from crmcore.rules import (
    ACTIONS,
    AllOf,
    AnyOf,
    AssignManager,
    Branch,
    Command,
    FieldCondition,
    FieldMapping,
    FieldRef,
    Firing,
    FixedUser,
    LoadBalancing,
    Member,
    Not,
    RoundRobin,
    Rule,
    Staff,
    Throttle,
    Trigger,
    Wait,
    WaitDue,
    default_schemas,
    validate_rule,
)
from crmcore.testing.strategies import rule_steps

MODELS: list[type[Any]] = [
    Rule, Trigger, FieldCondition, FieldRef, AllOf, AnyOf, Not, AssignManager, Command,
    FixedUser, RoundRobin, LoadBalancing, FieldMapping, Member, Staff, *ACTIONS.values(),
    Throttle, Branch, Wait, WaitDue, Firing,
]  # fmt: skip


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
@settings(max_examples=15, deadline=None)
@given(data=st.data())
def test_each_model_round_trips_through_json(model: type[Any], data: st.DataObject) -> None:
    value = data.draw(st.from_type(model))
    assert isinstance(value, model)
    assert CONVERTER.structure(CONVERTER.unstructure(value), model) == value


@settings(max_examples=25, deadline=None)
@given(rule_steps())
def test_rules_with_branches_waits_throttles_and_audit_round_trip_and_validate(rule: Rule) -> None:
    assert CONVERTER.structure(CONVERTER.unstructure(rule), Rule) == rule
    validate_rule(rule, schemas=default_schemas())
