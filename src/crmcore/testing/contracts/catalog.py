"""The contract suite of the catalog's repository."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, ClassVar

import attrs
import pytest

from crmcore.catalog.kinds import ProductKind
from crmcore.catalog.model import Price, PriceType, Product, ProductGroup, StockLevel
from crmcore.catalog.repository import CatalogRepository
from crmcore.errors import DomainValidationError, DuplicateEntityError, EntityNotFoundError
from crmcore.money import Money
from crmcore.testing.contracts._common import (
    CODE_POINT_IDS,
    CREATED_AT,
    CURRENCIES,
    MOMENTS_IN_ZONES,
    VersionedRepositoryContract,
    run_in_threads,
)

__all__ = ["CatalogRepositoryContract"]


def _price(product: str, since: date, amount: str, *, price_type: str = "wholesale") -> Price:
    return Price(
        product_id=product, price_type=price_type, valid_from=since, price=Money.of(amount, "RUB")
    )


class CatalogRepositoryContract(VersionedRepositoryContract[Product], ABC):
    """The behaviour every :class:`~crmcore.catalog.CatalogRepository` must show."""

    entity_type: ClassVar[str] = "product"

    @abstractmethod
    def make_repository(self) -> CatalogRepository:
        """A new, empty repository."""

    def make_product(self, product_id: str = "pump", **changes: Any) -> Product:
        """A product of group ``pumps``."""
        product = Product(id=product_id, name="Насос К-50", group_id="pumps")
        return attrs.evolve(product, **changes)

    def make_entity(self) -> Product:
        """The product ``pump`` of group ``pumps``."""
        return self.make_product()

    def moved(self, entity: Product) -> Product:
        """``entity`` moved to group ``parts`` as a component."""
        return attrs.evolve(entity, group_id="parts", kind=ProductKind.COMPONENT)

    def found_by_keys(self, repository: CatalogRepository, entity: Product) -> list[list[Product]]:
        """The products of ``entity``'s group and of its group and kind."""
        return [
            repository.find(group_id=entity.group_id),
            repository.find(group_id=entity.group_id, kind=entity.kind),
        ]

    test_save_of_an_unknown_product_raises_not_found = (
        VersionedRepositoryContract.save_of_an_entity_never_added_raises_not_found
    )

    def test_get_returns_an_equal_product_with_every_field(self) -> None:
        repository = self.make_repository()
        full = self.make_product(
            "seal", kind=ProductKind.COMPONENT, unit="м", image="https://img.example/seal.png",
            min_price=Money.of("95.5", "KWD"), version=3,
        )  # fmt: skip
        repository.add(full)
        assert repository.get("seal") == full

    def test_find_filters_and_orders_by_id(self) -> None:
        repository = self.make_repository()
        for product_id in reversed(CODE_POINT_IDS):
            repository.add(self.make_product(product_id, group_id=None))
        repository.add(self.make_product("zz-part", kind=ProductKind.COMPONENT))
        assert [p.id for p in repository.find(group_id=None)][:-1] == list(CODE_POINT_IDS)
        assert [p.id for p in repository.find(kind=ProductKind.COMPONENT)] == ["zz-part"]
        assert [p.id for p in repository.find(group_id="pumps")] == ["zz-part"]
        assert [p.id for p in repository.iterate()] == sorted([*CODE_POINT_IDS, "zz-part"])
        assert repository.count() == len(CODE_POINT_IDS) + 1

    def test_groups_are_added_once_and_listed_by_id(self) -> None:
        repository = self.make_repository()
        parts = ProductGroup(id="parts", name="Комплектующие", parent_id="pumps")
        repository.add_group(parts)
        repository.add_group(ProductGroup(id="pumps", name="Насосы"))
        with pytest.raises(DuplicateEntityError):
            repository.add_group(attrs.evolve(parts, name="Другое"))
        assert repository.get_group("parts") == parts
        assert [g.id for g in repository.groups()] == ["parts", "pumps"]
        with pytest.raises(EntityNotFoundError) as raised:
            repository.get_group("nowhere")
        assert raised.value.entity_type == "product_group"

    def test_price_types_are_added_once_and_listed_by_id(self) -> None:
        repository = self.make_repository()
        for code, currency in zip(("retail", "dealer", "wholesale"), CURRENCIES, strict=False):
            repository.add_price_type(PriceType(id=code, name=code.title(), currency=currency))
        with pytest.raises(DuplicateEntityError):
            repository.add_price_type(PriceType(id="retail", name="Other", currency="EUR"))
        assert repository.get_price_type("retail").currency == CURRENCIES[0]
        assert [t.id for t in repository.price_types()] == ["dealer", "retail", "wholesale"]
        with pytest.raises(EntityNotFoundError) as raised:
            repository.get_price_type("nowhere")
        assert raised.value.entity_type == "price_type"

    def test_a_price_is_in_effect_from_its_date_until_the_next(self) -> None:
        repository = self.make_repository()
        january, march = date(2026, 1, 1), date(2026, 3, 1)
        repository.set_price(_price("pump", march, "110"))
        repository.set_price(_price("pump", january, "100"))
        repository.set_price(_price("pump", january, "90", price_type="dealer"))
        assert repository.price("wholesale", "pump", january - timedelta(days=1)) is None
        assert repository.price("wholesale", "pump", january) == Money.of("100", "RUB")
        assert repository.price("wholesale", "pump", march - timedelta(days=1)) == Money.of(
            "100", "RUB"
        )
        assert repository.price("wholesale", "pump", date(2030, 1, 1)) == Money.of("110", "RUB")
        assert repository.price("wholesale", "seal", march) is None
        assert [(p.price_type, p.valid_from) for p in repository.prices_of("pump")] == [
            ("dealer", january),
            ("wholesale", january),
            ("wholesale", march),
        ]

    def test_a_price_of_the_same_date_replaces_the_one_kept(self) -> None:
        repository = self.make_repository()
        repository.set_price(_price("pump", date(2026, 1, 1), "100"))
        repository.set_price(_price("pump", date(2026, 1, 1), "105.50"))
        assert repository.prices_of("pump") == [_price("pump", date(2026, 1, 1), "105.50")]

    def test_the_latest_stock_snapshot_per_warehouse_is_kept(self) -> None:
        repository = self.make_repository()
        earlier, later = MOMENTS_IN_ZONES[0], MOMENTS_IN_ZONES[1]
        fresh = StockLevel(product_id="pump", warehouse="msk", quantity=Decimal(5), as_of=later)
        repository.report_stock(fresh)
        repository.report_stock(attrs.evolve(fresh, quantity=Decimal(9), as_of=earlier))
        spb = StockLevel(product_id="pump", warehouse="spb", quantity=Decimal("2.5"), as_of=earlier)
        repository.report_stock(spb)
        repository.report_stock(attrs.evolve(spb, product_id="seal"))
        assert repository.stock_of("pump") == [fresh, spb]
        newer = attrs.evolve(spb, quantity=Decimal(0), as_of=CREATED_AT + timedelta(days=1))
        repository.report_stock(newer)
        assert repository.stock_of("pump") == [fresh, newer]
        assert repository.stock_of("nothing") == []

    def test_values_of_another_type_are_refused_and_change_nothing(self) -> None:
        repository = self.make_repository()
        calls: list[Callable[[], object]] = [
            lambda: repository.report_stock("pump"),  # type: ignore[arg-type]
            lambda: repository.set_price("pump"),  # type: ignore[arg-type]
            lambda: repository.add_price_type("retail"),  # type: ignore[arg-type]
            lambda: repository.price("retail", "pump", "2026-01-01"),  # type: ignore[arg-type]
        ]
        for call in calls:
            with pytest.raises(DomainValidationError):
                call()
        assert (repository.price_types(), repository.prices_of("pump")) == ([], [])
        assert repository.stock_of("pump") == []

    def test_concurrent_prices_and_stock_keep_them_all(self) -> None:
        self.require_concurrency()
        repository = self.make_repository()

        def worker(number: int) -> None:
            for day in range(1, 4):
                repository.set_price(_price(f"p-{number}", date(2026, 1, day), str(day)))
            repository.report_stock(
                StockLevel(
                    product_id="pump", warehouse=f"w-{number}", quantity=Decimal(number),
                    as_of=CREATED_AT,
                )
            )  # fmt: skip

        run_in_threads(worker, count=self.thread_count)
        assert len(repository.stock_of("pump")) == self.thread_count
        for number in range(self.thread_count):
            assert len(repository.prices_of(f"p-{number}")) == 3
