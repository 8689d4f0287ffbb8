"""Business cases of money: splitting an amount and the currencies a record may hold."""

from __future__ import annotations

from decimal import Decimal

import pytest

from crmcore.errors import DomainValidationError
from crmcore.money import Money, Rounding


def test_10_000_01_split_30_70_gives_the_odd_kopeck_to_the_70_percent_part() -> None:
    parts = Money.of("10000.01", "RUB").allocate([30, 70])
    assert parts == [Money.of("3000.00", "RUB"), Money.of("7000.01", "RUB")]


def test_a_refund_of_10_000_01_is_split_as_the_payment_it_reverses() -> None:
    parts = Money.of("-10000.01", "RUB").allocate([Decimal(30), Decimal(70)])
    assert parts == [Money.of("-3000.00", "RUB"), Money.of("-7000.01", "RUB")]


def test_a_three_way_split_gives_each_part_its_share_rounded_up_or_down() -> None:
    # 100.00 split 1/1/1 is 33.333... each: the earlier part takes the kopeck on a tie.
    parts = Money.of("100.00", "RUB").allocate([1, 1, 1])
    assert [str(part) for part in parts] == ["33.34 RUB", "33.33 RUB", "33.33 RUB"]
    # 0.05 split 10/45/45: exact shares 0.005, 0.0225, 0.0225; remainders 0.005, 0.0025, 0.0025.
    parts = Money.of("0.05", "RUB").allocate([10, 45, 45])
    assert [str(part) for part in parts] == ["0.01 RUB", "0.02 RUB", "0.02 RUB"]


def test_a_yen_amount_is_split_in_whole_yen() -> None:
    parts = Money.of("1001", "JPY").allocate([30, 70])
    assert parts == [Money.of("300", "JPY"), Money.of("701", "JPY")]


def test_a_code_of_three_capitals_that_is_no_currency_is_refused() -> None:
    with pytest.raises(DomainValidationError) as caught:
        Money.of("10.00", "RUS")
    assert [violation.field for violation in caught.value.violations] == ["currency"]
    assert "ISO 4217" in str(caught.value)
    assert Money.of("10.00", "KZT").currency == "KZT"


def test_the_default_rounding_is_half_up_to_the_minor_unit() -> None:
    assert Rounding().apply(Money.of("94.995", "RUB")) == Money.of("95.00", "RUB")
    assert Rounding().apply(Money.of("94.985", "RUB")) == Money.of("94.99", "RUB")
    assert Rounding().apply(Money.of("1.5", "JPY")) == Money.of("2", "JPY")
    assert Money.of("2.345", "KWD").rounded() == Money.of("2.345", "KWD")
