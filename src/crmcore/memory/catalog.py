"""The reference in-memory catalog: a complete :class:`~crmcore.catalog.CatalogRepository`.

Products and groups are versioned like every aggregate (indexes by group and kind kept in
step); price types, prices and the stock snapshot are plain values behind one lock. Every
write is journaled, so a unit of work of :class:`~crmcore.memory.MemoryStore` that raises
undoes it.

>>> from datetime import date
>>> from crmcore.money import Money
>>> catalog = MemoryCatalog()
>>> catalog.set_price(Price(product_id="tea", price_type="wholesale",
...                         valid_from=date(2026, 1, 1), price=Money.of("100", "RUB")))
>>> str(catalog.price("wholesale", "tea", date(2026, 2, 1)))
'100 RUB'
"""

from __future__ import annotations

import threading
from bisect import bisect_right
from collections.abc import Iterator
from datetime import date
from typing import TYPE_CHECKING, Final

from crmcore.catalog.kinds import ProductKind
from crmcore.catalog.model import (
    PRODUCT,
    PRODUCT_GROUP,
    Price,
    PriceType,
    Product,
    ProductGroup,
    StockLevel,
)
from crmcore.errors import DomainValidationError, DuplicateEntityError, EntityNotFoundError
from crmcore.memory._store import GuardedStore, KeyIndex, journaled
from crmcore.money import Money
from crmcore.repository_checks import instant
from crmcore.validation import instance_of, plain_date, raise_violations

__all__ = ["MemoryCatalog"]

PRICE_TYPE: Final = "price_type"


def _by_date(entry: Price) -> date:
    return entry.valid_from


class MemoryCatalog:
    """The catalog in memory: the reference :class:`~crmcore.catalog.CatalogRepository`,
    and so a :class:`~crmcore.agreements.PriceSource`."""

    def __init__(self) -> None:
        self._by_group: KeyIndex[Product] = KeyIndex(
            lambda product: [product.group_id] if product.group_id else []
        )
        self._by_kind: KeyIndex[Product] = KeyIndex(lambda product: [product.kind])
        self._products: GuardedStore[Product] = GuardedStore(
            PRODUCT, [self._by_group, self._by_kind]
        )
        self._groups: GuardedStore[ProductGroup] = GuardedStore(PRODUCT_GROUP, [])
        self._lock = threading.RLock()
        self._price_types: dict[str, PriceType] = {}
        self._prices: dict[tuple[str, str], list[Price]] = {}
        self._stock: dict[tuple[str, str], StockLevel] = {}

    def get(self, product_id: str) -> Product:
        """The product with this id, else ``EntityNotFoundError``."""
        return self._products.get(product_id)

    def add(self, product: Product) -> None:
        """Store a new product, else ``DuplicateEntityError``."""
        self._products.add(product)

    def save(self, product: Product, *, expected_version: int) -> None:
        """Store a changed product if the stored one is at ``expected_version``."""
        self._products.save(product, expected_version=expected_version)

    def find(
        self, *, group_id: str | None = None, kind: ProductKind | None = None
    ) -> list[Product]:
        """The products matching every filter given, ordered by id."""
        return self._products.matching([(self._by_group, group_id), (self._by_kind, kind)])

    def iterate(self) -> Iterator[Product]:
        """Every product, ordered by id."""
        yield from self._products.ordered()

    def count(self) -> int:
        """How many products are stored."""
        return len(self._products)

    def get_group(self, group_id: str) -> ProductGroup:
        """The product group with this id, else ``EntityNotFoundError``."""
        return self._groups.get(group_id)

    def add_group(self, group: ProductGroup) -> None:
        """Store a new product group, else ``DuplicateEntityError``."""
        self._groups.add(group)

    def groups(self) -> list[ProductGroup]:
        """Every product group, ordered by id."""
        return self._groups.ordered()

    def get_price_type(self, price_type_id: str) -> PriceType:
        """The price type with this id, else ``EntityNotFoundError``."""
        with self._lock:
            found = self._price_types.get(price_type_id)
        if found is None:
            raise EntityNotFoundError(PRICE_TYPE, price_type_id)
        return found

    def add_price_type(self, price_type: PriceType) -> None:
        """Store a new price type, else ``DuplicateEntityError``."""
        raise_violations(instance_of(PriceType)("price_type", price_type))
        with self._lock:
            if price_type.id in self._price_types:
                raise DuplicateEntityError(PRICE_TYPE, price_type.id)
            self._price_types[price_type.id] = price_type
            journaled(lambda: self._drop_price_type(price_type.id))

    def _drop_price_type(self, price_type_id: str) -> None:
        with self._lock:
            del self._price_types[price_type_id]

    def price_types(self) -> list[PriceType]:
        """Every price type, ordered by id."""
        with self._lock:
            return [self._price_types[key] for key in sorted(self._price_types)]

    def set_price(self, price: Price) -> None:
        """Store a price; one of the same product, price type and date is replaced."""
        raise_violations(instance_of(Price)("price", price))
        key = (price.price_type, price.product_id)
        with self._lock:
            before = self._prices.get(key)
            history = [entry for entry in before or () if entry.valid_from != price.valid_from]
            history.append(price)
            history.sort(key=_by_date)
            self._prices[key] = history
            journaled(lambda: self._restore_prices(key, before))

    def _restore_prices(self, key: tuple[str, str], history: list[Price] | None) -> None:
        with self._lock:
            if history is None:
                del self._prices[key]
            else:
                self._prices[key] = history

    def prices_of(self, product_id: str) -> list[Price]:
        """Every price of a product, ordered by price type, then date."""
        with self._lock:
            keys = sorted(key for key in self._prices if key[1] == product_id)
            return [entry for key in keys for entry in self._prices[key]]

    def price(self, price_type: str, product: str, on: date) -> Money | None:
        """The price of ``product`` in ``price_type`` in effect on ``on``, or ``None``."""
        raise_violations(plain_date("on", on))
        with self._lock:
            history = self._prices.get((price_type, product), [])
            position = bisect_right(history, on, key=_by_date)
            return history[position - 1].price if position else None

    def report_stock(self, level: StockLevel) -> None:
        """Keep ``level`` unless the stock kept for its product and warehouse is later."""
        if not isinstance(level, StockLevel):
            raise DomainValidationError.single("level", "must be a StockLevel", value=level)
        key = (level.product_id, level.warehouse)
        with self._lock:
            before = self._stock.get(key)
            if before is not None and instant(before.as_of) > instant(level.as_of):
                return
            self._stock[key] = level
            journaled(lambda: self._restore_stock(key, before))

    def _restore_stock(self, key: tuple[str, str], level: StockLevel | None) -> None:
        with self._lock:
            if level is None:
                del self._stock[key]
            else:
                self._stock[key] = level

    def stock_of(self, product_id: str) -> list[StockLevel]:
        """The latest stock of a product in each warehouse, ordered by warehouse."""
        with self._lock:
            keys = sorted(key for key in self._stock if key[0] == product_id)
            return [self._stock[key] for key in keys]


if TYPE_CHECKING:
    from crmcore.agreements.repository import PriceSource
    from crmcore.catalog.repository import CatalogRepository

    def _conforms(catalog: MemoryCatalog) -> tuple[CatalogRepository, PriceSource]:
        return catalog, catalog
