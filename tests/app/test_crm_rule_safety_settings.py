"""The CRM's automation under its settings: a stored rule made stale by a deleted custom
field is left out alone and reported, and webhooks go only where the settings allow."""

from __future__ import annotations

import pytest
from app_samples import NOW, romashka, rule, settings

from crmcore.app import CRM
from crmcore.app.commands import RegisterPartner, SaveRule
from crmcore.customfields import CustomField, CustomFieldRegistry, CustomFieldType
from crmcore.errors import DomainValidationError
from crmcore.rules import WebhookPolicy

_TIER = CustomField(name="tier", type=CustomFieldType.TEXT)
_GOLD = {"id": "gold", "name": "Gold clients", "trigger": {"entity": "partner", "on": "created"},
         "when": {"field": "custom.tier", "op": "eq", "value": "gold"},
         "then": [{"action": "sms_client", "text": "Welcome, gold client"}]}  # fmt: skip
_HELLO = {"id": "hello", "name": "Hello", "trigger": {"entity": "partner", "on": "created"},
          "then": [{"action": "sms_client", "text": "Hello"}]}  # fmt: skip


def _hook(url: str) -> dict[str, object]:
    return {"id": "hook", "name": "Tell the ERP", "trigger": {"entity": "partner", "on": "created"},
            "then": [{"action": "call_webhook", "url": url}]}  # fmt: skip


def test_a_rule_made_stale_by_a_deleted_custom_field_is_left_out_and_reported() -> None:
    hosted = settings(custom_fields=CustomFieldRegistry().with_field("partner", _TIER))
    crm = CRM.in_memory(settings=hosted, rules=[rule(_GOLD), rule(_HELLO)])
    assert crm.disabled_rules(now=NOW) == ()
    later = CRM(crm.store, settings=settings())  # the custom field is gone
    registered = later.execute(RegisterPartner(draft=romashka()), actor="anna", now=NOW)
    assert [m.command.rule_id for m in registered.outbox] == ["hello"]
    (disabled,) = later.disabled_rules(now=NOW)
    assert (disabled.rule_id, disabled.version) == ("gold", 1)
    assert [p.field for p in disabled.problems] == ["when.field"]


def test_rules_given_to_a_crm_are_still_refused_with_their_problems() -> None:
    with pytest.raises(DomainValidationError) as raised:
        CRM.in_memory(settings=settings(), rules=[rule(_GOLD)])
    assert [v.field for v in raised.value.violations] == ["[0].when.field"]


def test_a_webhook_goes_only_to_the_hosts_the_settings_allow() -> None:
    allowed = settings(webhooks=WebhookPolicy(allowed_hosts=("erp.example.com",)))
    crm = CRM.in_memory(settings=allowed)
    saved = crm.execute(
        SaveRule(rule=rule(_hook("https://erp.example.com/partners"))), actor="olga", now=NOW
    )
    assert saved.result.version == 1
    with pytest.raises(DomainValidationError) as raised:
        crm.execute(SaveRule(rule=rule(_hook("https://other.example.com/x"))), actor="olga",
                    now=NOW)  # fmt: skip
    assert "erp.example.com" in raised.value.violations[0].message
    with pytest.raises(DomainValidationError):
        CRM.in_memory(settings=allowed, rules=[rule(_hook("https://other.example.com/x"))])


def test_by_default_a_webhook_to_the_metadata_address_or_over_http_is_refused() -> None:
    crm = CRM.in_memory(settings=settings())
    for url in ("https://169.254.169.254/latest/meta-data", "http://erp.example.com/x"):
        with pytest.raises(DomainValidationError) as raised:
            crm.execute(SaveRule(rule=rule(_hook(url))), actor="olga", now=NOW)
        assert raised.value.violations[0].field == "then[0].url"
    assert crm.rules() == ()


def test_settings_refuse_a_webhook_policy_of_another_type() -> None:
    with pytest.raises(DomainValidationError) as raised:
        settings(webhooks="anywhere")
    assert [v.field for v in raised.value.violations] == ["webhooks"]
