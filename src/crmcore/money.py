"""Money: a ``Decimal`` amount in one ISO 4217 currency, never a float.

Arithmetic is currency-safe (adding RUB to EUR raises
:class:`~crmcore.errors.CurrencyMismatchError`) and rounding is explicit: results keep full
precision until :meth:`Money.rounded` rounds them to the currency's minor unit with a rounding
mode the caller may choose (half-up by default, as accountants and tax offices expect).

>>> price = Money.of("1999.90", "RUB")
>>> (price * 3).rounded()
Money(amount=Decimal('5999.70'), currency='RUB')
>>> [str(part) for part in Money.of("100.00", "RUB").allocate([1, 1, 1])]
['33.34 RUB', '33.33 RUB', '33.33 RUB']
"""

from __future__ import annotations

import decimal
from collections.abc import Iterator, Sequence
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Final

import attrs

from crmcore.errors import (
    CurrencyMismatchError,
    DomainValidationError,
    InvalidOperandError,
    Violation,
)
from crmcore.validation import MAX_ITEMS, Model, checks, finite_decimal, int_at_most, optional

__all__ = [
    "CURRENCIES",
    "ROUNDING_MODES",
    "Money",
    "Rounding",
    "currency_code",
    "minor_units",
    "not_negative",
]

# The codes of ISO 4217, with those withdrawn lately that stored records may still hold
# (HRK, SLL, ZWL); a code of three capitals that is no currency ("RUS") is refused.
CURRENCIES: Final = frozenset({
    "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT",
    "BGN", "BHD", "BIF", "BMD", "BND", "BOB", "BOV", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD",
    "CAD", "CDF", "CHE", "CHF", "CHW", "CLF", "CLP", "CNY", "COP", "COU", "CRC", "CUC", "CUP",
    "CVE", "CZK", "DJF", "DKK", "DOP", "DZD", "EGP", "ERN", "ETB", "EUR", "FJD", "FKP", "GBP",
    "GEL", "GHS", "GIP", "GMD", "GNF", "GTQ", "GYD", "HKD", "HNL", "HRK", "HTG", "HUF", "IDR",
    "ILS", "INR", "IQD", "IRR", "ISK", "JMD", "JOD", "JPY", "KES", "KGS", "KHR", "KMF", "KPW",
    "KRW", "KWD", "KYD", "KZT", "LAK", "LBP", "LKR", "LRD", "LSL", "LYD", "MAD", "MDL", "MGA",
    "MKD", "MMK", "MNT", "MOP", "MRU", "MUR", "MVR", "MWK", "MXN", "MXV", "MYR", "MZN", "NAD",
    "NGN", "NIO", "NOK", "NPR", "NZD", "OMR", "PAB", "PEN", "PGK", "PHP", "PKR", "PLN", "PYG",
    "QAR", "RON", "RSD", "RUB", "RWF", "SAR", "SBD", "SCR", "SDG", "SEK", "SGD", "SHP", "SLE",
    "SLL", "SOS", "SRD", "SSP", "STN", "SVC", "SYP", "SZL", "THB", "TJS", "TMT", "TND", "TOP",
    "TRY", "TTD", "TWD", "TZS", "UAH", "UGX", "USD", "USN", "UYI", "UYU", "UYW", "UZS", "VED",
    "VES", "VND", "VUV", "WST", "XAF", "XAG", "XAU", "XBA", "XBB", "XBC", "XBD", "XCD", "XCG",
    "XDR", "XOF", "XPD", "XPF", "XPT", "XSU", "XTS", "XUA", "XXX", "YER", "ZAR", "ZMW", "ZWG",
    "ZWL",
})  # fmt: skip
# Longer amount texts than this are no amount a person typed (10**18 has 19 digits).
_MAX_AMOUNT_TEXT: Final = 64
# ISO 4217 currencies whose minor unit is not the common two digits.
_MINOR_UNITS: Final[dict[str, int]] = {
    "BHD": 3, "BIF": 0, "CLF": 4, "CLP": 0, "DJF": 0, "GNF": 0, "IQD": 3, "ISK": 0, "JOD": 3,
    "JPY": 0, "KMF": 0, "KRW": 0, "KWD": 3, "LYD": 3, "OMR": 3, "PYG": 0, "RWF": 0, "TND": 3,
    "UGX": 0, "UYI": 0, "UYW": 4, "VND": 0, "VUV": 0, "XAF": 0, "XOF": 0, "XPF": 0,
}  # fmt: skip


