"""The quote builder: a commercial offer priced under an agreement, with the client's past
prices beside each line so that a manager sees at once what the client paid before."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal

import attrs

from crmcore.agreements.conditions import SalesConditions, Taxation, discount_percent
from crmcore.agreements.model import Agreement
from crmcore.agreements.pricing import PastSale, discounted, lowest_price
from crmcore.agreements.repository import PriceSource, SalesHistory
from crmcore.errors import AgreementNotApplicableError, Violation
from crmcore.ids import AgreementId, EntityRef, PartnerId, new_id
from crmcore.money import Money
from crmcore.partners.model import Partner
from crmcore.validation import (
    Model,
    aware_datetime,
    checks,
    each,
    identifier,
    instance_of,
    optional,
    plain_date,
    positive_decimal,
    raise_violations,
)

__all__ = ["Quote", "QuoteItem", "QuoteLine", "build_quote"]

# A quote is the commercial offer of the glossary: its references carry the document kind a
# deal links it by (``crmcore.deals.DocumentKind.COMMERCIAL_OFFER``, a later area).
QUOTE = "commercial_offer"


@attrs.frozen(kw_only=True)
class QuoteItem(Model):
    """What the client asks about: a product, a quantity, and the discount the manager wants
    to give (the agreement's own when ``None``)."""

    product: str = attrs.field(metadata=checks(identifier))
    quantity: Decimal = attrs.field(metadata=checks(positive_decimal))
    discount: Decimal | None = attrs.field(
        default=None, metadata=checks(optional(discount_percent))
    )


@attrs.frozen(kw_only=True)
class QuoteLine(Model):
    """A priced line: the price type's ``list_price``, the ``discount``, the resulting
    ``price`` and ``amount``, the lowest price the agreement allows, and the client's last
    price for the product, if they bought it before."""

    product: str = attrs.field(metadata=checks(identifier))
    quantity: Decimal = attrs.field(metadata=checks(positive_decimal))
    list_price: Money = attrs.field(metadata=checks(instance_of(Money)))
    discount: Decimal = attrs.field(metadata=checks(discount_percent))
    price: Money = attrs.field(metadata=checks(instance_of(Money)))
    minimum_price: Money = attrs.field(metadata=checks(instance_of(Money)))
    amount: Money = attrs.field(metadata=checks(instance_of(Money)))
    last_sale: PastSale | None = attrs.field(
        default=None, metadata=checks(optional(instance_of(PastSale)))
    )


@attrs.frozen(kw_only=True)
class Quote(Model):
    """A commercial offer to a partner under an agreement."""

    id: str = attrs.field(metadata=checks(identifier))
    partner_id: PartnerId = attrs.field(metadata=checks(identifier))
    agreement_id: AgreementId = attrs.field(metadata=checks(identifier))
    created_at: datetime = attrs.field(metadata=checks(aware_datetime))
    valid_until: date | None = attrs.field(default=None, metadata=checks(optional(plain_date)))
    price_type: str = attrs.field(metadata=checks(identifier))
    taxation: Taxation = attrs.field(metadata=checks(instance_of(Taxation)))
    lines: tuple[QuoteLine, ...] = attrs.field(metadata=checks(each(instance_of(QuoteLine))))
    total: Money = attrs.field(metadata=checks(instance_of(Money)))

    @property
    def ref(self) -> EntityRef:
        """The quote as a typed reference, to attach it to an email or link it to its deal."""
        return EntityRef(entity_type=QUOTE, entity_id=self.id)


def build_quote(
    partner: Partner,
    agreement: Agreement,
    items: Sequence[QuoteItem],
    *,
    prices: PriceSource,
    history: SalesHistory,
    now: datetime,
    quote_id: str | None = None,
) -> Quote:
    """A quote for ``items`` to ``partner`` under ``agreement`` on the date of ``now``.

    Raises :class:`AgreementNotApplicableError` if the agreement is not active then or not
    for the partner, and :class:`DomainValidationError` naming every item whose product has
    no price or whose discount is above the most the agreement allows.
    """
    today = now.date()
    conditions = _applicable(agreement, partner, today)
    raise_violations(_items("items", tuple(items)))
    list_prices = [prices.price(conditions.price_type, item.product, today) for item in items]
    raise_violations(_item_problems(items, list_prices, conditions))
    products = tuple(dict.fromkeys(item.product for item in items))
    past = history.last_sales(partner.id, products, until=today)
    lines = tuple(
        _line(item, price, conditions, past.get(item.product))
        for item, price in zip(items, list_prices, strict=True)
        if price is not None
    )
    return Quote(
        id=quote_id or new_id(),
        partner_id=partner.id,
        agreement_id=agreement.id,
        created_at=now,
        valid_until=agreement.valid_to,
        price_type=conditions.price_type,
        taxation=conditions.taxation,
        lines=lines,
        total=sum((line.amount for line in lines), Money.zero(conditions.currency)),
    )


def _applicable(agreement: Agreement, partner: Partner, today: date) -> SalesConditions:
    """The agreement's conditions in force today, if it is for ``partner``."""
    conditions = agreement.in_force(today)
    if not agreement.covers(partner):
        reason = f"it is not for partner {partner.id!r}"
        raise AgreementNotApplicableError(agreement.id, reason=reason)
    return conditions


def _items(field: str, value: tuple[object, ...]) -> Iterator[Violation]:
    yield from each(instance_of(QuoteItem))(field, value)
    if not value:
        yield Violation(field=field, message="needs at least one item")


def _item_problems(
    items: Sequence[QuoteItem], list_prices: Sequence[Money | None], conditions: SalesConditions
) -> Iterator[Violation]:
    for index, (item, price) in enumerate(zip(items, list_prices, strict=True)):
        if price is None or price.currency != conditions.currency:
            message = f"has no price in {conditions.currency} of price type"
            yield Violation(
                field=f"items[{index}].product",
                message=f"{message} {conditions.price_type!r}",
                value=item.product,
            )
        if item.discount is not None and item.discount > conditions.max_discount:
            yield Violation(
                field=f"items[{index}].discount",
                message=f"must be at most {conditions.max_discount} under this agreement",
                value=item.discount,
            )


def _line(
    item: QuoteItem, list_price: Money, conditions: SalesConditions, last: PastSale | None
) -> QuoteLine:
    discount = conditions.discount if item.discount is None else item.discount
    price = conditions.rounding.apply(discounted(list_price, discount))
    return QuoteLine(
        product=item.product,
        quantity=item.quantity,
        list_price=list_price,
        discount=discount,
        price=price,
        minimum_price=lowest_price(list_price, conditions),
        amount=conditions.rounding.apply(price * item.quantity),
        last_sale=last,
    )
