"""Validation against the schemas: every problem at once with its JSON path, and the rules
the strategies draw are all accepted while each type-breaking mutation is refused."""

from __future__ import annotations

from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rule_samples import BIG_DEALS, CONVERTER, example_rules, schemas

from crmcore.errors import DomainValidationError
from crmcore.rules import (
    FieldCondition,
    FieldRef,
    FieldType,
    Rule,
    SetFields,
    Trigger,
    TriggerKind,
    default_schemas,
    validate_rule,
)
from crmcore.rules.model import nodes
from crmcore.testing.strategies import rules

SCHEMAS = default_schemas()


def test_the_examples_are_valid() -> None:
    for rule in example_rules():
        validate_rule(rule, schemas=schemas())


def test_every_problem_is_reported_at_once_with_its_json_path() -> None:
    data = {
        **BIG_DEALS,
        "when": {
            "all": [
                {"field": "amount", "op": "contains", "value": "1"},
                {"field": "partner.colour", "op": "eq", "value": "red"},
                {"field": "expected_close", "op": "gt", "value": "next tuesday"},
                {"field": "status", "op": "eq", "value": "sold"},
                {"field": "amount", "op": "between", "value": 1},
                {"field": "title", "op": "is_empty", "value": "a"},
                {"field": "amount", "op": "gt", "value": {"field": "title"}},
                {"field": "title", "op": "soundex", "value": "a"},
                {"field": "title", "op": "matches", "value": "(a+)+"},
            ]
        },
        "then": [
            {"action": "sms_client", "text": "Hi {{ partner.nickname }}"},
            {
                "action": "set_fields",
                "values": {"id": "x", "amount": "lots", "partner.region": "x"},
            },
        ],
    }
    with pytest.raises(DomainValidationError) as caught:
        validate_rule(CONVERTER.structure(data, Rule), schemas=schemas())
    assert caught.value.fields == (
        "when.all[0].op",
        "when.all[1].field",
        "when.all[2].value",
        "when.all[3].value",
        "when.all[4].value",
        "when.all[5].value",
        "when.all[6].value.field",
        "when.all[7].op",
        "when.all[8].value",
        "then[0].text",
        "then[1].values.id",
        "then[1].values.amount",
        "then[1].values.partner.region",
    )


def test_unknown_entities_triggers_and_fields_are_named() -> None:
    with pytest.raises(DomainValidationError) as caught:
        validate_rule(
            Rule(
                id="r",
                name="r",
                trigger=Trigger(entity="deal", on=TriggerKind.DATE, field="title"),
                then=(SetFields(values={"colour": "red"}),),
            ),
            schemas=schemas(),
        )
    assert caught.value.fields == ("trigger.field", "then[0].values.colour")


def test_bad_json_names_every_path_and_builds_nothing() -> None:
    data = {
        **BIG_DEALS,
        "priority": "high",
        "when": {"not": {"field": "amount"}},
        "then": [{"action": "fly"}],
    }
    with pytest.raises(DomainValidationError) as caught:
        CONVERTER.structure(data, Rule)
    assert set(caught.value.fields) == {"priority", "when.not.op", "then[0].action"}


def test_deeply_nested_conditions_are_refused() -> None:
    condition: dict[str, Any] = {"field": "title", "op": "is_empty"}
    for _ in range(40):
        condition = {"not": condition}
    with pytest.raises(DomainValidationError, match="deeper than 32"):
        CONVERTER.structure({**BIG_DEALS, "when": condition}, Rule)


@settings(max_examples=150, deadline=None)
@given(rules())
def test_the_strategies_draw_only_valid_rules(rule: Rule) -> None:
    validate_rule(rule, schemas=SCHEMAS)


@settings(max_examples=150, deadline=None)
@given(rules())
def test_rules_round_trip_through_json(rule: Rule) -> None:
    assert CONVERTER.structure(CONVERTER.unstructure(rule), Rule) == rule


_WRONG: dict[FieldType, object] = {
    FieldType.INTEGER: "many",
    FieldType.DECIMAL: True,
    FieldType.MONEY: "lots",
    FieldType.DATE: "soon",
    FieldType.DATETIME: "2026-01-01T10:00",
    FieldType.BOOLEAN: "yes",
    FieldType.CHOICE: "no-such-choice",
    FieldType.TEXT: 5,
    FieldType.LIST: 5,
}


def _leaves(rule: Rule) -> list[tuple[str, FieldCondition]]:
    if rule.when is None:
        return []
    return [(path, node) for path, node in nodes(rule.when) if isinstance(node, FieldCondition)]


