"""The documents of a deal: commercial offers (versioned quotes), supplier orders, and the
business plan with its planned and actual figures.

Each is an aggregate of its own, with an id, the deal it belongs to and a version; the deal
links it by reference in :attr:`~crmcore.deals.Deal.documents`, typed by
:class:`~crmcore.deals.DocumentKind`.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Final

import attrs

from crmcore.agreements.quotes import Quote
from crmcore.deals.kinds import DocumentKind, OfferStatus, SupplierOrderStatus
from crmcore.errors import Violation
from crmcore.ids import DealId, EntityRef, PartnerId
from crmcore.lifecycle import Lifecycle, LifecycleDefinition, Transition, compile_lifecycle
from crmcore.money import Money, not_negative
from crmcore.validation import (
    Model,
    aware_datetime,
    bounded_text,
    checks,
    clean_optional_text,
    clean_text,
    each,
    identifier,
    instance_of,
    invariant,
    non_negative_int,
    optional,
    plain_date,
    positive_decimal,
    positive_int,
)

__all__ = [
    "OFFER_LIFECYCLE",
    "SUPPLIER_ORDER_LIFECYCLE",
    "BusinessPlan",
    "CommercialOffer",
    "CostLine",
    "SupplierOrder",
    "SupplierOrderLine",
]

_MAX_LINES: Final = 1000
_HUNDRED: Final = Decimal(100)
_TENTH: Final = Decimal("0.1")
_MOMENT: Final = checks(optional(aware_datetime))

OFFER_LIFECYCLE: Final[Lifecycle] = compile_lifecycle(
    LifecycleDefinition(
        name="CommercialOffer",
        states=tuple(status.value for status in OfferStatus),
        finals=frozenset({OfferStatus.ACCEPTED.value, OfferStatus.DECLINED.value}),
        transitions=(
            Transition("send", "registered", "sent"),
            Transition("send", "sent", "sent"),
            Transition("accept", "registered", "accepted"),
            Transition("accept", "sent", "accepted"),
            Transition("decline", "registered", "declined"),
            Transition("decline", "sent", "declined"),
        ),
    )
)
"""An offer is sent (again, if need be), then accepted or declined; a client may answer an
offer handed over in person, so a registered offer may be accepted or declined too."""

SUPPLIER_ORDER_LIFECYCLE: Final[Lifecycle] = compile_lifecycle(
    LifecycleDefinition(
        name="SupplierOrder",
        states=tuple(status.value for status in SupplierOrderStatus),
        finals=frozenset({SupplierOrderStatus.RECEIVED.value, SupplierOrderStatus.CANCELLED.value}),
        transitions=(
            Transition("receive", "placed", "received"),
            Transition("cancel", "placed", "cancelled"),
        ),
    )
)
"""A placed order is received or cancelled."""


@attrs.frozen(kw_only=True)
class CommercialOffer(Model):
    """Offer ``number`` (1, 2, ...) of a deal: a :class:`~crmcore.agreements.Quote` built from
    the deal's line items under the agreement, and where it stands."""

    id: str = attrs.field(metadata=checks(identifier))
    deal_id: DealId = attrs.field(metadata=checks(identifier))
    number: int = attrs.field(metadata=checks(positive_int))
    quote: Quote = attrs.field(metadata=checks(instance_of(Quote)))
    status: OfferStatus = attrs.field(
        default=OfferStatus.REGISTERED, metadata=checks(instance_of(OfferStatus))
    )
    created_at: datetime = attrs.field(metadata=checks(aware_datetime))
    sent_at: datetime | None = attrs.field(default=None, metadata=_MOMENT)
    decided_at: datetime | None = attrs.field(default=None, metadata=_MOMENT)
    decline_reason: str | None = attrs.field(
        default=None,
        converter=clean_optional_text,
        metadata=checks(optional(bounded_text(500))),
    )
    version: int = attrs.field(default=1, metadata=checks(non_negative_int))

    @invariant("id", "quote")
    def _own_quote(self) -> Iterator[Violation]:
        if self.quote.id != self.id:
            yield Violation(field="quote.id", message="must be the offer's id", value=self.quote.id)

    @invariant("status", "decided_at", "sent_at", "decline_reason")
    def _status_moments(self) -> Iterator[Violation]:
        decided = self.status in (OfferStatus.ACCEPTED, OfferStatus.DECLINED)
        if decided != (self.decided_at is not None):
            yield Violation(field="decided_at", message="is set exactly when accepted or declined")
        if (self.status is OfferStatus.SENT) and self.sent_at is None:
            yield Violation(field="sent_at", message="is set when the offer is sent")
        if self.decline_reason is not None and self.status is not OfferStatus.DECLINED:
            yield Violation(field="decline_reason", message="is kept for declined offers only")

    @property
    def ref(self) -> EntityRef:
        """The offer as its deal links it."""
        return EntityRef(entity_type=DocumentKind.COMMERCIAL_OFFER.value, entity_id=self.id)

    @property
    def total(self) -> Money:
        """The offer's total."""
        return self.quote.total

    @property
    def last_changed_at(self) -> datetime:
        """The latest moment recorded on the offer."""
        moments = [m for m in (self.created_at, self.sent_at, self.decided_at) if m is not None]
        return max(moments)


