"""The catalog contract suite and the stateful comparison, run against the in-memory
reference; the comparison catches a catalog that differs from it."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import attrs
import pytest
from hypothesis import Phase, settings

from crmcore.catalog import CatalogRepository, Price, PriceType, StockLevel
from crmcore.memory import MemoryStore
from crmcore.memory.catalog import MemoryCatalog
from crmcore.money import Money
from crmcore.testing.contracts._common import CREATED_AT
from crmcore.testing.contracts.catalog import CatalogRepositoryContract
from crmcore.testing.stateful.catalog import catalog_repository_comparison


class TestMemoryCatalog(CatalogRepositoryContract):
    def make_repository(self) -> CatalogRepository:
        return MemoryCatalog()


QUICK = settings(max_examples=25, stateful_step_count=20, database=None)

TestMemoryCatalogComparison = catalog_repository_comparison(MemoryCatalog, settings=QUICK).TestCase


class CatalogWithoutDates(MemoryCatalog):
    """A catalog with a plausible bug: the latest price is in effect on every day."""

    def price(self, price_type: str, product: str, on: date) -> Money | None:
        return super().price(price_type, product, date(2999, 12, 31))


def test_the_comparison_catches_a_catalog_that_differs() -> None:
    machine = catalog_repository_comparison(
        CatalogWithoutDates,
        settings=settings(
            max_examples=500, stateful_step_count=30, database=None, phases=[Phase.generate]
        ),
    )
    with pytest.raises(AssertionError, match="reference gave"):
        machine.TestCase().runTest()


def _write_then_fail(store: MemoryStore) -> None:
    day = date(2026, 1, 1)
    price = Price(
        product_id="pump", price_type="retail", valid_from=day, price=Money.of("1", "RUB")
    )
    level = StockLevel(product_id="pump", warehouse="msk", quantity=Decimal(1), as_of=CREATED_AT)
    with store.unit_of_work() as repositories:
        catalog = repositories.catalog
        assert catalog is not None
        catalog.add_price_type(PriceType(id="retail", name="Retail", currency="RUB"))
        catalog.set_price(price)
        catalog.set_price(attrs.evolve(price, price=Money.of("2", "RUB")))
        catalog.report_stock(level)
        catalog.report_stock(attrs.evolve(level, as_of=CREATED_AT + timedelta(hours=1)))
        raise RuntimeError("the command failed")


def test_a_unit_of_work_that_raises_undoes_every_catalog_write() -> None:
    store = MemoryStore()
    with pytest.raises(RuntimeError):
        _write_then_fail(store)
    with store.unit_of_work() as repositories:
        catalog = repositories.catalog
        assert catalog is not None
        assert (catalog.price_types(), catalog.prices_of("pump"), catalog.stock_of("pump")) == (
            [],
            [],
            [],
        )
