"""Attribution: the leads, converted requests, won deals and revenue of each campaign over a
period, with its cost per lead.

A request belongs to the campaign in its ``campaign_id``; a deal to the campaign in its own
``campaign_id``, else to that of the request converted into it. Leads count the requests
received in the period, won deals those closed as won in it; revenue sums the won deals'
amounts in the campaign's budget currency (deals in another currency are counted apart, in
``other_currency_deals``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Final

import attrs

from crmcore.deals import Deal, DealStatus
from crmcore.errors import DomainValidationError
from crmcore.marketing.model import Campaign
from crmcore.money import Money
from crmcore.requests import Request, RequestStatus
from crmcore.validation import aware_datetime, raise_violations

__all__ = ["AttributionReport", "CampaignAttribution", "attribution_report"]

_PERCENT: Final = Decimal("0.1")


@attrs.frozen(kw_only=True)
class CampaignAttribution:
    """One campaign over the period: its leads, how many were converted, the deals won and
    their revenue, what it cost (actual costs) and per lead."""

    campaign_id: str
    name: str
    leads: int
    converted: int
    won_deals: int
    revenue: Money
    cost: Money
    other_currency_deals: int = 0

    @property
    def cost_per_lead(self) -> Money | None:
        """The actual cost divided by the leads, rounded to the currency; ``None`` without
        leads."""
        if not self.leads:
            return None
        return Money(amount=self.cost.amount / self.leads, currency=self.cost.currency).rounded()

    @property
    def conversion(self) -> Decimal | None:
        """Converted requests per lead, in percent to one decimal half-up, as the other
        reports round their shares; ``None`` without leads."""
        if not self.leads:
            return None
        return (Decimal(100) * self.converted / self.leads).quantize(_PERCENT, ROUND_HALF_UP)


@attrs.frozen(kw_only=True)
class AttributionReport:
    """The campaigns' attribution over ``[start, end)``, in campaign id order, and the leads
    that name no campaign (or one not known)."""

    start: datetime
    end: datetime
    rows: tuple[CampaignAttribution, ...]
    unattributed_leads: int = 0

    def row(self, campaign_id: str) -> CampaignAttribution:
        """The row of ``campaign_id``; ``LookupError`` when the report has none."""
        for found in self.rows:
            if found.campaign_id == campaign_id:
                return found
        raise LookupError(f"no campaign {campaign_id!r} in the report")


@attrs.frozen
class _Tally:
    leads: int = 0
    converted: int = 0
    won: int = 0
    revenue: Decimal = Decimal(0)
    other: int = 0


def attribution_report(
    *,
    campaigns: Iterable[Campaign],
    requests: Iterable[Request],
    deals: Iterable[Deal],
    start: datetime,
    end: datetime,
) -> AttributionReport:
    """The attribution of ``requests`` and ``deals`` to ``campaigns`` over ``[start, end)``."""
    raise_violations([*aware_datetime("start", start), *aware_datetime("end", end)])
    if end.astimezone(UTC) <= start.astimezone(UTC):
        raise DomainValidationError.single("end", "must be after start", value=end)
    known: dict[str, Campaign] = {campaign.id: campaign for campaign in campaigns}
    tallies: dict[str, _Tally] = {campaign_id: _Tally() for campaign_id in known}
    by_deal: dict[str, str] = {}
    unattributed = 0
    for request in requests:
        if request.campaign_id is not None and request.deal_id is not None:
            by_deal[request.deal_id] = request.campaign_id
        if not _within(request.received_at, start, end):
            continue
        tally = tallies.get(request.campaign_id or "")
        if tally is None:
            unattributed += 1
            continue
        converted = int(request.status is RequestStatus.CONVERTED)
        tallies[request.campaign_id or ""] = attrs.evolve(
            tally, leads=tally.leads + 1, converted=tally.converted + converted
        )
    _count_deals(tallies, known, by_deal, deals, start, end)
    rows = tuple(_row(known[cid], tallies[cid]) for cid in sorted(known))
    return AttributionReport(start=start, end=end, rows=rows, unattributed_leads=unattributed)


def _within(moment: datetime, start: datetime, end: datetime) -> bool:
    """Whether ``moment`` is in ``[start, end)`` as instants (Python compares two moments of
    one zone by their wall clocks, which repeat when the clocks go back)."""
    return start.astimezone(UTC) <= moment.astimezone(UTC) < end.astimezone(UTC)


def _count_deals(
    tallies: dict[str, _Tally],
    known: Mapping[str, Campaign],
    by_deal: Mapping[str, str],
    deals: Iterable[Deal],
    start: datetime,
    end: datetime,
) -> None:
    for deal in deals:
        closed_at = deal.closed_at
        if deal.status is not DealStatus.WON or closed_at is None:
            continue
        if not _within(closed_at, start, end):
            continue
        campaign_id = deal.campaign_id or by_deal.get(deal.id)
        if campaign_id is None or campaign_id not in known:
            continue
        tally = tallies[campaign_id]
        amount = deal.amount
        if amount is not None and amount.currency != known[campaign_id].budget.currency:
            tallies[campaign_id] = attrs.evolve(tally, won=tally.won + 1, other=tally.other + 1)
            continue
        value = Decimal(0) if amount is None else amount.amount
        tallies[campaign_id] = attrs.evolve(tally, won=tally.won + 1, revenue=tally.revenue + value)


def _row(campaign: Campaign, tally: _Tally) -> CampaignAttribution:
    currency = campaign.budget.currency
    return CampaignAttribution(
        campaign_id=campaign.id, name=campaign.name, leads=tally.leads,
        converted=tally.converted, won_deals=tally.won,
        revenue=Money(amount=tally.revenue, currency=currency), cost=campaign.actual_total,
        other_currency_deals=tally.other,
    )  # fmt: skip
