"""A rule's set_fields and assign_manager on every kind of record go through that area's
service; a field the service does not change through an edit is refused as a rule failure."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from app_samples import NOW, romashka, rule, settings
from test_crm_commands import CONDITIONS

from crmcore.app import CRM, Executed
from crmcore.app.commands import (
    AddContactPerson,
    CreateTypicalAgreement,
    PlanInteraction,
    RegisterClaim,
    RegisterPartner,
)
from crmcore.claims import Claimant, ClaimDraft, ClaimPriority
from crmcore.interactions import InteractionDraft
from crmcore.partners import ContactPersonDraft, Partner, PartnerRole


def _crm(entity: str, *then: dict[str, Any]) -> CRM:
    data = {
        "id": "r",
        "name": "r",
        "trigger": {"entity": entity, "on": "created"},
        "then": list(then),
    }
    return CRM.in_memory(settings=settings(), rules=[rule(data)])


def _partner(crm: CRM) -> Partner:
    found = crm.execute(RegisterPartner(draft=romashka()), actor="anna", now=NOW).result
    assert isinstance(found, Partner)
    return found


def _claim(crm: CRM) -> Executed[Any]:
    partner = _partner(crm)
    claimant = Claimant(role=PartnerRole.CLIENT, partner_id=partner.id)
    return crm.execute(
        RegisterClaim(draft=ClaimDraft(claimant=claimant, essence="Бой")), actor="anna", now=NOW
    )


def test_a_contact_persons_position_is_set_through_the_contact_service() -> None:
    crm = _crm("contact_person", {"action": "set_fields", "values": {"position": "Закупки"}})
    partner = _partner(crm)
    added = crm.execute(
        AddContactPerson(partner_id=partner.id, draft=ContactPersonDraft(name="Анна")),
        actor="anna",
        now=NOW,
    )
    assert crm.get("contact_person", added.result.id).position == "Закупки"
    assert [e.name for e in added.events] == ["contact_person.added", "contact_person.changed"]


def test_an_agreements_manager_is_assigned_through_the_agreement_service() -> None:
    crm = _crm(
        "agreement",
        {"action": "assign_manager", "strategy": {"kind": "fixed_user", "user": "boris"}},
    )
    created = crm.execute(
        CreateTypicalAgreement(title="Опт", conditions=CONDITIONS, valid_from=date(2026, 1, 1)),
        actor="anna",
        now=NOW,
    )
    assert created.failures == ()
    assert crm.get("agreement", created.result.id).manager == "boris"


def test_a_claims_priority_and_handler_change_through_the_claim_edit() -> None:
    crm = _crm(
        "claim",
        {"action": "set_fields", "values": {"priority": "high"}},
        {"action": "assign_manager", "strategy": {"kind": "fixed_user", "user": "boris"}},
    )
    registered = _claim(crm)
    assert registered.failures == ()
    claim = crm.get("claim", registered.result.id)
    assert claim.priority is ClaimPriority.HIGH
    assert claim.responsible_manager == "boris"


def test_a_claim_field_outside_the_edit_is_a_rule_failure() -> None:
    crm = _crm("claim", {"action": "set_fields", "values": {"essence": "Другое"}})
    registered = _claim(crm)
    (failure,) = registered.failures
    assert "values.essence" in failure.message
    assert crm.get("claim", registered.result.id).essence == "Бой"


def test_an_interaction_is_rescheduled_by_a_rule_and_other_fields_are_refused() -> None:
    later = NOW + timedelta(days=3)
    crm = _crm(
        "interaction",
        {"action": "set_fields", "values": {"start": later.isoformat()}},
    )
    draft = InteractionDraft(kind="meeting", topic="Образцы", start=NOW + timedelta(days=1))
    planned = crm.execute(PlanInteraction(draft=draft), actor="anna", now=NOW)
    assert planned.failures == ()
    assert crm.get("interaction", planned.result.id).start == later
    refusing = _crm("interaction", {"action": "set_fields", "values": {"topic": "Другое"}})
    kept = refusing.execute(PlanInteraction(draft=draft), actor="anna", now=NOW)
    (failure,) = kept.failures
    assert "values.topic" in failure.message
