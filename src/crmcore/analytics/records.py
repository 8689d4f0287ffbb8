"""What the analytics read from the areas' records, as small protocols.

Indicators need a few attributes of a deal, an interaction, a claim or a lead, and nothing
else, so that a host can stream light rows from its database (a named tuple, a slotted
class) instead of whole models; the areas' own models satisfy these protocols too
(:class:`crmcore.deals.Deal`, :class:`crmcore.interactions.Interaction`,
:class:`crmcore.claims.Claim`, :class:`crmcore.requests.Request`).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Protocol

import attrs

from crmcore.deals.kinds import DealStatus
from crmcore.interactions.kinds import InteractionStatus
from crmcore.money import Money, Rounding
from crmcore.validation import Model, checks, instance_of, non_negative_int, plain_date

__all__ = [
    "ClaimRecord",
    "DealRecord",
    "InteractionRecord",
    "LeadRecord",
    "PartnerSales",
    "SalesFacts",
]


class DealRecord(Protocol):
    """A deal as the indicators see it."""

    @property
    def partner_id(self) -> str:
        """The client of the deal."""
        ...

    @property
    def responsible_manager(self) -> str:
        """The manager who runs the deal."""
        ...

    @property
    def status(self) -> DealStatus:
        """Open, won, lost or suspended."""
        ...

    @property
    def amount(self) -> Money | None:
        """The amount of the deal, if known."""
        ...

    @property
    def created_at(self) -> datetime:
        """When the deal was opened."""
        ...

    @property
    def closed_at(self) -> datetime | None:
        """When the deal was won or lost."""
        ...


class InteractionRecord(Protocol):
    """An interaction as the indicators see it."""

    @property
    def responsible(self) -> str:
        """The user responsible for the interaction."""
        ...

    @property
    def status(self) -> InteractionStatus:
        """Planned, in progress, done or cancelled."""
        ...

    @property
    def end(self) -> datetime:
        """When the interaction was to end."""
        ...

    @property
    def completed_at(self) -> datetime | None:
        """When it was done."""
        ...


class ClaimRecord(Protocol):
    """A claim as the indicators see it: when it came, and which employee it is about."""

    @property
    def registered_at(self) -> datetime:
        """When the claim was registered."""
        ...

    @property
    def employee(self) -> str | None:
        """The employee the claim is about, if any."""
        ...


class LeadRecord(Protocol):
    """An incoming request (lead) as the indicators see it."""

    @property
    def responsible_manager(self) -> str | None:
        """The manager the lead was given to."""
        ...

    @property
    def received_at(self) -> datetime:
        """When the lead came in."""
        ...

    @property
    def deal_id(self) -> str | None:
        """The deal the lead became, if it did."""
        ...


@attrs.frozen(kw_only=True)
class PartnerSales(Model):
    """What a partner has bought from us: the first deal's date, the number of deals and the
    total; the average check follows from them."""

    first_deal: date = attrs.field(metadata=checks(plain_date))
    deals: int = attrs.field(metadata=checks(non_negative_int))
    total: Money = attrs.field(metadata=checks(instance_of(Money)))

    @property
    def average_check(self) -> Money:
        """The total divided by the number of deals, half-up to the currency's minor unit."""
        return self.average(Rounding())

    def average(self, rounding: Rounding) -> Money:
        """The total divided by the number of deals, rounded by ``rounding``: the policy the
        KPI table is given, so that the card and the table show one figure."""
        count = max(self.deals, 1)
        return rounding.apply(Money.of(self.total.amount / count, self.total.currency))


class SalesFacts(Protocol):
    """The sales figures of partners, provided by the host (its accounting, say)."""

    def of_partner(self, partner_id: str) -> PartnerSales | None:
        """What ``partner_id`` has bought, or ``None`` if nothing yet."""
        ...


if TYPE_CHECKING:
    from crmcore.claims.model import Claim
    from crmcore.deals.model import Deal
    from crmcore.interactions.model import Interaction
    from crmcore.requests.model import Request

    def _fits(
        deal: Deal, interaction: Interaction, claim: Claim, request: Request
    ) -> tuple[DealRecord, InteractionRecord, ClaimRecord, LeadRecord]:
        """Never called: mypy checks with ``src`` that the areas' models fit the protocols."""
        return deal, interaction, claim, request
