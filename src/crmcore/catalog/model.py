"""The catalog: product groups in a hierarchy, products and components with their unit, image
and minimum sale price, price types, prices valid from a date, and the stock snapshot the host
reports per warehouse.

>>> from datetime import date
>>> from crmcore.money import Money
>>> pump = Product(id="pump-1", name=" Pump K-50 ", group_id="pumps", unit="pcs",
...                min_price=Money.of("900", "RUB"))
>>> pump.name, pump.kind.value, pump.version
('Pump K-50', 'product', 1)
>>> Price(product_id="pump-1", price_type="retail", valid_from=date(2026, 1, 1),
...       price=Money.of("1200", "RUB")).price.amount
Decimal('1200')
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import Final

import attrs

from crmcore.catalog.kinds import ProductKind
from crmcore.errors import Violation
from crmcore.money import Money, currency_code, not_negative
from crmcore.validation import (
    Model,
    aware_datetime,
    bounded_text,
    checks,
    clean_text,
    finite_decimal,
    identifier,
    instance_of,
    invariant,
    non_negative_int,
    optional,
    plain_date,
)

__all__ = [
    "PRODUCT",
    "PRODUCT_GROUP",
    "Price",
    "PriceType",
    "Product",
    "ProductGroup",
    "StockLevel",
]

PRODUCT: Final = "product"
PRODUCT_GROUP: Final = "product_group"
_NAME: Final = checks(bounded_text(200))
_MONEY: Final = checks(not_negative)


def _not_negative_quantity(field: str, value: object) -> Iterator[Violation]:
    found = list(finite_decimal(field, value))
    if found:
        yield from found
    elif isinstance(value, Decimal) and value < 0:
        yield Violation(field=field, message="must not be negative", value=value)


def _image(field: str, value: object) -> Iterator[Violation]:
    yield from bounded_text(2000)(field, value)
    if isinstance(value, str) and any(char.isspace() for char in value):
        yield Violation(field=field, message="must be a reference (a URL or key) without spaces")


@attrs.frozen(kw_only=True)
class ProductGroup(Model):
    """A group of the product tree; ``parent_id`` is the group above, ``None`` at the top."""

    id: str = attrs.field(metadata=checks(identifier))
    name: str = attrs.field(converter=clean_text, metadata=_NAME)
    parent_id: str | None = attrs.field(default=None, metadata=checks(optional(identifier)))
    version: int = attrs.field(default=1, metadata=checks(non_negative_int))

    @invariant("id", "parent_id")
    def _not_its_own_parent(self) -> Iterator[Violation]:
        if self.parent_id == self.id:
            yield Violation(field="parent_id", message="must not be the group itself")


@attrs.frozen(kw_only=True)
class Product(Model):
    """A product or a component of the catalog: its group, unit (``"pcs"``, ``"m"``), an
    image reference the host resolves (a URL or a storage key), and the lowest price it may
    be sold at, whatever the agreement allows."""

    id: str = attrs.field(metadata=checks(identifier))
    name: str = attrs.field(converter=clean_text, metadata=_NAME)
    kind: ProductKind = attrs.field(
        default=ProductKind.PRODUCT, metadata=checks(instance_of(ProductKind))
    )
    group_id: str | None = attrs.field(default=None, metadata=checks(optional(identifier)))
    unit: str = attrs.field(default="pcs", metadata=checks(bounded_text(20)))
    image: str | None = attrs.field(default=None, metadata=checks(optional(_image)))
    min_price: Money | None = attrs.field(default=None, metadata=checks(optional(not_negative)))
    version: int = attrs.field(default=1, metadata=checks(non_negative_int))


@attrs.frozen(kw_only=True)
class PriceType(Model):
    """A price list (wholesale, retail, dealer): its prices are in ``currency``."""

    id: str = attrs.field(metadata=checks(identifier))
    name: str = attrs.field(converter=clean_text, metadata=_NAME)
    currency: str = attrs.field(metadata=checks(currency_code))


@attrs.frozen(kw_only=True)
class Price(Model):
    """The price of a product in a price type from ``valid_from`` on, until a later one."""

    product_id: str = attrs.field(metadata=checks(identifier))
    price_type: str = attrs.field(metadata=checks(identifier))
    valid_from: date = attrs.field(metadata=checks(plain_date))
    price: Money = attrs.field(metadata=_MONEY)


@attrs.frozen(kw_only=True)
class StockLevel(Model):
    """How much of a product a warehouse held at ``as_of``, as the host's ERP reports it;
    crmcore keeps the latest snapshot per warehouse and no movements."""

    product_id: str = attrs.field(metadata=checks(identifier))
    warehouse: str = attrs.field(metadata=checks(identifier))
    quantity: Decimal = attrs.field(metadata=checks(_not_negative_quantity))
    as_of: datetime = attrs.field(metadata=checks(aware_datetime))
