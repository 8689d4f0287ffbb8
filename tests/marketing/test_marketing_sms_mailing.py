"""An SMS mailing to a static segment of contact persons through CRM.execute, in memory and
on SQLite: one campaign SMS per consenting member in the outbox, with the campaign's id, and
every other member held back with the reason."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest

from crmcore.app import CRM, Settings
from crmcore.app.commands import (
    AddContactPerson,
    DefineSegment,
    MoveCampaign,
    PlanCampaign,
    RecordConsent,
    RegisterPartner,
    SendMailing,
    Unsubscribe,
)
from crmcore.ids import UserId
from crmcore.marketing import (
    CampaignDraft,
    CampaignSms,
    Channel,
    MailingPlan,
    Material,
    SegmentDraft,
)
from crmcore.money import Money
from crmcore.partners import ContactPersonDraft, PartnerDraft
from crmcore.rules import Member, Staff

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SETTINGS = Settings(staff=Staff(members=(Member(user=UserId("anna"), department="marketing"),)))
STORES: dict[str, Callable[[], CRM]] = {
    "memory": lambda: CRM.in_memory(settings=SETTINGS),
    "sqlite": lambda: CRM.sqlite(":memory:", settings=SETTINGS),
}


def _run(crm: CRM, command: Any) -> Any:
    return crm.execute(command, actor="anna", now=NOW)


@pytest.mark.parametrize("store", sorted(STORES))
def test_an_sms_mailing_reaches_the_consenting_members_of_a_list(store: str) -> None:
    crm = STORES[store]()
    draft = PartnerDraft(kind="legal_entity", roles=["client"], short_name="Autohaus")
    partner = _run(crm, RegisterPartner(draft=draft, force=True)).result
    people = [
        _run(crm, AddContactPerson(
            partner_id=partner.id, contact_person_id=f"cp-{number}",
            draft=ContactPersonDraft(name=f"Person {number}", phones=[f"+7 916 123-45-6{number}"]),
        )).result.id
        for number in range(3)
    ]  # fmt: skip
    for person in people[:2]:
        _run(crm, RecordConsent(contact_person_id=person, channel="sms", status="granted"))
    _run(crm, Unsubscribe(contact_person_id=people[1], channels=("sms",)))
    segment = SegmentDraft(name="Called back", audience="contact_persons", members=people)
    _run(crm, DefineSegment(draft=segment, segment_id="called"))
    campaign = CampaignDraft(
        name="Tyres", starts_on=date(2026, 3, 1), ends_on=date(2026, 3, 31),
        budget=Money.of("5000", "RUB"), segment_id="called",  # type: ignore[arg-type]
        materials=(Material(code="reminder", channel=Channel.SMS, template="tpl-tyres"),),
    )  # fmt: skip
    _run(crm, PlanCampaign(draft=campaign, campaign_id="tyres"))
    _run(crm, MoveCampaign(campaign_id="tyres", step="start"))
    executed = _run(crm, SendMailing(campaign_id="tyres", material="reminder", mailing_id="m-1"))
    (message,) = executed.outbox
    action = message.command.action
    assert isinstance(action, CampaignSms)
    assert (message.kind, action.campaign_id, action.mailing_id, action.template) == (
        "campaign_sms", "tyres", "m-1", "tpl-tyres",
    )  # fmt: skip
    assert [(r.entity_id, r.address) for r in message.recipients] == [("cp-0", "+79161234560")]
    plan = executed.result
    assert isinstance(plan, MailingPlan)
    assert [(s.contact_person_id, s.reason) for s in plan.skipped] == [
        ("cp-1", "no consent to SMS"),
        ("cp-2", "no consent to SMS"),
    ]