@attrs.frozen(kw_only=True)
class SupplierOrderLine(Model):
    """What to buy: a product, a quantity and the purchase price per unit."""

    product_id: str = attrs.field(metadata=checks(identifier))
    quantity: Decimal = attrs.field(metadata=checks(positive_decimal))
    price: Money = attrs.field(metadata=checks(not_negative))

    @property
    def amount(self) -> Money:
        """The line's amount, rounded to the currency's minor unit."""
        return (self.price * self.quantity).rounded()


def _lines(field: str, value: object) -> Iterator[Violation]:
    yield from each(instance_of(SupplierOrderLine), max_items=_MAX_LINES)(field, value)
    if isinstance(value, tuple) and not value:
        yield Violation(field=field, message="needs at least one line")


def _one_currency(field: str, amounts: list[Money]) -> Iterator[Violation]:
    currencies = sorted({money.currency for money in amounts})
    if len(currencies) > 1:
        message = "must all be in one currency, not " + ", ".join(currencies)
        yield Violation(field=field, message=message)


@attrs.frozen(kw_only=True)
class SupplierOrder(Model):
    """What must be bought from ``supplier_id`` to deliver a deal."""

    id: str = attrs.field(metadata=checks(identifier))
    deal_id: DealId = attrs.field(metadata=checks(identifier))
    supplier_id: PartnerId = attrs.field(metadata=checks(identifier))
    lines: tuple[SupplierOrderLine, ...] = attrs.field(metadata=checks(_lines))
    status: SupplierOrderStatus = attrs.field(
        default=SupplierOrderStatus.PLACED, metadata=checks(instance_of(SupplierOrderStatus))
    )
    expected_on: date | None = attrs.field(default=None, metadata=checks(optional(plain_date)))
    created_at: datetime = attrs.field(metadata=checks(aware_datetime))
    changed_at: datetime | None = attrs.field(default=None, metadata=_MOMENT)
    version: int = attrs.field(default=1, metadata=checks(non_negative_int))

    @invariant("lines")
    def _lines_currency(self) -> Iterator[Violation]:
        return _one_currency("lines", [line.price for line in self.lines])

    @invariant("status", "changed_at")
    def _changed_once_done(self) -> Iterator[Violation]:
        if (self.status is SupplierOrderStatus.PLACED) != (self.changed_at is None):
            yield Violation(field="changed_at", message="is set once received or cancelled")

    @property
    def ref(self) -> EntityRef:
        """The order as its deal links it."""
        return EntityRef(entity_type=DocumentKind.SUPPLIER_ORDER.value, entity_id=self.id)

    @property
    def total(self) -> Money:
        """The sum of the lines' amounts."""
        total = self.lines[0].amount
        for line in self.lines[1:]:
            total = total + line.amount
        return total


