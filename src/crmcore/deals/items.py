"""Line items of a deal: a product, a quantity, a unit price, a discount, the amount and the
VAT on top of it, rounded once by one :class:`~crmcore.money.Rounding`.

>>> from decimal import Decimal
>>> item = line_item("pump-1", quantity=Decimal(3), unit_price=Money.of("1000", "RUB"),
...                  discount=Decimal("2.5"), tax_rate=Decimal(20))
>>> str(item.amount), str(item.tax)
('2925.00 RUB', '585.00 RUB')
>>> str(items_total((item, item)))
'5850.00 RUB'
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import Final

import attrs

from crmcore.agreements.conditions import discount_percent, percent_between
from crmcore.agreements.pricing import discounted
from crmcore.agreements.schedule import HUNDRED
from crmcore.errors import Violation
from crmcore.money import Money, Rounding, not_negative
from crmcore.validation import (
    Model,
    checks,
    identifier,
    invariant,
    positive_decimal,
    raise_violations,
)

__all__ = ["LineItem", "items_total", "line_item"]

_RATE: Final = percent_between(Decimal(0), HUNDRED)


@attrs.frozen(kw_only=True)
class LineItem(Model):
    """One product on a deal: ``quantity`` at ``unit_price`` less ``discount`` percent gives
    ``amount``; ``tax`` is the VAT at ``tax_rate`` percent on top of it."""

    product_id: str = attrs.field(metadata=checks(identifier))
    quantity: Decimal = attrs.field(metadata=checks(positive_decimal))
    unit_price: Money = attrs.field(metadata=checks(not_negative))
    discount: Decimal = attrs.field(default=Decimal(0), metadata=checks(discount_percent))
    amount: Money = attrs.field(metadata=checks(not_negative))
    tax_rate: Decimal = attrs.field(default=Decimal(0), metadata=checks(_RATE))
    tax: Money = attrs.field(metadata=checks(not_negative))

    @invariant("unit_price", "amount", "tax")
    def _one_currency(self) -> Iterator[Violation]:
        for name in ("amount", "tax"):
            money: Money = getattr(self, name)
            if money.currency != self.unit_price.currency:
                message = f"must be in {self.unit_price.currency}, the unit price's currency"
                yield Violation(field=name, message=message, value=str(money))


def line_item(
    product_id: str,
    *,
    quantity: Decimal,
    unit_price: Money,
    discount: Decimal = Decimal(0),
    tax_rate: Decimal = Decimal(0),
    rounding: Rounding | None = None,
) -> LineItem:
    """A line item with its amount and tax computed and rounded by ``rounding`` (the
    currency's minor unit, half up, by default). Raises ``DomainValidationError`` naming
    every bad input."""
    found: list[Violation] = []
    for name, value, check in (
        ("quantity", quantity, positive_decimal),
        ("unit_price", unit_price, not_negative),
        ("discount", discount, discount_percent),
        ("tax_rate", tax_rate, _RATE),
    ):
        found.extend(check(name, value))
    raise_violations(found)
    policy = rounding or Rounding()
    amount = policy.apply(discounted(unit_price, discount) * quantity)
    return LineItem(
        product_id=product_id,
        quantity=quantity,
        unit_price=unit_price,
        discount=discount,
        amount=amount,
        tax_rate=tax_rate,
        tax=policy.apply(amount * (tax_rate / HUNDRED)),
    )


def items_total(items: Sequence[LineItem]) -> Money:
    """The sum of the items' amounts (at least one item, all in one currency)."""
    total = items[0].amount
    for item in items[1:]:
        total = total + item.amount
    return total
