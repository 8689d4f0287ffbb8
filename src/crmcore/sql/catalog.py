"""The catalog's repository over SQL: products and groups as versioned rows, price types,
dated prices and the stock snapshot as plain rows keyed as the queries read them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import select

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
from crmcore.money import Money
from crmcore.repository_checks import instant
from crmcore.sql import metadata as m
from crmcore.sql.database import Database
from crmcore.sql.versioned import VersionedTable
from crmcore.validation import instance_of, plain_date, raise_violations

__all__ = ["SqlCatalog"]

PRICE_TYPE = "price_type"


class _Products(VersionedTable[Product]):
    table = m.products
    entity_type = PRODUCT
    model = Product

    def columns(self, entity: Product) -> dict[str, object]:
        return {"group_id": entity.group_id, "kind": entity.kind.value}


class _Groups(VersionedTable[ProductGroup]):
    table = m.product_groups
    entity_type = PRODUCT_GROUP
    model = ProductGroup

    def columns(self, entity: ProductGroup) -> dict[str, object]:
        return {}


class SqlCatalog:
    """The catalog in SQL: a :class:`~crmcore.catalog.CatalogRepository`, and so a
    :class:`~crmcore.agreements.PriceSource`."""

    def __init__(self, database: Database) -> None:
        self._db = database
        self._products = _Products(database)
        self._groups = _Groups(database)

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
        c = m.products.c
        conditions = []
        if group_id is not None:
            conditions.append(c.group_id == group_id)
        if kind is not None:
            conditions.append(c.kind == kind.value)
        return self._products.select(*conditions)

    def iterate(self) -> Iterator[Product]:
        """Every product, ordered by id."""
        yield from self._products.select()

    def count(self) -> int:
        """How many products are stored."""
        return self._products.count()

    def get_group(self, group_id: str) -> ProductGroup:
        """The product group with this id, else ``EntityNotFoundError``."""
        return self._groups.get(group_id)

    def add_group(self, group: ProductGroup) -> None:
        """Store a new product group, else ``DuplicateEntityError``."""
        self._groups.add(group)

    def groups(self) -> list[ProductGroup]:
        """Every product group, ordered by id."""
        return self._groups.select()

    def get_price_type(self, price_type_id: str) -> PriceType:
        """The price type with this id, else ``EntityNotFoundError``."""
        c = m.price_types.c
        with self._db.begin("read a price type") as connection:
            body = connection.execute(
                select(c.body).where(c.id == price_type_id)
            ).scalar_one_or_none()
        if body is None:
            raise EntityNotFoundError(PRICE_TYPE, price_type_id)
        return self._db.load(body, PriceType)

    def add_price_type(self, price_type: PriceType) -> None:
        """Store a new price type, else ``DuplicateEntityError``."""
        raise_violations(instance_of(PriceType)("price_type", price_type))
        row = {"id": price_type.id, "body": self._db.dump(price_type)}
        with self._db.begin("add a price type", write=True) as connection:
            if not self._db.insert_new(connection, m.price_types, row):
                raise DuplicateEntityError(PRICE_TYPE, price_type.id)

    def price_types(self) -> list[PriceType]:
        """Every price type, ordered by id."""
        c = m.price_types.c
        with self._db.begin("read the price types") as connection:
            bodies = connection.execute(select(c.body).order_by(c.id)).scalars().all()
        return [self._db.load(body, PriceType) for body in bodies]

    def set_price(self, price: Price) -> None:
        """Store a price; one of the same product, price type and date is replaced."""
        raise_violations(instance_of(Price)("price", price))
        c = m.catalog_prices.c
        row = {
            "price_type": price.price_type,
            "product_id": price.product_id,
            "valid_from": price.valid_from,
        }
        with self._db.begin("set a price", write=True) as connection:
            connection.execute(
                m.catalog_prices.delete().where(*(c[name] == value for name, value in row.items()))
            )
            connection.execute(m.catalog_prices.insert(), {**row, "body": self._db.dump(price)})

    def prices_of(self, product_id: str) -> list[Price]:
        """Every price of a product, ordered by price type, then date."""
        c = m.catalog_prices.c
        query = (
            select(c.body).where(c.product_id == product_id).order_by(c.price_type, c.valid_from)
        )
        with self._db.begin("read the prices of a product") as connection:
            bodies = connection.execute(query).scalars().all()
        return [self._db.load(body, Price) for body in bodies]

    def price(self, price_type: str, product: str, on: date) -> Money | None:
        """The price of ``product`` in ``price_type`` in effect on ``on``, or ``None``."""
        raise_violations(plain_date("on", on))
        c = m.catalog_prices.c
        query = (
            select(c.body)
            .where(c.price_type == price_type, c.product_id == product, c.valid_from <= on)
            .order_by(c.valid_from.desc())
            .limit(1)
        )
        with self._db.begin("read a price") as connection:
            body = connection.execute(query).scalar_one_or_none()
        return None if body is None else self._db.load(body, Price).price

    def report_stock(self, level: StockLevel) -> None:
        """Keep ``level`` unless the stock kept for its product and warehouse is later."""
        if not isinstance(level, StockLevel):
            raise DomainValidationError.single("level", "must be a StockLevel", value=level)
        c = m.stock_levels.c
        key = (c.product_id == level.product_id, c.warehouse == level.warehouse)
        row = {"product_id": level.product_id, "warehouse": level.warehouse}
        with self._db.begin("report stock", write=True) as connection:
            kept = connection.execute(select(c.as_of).where(*key)).scalar_one_or_none()
            if kept is not None and instant(kept) > instant(level.as_of):
                return
            connection.execute(m.stock_levels.delete().where(*key))
            connection.execute(
                m.stock_levels.insert(),
                {**row, "as_of": level.as_of, "body": self._db.dump(level)},
            )

    def stock_of(self, product_id: str) -> list[StockLevel]:
        """The latest stock of a product in each warehouse, ordered by warehouse."""
        c = m.stock_levels.c
        query = select(c.body).where(c.product_id == product_id).order_by(c.warehouse)
        with self._db.begin("read the stock of a product") as connection:
            bodies = connection.execute(query).scalars().all()
        return [self._db.load(body, StockLevel) for body in bodies]


if TYPE_CHECKING:
    from crmcore.agreements.repository import PriceSource
    from crmcore.catalog.repository import CatalogRepository

    def _conforms(catalog: SqlCatalog) -> tuple[CatalogRepository, PriceSource]:
        return catalog, catalog
