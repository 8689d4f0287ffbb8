"""Money: exact, currency-safe arithmetic; explicit rounding; allocation that never loses a
kopeck; every bad input a DomainValidationError naming the field."""

import operator
from collections.abc import Callable
from decimal import ROUND_HALF_EVEN, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crmcore.errors import CurrencyMismatchError, DomainValidationError, InvalidOperandError
from crmcore.money import CURRENCIES, Money, minor_units
from crmcore.testing.strategies import money

rubles = money(currencies=("RUB",))
ratios = st.lists(
    st.integers(min_value=0, max_value=1000) | st.decimals(min_value=0, max_value=100, places=3),
    min_size=1,
    max_size=8,
).filter(lambda found: sum(found) > 0)


def test_money_is_made_from_strings_ints_and_decimals() -> None:
    assert Money.of("1999.90", "RUB") == Money(amount=Decimal("1999.90"), currency="RUB")
    assert Money.of(5, "JPY").amount == Decimal(5)
    assert Money.of(Decimal("0.125"), "KWD").amount == Decimal("0.125")
    assert str(Money.of("10.50", "EUR")) == "10.50 EUR"


@pytest.mark.parametrize("amount", [1.5, True, None, [1], "abc", "NaN", "Infinity", "-inf"])
def test_money_of_rejects_what_is_not_a_finite_decimal(amount: object) -> None:
    with pytest.raises(DomainValidationError) as caught:
        Money.of(amount, "RUB")  # type: ignore[arg-type]
    assert caught.value.field == "amount"


@pytest.mark.parametrize("currency", ["rub", "RU", "RUBL", "", "₽", 643, None])
def test_money_rejects_a_currency_that_is_not_an_iso_code(currency: object) -> None:
    with pytest.raises(DomainValidationError) as caught:
        Money.of("1", currency)  # type: ignore[arg-type]
    assert caught.value.fields == ("currency",)


def test_money_reports_amount_and_currency_at_once() -> None:
    with pytest.raises(DomainValidationError) as caught:
        Money(amount=1.5, currency="rub")  # type: ignore[arg-type]
    assert caught.value.fields == ("amount", "currency")


@given(rubles, rubles, rubles)
def test_addition_is_exact_commutative_and_associative(a: Money, b: Money, c: Money) -> None:
    assert (a + b).amount == a.amount + b.amount
    assert a + b == b + a
    assert (a + b) + c == a + (b + c)
    assert a + b - b == a
    assert a - a == Money.zero("RUB")


@given(rubles, st.integers(min_value=-1000, max_value=1000))
def test_multiplication_is_exact(price: Money, quantity: int) -> None:
    total = price * quantity
    assert total.amount == price.amount * quantity
    assert quantity * price == total
    assert price * Decimal(quantity) == total


@given(money(), money())
def test_money_of_two_currencies_never_combines(a: Money, b: Money) -> None:
    operations: list[Callable[[Money, Money], object]] = [
        operator.add, operator.sub, operator.lt, operator.le, operator.gt, operator.ge,
    ]  # fmt: skip
    for operation in operations:
        if a.currency == b.currency:
            operation(a, b)
            continue
        with pytest.raises(CurrencyMismatchError) as caught:
            operation(a, b)
        assert (caught.value.left, caught.value.right) == (a.currency, b.currency)
        assert caught.value.field == "currency"


@pytest.mark.parametrize("factor", [1.5, True, "2", None])
def test_money_is_multiplied_only_by_ints_and_decimals(factor: object) -> None:
    with pytest.raises(TypeError):
        Money.of("10", "RUB") * factor  # type: ignore[operator]


def test_adding_something_else_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        Money.of("10", "RUB") + 1  # type: ignore[operator]
    with pytest.raises(TypeError):
        Money.of("10", "RUB") - Decimal(1)  # type: ignore[operator]


def test_comparing_money_with_a_number_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        _ = Money.of("10", "RUB") < 5  # type: ignore[operator]


@given(rubles, rubles)
def test_order_follows_the_amount(a: Money, b: Money) -> None:
    assert (a < b) == (a.amount < b.amount)
    assert (a <= b) == (a.amount <= b.amount)
    assert (a > b) == (a.amount > b.amount)
    assert (a >= b) == (a.amount >= b.amount)


def test_negation_and_sign() -> None:
    refund = -Money.of("10.00", "RUB")
    assert refund.amount == Decimal("-10.00")
    assert refund.is_negative()
    assert not Money.zero("RUB").is_negative()


