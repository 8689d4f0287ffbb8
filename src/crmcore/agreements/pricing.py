"""Prices under an agreement: the price type's price, the agreed price after the agreement's
discount, and the lowest price a manager may go to.

Arithmetic keeps full precision; only what is shown is rounded, so a price exactly at the
limit is never taken for one below it.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Protocol

import attrs

from crmcore.agreements.conditions import SalesConditions
from crmcore.agreements.schedule import HUNDRED
from crmcore.ids import EntityRef
from crmcore.money import Money
from crmcore.validation import Model, checks, identifier, instance_of, optional, plain_date

__all__ = ["PastSale", "PriceSource", "SalesHistory", "discounted", "minimum_price"]


class PriceSource(Protocol):
    """Prices by price type, product and date; the host implements it over its price lists."""

    def price(self, price_type: str, product: str, on: date) -> Money | None:
        """The price of ``product`` in ``price_type`` in effect on ``on``, or ``None``."""
        ...


@attrs.frozen(kw_only=True)
class PastSale(Model):
    """What a client last paid for a product: the net price, when, and on which document."""

    product: str = attrs.field(metadata=checks(identifier))
    price: Money = attrs.field(metadata=checks(instance_of(Money)))
    sold_on: date = attrs.field(metadata=checks(plain_date))
    document: EntityRef | None = attrs.field(
        default=None, metadata=checks(optional(instance_of(EntityRef)))
    )


class SalesHistory(Protocol):
    """Past sales to clients; the host implements it over its posted sales documents."""

    def last_sales(
        self, partner_id: str, products: tuple[str, ...], *, before: date
    ) -> dict[str, PastSale]:
        """The latest sale before ``before`` to ``partner_id`` of each of ``products`` that
        was ever sold to them, by product."""
        ...


def discounted(price: Money, discount: Decimal) -> Money:
    """``price`` less ``discount`` percent (a negative discount is a markup), unrounded."""
    return price * ((HUNDRED - discount) / HUNDRED)


def minimum_price(price: Money, conditions: SalesConditions) -> Money:
    """The lowest net price allowed for a product whose price type price is ``price``: the
    agreement's discount plus all a manager may add, unrounded."""
    return discounted(price, conditions.max_discount)
