"""Consent honoured by the rules' messages to a client: an opt-out of e-mail holds back the
rules' e-mails to that contact person and nothing else, and unsubscribing from every channel
holds back their SMS too; a refused unsubscribe changes nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from crmcore.app import CRM, Settings
from crmcore.app.commands import AddContactPerson, EditPartner, RegisterPartner, Unsubscribe
from crmcore.errors import DomainValidationError, EntityNotFoundError
from crmcore.ids import UserId
from crmcore.partners import ContactPersonDraft, PartnerDraft
from crmcore.rules import Member, Rule, Staff
from crmcore.serialization import make_converter

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
STAFF = Staff(members=(Member(user=UserId("anna"), department="marketing"),))
MESSAGES = (
    {"action": "email_client", "subject": "News", "body": "Spring offers"},
    {"action": "sms_client", "text": "Spring offers"},
)


def _crm() -> CRM:
    rule = make_converter().structure(
        {"id": "r", "name": "News to the client",
         "trigger": {"entity": "partner", "on": "changed"}, "then": list(MESSAGES)},
        Rule,
    )  # fmt: skip
    return CRM.in_memory(settings=Settings(staff=STAFF), rules=[rule])


def _run(crm: CRM, command: Any, hours: int = 0) -> Any:
    return crm.execute(command, actor="anna", now=NOW + timedelta(hours=hours))


def _client(crm: CRM) -> tuple[str, list[str]]:
    draft = PartnerDraft(kind="legal_entity", roles=["client"], short_name="Autohaus")
    partner = _run(crm, RegisterPartner(draft=draft, force=True)).result
    people = []
    for number in range(2):
        person = ContactPersonDraft(
            name=f"Person {number}", emails=[f"p{number}@autohaus.ru"],
            phones=[f"+7 916 123-45-6{number}"],
        )  # fmt: skip
        people.append(_run(crm, AddContactPerson(partner_id=partner.id, draft=person)).result.id)
    return partner.id, people


def _addresses(executed: Any) -> dict[tuple[str, str], str | None]:
    """Each message's recipients by action kind and contact person: the address, or ``None``
    when one was held back."""
    return {
        (message.command.action.kind, recipient.entity_id): recipient.address
        for message in executed.outbox
        for recipient in message.recipients
    }


def test_an_opt_out_of_e_mail_holds_back_only_the_rules_e_mails() -> None:
    crm = _crm()
    partner_id, (first, second) = _client(crm)
    _run(crm, Unsubscribe(contact_person_id=first, channels=("email",), source="link"))
    executed = _run(crm, EditPartner(partner_id=partner_id, changes={"notes": "x"}), hours=1)
    assert _addresses(executed) == {
        ("email_client", first): None,
        ("email_client", second): "p1@autohaus.ru",
        ("sms_client", first): "+79161234560",
        ("sms_client", second): "+79161234561",
    }
    (email,) = (m for m in executed.outbox if m.command.action.kind == "email_client")
    held = next(r for r in email.recipients if r.entity_id == first)
    assert held.explanation == "Person 0 opted out of e-mail"


def test_unsubscribing_from_every_channel_holds_back_e_mail_and_sms() -> None:
    crm = _crm()
    partner_id, (first, second) = _client(crm)
    _run(crm, Unsubscribe(contact_person_id=first))
    executed = _run(crm, EditPartner(partner_id=partner_id, changes={"notes": "x"}), hours=1)
    found = _addresses(executed)
    assert found[("email_client", first)] is None
    assert found[("sms_client", first)] is None
    assert found[("email_client", second)] == "p1@autohaus.ru"


def test_a_refused_unsubscribe_changes_nothing() -> None:
    crm = _crm()
    partner_id, (first, _) = _client(crm)
    with pytest.raises(EntityNotFoundError):
        _run(crm, Unsubscribe(contact_person_id="nobody"))
    with pytest.raises(DomainValidationError) as raised:
        _run(crm, Unsubscribe(contact_person_id=first, channels=("email", "pigeon")))
    assert [v.field for v in raised.value.violations] == ["channels[1]"]
    executed = _run(crm, EditPartner(partner_id=partner_id, changes={"notes": "x"}), hours=1)
    assert None not in _addresses(executed).values()
