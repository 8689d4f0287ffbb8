"""Business cases of rules through the CRM: status moves reach the ``changed`` rules that
watch the fields they change, and a rule setting what a record holds already fires nothing."""

from __future__ import annotations

from typing import Any

import attrs
from app_samples import NOW, romashka, rule, settings

from crmcore.app import CRM
from crmcore.app.commands import (
    EditClaim,
    EditPartner,
    OpenDeal,
    RegisterClaim,
    RegisterPartner,
    RegisterRequest,
    SaveRule,
    TakeRequest,
    WinDeal,
)
from crmcore.claims import Claimant, ClaimDraft, ClaimEdit
from crmcore.customfields import CustomField, CustomFieldRegistry, CustomFieldType
from crmcore.deals import DealDraft
from crmcore.partners import PartnerRole
from crmcore.requests import RequestDraft


def _watching(entity: str, field: str, **trigger: Any) -> dict[str, Any]:
    return {
        "id": f"watch-{field}", "name": f"Tell when {field} changes",
        "trigger": {"entity": entity, "on": "changed", "fields": [field], **trigger},
        "then": [{"action": "send_message", "to": ["olga"], "text": f"{field} changed"}],
    }  # fmt: skip


def test_taking_a_request_into_work_tells_the_rule_watching_its_manager() -> None:
    crm = CRM.in_memory(
        settings=settings(), rules=[rule(_watching("request", "responsible_manager"))]
    )
    draft = RequestDraft(source="call", name="Пётр", phones=["+7 912 000-11-22"])
    registered = crm.execute(RegisterRequest(draft=draft), actor="anna", now=NOW)
    taken = crm.execute(TakeRequest(request_id=registered.result.id), actor="anna", now=NOW)
    assert taken.failures == ()
    assert [message.command.rule_id for message in taken.outbox] == ["watch-responsible_manager"]


def test_winning_a_deal_tells_the_rule_watching_its_status_for_won() -> None:
    crm = CRM.in_memory(
        settings=settings(), rules=[rule(_watching("deal", "status", to_value="won"))]
    )
    partner = crm.execute(RegisterPartner(draft=romashka()), actor="anna", now=NOW).result
    draft = DealDraft(title="Поставка", partner_id=partner.id, responsible_manager="anna")
    deal = crm.execute(OpenDeal(draft=draft, pipeline_id="manual_sale"), actor="anna", now=NOW)
    assert deal.outbox == ()
    won = crm.execute(WinDeal(deal_id=deal.result.id), actor="anna", now=NOW)
    assert [message.command.rule_id for message in won.outbox] == ["watch-status"]


def test_a_rule_setting_a_claims_department_it_has_already_is_no_change_and_fires_nothing() -> None:
    setter = {
        "id": "to-warehouse", "name": "Claims go to the warehouse",
        "trigger": {"entity": "claim", "on": "changed"},
        "then": [{"action": "set_fields", "values": {"department": "Склад"}}],
    }  # fmt: skip
    crm = CRM.in_memory(settings=settings(), rules=[rule(setter)])
    partner = crm.execute(RegisterPartner(draft=romashka()), actor="anna", now=NOW).result
    claimant = Claimant(role=PartnerRole.CLIENT, partner_id=partner.id)
    draft = ClaimDraft(claimant=claimant, essence="Бой", department="Склад")
    claim = crm.execute(RegisterClaim(draft=draft), actor="anna", now=NOW).result
    # The person moves it to logistics; the rule moves it back, and its own change, which
    # sets the department the claim has by then, is no change: no event, no loop.
    edited = crm.execute(
        EditClaim(claim_id=claim.id, edit=ClaimEdit(department="Логистика")), actor="anna", now=NOW
    )
    assert edited.failures == ()
    assert [event.name for event in edited.events] == ["claim.changed", "claim.changed"]
    stored = crm.get("claim", claim.id)
    assert (stored.department, stored.version) == ("Склад", claim.version + 2)


def test_a_partner_moved_to_the_gold_tier_tells_the_rule_watching_custom_tier() -> None:
    tier = CustomField(name="tier", type=CustomFieldType.TEXT)
    hosted = settings(custom_fields=CustomFieldRegistry().with_field("partner", tier))
    crm = CRM.in_memory(
        settings=hosted, rules=[rule(_watching("partner", "custom.tier", to_value="gold"))]
    )
    partner = crm.execute(
        RegisterPartner(draft=romashka(custom={"tier": "silver"})), actor="anna", now=NOW
    ).result
    renamed = crm.execute(
        EditPartner(partner_id=partner.id, changes={"short_name": "ООО «Ромашка-М»"}),
        actor="anna", now=NOW,
    )  # fmt: skip
    assert renamed.outbox == ()
    gold = crm.execute(
        EditPartner(partner_id=partner.id, changes={"custom": {"tier": "gold"}}),
        actor="anna", now=NOW,
    )  # fmt: skip
    assert gold.failures == ()
    assert [message.command.rule_id for message in gold.outbox] == ["watch-custom.tier"]


def test_re_saving_a_rule_as_it_is_stored_keeps_its_version() -> None:
    hello = rule({
        "id": "hello", "name": "Hello", "trigger": {"entity": "partner", "on": "created"},
        "then": [{"action": "sms_client", "text": "Привет"}],
    })  # fmt: skip
    crm = CRM.in_memory(settings=settings())
    first = crm.execute(SaveRule(rule=hello), actor="olga", now=NOW).result
    again = crm.execute(SaveRule(rule=hello), actor="olga", now=NOW).result
    assert (first.version, again.version, crm.get_rule("hello").version) == (1, 1, 1)
    renamed = crm.execute(SaveRule(rule=attrs.evolve(hello, name="Hi")), actor="olga", now=NOW)
    assert renamed.result.version == 2
    executed = crm.execute(RegisterPartner(draft=romashka()), actor="anna", now=NOW)
    assert [message.command.rule_id for message in executed.outbox] == ["hello"]
