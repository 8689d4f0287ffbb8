"""Campaigns: plan, costs, materials, status moves; mailings to a segment's contacts."""

from datetime import date, timedelta

import attrs
import pytest
from marketing_samples import NOW, person

from crmcore.errors import DomainValidationError
from crmcore.ids import ContactPersonId, PartnerId
from crmcore.marketing import (
    Campaign,
    CampaignCost,
    CampaignDraft,
    CampaignEmail,
    CampaignId,
    CampaignSms,
    CampaignStatus,
    Channel,
    Consent,
    ConsentStatus,
    MailingId,
    MailingThrottle,
    Material,
    SegmentId,
    add_material,
    cancel_campaign,
    finish_campaign,
    plan_campaign,
    record_consent,
    record_cost,
    run_mailing,
    start_campaign,
    unsubscribe,
)
from crmcore.money import Money

RUB = "RUB"
EMAIL = Material(code="spring_letter", channel=Channel.EMAIL, template="tpl-spring", title="Hi")
SMS = Material(code="spring_sms", channel=Channel.SMS, template="tpl-sms")


def _campaign(**changes: object) -> Campaign:
    draft = CampaignDraft(
        name="Spring service", starts_on=date(2026, 5, 1), ends_on=date(2026, 6, 30),
        budget=Money.of("100000", RUB), segment_id=SegmentId("s-1"),
        planned_costs=(CampaignCost(item="Design", amount=Money.of("10000", RUB)),),
        materials=(EMAIL, SMS),
    )  # fmt: skip
    campaign = plan_campaign(draft, campaign_id=CampaignId("c-1"), now=NOW).entity
    return start_campaign(campaign, now=NOW).entity if changes.get("running", True) else campaign


def _granted(person_id: str, *channels: Channel) -> Consent:
    consent: Consent | None = None
    for channel in channels:
        consent = record_consent(
            consent, contact_person_id=ContactPersonId(person_id), partner_id=PartnerId("p-1"),
            channel=channel, status=ConsentStatus.GRANTED, now=NOW,
        ).entity  # fmt: skip
    assert consent is not None
    return consent


def test_plan_costs_and_moves() -> None:
    campaign = _campaign(running=False)
    assert campaign.status is CampaignStatus.PLANNED
    assert campaign.planned_total == Money.of("10000", RUB)
    spent = record_cost(campaign, CampaignCost(item="Print", amount=Money.of("7000", RUB)), now=NOW)
    assert spent.entity.actual_total == Money.of("7000", RUB)
    assert spent.entity.version == 2
    more = record_cost(
        spent.entity, CampaignCost(item="Radio", amount=Money.of("5", RUB)), now=NOW, planned=True
    )
    assert more.entity.planned_total == Money.of("10005", RUB)
    running = start_campaign(more.entity, now=NOW).entity
    finished = finish_campaign(running, now=NOW).entity
    assert finished.status is CampaignStatus.FINISHED
    with pytest.raises(DomainValidationError) as raised:
        cancel_campaign(finished, now=NOW)
    assert raised.value.field == "status"
    with pytest.raises(DomainValidationError):
        record_cost(
            finished, CampaignCost(item="x", amount=Money.of("1", RUB)), now=NOW, planned=True
        )
    assert cancel_campaign(running, now=NOW).entity.status is CampaignStatus.CANCELLED


def test_a_plan_reports_every_problem() -> None:
    draft = CampaignDraft(
        name="", starts_on=date(2026, 6, 2), ends_on=date(2026, 6, 1),
        budget=Money.of("100", RUB),
        planned_costs=(CampaignCost(item="Design", amount=Money.of("10", "USD")),),
        materials=(EMAIL, EMAIL),
    )  # fmt: skip
    with pytest.raises(DomainValidationError) as raised:
        plan_campaign(draft, campaign_id=CampaignId("c-1"), now=NOW)
    fields = {v.field for v in raised.value.violations}
    assert {"name", "materials[1]"} <= fields
    draft = CampaignDraft(
        name="x", starts_on=date(2026, 6, 2), ends_on=date(2026, 6, 1),
        budget=Money.of("100", RUB),
        planned_costs=(CampaignCost(item="Design", amount=Money.of("10", "USD")),),
    )  # fmt: skip
    with pytest.raises(DomainValidationError) as raised:
        plan_campaign(draft, campaign_id=CampaignId("c-1"), now=NOW)
    assert {v.field for v in raised.value.violations} == {"ends_on", "planned_costs[0].amount"}


