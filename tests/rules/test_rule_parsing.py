"""A rule with a bad trigger still reports the problems of its conditions and actions, in one
error with every problem under its JSON path."""

from __future__ import annotations

from typing import Any

import pytest

from crmcore.errors import DomainValidationError
from crmcore.rules import (
    Rule,
    SchemaRegistry,
    Trigger,
    TriggerKind,
    default_schemas,
    parse_rule,
    rule_problems,
)
from crmcore.rules.actions import SmsToClient
from crmcore.rules.model import FieldCondition

SCHEMAS = default_schemas()
WHEN = {"all": [
    {"field": "amount", "op": "starts_with", "value": "1"},
    {"field": "colour", "op": "eq", "value": "red"},
    {"field": "title", "op": "sounds_like", "value": "tea"},
    {"field": "title", "op": "matches", "value": "(a?a?)*$"},
]}  # fmt: skip
THEN = [
    {"action": "sms_client", "text": "Thank you, {{ Title }}!"},
    {"action": "create_invoice", "amount_field": "title"},
    {"action": "send_message", "text": "{{ colour }}"},
]


def _problems(trigger: Any, **rest: Any) -> list[str]:
    data = {"id": "thanks", "name": "Thanks", "trigger": trigger, "when": WHEN, "then": THEN}
    with pytest.raises(DomainValidationError) as caught:
        parse_rule({**data, **rest}, schemas=SCHEMAS)
    return [f"{v.field}: {v.message}" for v in caught.value.violations]


def _fields(problems: list[str]) -> list[str]:
    return [problem.split(": ")[0] for problem in problems]


EVERY_DEAL_PROBLEM = [
    "when.all[0].op",
    "when.all[1].field",
    "when.all[2].op",
    "when.all[3].value",
    "then[0].text",
    "then[1].amount_field",
    "then[2].text",
]


def test_a_date_trigger_without_its_field_still_reports_every_deal_problem() -> None:
    problems = _problems({"entity": "deal", "on": "date"})
    assert _fields(problems) == ["trigger.field", *EVERY_DEAL_PROBLEM]


def test_an_unknown_trigger_kind_still_reports_every_deal_problem() -> None:
    problems = _problems({"entity": "deal", "on": "exploded"})
    assert _fields(problems) == ["trigger.on", *EVERY_DEAL_PROBLEM]


def test_an_old_entity_name_reports_what_needs_no_entity_and_hints_the_new_name() -> None:
    problems = _problems({"entity": "company", "on": "created"})
    assert problems[0] == "trigger.entity: is now called 'partner'"
    # The fields are the entity's: they cannot be checked, the rest is.
    assert _fields(problems) == [
        "trigger.entity", "when.all[2].op", "when.all[3].value", "then[0].text",
    ]  # fmt: skip


def test_a_contact_trigger_is_refused_with_the_new_name() -> None:
    problems = _problems({"entity": "contact", "on": "created"})
    assert problems[0] == "trigger.entity: is now called 'contact_person'"


def test_a_missing_trigger_still_reports_the_actions() -> None:
    data = {"id": "thanks", "name": "Thanks", "then": THEN}
    with pytest.raises(DomainValidationError) as caught:
        parse_rule(data, schemas=SCHEMAS)
    assert [v.field for v in caught.value.violations] == ["trigger", "then[0].text"]


def test_a_bad_name_beside_a_good_trigger_reports_the_trigger_values_too() -> None:
    trigger = {"entity": "deal", "on": "changed", "fields": ["currency_code"]}
    problems = _problems(trigger, name="")
    assert _fields(problems) == ["name", "trigger.fields[0]", *EVERY_DEAL_PROBLEM]


def test_branches_waits_and_throttle_of_a_broken_rule_are_checked_too() -> None:
    problems = _problems(
        {"entity": "deal", "on": "date"},
        then=[],
        branches=[{"when": {"field": "colour", "op": "eq", "value": 1},
                   "then": [{"action": "send_message", "text": "{{ Title }}"}]}],
        waits=[{"after": 3, "then": [{"action": "send_message", "text": "{{ colour }}"}]}],
        throttle={"window": "P1D", "per": "colour"},
    )  # fmt: skip
    assert _fields(problems) == [
        "trigger.field", "throttle.per", *EVERY_DEAL_PROBLEM[:4], "branches[0].when.field",
        "branches[0].then[0].text", "waits[0].then[0].text",
    ]  # fmt: skip


def test_a_valid_rule_is_read_and_checked() -> None:
    rule = parse_rule(
        {"id": "thanks", "name": "Thanks", "trigger": {"entity": "partner", "on": "created"},
         "then": [{"action": "sms_client", "text": "Thank you, {{ short_name }}!"}]},
        schemas=SCHEMAS,
    )  # fmt: skip
    assert rule.trigger.entity == "partner"


def test_a_read_rule_that_does_not_fit_the_schemas_is_refused() -> None:
    with pytest.raises(DomainValidationError, match="colour"):
        parse_rule(
            {"id": "thanks", "name": "Thanks", "trigger": {"entity": "deal", "on": "created"},
             "then": [{"action": "sms_client", "text": "Thank you, {{ colour }}!"}]},
            schemas=SCHEMAS,
        )  # fmt: skip


def test_a_payload_beyond_the_limits_is_refused_before_it_is_read() -> None:
    deep: Any = {"field": "title", "op": "eq", "value": "x"}
    for _ in range(200):
        deep = {"not": deep}
    with pytest.raises(DomainValidationError):
        parse_rule({"id": "r", "name": "R", "trigger": {"entity": "x"}, "when": deep},
                   schemas=SCHEMAS)  # fmt: skip


def test_a_json_payload_that_is_not_a_mapping_is_refused() -> None:
    with pytest.raises(DomainValidationError):
        parse_rule(["not", "a", "rule"], schemas=SCHEMAS)


def test_an_entity_without_a_schema_still_reports_its_placeholders() -> None:
    rule = Rule(
        id="r", name="R", trigger=Trigger(entity="invoice", on=TriggerKind.CREATED),
        when=FieldCondition(field="number", op="sounds_like", value="1"),
        then=(SmsToClient(text="{{ Title }}"),),
    )  # fmt: skip
    bare = SchemaRegistry(schemas={k: v for k, v in SCHEMAS.schemas.items() if k != "invoice"})
    found = [v.field for v in rule_problems(rule, schemas=bare)]
    assert found == ["trigger.entity", "when.op", "then[0].text"]


def test_every_bad_test_of_a_condition_group_is_reported_not_only_the_first() -> None:
    when = {"all": [
        {"field": "title", "op": 1},
        {"any": [{"fild": "title", "op": "eq"}]},
        {"field": "amount", "op": "gt", "value": 1.5},
    ]}  # fmt: skip
    data = {"id": "r", "name": "R", "trigger": {"entity": "deal", "on": "created"},
            "when": when, "then": THEN}  # fmt: skip
    with pytest.raises(DomainValidationError) as caught:
        parse_rule(data, schemas=SCHEMAS)
    assert [v.field for v in caught.value.violations] == [
        "when.all[0].op", "when.all[1].any[0].field", "when.all[1].any[0].fild",
        "when.all[2].value", "then[0].text", "then[1].amount_field", "then[2].text",
    ]  # fmt: skip
