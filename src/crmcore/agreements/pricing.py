"""Prices under an agreement: the price type's price, the agreed price after the agreement's
discount, and the lowest price a manager may go to.

Arithmetic keeps full precision; what is quoted or checked is rounded once, by the
agreement's :class:`~crmcore.money.Rounding`, so that a quote at the largest discount is
exactly the lowest price a document may carry.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import attrs

from crmcore.agreements.conditions import SalesConditions
from crmcore.agreements.schedule import HUNDRED
from crmcore.ids import EntityRef
from crmcore.money import Money
from crmcore.validation import Model, checks, identifier, instance_of, optional, plain_date

__all__ = ["PastSale", "discounted", "lowest_price", "minimum_price"]


@attrs.frozen(kw_only=True)
class PastSale(Model):
    """What a client last paid for a product: the net price, when, and on which document."""

    product: str = attrs.field(metadata=checks(identifier))
    price: Money = attrs.field(metadata=checks(instance_of(Money)))
    sold_on: date = attrs.field(metadata=checks(plain_date))
    document: EntityRef | None = attrs.field(
        default=None, metadata=checks(optional(instance_of(EntityRef)))
    )


def discounted(price: Money, discount: Decimal) -> Money:
    """``price`` less ``discount`` percent (a negative discount is a markup), unrounded."""
    return price * ((HUNDRED - discount) / HUNDRED)


def minimum_price(price: Money, conditions: SalesConditions) -> Money:
    """The lowest net price allowed for a product whose price type price is ``price``: the
    agreement's discount plus all a manager may add, unrounded."""
    return discounted(price, conditions.max_discount)


def lowest_price(price: Money, conditions: SalesConditions) -> Money:
    """The lowest net price a document may carry for a product whose price type price is
    ``price``: :func:`minimum_price` rounded by the agreement's rounding, the price a quote
    at the largest discount shows."""
    return conditions.rounding.apply(minimum_price(price, conditions))
