"""Events of the deals area: a deal was opened, changed, moved, won, lost, reopened,
suspended or resumed; a deal document (commercial offer, supplier order, business plan) was
created or changed. Each change of stage or status also has its
:class:`~crmcore.deals.StageChange` in the service's outcome."""

from __future__ import annotations

from typing import ClassVar

import attrs

from crmcore.events import DomainEvent

__all__ = [
    "BusinessPlanChanged",
    "BusinessPlanDrawn",
    "CommercialOfferAccepted",
    "CommercialOfferDeclined",
    "CommercialOfferRegistered",
    "CommercialOfferSent",
    "DealChanged",
    "DealLost",
    "DealMoved",
    "DealOpened",
    "DealReopened",
    "DealResumed",
    "DealSuspended",
    "DealWon",
    "SupplierOrderChanged",
    "SupplierOrderPlaced",
]


@attrs.frozen(kw_only=True)
class DealOpened(DomainEvent):
    """A deal was opened; ``changes`` holds every field of it."""

    name: ClassVar[str] = "deal.opened"
    entity_type: ClassVar[str] = "deal"
    action: ClassVar[str] = "created"


@attrs.frozen(kw_only=True)
class DealChanged(DomainEvent):
    """Fields of a deal other than its stage and status changed (amount, documents, ...)."""

    name: ClassVar[str] = "deal.changed"
    entity_type: ClassVar[str] = "deal"
    action: ClassVar[str] = "changed"


@attrs.frozen(kw_only=True)
class DealMoved(DomainEvent):
    """A deal moved to another stage; ``warnings`` names the advisory gates it did not meet
    (manual deals move anyway)."""

    name: ClassVar[str] = "deal.moved"
    entity_type: ClassVar[str] = "deal"
    action: ClassVar[str] = "stage_set"

    warnings: tuple[str, ...] = ()


@attrs.frozen(kw_only=True)
class DealWon(DomainEvent):
    """A deal was won."""

    name: ClassVar[str] = "deal.won"
    entity_type: ClassVar[str] = "deal"
    action: ClassVar[str] = "won"


@attrs.frozen(kw_only=True)
class DealLost(DomainEvent):
    """A deal was lost; ``changes`` holds the reason, and the competitor if known."""

    name: ClassVar[str] = "deal.lost"
    entity_type: ClassVar[str] = "deal"
    action: ClassVar[str] = "lost"


@attrs.frozen(kw_only=True)
class DealReopened(DomainEvent):
    """A won or lost deal was opened again."""

    name: ClassVar[str] = "deal.reopened"
    entity_type: ClassVar[str] = "deal"
    action: ClassVar[str] = "reopened"


@attrs.frozen(kw_only=True)
class DealSuspended(DomainEvent):
    """An open deal was put on hold."""

    name: ClassVar[str] = "deal.suspended"
    entity_type: ClassVar[str] = "deal"
    action: ClassVar[str] = "suspended"


@attrs.frozen(kw_only=True)
class DealResumed(DomainEvent):
    """A suspended deal was taken up again."""

    name: ClassVar[str] = "deal.resumed"
    entity_type: ClassVar[str] = "deal"
    action: ClassVar[str] = "resumed"


@attrs.frozen(kw_only=True)
class CommercialOfferRegistered(DomainEvent):
    """A commercial offer of a deal was registered; ``changes`` holds every field of it."""

    name: ClassVar[str] = "commercial_offer.registered"
    entity_type: ClassVar[str] = "commercial_offer"
    action: ClassVar[str] = "created"


@attrs.frozen(kw_only=True)
class CommercialOfferSent(DomainEvent):
    """A commercial offer was sent to the client."""

    name: ClassVar[str] = "commercial_offer.sent"
    entity_type: ClassVar[str] = "commercial_offer"
    action: ClassVar[str] = "sent"


@attrs.frozen(kw_only=True)
class CommercialOfferAccepted(DomainEvent):
    """The client accepted a commercial offer."""

    name: ClassVar[str] = "commercial_offer.accepted"
    entity_type: ClassVar[str] = "commercial_offer"
    action: ClassVar[str] = "accepted"


@attrs.frozen(kw_only=True)
class CommercialOfferDeclined(DomainEvent):
    """The client declined a commercial offer; ``changes`` holds the reason if given."""

    name: ClassVar[str] = "commercial_offer.declined"
    entity_type: ClassVar[str] = "commercial_offer"
    action: ClassVar[str] = "declined"


@attrs.frozen(kw_only=True)
class SupplierOrderPlaced(DomainEvent):
    """An order to a supplier was placed for a deal; ``changes`` holds every field of it."""

    name: ClassVar[str] = "supplier_order.placed"
    entity_type: ClassVar[str] = "supplier_order"
    action: ClassVar[str] = "created"


@attrs.frozen(kw_only=True)
class SupplierOrderChanged(DomainEvent):
    """A supplier order was received or cancelled."""

    name: ClassVar[str] = "supplier_order.changed"
    entity_type: ClassVar[str] = "supplier_order"
    action: ClassVar[str] = "changed"


@attrs.frozen(kw_only=True)
class BusinessPlanDrawn(DomainEvent):
    """A deal got its business plan; ``changes`` holds every field of it."""

    name: ClassVar[str] = "business_plan.drawn"
    entity_type: ClassVar[str] = "business_plan"
    action: ClassVar[str] = "created"


@attrs.frozen(kw_only=True)
class BusinessPlanChanged(DomainEvent):
    """A business plan was planned again or got actuals."""

    name: ClassVar[str] = "business_plan.changed"
    entity_type: ClassVar[str] = "business_plan"
    action: ClassVar[str] = "changed"