def minor_units(currency: str) -> int:
    """Digits after the decimal point of ``currency`` (2 for RUB, 0 for JPY, 3 for KWD)."""
    return _MINOR_UNITS.get(currency, 2)


def _operand(operation: str, other: object) -> InvalidOperandError:
    return InvalidOperandError(operation, left="Money", right=type(other).__name__)


def _is_ratio(value: object) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        return False
    # finite_decimal's bounds (below 10**18, 28 digits) keep the weights' sum exact.
    return not list(finite_decimal("", Decimal(value))) and value >= 0


def currency_code(field: str, value: object) -> Iterator[Violation]:
    """An ISO 4217 currency code (:data:`CURRENCIES`)."""
    if not isinstance(value, str) or value not in CURRENCIES:
        yield Violation(field=field, message="must be an ISO 4217 code like 'RUB'", value=value)


@attrs.frozen(kw_only=True, order=False)
class Money(Model):
    """An amount of one currency. May be negative (a refund, a difference); fields that must
    not be negative check that themselves with :meth:`is_negative`."""

    # finite_decimal keeps the amount below 10**18 with at most 28 digits, so that rounding
    # in Decimal's default context keeps every digit, whatever the currency's minor unit.
    amount: Decimal = attrs.field(metadata=checks(finite_decimal))
    currency: str = attrs.field(metadata=checks(currency_code))

    @classmethod
    def of(cls, amount: str | int | Decimal, currency: str) -> Money:
        """Money from a decimal string, an int or a ``Decimal`` (floats are refused)."""
        if isinstance(amount, bool) or not isinstance(amount, str | int | Decimal):
            raise DomainValidationError.single(
                "amount", "must be a decimal string, an int or a Decimal", value=amount
            )
        if isinstance(amount, str) and len(amount) > _MAX_AMOUNT_TEXT:
            message = f"must be at most {_MAX_AMOUNT_TEXT} characters"
            raise DomainValidationError.single("amount", message, value=amount)
        try:
            value = Decimal(amount)
        except (InvalidOperation, decimal.Overflow):
            raise DomainValidationError.single(
                "amount", "is not a decimal number", value=amount
            ) from None
        return cls(amount=value, currency=currency)

    @classmethod
    def zero(cls, currency: str) -> Money:
        """No money of ``currency``."""
        return cls(amount=Decimal(0), currency=currency)

    def _same(self, other: Money) -> None:
        if other.currency != self.currency:
            raise CurrencyMismatchError(self.currency, other.currency)

    def __add__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            raise _operand("+", other)
        self._same(other)
        return Money(amount=self.amount + other.amount, currency=self.currency)

    def __sub__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            raise _operand("-", other)
        self._same(other)
        return Money(amount=self.amount - other.amount, currency=self.currency)

    def __mul__(self, factor: int | Decimal) -> Money:
        if isinstance(factor, bool) or not isinstance(factor, int | Decimal):
            raise _operand("*", factor)
        try:
            amount = self.amount * factor
        except decimal.DecimalException:  # a factor like Decimal("1e999999") overflows
            amount = Decimal("Infinity")
        return Money(amount=amount, currency=self.currency)

    __rmul__ = __mul__

    def __neg__(self) -> Money:
        return Money(amount=-self.amount, currency=self.currency)

    def __lt__(self, other: Money) -> bool:
        if not isinstance(other, Money):
            raise _operand("<", other)
        self._same(other)
        return self.amount < other.amount

    def __le__(self, other: Money) -> bool:
        if not isinstance(other, Money):
            raise _operand("<=", other)
        self._same(other)
        return self.amount <= other.amount

    def __gt__(self, other: Money) -> bool:
        if not isinstance(other, Money):
            raise _operand(">", other)
        self._same(other)
        return self.amount > other.amount

    def __ge__(self, other: Money) -> bool:
        if not isinstance(other, Money):
            raise _operand(">=", other)
        self._same(other)
        return self.amount >= other.amount

    def is_negative(self) -> bool:
        """Whether the amount is below zero."""
        return self.amount < 0

    def rounded(self, *, rounding: str = ROUND_HALF_UP) -> Money:
        """The amount rounded to the currency's minor unit with ``rounding`` (a decimal mode)."""
        quantum = Decimal(1).scaleb(-minor_units(self.currency))
        return Money(
            amount=self.amount.quantize(quantum, rounding=rounding), currency=self.currency
        )

    def allocate(self, ratios: Sequence[int | Decimal]) -> list[Money]:
        """Split into parts proportional to ``ratios`` that add up exactly to the rounded amount.

        Each part is first its exact share cut down to the minor unit; the minor units left
        over go, one each, to the parts whose cut-off remainders are largest (the earlier part
        on a tie), so every part is its exact share rounded up or down and instalments of a
        payment schedule never lose or invent a kopeck.
        """
        _check_ratios(ratios)
        total = self.rounded()
        quantum = Decimal(1).scaleb(-minor_units(self.currency))
        weight = sum(Decimal(r) for r in ratios)
        # Split the size of the amount and give the sign back at the end, so that a refund
        # is split exactly as the payment it reverses.
        shares = [abs(total.amount) * Decimal(r) / weight for r in ratios]
        parts = [share.quantize(quantum, rounding=ROUND_DOWN) for share in shares]
        leftover = int((abs(total.amount) - sum(parts)) / quantum)
        by_remainder = sorted(
            range(len(parts)), key=lambda index: shares[index] - parts[index], reverse=True
        )
        for index in by_remainder[:leftover]:
            parts[index] += quantum
        sign = -1 if total.is_negative() else 1
        return [Money(amount=sign * part, currency=self.currency) for part in parts]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"