def test_a_mailing_honours_consent_address_and_sends_once() -> None:
    campaign = _campaign()
    people = [person("cp-1", "p-1"), person("cp-2", "p-1"), person("cp-3", "p-2")]
    consents = {
        "cp-1": _granted("cp-1", Channel.EMAIL),
        "cp-2": _granted("cp-2", Channel.SMS),
    }
    plan = run_mailing(
        campaign, material="spring_letter", people=people, consents=consents,
        mailing_id=MailingId("m-1"), now=NOW,
    )  # fmt: skip
    (message,) = plan.messages
    assert message.contact_person_id == "cp-1"
    assert message.address == "cp-1@example.com"
    assert message.caused_by == "campaign:c-1:m-1"
    action = message.action
    assert isinstance(action, CampaignEmail)
    assert (action.campaign_id, action.template, action.title) == ("c-1", "tpl-spring", "Hi")
    assert [(s.contact_person_id, s.reason) for s in plan.skipped] == [
        ("cp-2", "no consent to e-mail"),
        ("cp-3", "no consent to e-mail"),
    ]
    after = plan.outcome.entity
    assert after.mailings[0].reached == ("cp-1",)
    assert plan.outcome.events[0].name == "campaign.mailing_sent"
    again = run_mailing(
        after, material="spring_letter", people=people, consents=consents,
        mailing_id=MailingId("m-2"), now=NOW,
    )  # fmt: skip
    assert again.messages == ()
    assert again.skipped[0].reason == "already sent this material"


def test_an_opt_out_stops_the_sms_and_a_person_without_a_phone_is_skipped() -> None:
    campaign = _campaign()
    consent = _granted("cp-1", Channel.SMS)
    gone = unsubscribe(
        consent, contact_person_id=consent.id, partner_id=consent.partner_id, now=NOW
    ).entity
    silent = person("cp-2", "p-1")
    silent = attrs.evolve(silent, phones=())
    plan = run_mailing(
        campaign, material="spring_sms", people=[person("cp-1", "p-1"), silent],
        consents={"cp-1": gone, "cp-2": _granted("cp-2", Channel.SMS)},
        mailing_id=MailingId("m-1"), now=NOW,
    )  # fmt: skip
    assert plan.messages == ()
    assert [s.reason for s in plan.skipped] == ["no consent to SMS", "has no SMS address"]


def test_the_throttle_leaves_the_rest_for_a_later_run() -> None:
    campaign = _campaign()
    people = [person(f"cp-{i}", "p-1") for i in range(5)]
    consents: dict[str, Consent] = {p.id: _granted(p.id, Channel.SMS) for p in people}
    throttle = MailingThrottle(limit=3, window=timedelta(hours=1))
    first = run_mailing(
        campaign, material="spring_sms", people=people, consents=consents,
        mailing_id=MailingId("m-1"), now=NOW, throttle=throttle,
    )  # fmt: skip
    assert [m.contact_person_id for m in first.messages] == ["cp-0", "cp-1", "cp-2"]
    assert isinstance(first.messages[0].action, CampaignSms)
    soon = run_mailing(
        first.outcome.entity, material="spring_sms", people=people, consents=consents,
        mailing_id=MailingId("m-2"), now=NOW + timedelta(minutes=30), throttle=throttle,
    )  # fmt: skip
    assert soon.messages == ()
    later = run_mailing(
        soon.outcome.entity, material="spring_sms", people=people, consents=consents,
        mailing_id=MailingId("m-3"), now=NOW + timedelta(hours=1), throttle=throttle,
    )  # fmt: skip
    assert [m.contact_person_id for m in later.messages] == ["cp-3", "cp-4"]


def test_a_mailing_needs_a_running_campaign_its_material_and_its_dates() -> None:
    campaign = _campaign(running=False)
    with pytest.raises(DomainValidationError) as raised:
        run_mailing(
            campaign, material="nothing", people=[], consents={},
            mailing_id=MailingId("m-1"), now=NOW + timedelta(days=60),
        )  # fmt: skip
    assert {v.field for v in raised.value.violations} == {"material", "status", "now"}


def test_materials_are_added_and_throttles_checked() -> None:
    campaign = _campaign()
    extra = Material(code="autumn", channel=Channel.EMAIL, template="tpl-autumn")
    changed = add_material(campaign, extra, now=NOW).entity
    assert changed.material("autumn") == extra
    with pytest.raises(DomainValidationError):
        add_material(changed, extra, now=NOW)
    with pytest.raises(DomainValidationError) as raised:
        MailingThrottle(limit=0, window=timedelta(0))
    assert {v.field for v in raised.value.violations} == {"limit", "window"}
