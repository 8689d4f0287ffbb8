"""Sales documents as the host hands them over for a compliance check: an order, an invoice
or a shipment with its lines, payment plan, delivery, contract and packaging."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

import attrs

from crmcore.agreements.conditions import Taxation, discount_percent, non_negative_money
from crmcore.agreements.kinds import DeliveryMethod, PaymentForm, SalesDocumentKind
from crmcore.agreements.pricing import discounted
from crmcore.errors import Violation
from crmcore.ids import AgreementId, EntityRef, PartnerId
from crmcore.money import Money, currency_code
from crmcore.validation import (
    Model,
    bounded_text,
    checks,
    clean_optional_text,
    clean_text,
    each,
    identifier,
    instance_of,
    optional,
    plain_date,
    positive_decimal,
    positive_int,
)

__all__ = ["DocumentLine", "PackagingItem", "PlannedPayment", "SalesDocument"]


@attrs.frozen(kw_only=True)
class DocumentLine(Model):
    """A line of a sales document: ``quantity`` of ``product`` at ``price`` less ``discount``
    percent (negative for a markup)."""

    product: str = attrs.field(metadata=checks(identifier))
    quantity: Decimal = attrs.field(metadata=checks(positive_decimal))
    price: Money = attrs.field(metadata=checks(non_negative_money))
    discount: Decimal = attrs.field(default=Decimal(0), metadata=checks(discount_percent))

    @property
    def net_price(self) -> Money:
        """The price after the line's discount, unrounded."""
        return discounted(self.price, self.discount)

    @property
    def amount(self) -> Money:
        """The line's amount, rounded to the currency's minor unit."""
        return (self.net_price * self.quantity).rounded()


@attrs.frozen(kw_only=True)
class PlannedPayment(Model):
    """A payment the document plans: its due date and amount."""

    due_date: dt.date = attrs.field(metadata=checks(plain_date))
    amount: Money = attrs.field(metadata=checks(non_negative_money))


@attrs.frozen(kw_only=True)
class PackagingItem(Model):
    """Returnable packaging declared on a document: crates, pallets and how many."""

    item: str = attrs.field(converter=clean_text, metadata=checks(bounded_text(200)))
    quantity: int = attrs.field(metadata=checks(positive_int))


def _lines(field: str, value: object) -> Iterator[Violation]:
    yield from each(instance_of(DocumentLine))(field, value)
    if isinstance(value, tuple) and not value:
        yield Violation(field=field, message="needs at least one line")


@attrs.frozen(kw_only=True)
class SalesDocument(Model):
    """An order, invoice or shipment to check against an agreement.

    All money on the document is in its ``currency``; ``shipment_date`` defaults to the
    document date where a payment plan needs it.
    """

    kind: SalesDocumentKind = attrs.field(metadata=checks(instance_of(SalesDocumentKind)))
    number: str = attrs.field(converter=clean_text, metadata=checks(bounded_text(64)))
    date: dt.date = attrs.field(metadata=checks(plain_date))
    partner_id: PartnerId = attrs.field(metadata=checks(identifier))
    agreement_id: AgreementId | None = attrs.field(
        default=None, metadata=checks(optional(identifier))
    )
    currency: str = attrs.field(metadata=checks(currency_code))
    payment_form: PaymentForm = attrs.field(metadata=checks(instance_of(PaymentForm)))
    taxation: Taxation = attrs.field(metadata=checks(instance_of(Taxation)))
    lines: tuple[DocumentLine, ...] = attrs.field(metadata=checks(_lines))
    payment_plan: tuple[PlannedPayment, ...] = attrs.field(
        default=(), metadata=checks(each(instance_of(PlannedPayment)))
    )
    shipment_date: dt.date | None = attrs.field(default=None, metadata=checks(optional(plain_date)))
    delivery_method: DeliveryMethod = attrs.field(
        default=DeliveryMethod.PICKUP, metadata=checks(instance_of(DeliveryMethod))
    )
    delivery_address: str | None = attrs.field(
        default=None, converter=clean_optional_text, metadata=checks(optional(bounded_text(500)))
    )
    contract: EntityRef | None = attrs.field(
        default=None, metadata=checks(optional(instance_of(EntityRef)))
    )
    packaging: tuple[PackagingItem, ...] = attrs.field(
        default=(), metadata=checks(each(instance_of(PackagingItem)))
    )

    def _invariants(self) -> Iterator[Violation]:
        for index, line in enumerate(self.lines):
            if line.price.currency != self.currency:
                message = f"must be in the document's currency {self.currency}"
                field = f"lines[{index}].price"
                yield Violation(field=field, message=message, value=line.price.currency)
        for index, payment in enumerate(self.payment_plan):
            if payment.amount.currency != self.currency:
                message = f"must be in the document's currency {self.currency}"
                field = f"payment_plan[{index}].amount"
                yield Violation(field=field, message=message, value=payment.amount.currency)
        if self.shipment_date is not None and self.shipment_date < self.date:
            message = "must not precede the document date"
            yield Violation(field="shipment_date", message=message, value=self.shipment_date)

    @property
    def title(self) -> str:
        """The kind and number, ``order ЗК-000017``: how a report names the document."""
        return f"{self.kind.value} {self.number}"

    @property
    def total(self) -> Money:
        """The sum of the lines' amounts."""
        return sum((line.amount for line in self.lines), Money.zero(self.currency))

    @property
    def shipped_on(self) -> dt.date:
        """The shipment date, or the document date when none is given."""
        return self.shipment_date or self.date
