"""Prices for a client: the catalog's price through the client's agreement, with the lowest
price a manager may go to and what the client paid before, and the product tree of the price
form.

The arithmetic is the agreements area's (:func:`crmcore.agreements.pricing.discounted`,
:func:`~crmcore.agreements.pricing.lowest_price`) with the agreement's one
:class:`~crmcore.money.Rounding`; the catalog adds only the product's own minimum price.

>>> from crmcore.money import Money
>>> groups = [ProductGroup(id="pumps", name="Pumps"),
...           ProductGroup(id="parts", name="Parts", parent_id="pumps")]
>>> products = [Product(id="seal", name="Seal", group_id="parts"),
...             Product(id="pump", name="Pump", group_id="pumps")]
>>> [(node.group.id, [p.id for p in node.products], [c.group.id for c in node.children])
...  for node in product_tree(groups, products)]
[('pumps', ['pump'], ['parts'])]
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

import attrs

from crmcore.agreements import Agreement, PastSale, PriceSource, SalesHistory
from crmcore.agreements.pricing import discounted, lowest_price
from crmcore.catalog.model import Product, ProductGroup, StockLevel
from crmcore.errors import AgreementNotApplicableError
from crmcore.money import Money
from crmcore.partners.model import Partner

__all__ = [
    "PriceForm",
    "PriceFormLine",
    "ProductPrice",
    "TreeNode",
    "price_for",
    "price_form",
    "product_tree",
    "ungrouped",
]


@attrs.frozen(kw_only=True)
class ProductPrice:
    """A product's price for a client on a day: the price type's ``list_price``, the
    ``recommended`` price after the agreement's discount, the ``minimum`` a manager may go to
    (the agreement's largest discount, never below the product's own minimum price), all
    rounded by the agreement."""

    product_id: str
    price_type: str
    list_price: Money
    recommended: Money
    minimum: Money


@attrs.frozen(kw_only=True)
class TreeNode:
    """A group of the product tree with its products and the groups under it."""

    group: ProductGroup
    products: tuple[Product, ...] = ()
    children: tuple[TreeNode, ...] = ()


@attrs.frozen(kw_only=True)
class PriceFormLine:
    """One product of the price form: its stock per warehouse, its price for the client
    (``None`` without a price in the agreement's price type) and the client's last sale."""

    product: Product
    stock: tuple[StockLevel, ...] = ()
    price: ProductPrice | None = None
    last_sale: PastSale | None = None


@attrs.frozen(kw_only=True)
class PriceForm:
    """What the sales desktop's price form shows for a client on a day: the product tree,
    and a line per product with stock, recommended and minimum price and past price."""

    partner_id: str
    agreement_id: str
    on: date
    tree: tuple[TreeNode, ...]
    ungrouped: tuple[Product, ...]
    lines: tuple[PriceFormLine, ...]


def price_for(
    product: Product, *, partner: Partner, agreement: Agreement, prices: PriceSource, on: date
) -> ProductPrice | None:
    """The price of ``product`` for ``partner`` under ``agreement`` on ``on``, or ``None`` when
    the agreement's price type has no price for it in the agreement's currency.

    Raises :class:`~crmcore.errors.AgreementNotApplicableError` when the agreement is not in
    force on ``on`` or not for ``partner``.
    """
    conditions = agreement.in_force(on)
    if not agreement.covers(partner):
        raise AgreementNotApplicableError(agreement.id, reason=f"it is not for {partner.id!r}")
    listed = prices.price(conditions.price_type, product.id, on)
    if listed is None or listed.currency != conditions.currency:
        return None
    rounding = conditions.rounding
    minimum = lowest_price(listed, conditions)
    floor = product.min_price
    if floor is not None and floor.currency == minimum.currency and minimum < floor:
        minimum = rounding.apply(floor)
    recommended = rounding.apply(discounted(listed, conditions.discount))
    return ProductPrice(
        product_id=product.id,
        price_type=conditions.price_type,
        list_price=listed,
        recommended=max(recommended, minimum),
        minimum=minimum,
    )


def product_tree(
    groups: Iterable[ProductGroup], products: Iterable[Product]
) -> tuple[TreeNode, ...]:
    """The groups as a tree (top groups first, each level by name, then id) with their
    products by name, then id; products of no or an unknown group are left out (see
    :func:`ungrouped`), as are groups whose parent is unknown."""
    by_parent: dict[str | None, list[ProductGroup]] = {}
    for group in groups:
        by_parent.setdefault(group.parent_id, []).append(group)
    in_group: dict[str | None, list[Product]] = {}
    for product in products:
        in_group.setdefault(product.group_id, []).append(product)

    def nodes(parent: str | None, path: frozenset[str]) -> tuple[TreeNode, ...]:
        below = sorted(by_parent.get(parent, ()), key=lambda g: (g.name, g.id))
        return tuple(
            TreeNode(
                group=group,
                products=tuple(sorted(in_group.get(group.id, ()), key=_by_name)),
                children=nodes(group.id, path | {group.id}),
            )
            for group in below
            if group.id not in path
        )

    return nodes(None, frozenset())


def ungrouped(groups: Iterable[ProductGroup], products: Sequence[Product]) -> tuple[Product, ...]:
    """The products of no group, or of a group not among ``groups``, by name, then id."""
    known = {group.id for group in groups}
    return tuple(sorted((p for p in products if p.group_id not in known), key=_by_name))


def _by_name(product: Product) -> tuple[str, str]:
    return (product.name, product.id)


def price_form(
    partner: Partner,
    agreement: Agreement,
    *,
    groups: Sequence[ProductGroup],
    products: Sequence[Product],
    stock: Iterable[StockLevel],
    prices: PriceSource,
    history: SalesHistory,
    on: date,
) -> PriceForm:
    """The price form of ``partner`` under ``agreement`` on ``on`` over ``products``."""
    levels: dict[str, list[StockLevel]] = {}
    for level in stock:
        levels.setdefault(level.product_id, []).append(level)
    ordered = sorted(products, key=_by_name)
    past = history.last_sales(partner.id, tuple(p.id for p in ordered), until=on) if ordered else {}
    lines = tuple(
        PriceFormLine(
            product=product,
            stock=tuple(sorted(levels.get(product.id, ()), key=lambda s: s.warehouse)),
            price=price_for(product, partner=partner, agreement=agreement, prices=prices, on=on),
            last_sale=past.get(product.id),
        )
        for product in ordered
    )
    return PriceForm(
        partner_id=partner.id,
        agreement_id=agreement.id,
        on=on,
        tree=product_tree(groups, products),
        ungrouped=ungrouped(groups, products),
        lines=lines,
    )
