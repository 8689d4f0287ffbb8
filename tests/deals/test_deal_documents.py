"""Deal documents: commercial offers built from the line items under the agreement and
numbered per deal, the gate that reads them, supplier orders and the business plan."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import attrs
import pytest
from deal_samples import NOW, opened

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
from crmcore.deals import (
    BUILTIN_GATES,
    TYPICAL_SALE,
    BusinessPlan,
    CommercialOffer,
    CostLine,
    Deal,
    DealStatus,
    DocumentKind,
    GateContext,
    OfferStatus,
    SupplierOrderLine,
    SupplierOrderStatus,
    accept_offer,
    cancel_supplier_order,
    decline_offer,
    line_item,
    offer_email,
    place_supplier_order,
    plan_business,
    receive_supplier_order,
    register_offer,
    report_actuals,
    send_offer,
    set_line_items,
)
from crmcore.errors import DomainValidationError, InvalidTransitionError
from crmcore.ids import AgreementId, DealId, PartnerId
from crmcore.memory import MemoryPriceList, MemorySalesHistory
from crmcore.money import Money
from crmcore.partners import Partner, PartnerKind, PartnerRole

LATER = NOW + timedelta(hours=1)
RUB = "RUB"
CLIENT = Partner(
    id=PartnerId("p-1"),
    kind=PartnerKind.LEGAL_ENTITY,
    roles=frozenset({PartnerRole.CLIENT}),
    short_name="Ромашка",
    segment="A",
    created_at=NOW,
)
SUPPLIER = attrs.evolve(
    CLIENT, id=PartnerId("s-1"), short_name="Насосы Оптом", roles=frozenset({PartnerRole.SUPPLIER})
)
AGREEMENT = Agreement(
    id=AgreementId("ind-1"),
    kind=AgreementKind.INDIVIDUAL,
    name="Ромашка 2026",
    status=AgreementStatus.APPROVED,
    valid_from=date(2026, 1, 1),
    valid_to=date(2026, 12, 31),
    partner_id=CLIENT.id,
    base_id=AgreementId("typ-1"),
    overrides=ConditionOverrides(),
    conditions=SalesConditions(
        currency=RUB,
        price_type="wholesale",
        payment_form=PaymentForm.BANK_TRANSFER,
        taxation=Taxation(regime=TaxRegime.VAT_ON_TOP, rate=Decimal(20)),
        delivery=DeliveryTerms(method=DeliveryMethod.PICKUP),
        discount=Decimal(5),
        max_manager_discount=Decimal(10),
    ),
    created_at=NOW,
)


def prices() -> MemoryPriceList:
    found = MemoryPriceList()
    found.set("wholesale", "pump", Money.of("10000", RUB), since=date(2026, 1, 1))
    found.set("wholesale", "seal", Money.of("100", RUB), since=date(2026, 1, 1))
    return found


def with_items() -> Deal:
    items = [
        line_item("pump", quantity=Decimal(2), unit_price=Money.of("10000", RUB)),
        line_item(
            "seal", quantity=Decimal(10), unit_price=Money.of("100", RUB), discount=Decimal(12)
        ),
    ]
    return set_line_items(opened(TYPICAL_SALE), items, now=NOW).entity


def offer(
    deal: Deal | None = None, *, previous: tuple[CommercialOffer, ...] = ()
) -> CommercialOffer:
    return register_offer(
        deal or with_items(),
        partner=CLIENT,
        agreement=AGREEMENT,
        prices=prices(),
        history=MemorySalesHistory(),
        now=LATER,
        previous=previous,
        offer_id=f"o-{len(previous) + 1}",
    ).entity


def test_an_offer_is_priced_by_the_agreement_and_linked_to_its_deal() -> None:
    deal = with_items()
    outcome = register_offer(
        deal,
        partner=CLIENT,
        agreement=AGREEMENT,
        prices=prices(),
        history=MemorySalesHistory(),
        now=LATER,
        offer_id="o-1",
    )
    registered = outcome.entity
    # The pump gets the agreement's 5%, the seal the item's own 12%.
    assert [line.price for line in registered.quote.lines] == [
        Money.of("9500.00", RUB),
        Money.of("88.00", RUB),
    ]
    assert registered.total == Money.of("19880.00", RUB)
    assert (registered.number, registered.status) == (1, OfferStatus.REGISTERED)
    assert outcome.deal.entity.linked(DocumentKind.COMMERCIAL_OFFER) == (registered.ref,)
    assert [e.name for e in (*outcome.events, *outcome.deal.events)] == [
        "commercial_offer.registered",
        "deal.changed",
    ]


def test_offers_are_numbered_one_after_another() -> None:
    first = offer()
    second = offer(previous=(first,))
    assert (first.number, second.number) == (1, 2)


def test_an_offer_needs_items_an_open_deal_and_the_deals_partner() -> None:
    bare = opened(TYPICAL_SALE)
    with pytest.raises(DomainValidationError, match="no line items"):
        offer(bare)
    won = attrs.evolve(with_items(), status=DealStatus.WON, closed_at=NOW)
    with pytest.raises(InvalidTransitionError):
        offer(won)
    with pytest.raises(DomainValidationError, match="is not the partner"):
        register_offer(
            with_items(),
            partner=SUPPLIER,
            agreement=AGREEMENT,
            prices=prices(),
            history=MemorySalesHistory(),
            now=LATER,
        )


def test_an_item_discount_above_the_agreements_most_is_refused() -> None:
    greedy = line_item(
        "pump", quantity=Decimal(1), unit_price=Money.of("1", RUB), discount=Decimal(40)
    )
    deal = set_line_items(opened(TYPICAL_SALE), [greedy], now=NOW).entity
    with pytest.raises(DomainValidationError, match="at most 15"):
        offer(deal)


def test_an_offer_is_sent_then_accepted_or_declined_and_no_more() -> None:
    sent = send_offer(offer(), now=LATER).entity
    assert (sent.status, sent.sent_at, sent.version) == (OfferStatus.SENT, LATER, 2)
    accepted = accept_offer(sent, now=LATER).entity
    assert (accepted.status, accepted.decided_at) == (OfferStatus.ACCEPTED, LATER)
    with pytest.raises(InvalidTransitionError):
        decline_offer(accepted, now=LATER)
    declined = decline_offer(offer(), now=LATER, reason="Дорого").entity
    assert (declined.status, declined.decline_reason) == (OfferStatus.DECLINED, "Дорого")
    with pytest.raises(DomainValidationError):
        send_offer(offer(), now=NOW - timedelta(days=1))


def test_the_offer_email_renders_the_quote() -> None:
    rendered = offer_email(offer(), partner_name="Ромашка", manager="Иванов")
    assert rendered.subject == "Commercial offer o-1"
    assert "Dear Ромашка" in rendered.body
    assert "19880.00 RUB" in rendered.body


def test_the_gate_reads_the_deals_offers() -> None:
    gate = BUILTIN_GATES["commercial_offer_registered"]
    deal = with_items()
    registered = offer(deal)
    linked = attrs.evolve(deal, documents=(registered.ref,))
    assert gate(linked, GateContext(), None) is None
    assert gate(deal, GateContext(), None) == "no commercial offer is registered for the deal"
    assert gate(deal, GateContext(offers=(registered,)), None) is None
    declined = decline_offer(registered, now=LATER).entity
    assert gate(linked, GateContext(offers=(declined,)), None) == (
        "every commercial offer of the deal was declined"
    )
    # A linked offer the context does not hold is a quote the host keeps itself.
    assert gate(linked, GateContext(offers=()), None) is None
    assert gate(deal, GateContext(offers=()), None) == (
        "no commercial offer is registered for the deal"
    )


def order_lines() -> list[SupplierOrderLine]:
    return [
        SupplierOrderLine(product_id="pump", quantity=Decimal(2), price=Money.of("7000.5", RUB))
    ]


def test_a_supplier_order_is_placed_linked_received_or_cancelled() -> None:
    deal = with_items()
    outcome = place_supplier_order(
        deal, supplier=SUPPLIER, lines=order_lines(), now=LATER, order_id="so-1",
        expected_on=date(2026, 3, 20),
    )  # fmt: skip
    order = outcome.entity
    assert (order.total, order.status) == (Money.of("14001.00", RUB), SupplierOrderStatus.PLACED)
    assert outcome.deal.entity.linked(DocumentKind.SUPPLIER_ORDER) == (order.ref,)
    received = receive_supplier_order(order, now=LATER).entity
    assert (received.status, received.changed_at) == (SupplierOrderStatus.RECEIVED, LATER)
    with pytest.raises(InvalidTransitionError):
        cancel_supplier_order(received, now=LATER)
    assert cancel_supplier_order(order, now=LATER).entity.status is SupplierOrderStatus.CANCELLED


def test_a_supplier_order_names_every_problem() -> None:
    with pytest.raises(DomainValidationError) as raised:
        place_supplier_order(with_items(), supplier=CLIENT, lines=[], now=LATER, order_id="bad id")
    assert sorted(v.field for v in raised.value.violations) == ["id", "lines", "supplier"]
    mixed = [
        *order_lines(),
        SupplierOrderLine(product_id="x", quantity=Decimal(1), price=Money.of("1", "EUR")),
    ]
    with pytest.raises(DomainValidationError, match="one currency"):
        place_supplier_order(with_items(), supplier=SUPPLIER, lines=mixed, now=LATER)
    with pytest.raises(DomainValidationError) as raised:
        place_supplier_order(
            with_items(), supplier=SUPPLIER, lines=mixed, now=LATER, order_id="bad id"
        )
    assert raised.value.fields == ("id", "lines")  # the currencies beside the bad id


COSTS = (
    CostLine(name="Закупка", amount=Money.of("14001", RUB)),
    CostLine(name="Доставка", amount=Money.of("999", RUB)),
)


def test_the_business_plan_puts_costs_beside_the_revenue_from_the_items() -> None:
    deal = with_items()
    outcome = plan_business(deal, costs=COSTS, now=LATER)
    plan = outcome.entity
    assert (plan.id, plan.planned_revenue) == (deal.id, Money.of("20880.00", RUB))
    assert (plan.planned_margin, plan.planned_margin_percent) == (
        Money.of("5880.00", RUB),
        Decimal("28.2"),
    )
    assert outcome.deal.entity.linked(DocumentKind.BUSINESS_PLAN) == (plan.ref,)
    assert plan.actual_margin is None
    actual = report_actuals(
        plan, revenue=Money.of("20000", RUB), costs=(COSTS[0],), now=LATER
    ).entity
    assert (actual.actual_margin, actual.version) == (Money.of("5999", RUB), 2)


def test_planning_again_keeps_the_actuals_and_an_unchanged_plan_stays() -> None:
    deal = with_items()
    plan = plan_business(deal, costs=COSTS, now=LATER).entity
    actual = report_actuals(plan, revenue=Money.of("1", RUB), costs=(), now=LATER).entity
    replanned = plan_business(deal, costs=COSTS[:1], now=LATER, plan=actual).entity
    assert (replanned.planned_costs, replanned.actual_revenue) == (COSTS[:1], Money.of("1", RUB))
    same = plan_business(deal, costs=COSTS[:1], now=LATER, plan=replanned)
    assert same.entity is replanned
    assert same.events == ()


def test_a_plan_needs_revenue_costs_in_its_currency_and_its_own_deal() -> None:
    with pytest.raises(DomainValidationError, match="neither line items nor an amount"):
        plan_business(opened(TYPICAL_SALE), costs=(), now=LATER)
    euro = (CostLine(name="x", amount=Money.of("1", "EUR")),)
    with pytest.raises(DomainValidationError, match="planned revenue's currency"):
        plan_business(with_items(), costs=euro, now=LATER)
    other = BusinessPlan(
        id=DealId("d-9"), planned_revenue=Money.of("1", RUB), created_at=LATER, changed_at=LATER
    )
    with pytest.raises(DomainValidationError, match="not the plan of this deal"):
        plan_business(with_items(), costs=(), now=LATER, plan=other)
    by_hand = opened(TYPICAL_SALE, amount=Money.of("500", RUB))
    assert plan_business(by_hand, costs=(), now=LATER).entity.planned_revenue == by_hand.amount


def test_documents_keep_their_invariants() -> None:
    registered = offer()
    with pytest.raises(DomainValidationError):
        attrs.evolve(registered, status=OfferStatus.SENT)
    with pytest.raises(DomainValidationError):
        attrs.evolve(registered, decline_reason="x")
    with pytest.raises(DomainValidationError):
        attrs.evolve(registered, id="o-other")
    with pytest.raises(DomainValidationError):
        BusinessPlan(
            id=DealId("d-1"),
            planned_revenue=Money.of("1", RUB),
            actual_revenue=Money.of("1", "EUR"),
            created_at=LATER,
            changed_at=datetime(2020, 1, 1, tzinfo=UTC),
        )
    assert registered.last_changed_at == LATER