def _replace(condition: Any, target: FieldCondition, new: FieldCondition) -> Any:
    if condition is target:
        return new
    if isinstance(condition, FieldCondition):
        return condition
    if hasattr(condition, "all"):
        return attrs.evolve(condition, all=tuple(_replace(c, target, new) for c in condition.all))
    if hasattr(condition, "any"):
        return attrs.evolve(condition, any=tuple(_replace(c, target, new) for c in condition.any))
    return attrs.evolve(condition, condition=_replace(condition.condition, target, new))


@settings(max_examples=150, deadline=None)
@given(rules().filter(lambda r: bool(_leaves(r))), st.data())
def test_every_mutation_that_breaks_a_type_is_refused_at_its_path(
    rule: Rule, data: st.DataObject
) -> None:
    path, leaf = data.draw(st.sampled_from(_leaves(rule)))
    spec = SCHEMAS.resolve(rule.trigger.entity, leaf.field).spec
    mutation = data.draw(st.sampled_from(["value", "field", "op", "ref"]))
    if mutation == "value":
        broken = attrs.evolve(leaf, op="eq", value=_WRONG[spec.type])
        where = f"{path}.value"
    elif mutation == "field":
        broken, where = attrs.evolve(leaf, field="no_such_field"), f"{path}.field"
    elif mutation == "op":
        broken, where = attrs.evolve(leaf, op="no_such_op"), f"{path}.op"
    else:
        other = "expected_close" if spec.type is not FieldType.DATE else "title"
        if rule.trigger.entity != "deal":
            other = "no_such_field"
        broken, where = (
            attrs.evolve(leaf, op="eq", value=FieldRef(field=other)),
            f"{path}.value.field",
        )
    if mutation == "value" and spec.type is FieldType.LIST:
        where = f"{path}.value"
    mutated = attrs.evolve(rule, when=_replace(rule.when, leaf, broken))
    with pytest.raises(DomainValidationError) as caught:
        validate_rule(mutated, schemas=SCHEMAS)
    assert where in caught.value.fields


def test_set_fields_may_not_write_lifecycle_or_identity_fields() -> None:
    fields = ("stage", "status", "pipeline_id", "partner_id", "version", "kind", "title")
    rule = Rule(
        id="r", name="Moves deals", trigger=Trigger(entity="deal", on=TriggerKind.CREATED),
        then=(SetFields(values=dict.fromkeys(fields, "x")),),
    )  # fmt: skip
    with pytest.raises(DomainValidationError) as caught:
        validate_rule(rule, schemas=default_schemas())
    named = {v.field: v for v in caught.value.violations}
    for name in fields[:-1]:
        assert "lifecycle or identity field" in named[f"then[0].values.{name}"].message
    assert "then[0].values.title" not in named


def test_hosts_that_move_through_the_services_may_let_rules_set_stage_and_status() -> None:
    values = {"stage": "offer", "status": "won", "partner_id": "p-1", "version": 3}
    rule = Rule(
        id="r", name="Moves deals", trigger=Trigger(entity="deal", on=TriggerKind.CREATED),
        then=(SetFields(values=values),),
    )  # fmt: skip
    with pytest.raises(DomainValidationError) as caught:
        validate_rule(rule, schemas=default_schemas(), lifecycle_moves=True)
    assert caught.value.fields == ("then[0].values.partner_id", "then[0].values.version")


def test_a_rule_made_stale_disables_only_itself_when_asked() -> None:
    from crmcore.rules import RuleEngine, SendMessage  # noqa: PLC0415

    def rule(rule_id: str, field: str) -> Rule:
        return Rule(
            id=rule_id, name=rule_id, trigger=Trigger(entity="deal", on=TriggerKind.CREATED),
            when=FieldCondition(field=field, op="eq", value="Audi"),
            then=(SendMessage(text="{{ title }}"),),
        )  # fmt: skip

    rules = [rule("stale", "partner.custom.car_brand"), rule("fine", "title")]
    with pytest.raises(DomainValidationError) as caught:
        RuleEngine(rules, schemas=default_schemas())
    assert caught.value.fields == ("[0].when.field",)
    engine = RuleEngine(rules, schemas=default_schemas(), disable_invalid=True)
    (disabled,) = engine.disabled
    assert (disabled.rule_id, disabled.version) == ("stale", 1)
    assert [p.field for p in disabled.problems] == ["when.field"]
    assert [r.id for r in engine.candidates(_opened())] == ["fine"]


def _opened() -> Any:
    from rule_samples import NOW  # noqa: PLC0415

    from crmcore.deals import DealOpened  # noqa: PLC0415

    return DealOpened(entity_id="d-1", occurred_at=NOW)
