"""The catalog and the deals' documents through CRM.execute: every command end to end, the
price form, the "sell" button with its e-mail in the outbox, and typed refusals that change
nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import attrs
import pytest
from catalog_samples import agreement

from crmcore.agreements import Agreement
from crmcore.app import CRM, Settings, Store
from crmcore.app.commands import (
    AcceptOffer,
    AddPriceType,
    CancelSupplierOrder,
    CreateProduct,
    CreateProductGroup,
    DeclineOffer,
    EditDeal,
    EditProduct,
    MoveDeal,
    OpenDeal,
    PlaceSupplierOrder,
    PlanBusiness,
    ReceiveSupplierOrder,
    RegisterOffer,
    RegisterPartner,
    ReportActuals,
    ReportStock,
    Sell,
    SendOffer,
    SetLineItems,
    SetPrice,
)
from crmcore.app.handlers.catalog import OFFER_EMAIL
from crmcore.catalog import PriceType, ProductDraft, ProductKind, StockLevel
from crmcore.deals import (
    CostLine,
    DealDraft,
    DocumentKind,
    OfferStatus,
    ProductPick,
    SupplierOrderLine,
    SupplierOrderStatus,
)
from crmcore.errors import CRMError, DomainValidationError, EntityNotFoundError
from crmcore.ids import EntityRef, UserId
from crmcore.memory import MemoryStore
from crmcore.memory.app import memory_repositories
from crmcore.money import Money
from crmcore.partners import PartnerDraft, PartnerKind, PartnerRole
from crmcore.rules import EmailToClient, Member, Staff

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SETTINGS = Settings(staff=Staff(members=(Member(user=UserId("anna")),)))
RUB = "RUB"


class Desk:
    """A CRM with a catalog, a client under an agreement, and an open deal linked to it."""

    def __init__(self, store: Store | None = None) -> None:
        self.store = store or MemoryStore()
        self.crm = CRM(self.store, settings=SETTINGS)
        self.now = NOW
        client = PartnerDraft(
            kind=PartnerKind.LEGAL_ENTITY, roles=[PartnerRole.CLIENT], short_name="Ромашка",
            emails=["zakupki@romashka.ru"],
        )  # fmt: skip
        self.client = self.run(RegisterPartner(draft=client, partner_id="p-1"))
        supplier = PartnerDraft(
            kind=PartnerKind.LEGAL_ENTITY, roles=[PartnerRole.SUPPLIER], short_name="Насосы Оптом"
        )
        self.run(RegisterPartner(draft=supplier, partner_id="s-1"))
        self.agreement: Agreement = agreement()
        with self.store.unit_of_work() as repositories:
            repositories.agreements.add(self.agreement)
        self.deal = self.run(
            OpenDeal(
                draft=DealDraft(
                    title="Насосы", partner_id="p-1", responsible_manager="anna",
                    documents=[EntityRef(entity_type="agreement", entity_id=self.agreement.id)],
                ),
                pipeline_id="typical_sale", deal_id="d-1",
            )
        )  # fmt: skip

    def run(self, command: Any) -> Any:
        self.now += timedelta(minutes=1)
        return self.crm.execute(command, actor="anna", now=self.now).result

    def stock(self) -> None:
        self.run(CreateProductGroup(title="Насосы", group_id="pumps"))
        self.run(CreateProductGroup(title="Комплектующие", parent_id="pumps", group_id="parts"))
        self.run(
            CreateProduct(
                draft=ProductDraft(name="Насос К-50", group_id="pumps", image="img/k50.png"),
                product_id="pump",
            )
        )
        self.run(
            CreateProduct(
                draft=ProductDraft(
                    name="Уплотнение", kind=ProductKind.COMPONENT, group_id="parts",
                    min_price=Money.of("95", RUB),
                ),
                product_id="seal",
            )
        )  # fmt: skip
        self.run(AddPriceType(price_type=PriceType(id="wholesale", name="Опт", currency=RUB)))
        for product, amount in (("pump", "10000"), ("seal", "100")):
            self.run(
                SetPrice(
                    product_id=product, price_type="wholesale", price=Money.of(amount, RUB),
                    valid_from=date(2026, 1, 1),
                )
            )  # fmt: skip
        level = StockLevel(product_id="pump", warehouse="msk", quantity=Decimal(12), as_of=NOW)
        self.run(ReportStock(level=level))


PICKS = (
    ProductPick(product_id="pump", quantity=Decimal(2)),
    ProductPick(product_id="seal", quantity=Decimal(10), discount=Decimal(2)),
)


@pytest.fixture
def desk() -> Desk:
    desk = Desk()
    desk.stock()
    return desk


def test_the_price_form_shows_the_tree_stock_prices_and_images(desk: Desk) -> None:
    form = desk.crm.price_form("p-1", now=desk.now)
    assert [node.group.id for node in form.tree] == ["pumps"]
    pump, seal = form.lines
    assert pump.product.image == "img/k50.png"
    assert [(s.warehouse, s.quantity) for s in pump.stock] == [("msk", Decimal(12))]
    assert pump.price is not None
    assert (pump.price.recommended, pump.price.minimum) == (
        Money.of("9500.00", RUB),
        Money.of("8500.00", RUB),
    )
    assert seal.price is not None
    assert seal.price.minimum == Money.of("95.00", RUB)
    named = desk.crm.price_form("p-1", now=desk.now, agreement_id=desk.agreement.id)
    assert named == form
    only_parts = desk.crm.price_form("p-1", now=desk.now, group_id="parts")
    assert [line.product.id for line in only_parts.lines] == ["seal"]


def test_sell_prices_the_picks_registers_the_offer_and_mails_it(desk: Desk) -> None:
    executed = desk.crm.execute(
        Sell(deal_id="d-1", items=PICKS, offer_id="o-1"), actor="anna", now=desk.now
    )
    offer = executed.result
    assert (offer.number, offer.status) == (1, OfferStatus.SENT)
    (message,) = executed.outbox
    assert message.command.rule_id == OFFER_EMAIL
    assert message.command.caused_by == "commercial_offer:o-1"
    action = message.command.action
    assert isinstance(action, EmailToClient)
    assert action.subject == "Commercial offer o-1"
    assert "Dear Ромашка" in action.body
    assert [r.address for r in message.recipients] == ["zakupki@romashka.ru"]
    deal = desk.crm.get("deal", "d-1")
    # 5% off the pump, the seal at the manager's 2%; VAT on top is kept on each item.
    assert deal.amount == Money.of("19980.00", RUB)
    assert [item.tax for item in deal.line_items] == [
        Money.of("3800.00", RUB),
        Money.of("196.00", RUB),
    ]
    assert deal.linked(DocumentKind.COMMERCIAL_OFFER) == (offer.ref,)
    assert desk.crm.outbox.pending()[0].id == message.id


def test_the_offer_opens_the_gate_and_is_accepted_or_declined(desk: Desk) -> None:
    desk.run(SetLineItems(deal_id="d-1", items=PICKS))
    first = desk.run(RegisterOffer(deal_id="d-1", offer_id="o-1"))
    second = desk.run(RegisterOffer(deal_id="d-1", agreement_id=desk.agreement.id))
    assert (first.number, second.number) == (1, 2)
    sent = desk.run(SendOffer(offer_id="o-1"))
    assert sent.status is OfferStatus.SENT
    assert desk.run(AcceptOffer(offer_id="o-1")).status is OfferStatus.ACCEPTED
    assert desk.run(DeclineOffer(offer_id=second.id, reason="Дорого")).decline_reason == "Дорого"
    documents = desk.crm.deal_documents("d-1")
    assert [o.number for o in documents.offers] == [1, 2]


def test_the_gate_reads_the_stored_offers(desk: Desk) -> None:
    manual = "manual_sale"
    deal = desk.run(
        OpenDeal(
            draft=DealDraft(
                title="Уплотнения", partner_id="p-1", responsible_manager="anna",
                documents=[EntityRef(entity_type="agreement", entity_id=desk.agreement.id)],
            ),
            pipeline_id=manual, deal_id="d-2",
        )
    )  # fmt: skip
    desk.run(SetLineItems(deal_id=deal.id, items=PICKS))
    offer = desk.run(RegisterOffer(deal_id=deal.id))
    desk.run(DeclineOffer(offer_id=offer.id))
    executed = desk.crm.execute(
        MoveDeal(deal_id=deal.id, stage="negotiation"), actor="anna", now=desk.now
    )
    assert "every commercial offer of the deal was declined" in [
        w.message for w in executed.warnings
    ]


def test_an_edit_of_the_amount_of_a_deal_with_items_is_refused(desk: Desk) -> None:
    deal = desk.run(SetLineItems(deal_id="d-1", items=PICKS))
    with pytest.raises(DomainValidationError, match="follows the deal's line items"):
        desk.run(EditDeal(deal_id="d-1", changes={"amount": Money.of("1", RUB)}))
    assert desk.crm.get("deal", "d-1") == deal
    tagged = desk.run(
        EditDeal(deal_id="d-1", changes={"tags": ["насосы"], "probability": Decimal(60)})
    )
    assert (tagged.tags, tagged.probability) == (frozenset({"насосы"}), Decimal(60))


def test_a_sale_below_the_lowest_price_is_refused_and_changes_nothing(desk: Desk) -> None:
    greedy = (ProductPick(product_id="pump", quantity=Decimal(1), discount=Decimal(20)),)
    before = desk.crm.get("deal", "d-1")
    with pytest.raises(DomainValidationError) as raised:
        desk.run(
            Sell(
                deal_id="d-1", items=(*greedy, ProductPick(product_id="nope", quantity=Decimal(1)))
            )
        )
    assert [v.field for v in raised.value.violations] == [
        "items[0].discount",
        "items[1].product_id",
    ]
    assert desk.crm.get("deal", "d-1") == before
    assert desk.crm.outbox.pending() == []
    assert desk.crm.deal_documents("d-1").offers == ()


def test_supplier_orders_and_the_business_plan_run_end_to_end(desk: Desk) -> None:
    desk.run(SetLineItems(deal_id="d-1", items=PICKS))
    line = SupplierOrderLine(product_id="pump", quantity=Decimal(2), price=Money.of("7000", RUB))
    order = desk.run(
        PlaceSupplierOrder(deal_id="d-1", supplier_id="s-1", lines=[line], order_id="so-1")
    )
    assert desk.run(ReceiveSupplierOrder(order_id=order.id)).status is SupplierOrderStatus.RECEIVED
    other = desk.run(PlaceSupplierOrder(deal_id="d-1", supplier_id="s-1", lines=[line]))
    assert desk.run(CancelSupplierOrder(order_id=other.id)).status is SupplierOrderStatus.CANCELLED
    costs = [CostLine(name="Закупка", amount=Money.of("14000", RUB))]
    plan = desk.run(PlanBusiness(deal_id="d-1", costs=costs))
    assert plan.planned_margin == Money.of("5980.00", RUB)
    again = desk.run(
        PlanBusiness(
            deal_id="d-1", costs=[*costs, CostLine(name="Доставка", amount=Money.of("980", RUB))]
        )
    )
    assert (again.version, again.planned_margin) == (2, Money.of("5000.00", RUB))
    actual = desk.run(ReportActuals(deal_id="d-1", revenue=Money.of("19980", RUB), costs=costs))
    assert actual.actual_margin == Money.of("5980", RUB)
    documents = desk.crm.deal_documents("d-1")
    assert [o.id for o in documents.supplier_orders] == ["so-1", other.id]
    assert documents.business_plan == actual
    deal = desk.crm.get("deal", "d-1")
    assert len(deal.linked(DocumentKind.SUPPLIER_ORDER)) == 2
    assert deal.linked(DocumentKind.BUSINESS_PLAN) == (plan.ref,)


def test_products_are_edited_through_the_catalog(desk: Desk) -> None:
    moved = desk.run(EditProduct(product_id="seal", changes={"group_id": "pumps", "unit": "m"}))
    assert (moved.group_id, moved.unit, moved.version) == ("pumps", "m", 2)
    with pytest.raises(EntityNotFoundError):
        desk.run(EditProduct(product_id="seal", changes={"group_id": "nowhere"}))
    with pytest.raises(EntityNotFoundError):
        desk.run(
            ReportStock(
                level=StockLevel(product_id="x", warehouse="w", quantity=Decimal(1), as_of=NOW)
            )
        )


def test_a_client_without_an_agreement_in_force_needs_one_named(desk: Desk) -> None:
    with desk.store.unit_of_work() as repositories:
        stored = repositories.agreements.get(desk.agreement.id)
        repositories.agreements.save(
            attrs.evolve(stored, valid_to=date(2026, 1, 31), version=stored.version + 1),
            expected_version=stored.version,
        )
    with pytest.raises(DomainValidationError, match="no individual agreement in force"):
        desk.crm.price_form("p-1", now=desk.now)


@pytest.mark.parametrize(
    "command",
    [
        CreateProductGroup(title="G"),
        SetLineItems(deal_id="d-1", items=PICKS),
        RegisterOffer(deal_id="d-1"),
        PlaceSupplierOrder(
            deal_id="d-1",
            supplier_id="s-1",
            lines=[
                SupplierOrderLine(product_id="p", quantity=Decimal(1), price=Money.of("1", RUB))
            ],
        ),
        PlanBusiness(deal_id="d-1"),
        SendOffer(offer_id="o-1"),
    ],
    ids=lambda command: command.name,
)
def test_a_store_without_the_repository_refuses_the_command(command: Any) -> None:
    bare = attrs.evolve(
        memory_repositories(), catalog=None, offers=None, supplier_orders=None, business_plans=None
    )
    desk = Desk(MemoryStore(bare))
    with pytest.raises(DomainValidationError, match="needs a store that keeps"):
        desk.run(command)
    with pytest.raises(CRMError):
        desk.crm.price_form("p-1", now=desk.now)
    assert desk.crm.deal_documents("d-1").offers == ()


def test_a_deal_without_a_linked_agreement_must_name_one(desk: Desk) -> None:
    desk.run(EditDeal(deal_id="d-1", changes={"documents": ()}))
    with pytest.raises(DomainValidationError, match="no agreement is linked"):
        desk.run(SetLineItems(deal_id="d-1", items=PICKS))
    deal = desk.run(SetLineItems(deal_id="d-1", items=PICKS, agreement_id=desk.agreement.id))
    assert deal.amount == Money.of("19980.00", RUB)


def test_sell_runs_on_the_sql_store_too() -> None:
    from crmcore.sql import SqlStore  # noqa: PLC0415 - the SQL extra only here

    store = SqlStore.sqlite(":memory:")
    try:
        desk = Desk(store)
        desk.stock()
        offer = desk.run(Sell(deal_id="d-1", items=PICKS))
        assert desk.crm.deal_documents("d-1").offers == (offer,)
        assert [m.command.caused_by for m in desk.crm.outbox.pending()] == [str(offer.ref)]
    finally:
        store.close()


def test_the_forecast_weights_a_deal_by_its_own_probability(desk: Desk) -> None:
    close = desk.now.date() + timedelta(days=10)
    desk.run(SetLineItems(deal_id="d-1", items=PICKS))
    desk.run(EditDeal(deal_id="d-1", changes={"expected_close": close, "probability": Decimal(80)}))
    desk.run(
        OpenDeal(
            draft=DealDraft(
                title="Без оценки", partner_id="p-1", responsible_manager="anna",
                amount=Money.of("1000", RUB), expected_close=close,
            ),
            pipeline_id="typical_sale", deal_id="d-2",
        )
    )  # fmt: skip
    report = desk.crm.forecast(now=desk.now, days=30)
    assert [(line.deal_id, line.probability) for line in report.upcoming] == [
        ("d-1", Decimal(80)),
        ("d-2", Decimal(5)),
    ]
    assert report.weighted == Money.of("16034.00", RUB)