def test_equal_amounts_are_equal_money_with_equal_hashes() -> None:
    assert Money.of("1.0", "RUB") == Money.of("1.00", "RUB")
    assert hash(Money.of("1.0", "RUB")) == hash(Money.of("1.00", "RUB"))
    assert Money.of("1", "RUB") != Money.of("1", "EUR")


@pytest.mark.parametrize(
    ("currency", "digits"), [("RUB", 2), ("EUR", 2), ("JPY", 0), ("KWD", 3), ("CLF", 4)]
)
def test_minor_units_follow_iso_4217(currency: str, digits: int) -> None:
    assert minor_units(currency) == digits


@pytest.mark.parametrize(
    ("amount", "currency", "rounding", "expected"),
    [
        ("0.125", "RUB", None, "0.13"),
        ("-0.125", "RUB", None, "-0.13"),
        ("0.125", "RUB", ROUND_HALF_EVEN, "0.12"),
        ("2.5", "JPY", None, "3"),
        ("1.0005", "KWD", None, "1.001"),
    ],
)
def test_rounding_is_half_up_unless_asked_otherwise(
    amount: str, currency: str, rounding: str | None, expected: str
) -> None:
    value = Money.of(amount, currency)
    result = value.rounded() if rounding is None else value.rounded(rounding=rounding)
    assert result.amount == Decimal(expected)
    assert str(result.amount) == expected


@given(money(), ratios)
def test_allocation_sums_exactly_to_the_rounded_total(total: Money, weights: list[int]) -> None:
    quantum = Decimal(1).scaleb(-minor_units(total.currency))
    parts = total.allocate(weights)
    assert len(parts) == len(weights)
    assert sum(p.amount for p in parts) == total.rounded().amount
    assert all(p.currency == total.currency for p in parts)
    assert all(p.amount == p.amount.quantize(quantum) for p in parts)
    assert all(p.amount == 0 for p, w in zip(parts, weights, strict=True) if w == 0)


@given(money(), st.integers(min_value=1, max_value=12), st.integers(min_value=1, max_value=9))
def test_equal_ratios_get_parts_at_most_one_minor_unit_apart(
    total: Money, count: int, ratio: int
) -> None:
    quantum = Decimal(1).scaleb(-minor_units(total.currency))
    amounts = [p.amount for p in total.allocate([ratio] * count)]
    assert max(amounts) - min(amounts) <= quantum


def test_equal_shares_give_leftover_minor_units_to_the_first_parts() -> None:
    parts = Money.of("100.00", "RUB").allocate([1, 1, 1])
    assert [str(p) for p in parts] == ["33.34 RUB", "33.33 RUB", "33.33 RUB"]
    refunds = Money.of("-100.00", "RUB").allocate([1, 1, 1])
    assert [str(p) for p in refunds] == ["-33.34 RUB", "-33.33 RUB", "-33.33 RUB"]
    assert [str(p) for p in Money.of("1", "JPY").allocate([0, 1, 1])] == [
        "0 JPY",
        "1 JPY",
        "0 JPY",
    ]


def test_a_30_70_split_gives_the_odd_cent_to_the_part_whose_share_rounds_up() -> None:
    parts = Money.of("10000.01", "RUB").allocate([30, 70])
    assert [str(p) for p in parts] == ["3000.00 RUB", "7000.01 RUB"]


@given(money(min_value=0), ratios)
def test_only_the_shares_that_lose_most_to_rounding_down_get_a_cent_more(
    total: Money, weights: list[int]
) -> None:
    quantum = Decimal(1).scaleb(-minor_units(total.currency))
    rounded = total.rounded().amount
    shares = [rounded * weight / sum(weights) for weight in weights]
    parts = [part.amount for part in total.allocate(weights)]
    pairs = list(zip(parts, shares, strict=True))
    assert all(share - quantum < part < share + quantum for part, share in pairs)
    remainders = [share % quantum for share in shares]
    raised = [r for r, p, s in zip(remainders, parts, shares, strict=True) if p > s]
    kept = [r for r, p, s in zip(remainders, parts, shares, strict=True) if p <= s]
    assert not raised or not kept or min(raised) >= max(kept)


@pytest.mark.parametrize("weights", [[], [0, 0], [-1, 2], [1.5, 1], [True, 1], ["1"]])
def test_allocation_rejects_bad_ratios(weights: list[object]) -> None:
    with pytest.raises(DomainValidationError) as caught:
        Money.of("100", "RUB").allocate(weights)  # type: ignore[arg-type]
    assert caught.value.field == "ratios"


