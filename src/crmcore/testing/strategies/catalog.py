"""Strategies for the catalog and the deals' line items and documents: products, groups,
price types, prices, stock, line items, commercial offers, supplier orders, business plans."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any, Final

from hypothesis import strategies as st

from crmcore.catalog import (
    PriceSet,
    PriceType,
    Product,
    ProductChanged,
    ProductCreated,
    ProductGroup,
    ProductGroupCreated,
    ProductKind,
    StockLevel,
)
from crmcore.catalog.model import Price
from crmcore.deals import (
    BusinessPlan,
    BusinessPlanChanged,
    BusinessPlanDrawn,
    CommercialOffer,
    CommercialOfferAccepted,
    CommercialOfferDeclined,
    CommercialOfferRegistered,
    CommercialOfferSent,
    CostLine,
    LineItem,
    OfferStatus,
    SupplierOrder,
    SupplierOrderChanged,
    SupplierOrderLine,
    SupplierOrderPlaced,
    SupplierOrderStatus,
    line_item,
)
from crmcore.ids import DealId, PartnerId
from crmcore.testing.strategies._common import (
    Choices,
    _after,
    _free_text,
    _strategy,
    aware_datetimes,
    identifiers,
)
from crmcore.testing.strategies.documents import quotes
from crmcore.testing.strategies.kernel import domain_events, money

__all__ = [
    "CATALOG_EVENTS",
    "DEAL_DOCUMENT_EVENTS",
    "business_plans",
    "commercial_offers",
    "cost_lines",
    "line_items",
    "price_types",
    "prices",
    "product_groups",
    "products",
    "stock_levels",
    "supplier_orders",
]

CATALOG_EVENTS: Final = (ProductGroupCreated, ProductCreated, ProductChanged, PriceSet)
"""The event classes of the catalog."""
DEAL_DOCUMENT_EVENTS: Final = (
    CommercialOfferRegistered, CommercialOfferSent, CommercialOfferAccepted,
    CommercialOfferDeclined, SupplierOrderPlaced, SupplierOrderChanged, BusinessPlanDrawn,
    BusinessPlanChanged,
)  # fmt: skip
"""The event classes of the deals' documents."""

_CURRENCIES: Final = ("RUB", "JPY", "KWD", "EUR")
_UNITS: Final = ("pcs", "m", "kg", "шт", "упак")
_QUANTITIES: Final = st.decimals(min_value=Decimal("0.001"), max_value=10**6, places=3)
_PERCENTS: Final = st.decimals(min_value=0, max_value=100, places=2)
_DAYS: Final = st.dates(date(2000, 1, 1), date(2100, 1, 1))
_IDENTIFIERS: Final = identifiers()


@st.composite
def product_groups(draw: st.DrawFn, *, ids: Choices[str] = _IDENTIFIERS) -> ProductGroup:
    """Groups of the product tree, some under a parent (never themselves)."""
    group_id = draw(_strategy(ids))
    parent = draw(st.none() | identifiers().filter(lambda parent: parent != group_id))
    return ProductGroup(
        id=group_id,
        name=draw(_free_text(max_size=60)),
        parent_id=parent,
        version=draw(st.integers(1, 1000)),
    )


def products(*, ids: Choices[str] = _IDENTIFIERS) -> st.SearchStrategy[Product]:
    """Products and components, with or without a group, image and minimum price."""
    return st.builds(
        Product,
        id=_strategy(ids),
        name=_free_text(max_size=60),
        kind=st.sampled_from(tuple(ProductKind)),
        group_id=st.none() | identifiers(),
        unit=st.sampled_from(_UNITS),
        image=st.none() | identifiers().map(lambda key: f"https://img.example/{key}.png"),
        min_price=st.none() | money(currencies=_CURRENCIES, min_value=0),
        version=st.integers(1, 1000),
    )


def price_types() -> st.SearchStrategy[PriceType]:
    """Price types in one of a few currencies."""
    return st.builds(
        PriceType,
        id=identifiers(),
        name=_free_text(max_size=60),
        currency=st.sampled_from(_CURRENCIES),
    )


def prices(*, product_ids: Choices[str] = _IDENTIFIERS) -> st.SearchStrategy[Price]:
    """Prices of ``product_ids`` valid from a day."""
    return st.builds(
        Price,
        product_id=_strategy(product_ids),
        price_type=identifiers(),
        valid_from=_DAYS,
        price=money(currencies=_CURRENCIES, min_value=0),
    )


