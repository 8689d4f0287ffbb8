"""A request of a campaign converted through CRM.execute, in memory and on SQLite: the deal
it opens carries the request's source and campaign, and attribution counts that deal once it
is won."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from crmcore.app import CRM, Settings
from crmcore.app.commands import (
    ConvertRequest,
    PlanCampaign,
    QualifyRequest,
    RegisterRequest,
    TakeRequest,
    WinDeal,
)
from crmcore.deals import Deal
from crmcore.ids import UserId
from crmcore.marketing import CampaignDraft
from crmcore.money import Money
from crmcore.requests import RequestDraft
from crmcore.rules import Member, Staff

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)
STAFF = Staff(members=(Member(user=UserId("anna"), department="marketing"),))


def _converted(crm: CRM, campaign_id: str | None, phone: str) -> Deal:
    draft = RequestDraft(
        source="website_form", name="Пётр", company="Север", phones=[phone],
        estimated_amount=Money.of("45000", "RUB"), campaign_id=campaign_id,
    )  # fmt: skip
    request = crm.execute(RegisterRequest(draft=draft), actor="anna", now=NOW).result
    crm.execute(TakeRequest(request_id=request.id), actor="anna", now=NOW)
    crm.execute(QualifyRequest(request_id=request.id), actor="anna", now=NOW)
    conversion = crm.execute(
        ConvertRequest(request_id=request.id, pipeline_id="long_project", title=phone),
        actor="anna",
        now=NOW + HOUR,
    ).result
    deal: Deal = crm.get("deal", conversion.deal.id)
    return deal


@pytest.mark.parametrize("store", ["memory", "sqlite"])
def test_a_converted_request_hands_its_source_and_campaign_to_the_deal(store: str) -> None:
    settings = Settings(staff=STAFF)
    crm = (
        CRM.in_memory(settings=settings)
        if store == "memory"
        else CRM.sqlite(":memory:", settings=settings)
    )
    draft = CampaignDraft(
        name="Spring", starts_on=date(2026, 3, 1), ends_on=date(2026, 3, 31),
        budget=Money.of("50000", "RUB"),
    )  # fmt: skip
    crm.execute(PlanCampaign(draft=draft, campaign_id="spring"), actor="anna", now=NOW)
    deal = _converted(crm, "spring", "+7 912 000-11-22")
    assert (deal.source, deal.campaign_id) == ("website_form", "spring")
    plain = _converted(crm, None, "+7 912 000-33-44")
    assert (plain.source, plain.campaign_id) == ("website_form", None)
    for won in (deal, plain):
        crm.execute(WinDeal(deal_id=won.id), actor="anna", now=NOW + 2 * HOUR)
    report = crm.marketing.attribution(start=NOW - HOUR, end=NOW + 3 * HOUR)
    row = report.row("spring")
    assert (row.leads, row.converted, row.won_deals) == (1, 1, 1)
    assert row.revenue == Money.of("45000", "RUB")
    assert report.unattributed_leads == 1
