"""Rules sharing an action are each told its problems, under their own paths."""

from __future__ import annotations

import pytest

from crmcore.errors import DomainValidationError
from crmcore.ids import RuleId
from crmcore.rules import Rule, SendMessage, SetFields, Trigger, TriggerKind, default_schemas
from crmcore.rules.validation import validate_rules


def _rule(number: int, entity: str, *then: object) -> Rule:
    return Rule(
        id=RuleId(f"r{number}"), name=f"Rule {number}",
        trigger=Trigger(entity=entity, on=TriggerKind.CREATED), then=then,  # type: ignore[arg-type]
    )  # fmt: skip


def test_a_shared_bad_action_is_reported_for_every_rule_that_has_it() -> None:
    bad = SendMessage(text="Hello, {{ Name }}")
    rules = [_rule(0, "deal", bad), _rule(1, "deal", SendMessage(text="ok"), bad)]
    with pytest.raises(DomainValidationError) as raised:
        validate_rules(rules, schemas=default_schemas())
    assert [v.field for v in raised.value.violations] == ["[0].then[0].text", "[1].then[1].text"]


def test_one_action_is_checked_against_each_rules_own_entity() -> None:
    # ``amount`` is a field of deals, not of partners: the same action fits one rule only.
    writes = SetFields(values={"amount": 10})
    rules = [_rule(0, "deal", writes), _rule(1, "partner", writes), _rule(2, "deal", writes)]
    with pytest.raises(DomainValidationError) as raised:
        validate_rules(rules, schemas=default_schemas())
    assert [v.field for v in raised.value.violations] == ["[1].then[0].values.amount"]
