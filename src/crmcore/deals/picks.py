"""Products picked for a client on the price form, priced into line items through the
client's agreement: the list price of the agreement's price type, the agreement's discount
unless the manager gives another, the agreement's rounding and VAT, and never below the
lowest price allowed (the agreement's largest discount, the product's own minimum).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Final

import attrs

from crmcore.agreements import Agreement, PriceSource, TaxRegime
from crmcore.agreements.conditions import discount_percent
from crmcore.agreements.pricing import discounted
from crmcore.catalog import Product, ProductPrice, price_for
from crmcore.deals.items import LineItem, line_item
from crmcore.errors import Violation
from crmcore.money import Money, not_negative
from crmcore.partners.model import Partner
from crmcore.validation import (
    Model,
    checks,
    each,
    identifier,
    instance_of,
    optional,
    positive_decimal,
    raise_violations,
)

__all__ = ["MAX_PICKS", "ProductPick", "priced_items"]

MAX_PICKS: Final = 1000
"""The most products one pick may hold."""


@attrs.frozen(kw_only=True)
class ProductPick(Model):
    """A product picked for a client: how many, and the manager's own discount or price if
    they give one (the agreement's discount and price type's price otherwise)."""

    product_id: str = attrs.field(metadata=checks(identifier))
    quantity: Decimal = attrs.field(metadata=checks(positive_decimal))
    discount: Decimal | None = attrs.field(
        default=None, metadata=checks(optional(discount_percent))
    )
    unit_price: Money | None = attrs.field(default=None, metadata=checks(optional(not_negative)))


def priced_items(
    picks: Sequence[ProductPick],
    *,
    products: Mapping[str, Product],
    partner: Partner,
    agreement: Agreement,
    prices: PriceSource,
    on: date,
) -> tuple[LineItem, ...]:
    """The line items of ``picks`` for ``partner`` under ``agreement`` on ``on``.

    Raises ``DomainValidationError`` naming every pick (``items[i]...``) whose product is
    unknown, has no price and no price of its own, or would be sold below its lowest price;
    :class:`~crmcore.errors.AgreementNotApplicableError` if the agreement is not in force.
    """
    raise_violations(each(instance_of(ProductPick), max_items=MAX_PICKS)("items", tuple(picks)))
    conditions = agreement.in_force(on)
    on_top = conditions.taxation.regime is TaxRegime.VAT_ON_TOP
    rate = conditions.taxation.rate if on_top else Decimal(0)
    items: list[LineItem] = []
    problems: list[Violation] = []
    for index, pick in enumerate(picks):
        field = f"items[{index}]"
        product = products.get(pick.product_id)
        if product is None:
            problems.append(
                Violation(field=f"{field}.product_id", message="is not a product of the catalog",
                          value=pick.product_id)
            )  # fmt: skip
            continue
        price = price_for(product, partner=partner, agreement=agreement, prices=prices, on=on)
        unit = pick.unit_price or (price.list_price if price is not None else None)
        if unit is None:
            message = f"has no price in price type {conditions.price_type!r}; give a unit price"
            problems.append(Violation(field=f"{field}.product_id", message=message,
                                      value=pick.product_id))  # fmt: skip
            continue
        default = conditions.discount if pick.unit_price is None else Decimal(0)
        discount = default if pick.discount is None else pick.discount
        problems.extend(_below_minimum(field, unit, discount, price, conditions.rounding.apply))
        items.append(
            line_item(
                product.id, quantity=pick.quantity, unit_price=unit, discount=discount,
                tax_rate=rate, rounding=conditions.rounding,
            )
        )  # fmt: skip
    raise_violations(problems)
    return tuple(items)


def _below_minimum(
    field: str,
    unit: Money,
    discount: Decimal,
    price: ProductPrice | None,
    rounded: Callable[[Money], Money],
) -> Iterator[Violation]:
    if price is None or unit.currency != price.minimum.currency:
        return
    net = rounded(discounted(unit, discount))
    if net < price.minimum:
        message = f"gives {net}, below the lowest price {price.minimum} allowed"
        yield Violation(field=f"{field}.discount", message=message, value=str(discount))
