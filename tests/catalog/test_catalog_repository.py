"""The catalog contract suite and the stateful comparison, run against the in-memory
reference; the comparison catches a catalog that differs from it."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import Phase, settings

from crmcore.catalog import CatalogRepository
from crmcore.memory.catalog import MemoryCatalog
from crmcore.money import Money
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
