"""The reference agreements repository passes its contract; the price list and the sales
history answer by date."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from hypothesis import Phase, settings

from crmcore.agreements import Agreement, AgreementRepository, AgreementStatus
from crmcore.errors import DomainValidationError
from crmcore.ids import EntityRef, PartnerId
from crmcore.memory import (
    MemoryAgreementRepository,
    MemoryPriceList,
    MemorySalesHistory,
    MemoryStore,
)
from crmcore.money import Money
from crmcore.testing.contracts import AgreementRepositoryContract
from crmcore.testing.stateful import agreement_repository_comparison

QUICK = settings(max_examples=25, stateful_step_count=20, database=None)


class TestMemoryAgreementRepository(AgreementRepositoryContract):
    def make_repository(self) -> AgreementRepository:
        return MemoryAgreementRepository()


TestMemoryAgreementComparison = agreement_repository_comparison(
    MemoryAgreementRepository, settings=QUICK
).TestCase


class StatusBlind(MemoryAgreementRepository):
    """A repository with a classic bug: the status filter of of_partner is ignored."""

    def of_partner(
        self, partner_id: PartnerId, *, status: AgreementStatus | None = None
    ) -> list[Agreement]:
        return super().of_partner(partner_id)


def test_the_comparison_finds_an_ignored_status_filter() -> None:
    no_shrinking = settings(max_examples=200, database=None, phases=[Phase.generate])
    machine = agreement_repository_comparison(StatusBlind, settings=no_shrinking)
    with pytest.raises(AssertionError, match="reference gave"):
        machine.TestCase("runTest").runTest()


def test_the_price_list_gives_the_price_in_effect_on_a_date() -> None:
    prices = MemoryPriceList()
    prices.set("wholesale", "tea", Money.of("110.00", "RUB"), since=date(2026, 3, 1))
    prices.set("wholesale", "tea", Money.of("100.00", "RUB"), since=date(2026, 1, 1))
    prices.set("wholesale", "tea", Money.of("105.00", "RUB"), since=date(2026, 3, 1))
    assert prices.price("wholesale", "tea", date(2025, 12, 31)) is None
    assert prices.price("wholesale", "tea", date(2026, 1, 1)) == Money.of("100.00", "RUB")
    assert prices.price("wholesale", "tea", date(2026, 3, 1)) == Money.of("105.00", "RUB")
    assert prices.price("retail", "tea", date(2026, 3, 1)) is None
    with pytest.raises(DomainValidationError) as raised:
        prices.set("wholesale", "tea", Money.of("-1", "RUB"), since=date(2026, 4, 1))
    assert raised.value.field == "price"


def test_the_sales_history_gives_the_latest_sale_up_to_a_date() -> None:
    sales = MemorySalesHistory()
    partner = PartnerId("p-1")
    shipment = EntityRef(entity_type="shipment", entity_id="SH-2")
    sales.record(partner, "tea", Money.of("90.00", "RUB"), sold_on=date(2026, 2, 1))
    sales.record(
        partner, "tea", Money.of("95.00", "RUB"), sold_on=date(2026, 3, 1), document=shipment
    )
    sales.record(partner, "tea", Money.of("99.00", "RUB"), sold_on=date(2026, 3, 1))
    sales.record(PartnerId("p-2"), "cups", Money.of("5.00", "RUB"), sold_on=date(2026, 1, 1))
    found = sales.last_sales(partner, ("tea", "cups"), until=date(2026, 3, 1))
    assert list(found) == ["tea"]
    assert found["tea"].price == Money.of("99.00", "RUB")
    earlier = sales.last_sales(partner, ("tea",), until=date(2026, 2, 28))
    assert earlier["tea"].price == Money.of("90.00", "RUB")
    assert sales.last_sales(partner, ("tea",), until=date(2026, 1, 31)) == {}


class _FailedCommandError(Exception):
    """The failure that ends a unit of work after its writes."""


def _fail_after(store: MemoryStore, writes: Callable[[], object]) -> None:
    """Run ``writes`` in a unit of work of ``store`` that then fails."""
    with store.unit_of_work():
        writes()
        raise _FailedCommandError


def test_a_failed_unit_of_work_takes_back_its_prices() -> None:
    store = MemoryStore()
    prices = store.repositories.prices
    assert isinstance(prices, MemoryPriceList)
    with store.unit_of_work():
        prices.set("wholesale", "tea", Money.of("100.00", "RUB"), since=date(2026, 1, 1))

    def writes() -> None:
        prices.set("wholesale", "tea", Money.of("120.00", "RUB"), since=date(2026, 1, 1))
        prices.set("wholesale", "tea", Money.of("130.00", "RUB"), since=date(2026, 3, 1))
        prices.set("retail", "tea", Money.of("150.00", "RUB"), since=date(2026, 1, 1))

    with pytest.raises(_FailedCommandError):
        _fail_after(store, writes)
    assert prices.price("wholesale", "tea", date(2026, 1, 1)) == Money.of("100.00", "RUB")
    assert prices.price("wholesale", "tea", date(2026, 3, 1)) == Money.of("100.00", "RUB")
    assert prices.price("retail", "tea", date(2026, 3, 1)) is None


def test_a_failed_unit_of_work_takes_back_its_sales() -> None:
    store = MemoryStore()
    sales = store.repositories.sales_history
    assert isinstance(sales, MemorySalesHistory)
    partner = PartnerId("p-1")
    with store.unit_of_work():
        sales.record(partner, "tea", Money.of("90.00", "RUB"), sold_on=date(2026, 3, 1))

    def writes() -> None:
        sales.record(partner, "tea", Money.of("90.00", "RUB"), sold_on=date(2026, 3, 1))
        sales.record(partner, "tea", Money.of("95.00", "RUB"), sold_on=date(2026, 3, 2))
        sales.record(partner, "cups", Money.of("5.00", "RUB"), sold_on=date(2026, 3, 1))

    with pytest.raises(_FailedCommandError):
        _fail_after(store, writes)
    found = sales.last_sales(partner, ("tea", "cups"), until=date(2026, 3, 31))
    assert list(found) == ["tea"]
    assert found["tea"].price == Money.of("90.00", "RUB")
    assert found["tea"].sold_on == date(2026, 3, 1)
    sales.record(partner, "tea", Money.of("99.00", "RUB"), sold_on=date(2026, 3, 1))
    latest = sales.last_sales(partner, ("tea",), until=date(2026, 3, 1))
    assert latest["tea"].price == Money.of("99.00", "RUB")
