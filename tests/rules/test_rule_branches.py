"""If / else-if / else within one rule: the first branch that holds adds its actions."""

from __future__ import annotations

import pytest
from rule_samples import NOW

from crmcore.deals import DealOpened
from crmcore.errors import DomainValidationError
from crmcore.rules import (
    Branch,
    CreateTask,
    FieldCondition,
    Rule,
    RuleContext,
    RuleEngine,
    SendMessage,
    Trigger,
    TriggerKind,
    default_schemas,
    validate_rule,
)
from crmcore.serialization import make_converter

SCHEMAS = default_schemas()
TIERS = {
    "id": "tiers", "name": "Big, middle or small deals",
    "trigger": {"entity": "deal", "on": "created"},
    "then": [{"action": "send_message", "text": "New deal {{ title }}"}],
    "branches": [
        {"when": {"field": "amount", "op": "gt", "value": 100000},
         "then": [{"action": "create_task", "title": "Call at once"}]},
        {"when": {"field": "amount", "op": "gt", "value": 10000},
         "then": [{"action": "create_task", "title": "Call today"}]},
        {"then": [{"action": "send_message", "text": "Small deal"}]},
    ],
}  # fmt: skip


def _fired(engine: RuleEngine, amount: int) -> list[str]:
    record = {"id": "d-1", "title": "Tea", "amount": amount}
    outcome = engine.process(
        DealOpened(entity_id="d-1", occurred_at=NOW), context=RuleContext(record=record), now=NOW
    )
    return [
        c.action.title if isinstance(c.action, CreateTask) else c.action.text  # type: ignore[attr-defined]
        for c in outcome.commands
    ]


def test_the_first_branch_that_holds_adds_its_actions_else_the_else() -> None:
    converter = make_converter()
    rule = converter.structure(TIERS, Rule)
    assert converter.unstructure(rule)["branches"] == TIERS["branches"]
    engine = RuleEngine([rule], schemas=SCHEMAS)
    assert _fired(engine, 500_000) == ["New deal Tea", "Call at once"]
    assert _fired(engine, 50_000) == ["New deal Tea", "Call today"]
    assert _fired(engine, 5) == ["New deal Tea", "Small deal"]


def test_a_rule_may_have_only_branches_and_no_else() -> None:
    rule = Rule(
        id="big", name="Big", trigger=Trigger(entity="deal", on=TriggerKind.CREATED), then=(),
        branches=(Branch(when=FieldCondition(field="amount", op="gt", value=10),
                         then=(SendMessage(text="Big"),)),),
    )  # fmt: skip
    engine = RuleEngine([rule], schemas=SCHEMAS)
    assert _fired(engine, 11) == ["Big"]
    assert _fired(engine, 1) == []


def test_branch_problems_are_reported_under_their_paths() -> None:
    with pytest.raises(DomainValidationError) as shape:
        Rule(
            id="r", name="r", trigger=Trigger(entity="deal", on=TriggerKind.CREATED), then=(),
            branches=(Branch(then=(SendMessage(text="a"),)), Branch(then=(SendMessage(text="b"),))),
        )  # fmt: skip
    assert shape.value.fields == ("branches[0].when",)
    with pytest.raises(DomainValidationError) as empty:
        Rule(id="r", name="r", trigger=Trigger(entity="deal", on=TriggerKind.CREATED), then=())
    assert empty.value.fields == ("then",)
    rule = Rule(
        id="r", name="r", trigger=Trigger(entity="deal", on=TriggerKind.CREATED), then=(),
        branches=(Branch(when=FieldCondition(field="colour", op="eq", value="red"),
                         then=(SendMessage(text="{{ size }}"),)),),
    )  # fmt: skip
    with pytest.raises(DomainValidationError) as meaning:
        validate_rule(rule, schemas=SCHEMAS)
    assert meaning.value.fields == ("branches[0].when.field", "branches[0].then[0].text")
