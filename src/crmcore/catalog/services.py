"""Services of the catalog: create product groups and products, edit products, set prices.

Each is a pure function returning an :class:`~crmcore.events.Outcome`: the new value and its
events; a refused call raises :class:`~crmcore.errors.DomainValidationError` listing every
problem and changes nothing.

>>> from datetime import date, datetime, timezone
>>> from crmcore.money import Money
>>> now = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
>>> pumps = create_group("Pumps", now=now, group_id="pumps").entity
>>> pump = create_product(ProductDraft(name="Pump K-50", group_id="pumps"), group=pumps,
...                       now=now, product_id="pump-1").entity
>>> retail = PriceType(id="retail", name="Retail", currency="RUB")
>>> set_price(pump, price_type=retail, price=Money.of("1200", "RUB"),
...           valid_from=date(2026, 1, 1), now=now).entity.price
Money(amount=Decimal('1200'), currency='RUB')
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any, Final

import attrs

from crmcore.catalog.events import PriceSet, ProductChanged, ProductCreated, ProductGroupCreated
from crmcore.catalog.kinds import ProductKind
from crmcore.catalog.model import Price, PriceType, Product, ProductGroup
from crmcore.errors import Violation
from crmcore.events import Outcome, changes_between
from crmcore.ids import new_id
from crmcore.money import Money
from crmcore.validation import (
    check_now,
    field_violations,
    invariant_violations,
    raise_violations,
    read_changes,
)

__all__ = ["ProductDraft", "create_group", "create_product", "edit_product", "set_price"]

PRODUCT_EDITABLE: Final = ("name", "kind", "group_id", "unit", "image", "min_price")
"""The fields :func:`edit_product` changes; its other keys are refused."""


@attrs.frozen(kw_only=True)
class ProductDraft:
    """A new product or component as entered."""

    name: str
    kind: ProductKind = ProductKind.PRODUCT
    group_id: str | None = None
    unit: str = "pcs"
    image: str | None = None
    min_price: Money | None = None


def _group_problem(group_id: object, group: ProductGroup | None) -> list[Violation]:
    if group_id is not None and (group is None or group.id != group_id):
        message = "names a group that was not given (unknown group)"
        return [Violation(field="group_id", message=message, value=group_id)]
    return []


def create_group(
    name: str,
    *,
    now: datetime,
    parent: ProductGroup | None = None,
    group_id: str | None = None,
    actor: str | None = None,
) -> Outcome[ProductGroup]:
    """A new product group under ``parent`` (at the top when ``None``)."""
    check_now(now)
    fields: dict[str, Any] = {
        "id": group_id or new_id(),
        "name": name,
        "parent_id": None if parent is None else parent.id,
    }
    found = [v for key, value in fields.items() for v in field_violations(ProductGroup, key, value)]
    failed = [v.field for v in found]
    raise_violations([*found, *invariant_violations(ProductGroup, fields, failed=failed)])
    group = ProductGroup(**fields)
    event = ProductGroupCreated(
        entity_id=group.id, occurred_at=now, changes=changes_between(None, group), actor=actor
    )
    return Outcome(entity=group, events=(event,))


def create_product(
    draft: ProductDraft,
    *,
    now: datetime,
    group: ProductGroup | None = None,
    product_id: str | None = None,
    actor: str | None = None,
) -> Outcome[Product]:
    """A new product of ``draft``; a ``group_id`` must name ``group``, the group as stored."""
    check_now(now)
    fields = {"id": product_id or new_id(), **attrs.asdict(draft, recurse=False)}
    collected = [v for key, value in fields.items() for v in field_violations(Product, key, value)]
    collected.extend(_group_problem(draft.group_id, group))
    raise_violations(collected)
    product = Product(**fields)
    event = ProductCreated(
        entity_id=product.id, occurred_at=now, changes=changes_between(None, product), actor=actor
    )
    return Outcome(entity=product, events=(event,))


def edit_product(
    product: Product,
    *,
    changes: Mapping[str, object],
    now: datetime,
    group: ProductGroup | None = None,
    actor: str | None = None,
) -> Outcome[Product]:
    """``product`` with ``changes`` applied and a :class:`ProductChanged` event; a new
    ``group_id`` must name ``group``. Changing nothing returns the product as it was."""
    check_now(now)
    read, collected = read_changes(changes, editable=PRODUCT_EDITABLE)
    fields: dict[str, Any] = dict(read)
    collected.extend(
        v for key, value in read.items() for v in field_violations(Product, key, value)
    )
    if "group_id" in fields and fields["group_id"] != product.group_id:
        collected.extend(_group_problem(fields["group_id"], group))
    raise_violations(collected)
    changed = attrs.evolve(product, **fields)
    differences = changes_between(product, changed)
    if not differences:
        return Outcome(entity=product)
    changed = attrs.evolve(changed, version=product.version + 1)
    event = ProductChanged(entity_id=product.id, occurred_at=now, changes=differences, actor=actor)
    return Outcome(entity=changed, events=(event,))


def set_price(
    product: Product,
    *,
    price_type: PriceType,
    price: Money,
    valid_from: date,
    now: datetime,
    actor: str | None = None,
) -> Outcome[Price]:
    """The price of ``product`` in ``price_type`` from ``valid_from`` on; it must be in the
    price type's currency and not below the product's minimum price."""
    check_now(now)
    fields: dict[str, Any] = {
        "product_id": product.id,
        "price_type": price_type.id,
        "valid_from": valid_from,
        "price": price,
    }
    collected = [v for key, value in fields.items() for v in field_violations(Price, key, value)]
    if not collected:
        collected.extend(_price_problems(product, price_type, price))
    raise_violations(collected)
    entry = Price(**fields)
    event = PriceSet(
        entity_id=product.id, occurred_at=now, changes=changes_between(None, entry), actor=actor
    )
    return Outcome(entity=entry, events=(event,))


def _price_problems(product: Product, price_type: PriceType, price: Money) -> list[Violation]:
    if price.currency != price_type.currency:
        message = f"must be in {price_type.currency}, the currency of price type {price_type.id!r}"
        return [Violation(field="price", message=message, value=str(price))]
    floor = product.min_price
    if floor is not None and floor.currency == price.currency and price < floor:
        message = f"must not be below the product's minimum price {floor}"
        return [Violation(field="price", message=message, value=str(price))]
    return []
