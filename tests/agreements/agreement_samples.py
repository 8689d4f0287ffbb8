"""Sample agreements, conditions, prices and documents shared by the agreements' tests."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import ROUND_CEILING, Decimal
from typing import Any

import attrs

from crmcore.agreements import (
    Agreement,
    AgreementKind,
    AgreementStatus,
    ConditionOverrides,
    DeliveryMethod,
    DeliveryTerms,
    DocumentLine,
    OverrideLimits,
    PackagingItem,
    PaymentBasis,
    PaymentForm,
    PaymentSchedule,
    PaymentStage,
    PlannedPayment,
    SalesConditions,
    SalesDocument,
    SalesDocumentKind,
    Taxation,
    TaxRegime,
    create_individual_agreement,
    create_typical_agreement,
    discounted,
    minimum_price,
)
from crmcore.ids import AgreementId, EntityRef, PartnerId
from crmcore.memory import MemoryPriceList
from crmcore.money import Money
from crmcore.partners import Partner, PartnerKind, PartnerRole

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
TODAY = NOW.date()
PRODUCT = "tea-green"
PARTNER = Partner(
    id=PartnerId("p-1"),
    kind=PartnerKind.LEGAL_ENTITY,
    roles=frozenset({PartnerRole.CLIENT, PartnerRole.DEALER}),
    short_name="Ромашка",
    segment="A",
    created_at=NOW,
)


def conditions(**changes: Any) -> SalesConditions:
    """Typical conditions: RUB, wholesale prices, bank transfer, VAT 20% included, 5% off
    with 10 more points for managers, 30% prepayment and the rest 14 days after shipment."""
    base = SalesConditions(
        currency="RUB",
        price_type="wholesale",
        payment_form=PaymentForm.BANK_TRANSFER,
        taxation=Taxation(regime=TaxRegime.VAT_INCLUDED, rate=Decimal(20)),
        delivery=DeliveryTerms(method=DeliveryMethod.OUR_DELIVERY, address_required=True),
        payment_schedule=PaymentSchedule(
            stages=(
                PaymentStage(basis=PaymentBasis.ORDER, percent=Decimal(30), days=3),
                PaymentStage(basis=PaymentBasis.SHIPMENT, percent=Decimal(70), days=14),
            )
        ),
        discount=Decimal(5),
        max_manager_discount=Decimal(10),
        contract_required=True,
        returnable_packaging=True,
        minimum_order=Money.of("1000.00", "RUB"),
    )
    return attrs.evolve(base, **changes)


def typical(**changes: Any) -> Agreement:
    """A draft typical agreement for dealers and clients for 2026 over :func:`conditions`."""
    agreement = create_typical_agreement(
        name="Dealers 2026",
        conditions=conditions(),
        valid_from=date(2026, 1, 1),
        valid_to=date(2026, 12, 31),
        limits=OverrideLimits(max_extra_discount=Decimal(3)),
        agreement_id=AgreementId("typ-1"),
        now=NOW,
    ).entity
    return attrs.evolve(agreement, **changes)


def approved_typical(**changes: Any) -> Agreement:
    """:func:`typical`, approved."""
    return typical(status=AgreementStatus.APPROVED, **changes)


def individual(base: Agreement | None = None, **overrides: Any) -> Agreement:
    """A draft individual agreement of :data:`PARTNER` on ``base`` with ``overrides``."""
    return create_individual_agreement(
        name="Ромашка 2026",
        partner=PARTNER,
        base=base or approved_typical(),
        overrides=ConditionOverrides(**overrides),
        agreement_id=AgreementId("ind-1"),
        now=NOW,
    ).entity


def active(agreement_conditions: SalesConditions) -> Agreement:
    """An approved individual agreement of :data:`PARTNER` with these conditions in force."""
    return Agreement(
        id=AgreementId("ind-9"),
        kind=AgreementKind.INDIVIDUAL,
        name="In force",
        status=AgreementStatus.APPROVED,
        valid_from=date(2026, 1, 1),
        valid_to=date(2026, 12, 31),
        partner_id=PARTNER.id,
        base_id=AgreementId("typ-1"),
        overrides=ConditionOverrides(),
        conditions=agreement_conditions,
        created_at=NOW,
    )


def price_list(price: Money, *, price_type: str = "wholesale") -> MemoryPriceList:
    """A price list with ``price`` for :data:`PRODUCT` since 2020."""
    prices = MemoryPriceList()
    prices.set(price_type, PRODUCT, price, since=date(2020, 1, 1))
    return prices


def conforming_document(
    agreement: Agreement,
    list_price: Money,
    *,
    price: Money | None = None,
    discount: Decimal | None = None,
    quantity: Decimal | None = None,
    currency: str | None = None,
    day: date = date(2026, 3, 2),
) -> SalesDocument:
    """An order that keeps every condition of ``agreement`` for one line of :data:`PRODUCT`
    whose price type price is ``list_price``; the keywords deviate from it on purpose. The
    quantity meets the minimum order at the line's net price, and the payment plan follows
    the schedule for the resulting total."""
    terms = agreement.conditions
    assert terms is not None
    currency = currency or terms.currency
    line_price = price or list_price
    line_price = Money(amount=line_price.amount, currency=currency)
    line_discount = terms.discount if discount is None else discount
    net = discounted(line_price, line_discount).amount
    minimum = terms.minimum_order.amount if terms.minimum_order else Decimal(0)
    enough = (minimum / net).to_integral_value(ROUND_CEILING) + 1 if net else Decimal(1)
    count = quantity or enough
    line = DocumentLine(product=PRODUCT, quantity=count, price=line_price, discount=line_discount)
    shipment = day.replace(day=min(day.day + 5, 28))
    document = SalesDocument(
        kind=SalesDocumentKind.ORDER,
        number="ORD-1",
        date=day,
        partner_id=PARTNER.id,
        agreement_id=agreement.id,
        currency=currency,
        payment_form=_payment_form(terms.payment_form),
        taxation=terms.taxation,
        lines=(line,),
        shipment_date=shipment,
        delivery_method=terms.delivery.method,
        delivery_address="Москва, Тверская, 1" if terms.delivery.address_required else None,
        contract=EntityRef(entity_type="contract", entity_id="c-1")
        if terms.contract_required
        else None,
        packaging=(PackagingItem(item="pallet", quantity=2),) if terms.returnable_packaging else (),
    )
    return attrs.evolve(document, payment_plan=planned(document, terms))


def planned(document: SalesDocument, terms: SalesConditions) -> tuple[PlannedPayment, ...]:
    """The payment plan the schedule of ``terms`` gives ``document`` (none without one)."""
    if terms.payment_schedule is None:
        return ()
    return tuple(
        PlannedPayment(due_date=due.due_date, amount=Money(amount=due.amount.amount,
                                                           currency=document.currency))
        for due in terms.payment_schedule.due_dates(
            document.date, document.shipped_on, document.total
        )
    )  # fmt: skip


def lowest_net(list_price: Money, terms: SalesConditions) -> Money:
    """The lowest allowed net price, unrounded."""
    return minimum_price(list_price, terms)


def _payment_form(form: PaymentForm) -> PaymentForm:
    return PaymentForm.CASH if form is PaymentForm.ANY else form
