"""Symbolic recipients resolved against stored data, each with why it was chosen."""

from __future__ import annotations

from typing import Any

from app_samples import NOW, romashka, rule, settings

from crmcore.app import CRM, Recipient
from crmcore.app.commands import (
    AddContactPerson,
    EditPartner,
    RegisterClaim,
    RegisterPartner,
    RegisterRequest,
)
from crmcore.claims import Claimant, ClaimDraft
from crmcore.partners import ContactPersonDraft, Email, Partner, PartnerRole
from crmcore.requests import RequestDraft
from crmcore.rules import Member, Staff


def _crm(entity: str, on: str, *then: dict[str, Any], staff: Staff | None = None) -> CRM:
    data = {"id": "r", "name": "r", "trigger": {"entity": entity, "on": on}, "then": list(then)}
    chosen = settings() if staff is None else settings(staff=staff)
    return CRM.in_memory(settings=chosen, rules=[rule(data)])


def _recipients(executed: Any) -> list[tuple[str, str | None, str | None]]:
    found: list[Recipient] = [r for m in executed.outbox for r in m.recipients]
    return [(r.symbol, r.user, r.address) for r in found]


def test_a_client_without_its_own_phone_is_reached_through_its_contact_persons() -> None:
    crm = _crm("partner", "changed", {"action": "sms_client", "text": "Новости"})
    partner = crm.execute(RegisterPartner(draft=romashka(phones=[])), actor="anna", now=NOW).result
    assert isinstance(partner, Partner)
    crm.execute(
        AddContactPerson(
            partner_id=partner.id,
            draft=ContactPersonDraft(name="Анна", phones=["+7 495 765-43-21"]),
        ),
        actor="anna",
        now=NOW,
    )
    executed = crm.execute(
        EditPartner(partner_id=partner.id, changes={"segment": "b"}), actor="anna", now=NOW
    )
    (message,) = executed.outbox
    (person,) = message.recipients
    assert person.address == "+74957654321"
    assert person.entity == "contact_person"
    assert "contact person of" in person.explanation


def test_a_request_is_answered_at_its_own_address_and_tasks_go_to_named_users() -> None:
    crm = _crm(
        "request",
        "created",
        {"action": "email_client", "subject": "Получили", "body": "..."},
        {"action": "create_task", "title": "Перезвонить", "assignee": "boris"},
        {"action": "send_message", "to": ["responsible", "head"], "text": "Новая заявка"},
    )
    draft = RequestDraft(source="call", name="Пётр", emails=["petr@sever.example"])
    executed = crm.execute(RegisterRequest(draft=draft), actor="anna", now=NOW)
    assert _recipients(executed) == [
        ("client", None, "petr@sever.example"),
        ("boris", "boris", None),
        ("responsible", None, None),
        ("head", None, None),
    ]
    explanations = [r.explanation for m in executed.outbox for r in m.recipients]
    assert explanations[2:] == ["the record has no responsible person"] * 2


def test_a_head_is_not_found_when_the_department_has_none() -> None:
    staff = Staff(members=(Member(user="anna", department="sales"), Member(user="gleb")))
    crm = _crm(
        "partner", "created", {"action": "send_message", "to": ["head"], "text": "x"}, staff=staff
    )
    anna = crm.execute(
        RegisterPartner(draft=romashka(responsible_manager="anna")), actor="anna", now=NOW
    )
    gleb = crm.execute(
        RegisterPartner(draft=romashka(responsible_manager="gleb", tax_id=None, kpp=None,
                                       short_name="Other", phones=[], emails=[])),
        actor="anna",
        now=NOW,
    )  # fmt: skip
    assert anna.outbox[0].recipients[0].explanation == "department sales has no head"
    assert gleb.outbox[0].recipients[0].explanation == "gleb belongs to no department"


def test_a_claimant_is_answered_at_the_address_given_with_the_claim() -> None:
    crm = _crm("claim", "created", {"action": "email_client", "subject": "Получили", "body": "."})
    partner = crm.execute(RegisterPartner(draft=romashka()), actor="anna", now=NOW).result
    assert isinstance(partner, Partner)
    claimant = Claimant(
        role=PartnerRole.CLIENT, partner_id=partner.id, email=Email.parse("boss@romashka.ru")
    )
    executed = crm.execute(
        RegisterClaim(draft=ClaimDraft(claimant=claimant, essence="Бой")), actor="anna", now=NOW
    )
    (recipient,) = executed.outbox[0].recipients
    assert (recipient.address, recipient.explanation) == (
        "boss@romashka.ru",
        "the claimant's e-mail",
    )
    plain = Claimant(role=PartnerRole.CLIENT, partner_id=partner.id)
    fallback = crm.execute(
        RegisterClaim(draft=ClaimDraft(claimant=plain, essence="Бой")), actor="anna", now=NOW
    )
    (card,) = fallback.outbox[0].recipients
    assert (card.address, card.explanation) == ("info@romashka.ru", "an e-mail of ООО «Ромашка»")