def _check_ratios(ratios: Sequence[int | Decimal]) -> None:
    if not isinstance(ratios, Sequence) or isinstance(ratios, str) or len(ratios) > MAX_ITEMS:
        message = f"must be a sequence of at most {MAX_ITEMS} ratios"
        raise DomainValidationError.single("ratios", message, value=ratios)
    bad = [r for r in ratios if not _is_ratio(r)]
    if not ratios or bad or sum(Decimal(r) for r in ratios) == 0:
        raise DomainValidationError.single(
            "ratios", "must be non-negative ints or Decimals with a positive sum", value=ratios
        )


ROUNDING_MODES: Final = (
    decimal.ROUND_HALF_UP, decimal.ROUND_HALF_EVEN, decimal.ROUND_HALF_DOWN, decimal.ROUND_UP,
    decimal.ROUND_DOWN, decimal.ROUND_CEILING, decimal.ROUND_FLOOR, decimal.ROUND_05UP,
)  # fmt: skip
"""The decimal rounding modes a :class:`Rounding` may use."""


def _mode(field: str, value: object) -> Iterator[Violation]:
    if value not in ROUNDING_MODES:
        message = "must be a decimal rounding mode: " + ", ".join(ROUNDING_MODES)
        yield Violation(field=field, message=message, value=value)


@attrs.frozen(kw_only=True)
class Rounding(Model):
    """How money is rounded where it is quoted, charged or reported: with ``mode`` to
    ``digits`` after the point (the currency's minor unit when ``None``).

    The default, half-up to the minor unit, is what accountants and tax offices expect; an
    agreement may choose another (whole roubles for a retail price type, say).

    >>> Rounding().apply(Money.of("94.9905", "RUB"))
    Money(amount=Decimal('94.99'), currency='RUB')
    >>> Rounding(digits=0).apply(Money.of("94.50", "RUB"))
    Money(amount=Decimal('95'), currency='RUB')
    """

    mode: str = attrs.field(default=ROUND_HALF_UP, metadata=checks(_mode))
    digits: int | None = attrs.field(default=None, metadata=checks(optional(int_at_most(6))))

    def apply(self, money: Money) -> Money:
        """``money`` rounded by this policy."""
        digits = minor_units(money.currency) if self.digits is None else self.digits
        quantum = Decimal(1).scaleb(-digits)
        return Money(
            amount=money.amount.quantize(quantum, rounding=self.mode), currency=money.currency
        )

    def number(self, value: Decimal, *, digits: int) -> Decimal:
        """``value`` rounded with this policy's mode to ``digits`` after the point (a share in
        percent, a number of days)."""
        return value.quantize(Decimal(1).scaleb(-digits), rounding=self.mode)


def not_negative(field: str, value: object) -> Iterator[Violation]:
    """A :class:`Money` of 0 or more: an amount of a deal or a request (with
    :func:`~crmcore.validation.optional` where it may be missing)."""
    if not isinstance(value, Money):
        yield Violation(field=field, message="must be Money", value=value)
    elif value.is_negative():
        yield Violation(field=field, message="must not be negative", value=str(value))
