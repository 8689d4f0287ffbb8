"""Events of the catalog: a product group or a product was created, a product changed, a
price was set."""

from __future__ import annotations

from typing import ClassVar

import attrs

from crmcore.events import DomainEvent

__all__ = ["PriceSet", "ProductChanged", "ProductCreated", "ProductGroupCreated"]


@attrs.frozen(kw_only=True)
class ProductGroupCreated(DomainEvent):
    """A group of the product tree was created; ``changes`` holds every field of it."""

    name: ClassVar[str] = "product_group.created"
    entity_type: ClassVar[str] = "product_group"
    action: ClassVar[str] = "created"


@attrs.frozen(kw_only=True)
class ProductCreated(DomainEvent):
    """A product or component was created; ``changes`` holds every field of it."""

    name: ClassVar[str] = "product.created"
    entity_type: ClassVar[str] = "product"
    action: ClassVar[str] = "created"


@attrs.frozen(kw_only=True)
class ProductChanged(DomainEvent):
    """Fields of a product changed (name, group, unit, image, minimum price)."""

    name: ClassVar[str] = "product.changed"
    entity_type: ClassVar[str] = "product"
    action: ClassVar[str] = "changed"


@attrs.frozen(kw_only=True)
class PriceSet(DomainEvent):
    """A product got a price in a price type from a date on; ``changes`` holds the price."""

    name: ClassVar[str] = "product.price_set"
    entity_type: ClassVar[str] = "product"
    action: ClassVar[str] = "price_set"
