"""Attribution of requests and deals to campaigns, and the requests' campaign id."""

from datetime import date, datetime
from decimal import Decimal

import attrs
import pytest
from marketing_samples import DAY, NOW

from crmcore.deals import Deal, DealKind, DealStatus
from crmcore.errors import DomainValidationError
from crmcore.ids import DealId, PartnerId, PipelineId, RequestId, UserId
from crmcore.marketing import (
    Campaign,
    CampaignCost,
    CampaignDraft,
    CampaignId,
    attribution_report,
    plan_campaign,
    record_cost,
)
from crmcore.money import Money
from crmcore.requests import ContactData, Request, RequestDraft, RequestStatus, register_request
from crmcore.requests.services import edit_request

START = NOW - 30 * DAY


def _deal(
    deal_id: str, status: DealStatus, closed_at: datetime, amount: Money | None,
    campaign_id: str | None = None,
) -> Deal:  # fmt: skip
    """A closed deal of ``campaign_id``."""
    return Deal(
        id=DealId(deal_id), title="Service", partner_id=PartnerId("p-1"),
        pipeline_id=PipelineId("long_project"), kind=DealKind.UNSTAGED,
        responsible_manager=UserId("anna"), created_at=closed_at - DAY,
        stage_entered_at=closed_at - DAY, status=status, closed_at=closed_at, amount=amount,
        lost_reason="price" if status is DealStatus.LOST else None, campaign_id=campaign_id,
    )  # fmt: skip


def _campaign(campaign_id: str, cost: str, currency: str = "RUB") -> Campaign:
    draft = CampaignDraft(
        name=f"Campaign {campaign_id}", starts_on=date(2026, 5, 1), ends_on=date(2026, 6, 30),
        budget=Money.of("100000", currency),
    )  # fmt: skip
    campaign = plan_campaign(draft, campaign_id=CampaignId(campaign_id), now=NOW).entity
    return record_cost(
        campaign, CampaignCost(item="Ads", amount=Money.of(cost, currency)), now=NOW
    ).entity


def _request(number: int, campaign_id: str | None, *, converted: str | None = None) -> Request:
    return Request(
        id=RequestId(f"r-{number}"), source="website_form", received_at=NOW - number * DAY,
        contact=ContactData(name="Anna"), campaign_id=campaign_id,
        status=RequestStatus.CONVERTED if converted else RequestStatus.NEW,
        deal_id=DealId(converted) if converted else None,
        closed_at=NOW - number * DAY if converted else None,
    )  # fmt: skip


def test_leads_conversions_wins_revenue_and_cost_per_lead() -> None:
    campaigns = [_campaign("spring", "9000"), _campaign("quiet", "500")]
    requests = [
        _request(1, "spring", converted="d-1"),
        _request(2, "spring"),
        _request(3, "spring", converted="d-2"),
        _request(4, None),
        _request(5, "unknown"),
        _request(60, "spring"),
    ]
    deals = [
        _deal("d-1", DealStatus.WON, NOW - DAY, Money.of("120000", "RUB")),
        _deal("d-2", DealStatus.LOST, NOW - DAY, Money.of("5", "RUB")),
        _deal("d-3", DealStatus.WON, NOW - DAY, Money.of("30000", "RUB"), campaign_id="spring"),
        _deal("d-4", DealStatus.WON, NOW - DAY, Money.of("10", "USD"), campaign_id="spring"),
        _deal("d-5", DealStatus.WON, NOW - 90 * DAY, Money.of("10", "RUB"), campaign_id="spring"),
        _deal("d-6", DealStatus.WON, NOW - DAY, None, campaign_id="quiet"),
        _deal("d-7", DealStatus.WON, NOW - DAY, None, campaign_id="nowhere"),
    ]
    report = attribution_report(
        campaigns=campaigns, requests=requests, deals=deals, start=START, end=NOW
    )
    spring = report.row("spring")
    assert (spring.leads, spring.converted, spring.won_deals) == (3, 2, 3)
    assert spring.revenue == Money.of("150000", "RUB")
    assert spring.other_currency_deals == 1
    assert spring.cost_per_lead == Money.of("3000.00", "RUB")
    assert spring.conversion == Decimal("66.7")
    quiet = report.row("quiet")
    assert (quiet.leads, quiet.won_deals, quiet.cost_per_lead, quiet.conversion) == (
        0,
        1,
        None,
        None,
    )
    assert [row.campaign_id for row in report.rows] == ["quiet", "spring"]
    assert report.unattributed_leads == 2
    with pytest.raises(LookupError):
        report.row("nowhere")


def test_the_period_must_be_aware_and_forward() -> None:
    with pytest.raises(DomainValidationError) as raised:
        attribution_report(campaigns=[], requests=[], deals=[], start=NOW, end=NOW)
    assert raised.value.field == "end"
    with pytest.raises(DomainValidationError) as raised:
        attribution_report(campaigns=[], requests=[], deals=[], start=datetime(2026, 1, 1), end=NOW)
    assert raised.value.field == "start"


def test_a_request_carries_its_campaign_from_registration_and_edits() -> None:
    draft = RequestDraft(source="website_form", name="Anna", phones=("+79161234567",),
                         campaign_id="spring")  # fmt: skip
    request = register_request(draft, now=NOW, request_id=RequestId("r-1")).entity
    assert request.campaign_id == "spring"
    edited = edit_request(request, now=NOW, changes={"campaign_id": "autumn"}).entity
    assert edited.campaign_id == "autumn"
    with pytest.raises(DomainValidationError) as raised:
        register_request(attrs.evolve(draft, campaign_id="no spaces!"), now=NOW)
    assert raised.value.field == "campaign_id"
