"""A lead from a campaign's landing page: the host names the campaign the form belongs to,
the request carries it and attribution counts the lead; the visitor's utm marks stay labels
and never choose a campaign."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from crmcore.app import CRM
from crmcore.app.commands import PlanCampaign, ReceiveWebForm
from crmcore.errors import DomainValidationError
from crmcore.marketing import CampaignDraft
from crmcore.money import Money

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)
FORM = {"name": "Anna", "email": "anna@example.com", "message": "300 crates, please"}


@pytest.mark.parametrize("store", ["memory", "sqlite"])
def test_a_landing_page_form_attributes_its_leads_to_the_campaign(store: str) -> None:
    crm = CRM.in_memory() if store == "memory" else CRM.sqlite(":memory:")
    draft = CampaignDraft(
        name="Spring", starts_on=date(2026, 3, 1), ends_on=date(2026, 3, 31),
        budget=Money.of("50000", "RUB"),
    )  # fmt: skip
    crm.execute(PlanCampaign(draft=draft, campaign_id="spring"), actor="system", now=NOW)
    landing = crm.execute(
        ReceiveWebForm(payload={**FORM, "utm_campaign": "autumn"}, campaign_id="spring"),
        actor="system",
        now=NOW,
    ).result
    assert landing.campaign_id == "spring"
    assert landing.campaign is not None
    assert landing.campaign.campaign == "autumn"
    marked = crm.execute(
        ReceiveWebForm(payload={**FORM, "email": "boris@example.com", "utm_campaign": "spring"}),
        actor="system",
        now=NOW,
    ).result
    assert marked.campaign_id is None
    report = crm.marketing.attribution(start=NOW - HOUR, end=NOW + HOUR)
    assert report.row("spring").leads == 1
    assert report.unattributed_leads == 1


def test_a_campaign_id_that_is_not_an_identifier_is_refused() -> None:
    with pytest.raises(DomainValidationError) as caught:
        ReceiveWebForm(payload=FORM, campaign_id="spring\n")
    assert [v.field for v in caught.value.violations] == ["campaign_id"]