def stock_levels(*, product_ids: Choices[str] = _IDENTIFIERS) -> st.SearchStrategy[StockLevel]:
    """Stock snapshots of ``product_ids`` in a warehouse."""
    return st.builds(
        StockLevel,
        product_id=_strategy(product_ids),
        warehouse=identifiers(),
        quantity=st.decimals(min_value=0, max_value=10**9, places=3),
        as_of=aware_datetimes(),
    )


@st.composite
def line_items(draw: st.DrawFn, *, currencies: Choices[str] = _CURRENCIES) -> LineItem:
    """Line items with their amount and tax computed, as :func:`~crmcore.deals.line_item`
    computes them."""
    currency = draw(_strategy(currencies))
    return line_item(
        draw(identifiers()),
        quantity=draw(_QUANTITIES),
        unit_price=draw(money(currencies=(currency,), min_value=0, max_value=10**6)),
        discount=draw(st.decimals(min_value=-50, max_value=100, places=2)),
        tax_rate=draw(_PERCENTS),
    )


@st.composite
def commercial_offers(draw: st.DrawFn) -> CommercialOffer:
    """Offers at any status, with the moments each status requires."""
    quote = draw(quotes())
    status = draw(st.sampled_from(tuple(OfferStatus)))
    later = _after(quote.created_at, timedelta(minutes=draw(st.integers(0, 10**5))))
    sent = status is OfferStatus.SENT or draw(st.booleans())
    declined = status is OfferStatus.DECLINED
    return CommercialOffer(
        id=quote.id,
        deal_id=DealId(draw(identifiers())),
        number=draw(st.integers(1, 100)),
        quote=quote,
        status=status,
        created_at=quote.created_at,
        sent_at=later if sent else None,
        decided_at=later if status in {OfferStatus.ACCEPTED, OfferStatus.DECLINED} else None,
        decline_reason=draw(st.none() | _free_text(max_size=100)) if declined else None,
        version=draw(st.integers(1, 1000)),
    )


@st.composite
def supplier_orders(draw: st.DrawFn) -> SupplierOrder:
    """Orders at any status, their lines in one currency."""
    currency = draw(st.sampled_from(_CURRENCIES))
    line = st.builds(
        SupplierOrderLine,
        product_id=identifiers(),
        quantity=_QUANTITIES,
        price=money(currencies=(currency,), min_value=0),
    )
    status = draw(st.sampled_from(tuple(SupplierOrderStatus)))
    created = draw(aware_datetimes())
    return SupplierOrder(
        id=draw(identifiers()),
        deal_id=DealId(draw(identifiers())),
        supplier_id=PartnerId(draw(identifiers())),
        lines=tuple(draw(st.lists(line, min_size=1, max_size=3))),
        status=status,
        expected_on=draw(st.none() | _DAYS),
        created_at=created,
        changed_at=None if status is SupplierOrderStatus.PLACED else created,
        version=draw(st.integers(1, 1000)),
    )


def cost_lines(*, currencies: Choices[str] = _CURRENCIES) -> st.SearchStrategy[CostLine]:
    """Costs of a business plan."""
    return st.builds(
        CostLine, name=_free_text(max_size=60), amount=money(currencies=currencies, min_value=0)
    )


@st.composite
def business_plans(draw: st.DrawFn) -> BusinessPlan:
    """Plans with costs and actuals in their revenue's currency."""
    currency = draw(st.sampled_from(_CURRENCIES))
    amounts = money(currencies=(currency,), min_value=0)
    created = draw(aware_datetimes())
    return BusinessPlan(
        id=DealId(draw(identifiers())),
        planned_revenue=draw(amounts),
        planned_costs=tuple(draw(st.lists(cost_lines(currencies=(currency,)), max_size=3))),
        actual_revenue=draw(st.none() | amounts),
        actual_costs=tuple(draw(st.lists(cost_lines(currencies=(currency,)), max_size=3))),
        created_at=created,
        changed_at=_after(created, timedelta(minutes=draw(st.integers(0, 10**5)))),
        version=draw(st.integers(1, 1000)),
    )


def _catalog_strategies() -> dict[type[Any], st.SearchStrategy[Any]]:
    """The catalog's and the deal documents' models and their strategies."""
    registered: dict[type[Any], st.SearchStrategy[Any]] = {
        ProductGroup: product_groups(),
        Product: products(),
        PriceType: price_types(),
        Price: prices(),
        StockLevel: stock_levels(),
        LineItem: line_items(),
        CommercialOffer: commercial_offers(),
        SupplierOrder: supplier_orders(),
        CostLine: cost_lines(),
        BusinessPlan: business_plans(),
    }
    events = (*CATALOG_EVENTS, *DEAL_DOCUMENT_EVENTS)
    registered.update({cls: domain_events(classes=(cls,)) for cls in events})
    return registered