@attrs.frozen(kw_only=True)
class CostLine(Model):
    """One cost of a business plan: what it is for and how much."""

    name: str = attrs.field(converter=clean_text, metadata=checks(bounded_text(200)))
    amount: Money = attrs.field(metadata=checks(not_negative))


_COSTS: Final = checks(each(instance_of(CostLine), max_items=_MAX_LINES))


def _sum(costs: tuple[CostLine, ...], currency: str) -> Money:
    total = Money.zero(currency)
    for cost in costs:
        total = total + cost.amount
    return total


@attrs.frozen(kw_only=True)
class BusinessPlan(Model):
    """The business plan of a deal (its id is the deal's): planned revenue from the line
    items, planned costs and margin, and the actuals as the host reports them."""

    id: DealId = attrs.field(metadata=checks(identifier))
    planned_revenue: Money = attrs.field(metadata=checks(not_negative))
    planned_costs: tuple[CostLine, ...] = attrs.field(default=(), metadata=_COSTS)
    actual_revenue: Money | None = attrs.field(
        default=None, metadata=checks(optional(not_negative))
    )
    actual_costs: tuple[CostLine, ...] = attrs.field(default=(), metadata=_COSTS)
    created_at: datetime = attrs.field(metadata=checks(aware_datetime))
    changed_at: datetime = attrs.field(metadata=checks(aware_datetime))
    version: int = attrs.field(default=1, metadata=checks(non_negative_int))

    @invariant("planned_revenue", "planned_costs", "actual_costs", "actual_revenue")
    def _plan_currency(self) -> Iterator[Violation]:
        currency = self.planned_revenue.currency
        for name in ("planned_costs", "actual_costs"):
            for index, cost in enumerate(getattr(self, name)):
                if cost.amount.currency != currency:
                    message = f"must be in {currency}, the planned revenue's currency"
                    yield Violation(field=f"{name}[{index}].amount", message=message)
        if self.actual_revenue is not None and self.actual_revenue.currency != currency:
            message = f"must be in {currency}, the planned revenue's currency"
            yield Violation(field="actual_revenue", message=message)

    @invariant("created_at", "changed_at")
    def _changed_after_creation(self) -> Iterator[Violation]:
        if self.changed_at.astimezone(UTC) < self.created_at.astimezone(UTC):
            yield Violation(field="changed_at", message="must not be before created_at")

    @property
    def deal_id(self) -> DealId:
        """The deal of the plan."""
        return self.id

    @property
    def ref(self) -> EntityRef:
        """The plan as its deal links it."""
        return EntityRef(entity_type=DocumentKind.BUSINESS_PLAN.value, entity_id=self.id)

    @property
    def planned_cost(self) -> Money:
        """The sum of the planned costs."""
        return _sum(self.planned_costs, self.planned_revenue.currency)

    @property
    def planned_margin(self) -> Money:
        """Planned revenue less planned costs."""
        return self.planned_revenue - self.planned_cost

    @property
    def planned_margin_percent(self) -> Decimal | None:
        """The planned margin as a share of the planned revenue, else ``None``."""
        return _share(self.planned_margin, self.planned_revenue)

    @property
    def actual_cost(self) -> Money:
        """The sum of the costs reported so far."""
        return _sum(self.actual_costs, self.planned_revenue.currency)

    @property
    def actual_margin(self) -> Money | None:
        """Actual revenue less actual costs, once a revenue is reported."""
        if self.actual_revenue is None:
            return None
        return self.actual_revenue - self.actual_cost


def _share(part: Money, whole: Money) -> Decimal | None:
    if whole.amount == 0:
        return None
    # One decimal, half up: the share column of every report (crmcore.tables.percent).
    return (_HUNDRED * part.amount / whole.amount).quantize(_TENTH, rounding=ROUND_HALF_UP)
