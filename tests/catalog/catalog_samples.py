"""Samples the catalog tests share: a client, an agreement in force, and a small catalog."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from crmcore.agreements import (
    Agreement,
    AgreementKind,
    AgreementStatus,
    ConditionOverrides,
    DeliveryMethod,
    DeliveryTerms,
    PaymentForm,
    SalesConditions,
    Taxation,
    TaxRegime,
)
from crmcore.catalog import Price, PriceType, Product, ProductGroup, ProductKind, StockLevel
from crmcore.ids import AgreementId, PartnerId
from crmcore.memory import MemorySalesHistory
from crmcore.memory.catalog import MemoryCatalog
from crmcore.money import Money, Rounding
from crmcore.partners import Partner, PartnerKind, PartnerRole

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
TODAY = NOW.date()
CLIENT = Partner(
    id=PartnerId("p-1"),
    kind=PartnerKind.LEGAL_ENTITY,
    roles=frozenset({PartnerRole.CLIENT}),
    short_name="Ромашка",
    segment="A",
    created_at=NOW,
)
SUPPLIER = Partner(
    id=PartnerId("s-1"),
    kind=PartnerKind.LEGAL_ENTITY,
    roles=frozenset({PartnerRole.SUPPLIER}),
    short_name="Насосы Оптом",
    created_at=NOW,
)
WHOLESALE = PriceType(id="wholesale", name="Опт", currency="RUB")


def conditions(*, rounding: Rounding | None = None) -> SalesConditions:
    """Wholesale prices in RUB, 5% off, a manager may give 10 points more, VAT on top."""
    return SalesConditions(
        currency="RUB",
        price_type="wholesale",
        payment_form=PaymentForm.BANK_TRANSFER,
        taxation=Taxation(regime=TaxRegime.VAT_ON_TOP, rate=Decimal(20)),
        delivery=DeliveryTerms(method=DeliveryMethod.PICKUP),
        discount=Decimal(5),
        max_manager_discount=Decimal(10),
        rounding=rounding or Rounding(),
    )


def agreement(*, rounding: Rounding | None = None) -> Agreement:
    """An approved individual agreement of :data:`CLIENT` for 2026."""
    return Agreement(
        id=AgreementId("ind-1"),
        kind=AgreementKind.INDIVIDUAL,
        name="Ромашка 2026",
        status=AgreementStatus.APPROVED,
        valid_from=date(2026, 1, 1),
        valid_to=date(2026, 12, 31),
        partner_id=CLIENT.id,
        base_id=AgreementId("typ-1"),
        overrides=ConditionOverrides(),
        conditions=conditions(rounding=rounding),
        created_at=NOW,
    )


GROUPS = (
    ProductGroup(id="pumps", name="Насосы"),
    ProductGroup(id="parts", name="Комплектующие", parent_id="pumps"),
)
PUMP = Product(id="pump", name="Насос К-50", group_id="pumps", image="img/pump.png")
SEAL = Product(
    id="seal",
    name="Уплотнение",
    kind=ProductKind.COMPONENT,
    group_id="parts",
    min_price=Money.of("95", "RUB"),
)


def catalog() -> MemoryCatalog:
    """The two groups and products, wholesale prices since 2026 (the pump's dearer from
    March 10), and stock in two warehouses."""
    stored = MemoryCatalog()
    for group in GROUPS:
        stored.add_group(group)
    stored.add(PUMP)
    stored.add(SEAL)
    stored.add_price_type(WHOLESALE)
    for product, amount, since in (
        ("pump", "10000", date(2026, 1, 1)),
        ("pump", "11000", date(2026, 3, 10)),
        ("seal", "100", date(2026, 1, 1)),
    ):
        price = Price(
            product_id=product,
            price_type="wholesale",
            valid_from=since,
            price=Money.of(amount, "RUB"),
        )
        stored.set_price(price)
    for warehouse, quantity in (("msk", "12"), ("spb", "3")):
        stored.report_stock(
            StockLevel(
                product_id="pump", warehouse=warehouse, quantity=Decimal(quantity), as_of=NOW
            )
        )
    return stored


def history() -> MemorySalesHistory:
    """The client bought the pump at 9 300 RUB in February."""
    sales = MemorySalesHistory()
    sales.record(CLIENT.id, "pump", Money.of("9300", "RUB"), sold_on=date(2026, 2, 10))
    return sales
