"""The closed vocabularies of the deals area: kinds of sales process, statuses, documents."""

from __future__ import annotations

import enum

__all__ = ["DealKind", "DealStatus", "DocumentKind", "OfferStatus", "SupplierOrderStatus"]


class DealKind(enum.Enum):
    """How strictly a pipeline controls the stages of its deals.

    ``CONTROLLED`` ("typical sale"): stages in a fixed order, each entered only when its
    gates hold. ``MANUAL``: any stage may be chosen, skipped or returned to; gates only warn.
    ``UNSTAGED``: no stages at all, for long projects that collect tasks and interactions.
    """

    CONTROLLED = "controlled"
    MANUAL = "manual"
    UNSTAGED = "unstaged"

    @property
    def staged(self) -> bool:
        """Whether deals of this kind move through stages."""
        return self is not DealKind.UNSTAGED


class DealStatus(enum.Enum):
    """Where a deal stands as a whole: open, won, lost, or suspended for a while."""

    OPEN = "open"
    WON = "won"
    LOST = "lost"
    SUSPENDED = "suspended"

    @property
    def closed(self) -> bool:
        """Whether the deal has a result (won or lost)."""
        return self is DealStatus.WON or self is DealStatus.LOST


class DocumentKind(enum.Enum):
    """What a document linked to a deal is; the ``entity_type`` of its reference."""

    COMMERCIAL_OFFER = "commercial_offer"
    AGREEMENT = "agreement"
    SUPPLIER_ORDER = "supplier_order"
    BUSINESS_PLAN = "business_plan"
    INTERACTION = "interaction"
    SALES_DOCUMENT = "sales_document"


class OfferStatus(enum.Enum):
    """Where a commercial offer stands: registered, sent to the client, accepted, declined."""

    REGISTERED = "registered"
    SENT = "sent"
    ACCEPTED = "accepted"
    DECLINED = "declined"


class SupplierOrderStatus(enum.Enum):
    """Where an order to a supplier stands: placed, received, or cancelled."""

    PLACED = "placed"
    RECEIVED = "received"
    CANCELLED = "cancelled"
