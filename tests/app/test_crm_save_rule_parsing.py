"""Saving a rule reads it back through the rules' one parsing entry point, and CRM.get names
the kinds of record it knows."""

from __future__ import annotations

import attrs
import pytest
from app_samples import NOW, rule, settings

from crmcore.app import CRM
from crmcore.app.commands import SaveRule
from crmcore.errors import DomainValidationError


def test_a_saved_rule_with_problems_is_refused_with_every_problem_and_nothing_stored() -> None:
    crm = CRM.in_memory(settings=settings())
    broken = rule(
        {"id": "bad", "name": "Bad", "trigger": {"entity": "deal", "on": "created"},
         "when": {"field": "colour", "op": "eq", "value": "red"},
         "then": [{"action": "sms_client", "text": "Hello, {{ Name }}"},
                  {"action": "set_fields", "values": {"id": "d-2"}}]}
    )  # fmt: skip
    with pytest.raises(DomainValidationError) as raised:
        crm.execute(SaveRule(rule=broken), actor="olga", now=NOW)
    fields = [v.field for v in raised.value.violations]
    assert "when.field" in fields
    assert "then[0].text" in fields
    assert any(field.startswith("then[1].values") for field in fields), fields
    assert crm.rules() == ()


def test_a_saved_rule_is_stored_as_parsed() -> None:
    crm = CRM.in_memory(settings=settings())
    hello = rule(
        {"id": "hello", "name": "Hello", "trigger": {"entity": "partner", "on": "created"},
         "then": [{"action": "sms_client", "text": "Привет, {{ short_name }}"}]}
    )  # fmt: skip
    saved = crm.execute(SaveRule(rule=hello), actor="olga", now=NOW).result
    assert saved.version == 1
    assert crm.rules() == (saved,)
    assert saved == attrs.evolve(hello, version=1, author="olga", changed_at=NOW)


def test_get_of_an_old_entity_name_names_the_new_one() -> None:
    crm = CRM.in_memory(settings=settings())
    with pytest.raises(DomainValidationError) as raised:
        crm.get("company", "p-1")
    (violation,) = raised.value.violations
    assert violation.field == "entity"
    assert "now called 'partner'" in violation.message


def test_get_of_an_unknown_kind_lists_the_known_ones() -> None:
    crm = CRM.in_memory(settings=settings())
    with pytest.raises(DomainValidationError) as raised:
        crm.get("invoice", "x")
    (violation,) = raised.value.violations
    assert violation.field == "entity"
    for known in ("deal", "partner", "contact_person", "request"):
        assert known in violation.message
