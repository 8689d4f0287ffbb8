"""The stale rules a CRM reports under an access policy: only those the actor may read."""

from __future__ import annotations

from app_samples import NOW, rule, settings

from crmcore.access import parse_policy
from crmcore.app import CRM
from crmcore.customfields import CustomField, CustomFieldRegistry, CustomFieldType

_TIER = CustomField(name="tier", type=CustomFieldType.TEXT)
_GOLD = {"id": "gold", "name": "Gold clients", "trigger": {"entity": "partner", "on": "created"},
         "when": {"field": "custom.tier", "op": "eq", "value": "gold"},
         "then": [{"action": "sms_client", "text": "Welcome, gold client"}]}  # fmt: skip
_POLICY = parse_policy(
    {
        "users": [{"id": "anna", "roles": ["manager"]}, {"id": "carl", "roles": ["admin"]}],
        "roles": [
            {"id": "manager", "permissions": [{"kind": "*", "action": "read", "scope": "own"}]},
            {"id": "admin", "permissions": [{"kind": "*", "action": "read", "scope": "all"}]},
        ],
    }
)


def test_a_stale_rule_is_reported_to_who_may_read_it() -> None:
    hosted = settings(custom_fields=CustomFieldRegistry().with_field("partner", _TIER))
    crm = CRM.in_memory(settings=hosted, rules=[rule(_GOLD)])
    later = CRM(crm.store, settings=settings(), policy=_POLICY)  # the custom field is gone
    assert [d.rule_id for d in later.disabled_rules(now=NOW, actor="carl")] == ["gold"]
    assert later.disabled_rules(now=NOW, actor="anna") == ()
