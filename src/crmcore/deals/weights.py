"""How much of an open deal's amount the reports count: its amount weighted by its
probability, the same for the forecast and the funnel.

>>> from crmcore.money import Money, minor_units
>>> own_estimate = Decimal(70)
>>> deal_probability(own_estimate, Decimal(35), unstaged=Decimal(50))
Decimal('70')
>>> deal_probability(None, Decimal(35), unstaged=Decimal(50))
Decimal('35')
>>> str(weighted(Money.of("1000.01", "RUB"), Decimal(35)))
'350.00 RUB'
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Final

from crmcore.deals._checked import trusted
from crmcore.money import Money, minor_units

__all__ = ["UNSTAGED_PROBABILITY", "deal_probability", "quantum", "weighted", "weighted_amount"]

_HUNDRED: Final = Decimal(100)
UNSTAGED_PROBABILITY: Final = Decimal(50)
"""The probability of an unstaged deal without an estimate of its own, by default."""


def deal_probability(own: Decimal | None, stage: Decimal | None, *, unstaged: Decimal) -> Decimal:
    """The percent a deal is weighted by: the manager's ``own`` estimate when the deal has one
    (:attr:`~crmcore.deals.Deal.probability`), else its ``stage``'s, else (a deal without a
    stage) ``unstaged``."""
    if own is not None:
        return own
    return stage if stage is not None else unstaged


def weighted(amount: Money, probability: Decimal) -> Money:
    """``amount`` times ``probability`` percent, rounded half up in its currency."""
    exact = weighted_amount(amount.amount, probability / _HUNDRED, quantum(amount.currency))
    return trusted(Money, amount=exact, currency=amount.currency)


def quantum(currency: str) -> Decimal:
    """The minor unit of ``currency`` as a decimal (``Decimal("0.01")`` for roubles)."""
    return Decimal(1).scaleb(-minor_units(currency))


def weighted_amount(amount: Decimal, ratio: Decimal, unit: Decimal) -> Decimal:
    """``amount`` times ``ratio`` (a probability over a hundred) rounded half up to ``unit``:
    what :func:`weighted` computes, without a Money built per deal, for a pass over the open
    deals of a whole stage log."""
    return (amount * ratio).quantize(unit, rounding=ROUND_HALF_UP)
