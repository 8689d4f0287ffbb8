"""Comparisons of catalog repositories and of the deals' document repositories."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Final

from hypothesis import settings as Settings  # noqa: N812 - the class, beside the argument name
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from crmcore.agreements.conditions import Taxation
from crmcore.agreements.kinds import TaxRegime
from crmcore.agreements.quotes import Quote
from crmcore.catalog.kinds import ProductKind
from crmcore.catalog.model import Price, Product, StockLevel
from crmcore.catalog.repository import CatalogRepository
from crmcore.deals.documents import (
    BusinessPlan,
    CommercialOffer,
    CostLine,
    SupplierOrder,
    SupplierOrderLine,
)
from crmcore.deals.kinds import OfferStatus, SupplierOrderStatus
from crmcore.deals.repository import (
    BusinessPlanRepository,
    CommercialOfferRepository,
    SupplierOrderRepository,
)
from crmcore.ids import AgreementId, DealId, PartnerId
from crmcore.memory.catalog import MemoryCatalog
from crmcore.memory.deal_documents import (
    MemoryBusinessPlanRepository,
    MemoryCommercialOfferRepository,
    MemorySupplierOrderRepository,
)
from crmcore.money import Money
from crmcore.testing.stateful._common import (
    _CREATED_AT,
    _NAMES,
    _comparison,
    _ids,
    _VersionedCalls,
    _zoned,
)

__all__ = [
    "business_plan_repository_comparison",
    "catalog_repository_comparison",
    "commercial_offer_repository_comparison",
    "supplier_order_repository_comparison",
]

_GROUPS: Final = (None, "pumps", "parts")
_PRICE_TYPES: Final = ("wholesale", "retail")
_WAREHOUSES: Final = ("msk", "spb", "MSK")
_DAYS: Final = tuple(date(2026, 1, 1) + timedelta(days=step * 15) for step in range(5))
_moments = _zoned(st.sampled_from((0, 1, 2, 30)).map(lambda h: _CREATED_AT + timedelta(hours=h)))

_products = st.builds(
    Product,
    id=_ids,
    name=st.sampled_from(_NAMES),
    kind=st.sampled_from(tuple(ProductKind)),
    group_id=st.sampled_from(_GROUPS),
    version=st.integers(min_value=1, max_value=3),
)
_prices = st.builds(
    Price,
    product_id=_ids,
    price_type=st.sampled_from(_PRICE_TYPES),
    valid_from=st.sampled_from(_DAYS),
    price=st.sampled_from(("0", "99.90", "100")).map(lambda amount: Money.of(amount, "RUB")),
)
_stock = st.builds(
    StockLevel,
    product_id=_ids,
    warehouse=st.sampled_from(_WAREHOUSES),
    quantity=st.sampled_from((Decimal(0), Decimal("2.5"), Decimal(7))),
    as_of=_moments,
)


class _CatalogRepositoryCalls(_VersionedCalls[CatalogRepository], entities=_products):
    """The calls compared on the reference and the subject catalog."""

    @rule(group_id=st.sampled_from(_GROUPS), kind=st.none() | st.sampled_from(tuple(ProductKind)))
    def find(self, group_id: str | None, kind: ProductKind | None) -> None:
        self.compare(lambda repository: repository.find(group_id=group_id, kind=kind))

    @rule(price=_prices)
    def set_price(self, price: Price) -> None:
        self.compare(lambda repository: repository.set_price(price))

    @rule(
        price_type=st.sampled_from(_PRICE_TYPES),
        product=_ids,
        on=st.sampled_from(_DAYS).map(lambda day: day + timedelta(days=1)) | st.sampled_from(_DAYS),
    )
    def price(self, price_type: str, product: str, on: date) -> None:
        self.compare(lambda repository: repository.price(price_type, product, on))

    @rule(level=_stock)
    def report_stock(self, level: StockLevel) -> None:
        self.compare(lambda repository: repository.report_stock(level))

    @rule(product=_ids)
    def stock_and_prices(self, product: str) -> None:
        self.compare(
            lambda repository: (repository.stock_of(product), repository.prices_of(product))
        )

    @invariant()
    def same_products(self) -> None:
        self.compare(lambda repository: (list(repository.iterate()), repository.count()))


def catalog_repository_comparison(
    make_repository: Callable[[], CatalogRepository], *, settings: Settings | None = None
) -> type[RuleBasedStateMachine]:
    """A state machine comparing ``make_repository()`` with ``MemoryCatalog``."""
    return _comparison(_CatalogRepositoryCalls, MemoryCatalog, make_repository, settings)


@st.composite
def _orders(draw: st.DrawFn) -> SupplierOrder:
    status = draw(st.sampled_from(tuple(SupplierOrderStatus)))
    return SupplierOrder(
        id=draw(_ids),
        deal_id=DealId(draw(st.sampled_from(("d-1", "d-2")))),
        supplier_id=PartnerId(draw(st.sampled_from(("s-1", "s-2")))),
        lines=(
            SupplierOrderLine(product_id="pump", quantity=Decimal(1), price=Money.of("1", "RUB")),
        ),
        status=status,
        created_at=draw(_moments),
        changed_at=None if status is SupplierOrderStatus.PLACED else _CREATED_AT,
        version=draw(st.integers(min_value=1, max_value=3)),
    )


class _SupplierOrderRepositoryCalls(_VersionedCalls[SupplierOrderRepository], entities=_orders()):
    """The calls compared on the reference and the subject supplier order repository."""

    @rule(deal_id=st.sampled_from(("d-1", "d-2")).map(DealId))
    def of_deal(self, deal_id: DealId) -> None:
        self.compare(lambda repository: repository.of_deal(deal_id))

    @invariant()
    def same_orders(self) -> None:
        self.compare(
            lambda repository: (
                repository.of_supplier(PartnerId("s-1")),
                repository.of_supplier(PartnerId("s-2")),
                repository.count(),
            )
        )


def supplier_order_repository_comparison(
    make_repository: Callable[[], SupplierOrderRepository], *, settings: Settings | None = None
) -> type[RuleBasedStateMachine]:
    """A state machine comparing ``make_repository()`` with ``MemorySupplierOrderRepository``."""
    return _comparison(
        _SupplierOrderRepositoryCalls, MemorySupplierOrderRepository, make_repository, settings
    )


def _quote(quote_id: str) -> Quote:
    total = Money.of("100", "RUB")
    return Quote(
        id=quote_id,
        partner_id=PartnerId("p-1"),
        agreement_id=AgreementId("a-1"),
        created_at=_CREATED_AT,
        price_type="wholesale",
        taxation=Taxation(regime=TaxRegime.EXEMPT),
        lines=(),
        total=total,
    )


@st.composite
def _offers(draw: st.DrawFn) -> CommercialOffer:
    offer_id = draw(_ids)
    status = draw(st.sampled_from(tuple(OfferStatus)))
    decided = status in {OfferStatus.ACCEPTED, OfferStatus.DECLINED}
    return CommercialOffer(
        id=offer_id,
        deal_id=DealId(draw(st.sampled_from(("d-1", "d-2")))),
        number=draw(st.integers(min_value=1, max_value=3)),
        quote=_quote(offer_id),
        status=status,
        created_at=_CREATED_AT,
        sent_at=_CREATED_AT if status is OfferStatus.SENT else None,
        decided_at=_CREATED_AT if decided else None,
        version=draw(st.integers(min_value=1, max_value=3)),
    )


class _CommercialOfferRepositoryCalls(
    _VersionedCalls[CommercialOfferRepository], entities=_offers()
):
    """The calls compared on the reference and the subject offer repository: a deal's offer
    numbers collide often, so that a second offer of one number is refused on both."""

    @invariant()
    def same_offers(self) -> None:
        self.compare(
            lambda repository: (
                repository.of_deal(DealId("d-1")),
                repository.of_deal(DealId("d-2")),
                repository.count(),
            )
        )


def commercial_offer_repository_comparison(
    make_repository: Callable[[], CommercialOfferRepository], *, settings: Settings | None = None
) -> type[RuleBasedStateMachine]:
    """A state machine comparing ``make_repository()`` with
    ``MemoryCommercialOfferRepository``."""
    return _comparison(
        _CommercialOfferRepositoryCalls, MemoryCommercialOfferRepository, make_repository, settings
    )


_plans = st.builds(
    BusinessPlan,
    id=_ids.map(DealId),
    planned_revenue=st.sampled_from(("0", "100", "250.50")).map(lambda a: Money.of(a, "RUB")),
    planned_costs=st.sampled_from(((), (CostLine(name="Закупка", amount=Money.of("70", "RUB")),))),
    created_at=st.just(_CREATED_AT),
    changed_at=st.just(_CREATED_AT),
    version=st.integers(min_value=1, max_value=3),
)


class _BusinessPlanRepositoryCalls(_VersionedCalls[BusinessPlanRepository], entities=_plans):
    """The calls compared on the reference and the subject business plan repository."""

    @invariant()
    def same_count(self) -> None:
        self.compare(lambda repository: repository.count())


def business_plan_repository_comparison(
    make_repository: Callable[[], BusinessPlanRepository], *, settings: Settings | None = None
) -> type[RuleBasedStateMachine]:
    """A state machine comparing ``make_repository()`` with ``MemoryBusinessPlanRepository``."""
    return _comparison(
        _BusinessPlanRepositoryCalls, MemoryBusinessPlanRepository, make_repository, settings
    )
