"""The storage protocol of the catalog, implemented by the host.

The conventions of :mod:`crmcore.partners.repository` hold: ``get`` raises
:class:`~crmcore.errors.EntityNotFoundError`, ``add`` raises
:class:`~crmcore.errors.DuplicateEntityError`, ``save`` checks ``expected_version`` and raises
:class:`~crmcore.errors.ConcurrencyConflictError`, a failing call changes nothing, queries
return lists in a documented order. A catalog is also a
:class:`~crmcore.agreements.PriceSource`: :meth:`CatalogRepository.price` is what the quote
builder asks.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Protocol

from crmcore.catalog.kinds import ProductKind
from crmcore.catalog.model import Price, PriceType, Product, ProductGroup, StockLevel
from crmcore.money import Money

__all__ = ["CatalogRepository"]


class CatalogRepository(Protocol):
    """Where the host keeps its product groups, products, price types, prices and the latest
    stock snapshot per warehouse."""

    def get(self, product_id: str) -> Product:
        """The product with this id."""
        ...

    def add(self, product: Product) -> None:
        """Store a new product."""
        ...

    def save(self, product: Product, *, expected_version: int) -> None:
        """Store a changed product if the stored one is at ``expected_version``."""
        ...

    def find(
        self, *, group_id: str | None = None, kind: ProductKind | None = None
    ) -> list[Product]:
        """The products matching every filter given, ordered by id."""
        ...

    def iterate(self) -> Iterator[Product]:
        """Every product, ordered by id."""
        ...

    def count(self) -> int:
        """How many products are stored."""
        ...

    def get_group(self, group_id: str) -> ProductGroup:
        """The product group with this id (``EntityNotFoundError`` names ``product_group``)."""
        ...

    def add_group(self, group: ProductGroup) -> None:
        """Store a new product group."""
        ...

    def groups(self) -> list[ProductGroup]:
        """Every product group, ordered by id."""
        ...

    def get_price_type(self, price_type_id: str) -> PriceType:
        """The price type with this id (``EntityNotFoundError`` names ``price_type``)."""
        ...

    def add_price_type(self, price_type: PriceType) -> None:
        """Store a new price type."""
        ...

    def price_types(self) -> list[PriceType]:
        """Every price type, ordered by id."""
        ...

    def set_price(self, price: Price) -> None:
        """Store a price; one of the same product, price type and date is replaced."""
        ...

    def prices_of(self, product_id: str) -> list[Price]:
        """Every price of a product, ordered by price type, then date."""
        ...

    def price(self, price_type: str, product: str, on: date) -> Money | None:
        """The price of ``product`` in ``price_type`` in effect on ``on``: the one with the
        latest date on or before ``on``, else ``None``."""
        ...

    def report_stock(self, level: StockLevel) -> None:
        """Keep ``level`` as the stock of its product in its warehouse, replacing the one
        kept unless that one is of a later moment (an older snapshot is ignored)."""
        ...

    def stock_of(self, product_id: str) -> list[StockLevel]:
        """The latest stock of a product in each warehouse, ordered by warehouse."""
        ...