def test_allocation_rejects_a_nan_ratio() -> None:
    with pytest.raises(DomainValidationError):
        Money.of("100", "RUB").allocate([Decimal("NaN"), 1])


def test_allocation_rejects_an_infinite_ratio() -> None:
    with pytest.raises(DomainValidationError):
        Money.of("100", "RUB").allocate([Decimal("Infinity"), 1])


# Amounts below 10**18 with at most 28 digits, at any exponent, drawn wider than money().
_EXISTING_AMOUNTS = st.builds(
    lambda digits, exponent: Decimal(digits).scaleb(exponent),
    st.integers(min_value=-(10**28) + 1, max_value=10**28 - 1),
    st.integers(min_value=-40, max_value=17),
)


@given(amount=_EXISTING_AMOUNTS, currency=st.sampled_from(sorted(CURRENCIES)))
def test_every_money_that_exists_can_be_rounded(amount: Decimal, currency: str) -> None:
    if not amount.is_zero() and amount.adjusted() >= 18:
        with pytest.raises(DomainValidationError, match="below 10\\*\\*18"):
            Money(amount=amount, currency=currency)
        return
    rounded = Money(amount=amount, currency=currency).rounded()
    unit = Decimal(1).scaleb(-minor_units(currency))
    assert rounded.amount.as_tuple().exponent == -minor_units(currency)
    assert abs(rounded.amount - amount) <= unit / 2


@pytest.mark.parametrize("amount", ["1e30", "1e18", "-1e18", "1234567890123456789"])
def test_money_too_large_to_round_exactly_cannot_exist(amount: str) -> None:
    with pytest.raises(DomainValidationError) as raised:
        Money.of(amount, "RUB")
    assert raised.value.fields == ("amount",)
    assert Money.of("999999999999999999.99", "CLF").rounded().amount == Decimal(
        "999999999999999999.9900"
    )


@pytest.mark.parametrize("currency", ["RUB\n", "RUS", "ABC", "rub", " RUB"])
def test_only_iso_4217_codes_are_currencies(currency: str) -> None:
    with pytest.raises(DomainValidationError) as raised:
        Money.of("1", currency)
    assert raised.value.fields == ("currency",)


@pytest.mark.parametrize(
    "amount", ["1e99999999999", "1" * 10_000, "-1e400", "NaN", "sNaN", "Infinity"]
)
def test_amounts_beyond_the_limits_are_refused_by_field(amount: str) -> None:
    with pytest.raises(DomainValidationError) as raised:
        Money.of(amount, "RUB")
    assert raised.value.fields == ("amount",)


@pytest.mark.parametrize(
    "factor",
    [Decimal("1e999999"), Decimal("NaN"), 10**5000, Decimal("-Infinity")],
    ids=["overflowing", "nan", "huge-int", "infinite"],
)
def test_multiplying_by_an_odd_factor_raises_a_typed_error(factor: Decimal | int) -> None:
    with pytest.raises(DomainValidationError) as raised:
        Money.of("10", "RUB") * factor * 10
    assert raised.value.fields == ("amount",)


@pytest.mark.parametrize(
    "ratios",
    [None, "111", [Decimal("1e999999")] * 2, [1] * 100_000, [Decimal("sNaN")], {1: 1}],
    ids=["none", "text", "huge", "too-many", "signalling-nan", "mapping"],
)
def test_allocating_by_odd_ratios_raises_a_typed_error(ratios: object) -> None:
    with pytest.raises(DomainValidationError) as raised:
        Money.of("10", "RUB").allocate(ratios)  # type: ignore[arg-type]
    assert raised.value.fields == ("ratios",)


@pytest.mark.parametrize(
    "operation",
    [
        lambda money: money + 1,
        lambda money: money - Decimal(1),
        lambda money: money * 1.5,
        lambda money: money * money,
        lambda money: money < 5,
        lambda money: money >= None,
    ],
    ids=["add", "subtract", "float-factor", "money-factor", "less", "greater-or-equal"],
)
def test_an_odd_operand_raises_a_crmcore_type_error(
    operation: Callable[[Money], object],
) -> None:
    with pytest.raises(InvalidOperandError) as raised:
        operation(Money.of("10", "RUB"))
    assert isinstance(raised.value, TypeError)
    assert raised.value.left == "Money"
