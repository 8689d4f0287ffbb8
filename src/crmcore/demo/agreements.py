"""The demo's agreements chapter: a typical and an individual agreement created, submitted,
rejected once and approved through the CRM; the conditions in force, a quote with past
prices, an email draft, and a document that breaks three conditions."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Final

from crmcore.agreements import (
    Agreement,
    Audience,
    ConditionOverrides,
    DeliveryMethod,
    DeliveryTerms,
    DocumentLine,
    OverrideLimits,
    PaymentBasis,
    PaymentForm,
    PaymentSchedule,
    PaymentStage,
    QuoteItem,
    SalesConditions,
    SalesDocument,
    SalesDocumentKind,
    Taxation,
    TaxRegime,
    build_quote,
    check_sales_document,
    effective_conditions,
    quote_email,
)
from crmcore.app.commands import (
    ApproveAgreement,
    CreateIndividualAgreement,
    CreateTypicalAgreement,
    RejectAgreement,
    SubmitAgreement,
)
from crmcore.demo.story import Story
from crmcore.demo.world import table
from crmcore.events import primitive
from crmcore.ids import PartnerId
from crmcore.memory import MemoryPriceList, MemorySalesHistory
from crmcore.money import Money
from crmcore.partners import PartnerRole

__all__ = ["INDIVIDUAL", "chapter"]

INDIVIDUAL: Final = "romashka-individual"
"""The id of ООО «Ромашка»'s individual agreement, which its deals link."""

_PRICES: Final = (("tea-green", "1200.00"), ("tea-black", "950.00"), ("cups-set", "2400.00"))
_PAST_SALES: Final = (("tea-green", "1090.00", 40), ("cups-set", "2150.00", 75))


def _conditions() -> SalesConditions:
    return SalesConditions(
        currency="RUB",
        price_type="wholesale",
        payment_form=PaymentForm.BANK_TRANSFER,
        taxation=Taxation(regime=TaxRegime.VAT_INCLUDED, rate=Decimal(20)),
        delivery=DeliveryTerms(method=DeliveryMethod.OUR_DELIVERY, address_required=True),
        payment_schedule=PaymentSchedule(
            stages=(
                PaymentStage(basis=PaymentBasis.ORDER, percent=Decimal(30), days=3),
                PaymentStage(basis=PaymentBasis.DAY_OF_MONTH, percent=Decimal(70), day_of_month=31),
            ),
            shift_to_working_day=True,
        ),
        discount=Decimal(5),
        max_manager_discount=Decimal(7),
        contract_required=True,
        minimum_order=Money.of("20000.00", "RUB"),
    )


def chapter(story: Story) -> Iterator[str]:
    """Agreements created and approved through commands, a quote, and a document checked."""
    now = story.now
    at = now - timedelta(days=25)
    start, end = date(now.year, 1, 1), date(now.year, 12, 31)
    typical = CreateTypicalAgreement(
        title=f"Wholesale clients {now.year}", conditions=_conditions(),
        valid_from=start, valid_to=end, agreement_id="wholesale",
        audience=Audience(roles=frozenset({PartnerRole.CLIENT, PartnerRole.DEALER})),
        limits=OverrideLimits(max_extra_discount=Decimal(3)),
    )  # fmt: skip
    individual = CreateIndividualAgreement(
        title=f"ООО «Ромашка» {now.year}", partner_id="romashka", base_id="wholesale",
        agreement_id=INDIVIDUAL,
        overrides=ConditionOverrides(discount=Decimal(8), payment_form=PaymentForm.CASH),
    )  # fmt: skip
    steps = (
        (typical, "olga"),
        (SubmitAgreement(agreement_id="wholesale"), "olga"),
        (ApproveAgreement(agreement_id="wholesale"), "olga"),
        (individual, "anna"),
        (SubmitAgreement(agreement_id=INDIVIDUAL), "anna"),
        (RejectAgreement(agreement_id=INDIVIDUAL, reason="Нужна подпись директора"), "olga"),
        (SubmitAgreement(agreement_id=INDIVIDUAL), "anna"),
        (ApproveAgreement(agreement_id=INDIVIDUAL), "olga"),
    )
    for number, (command, actor) in enumerate(steps):
        story.run(command, actor=actor, at=at + timedelta(hours=number))
    base, own = story.crm.get("agreement", "wholesale"), story.crm.get("agreement", INDIVIDUAL)
    yield from _agreements_told(base, own)
    prices = _price_list(start)
    yield from _quote_told(story, own, prices)
    yield from _check_told(own, prices, now)


def _agreements_told(typical: Agreement, individual: Agreement) -> Iterator[str]:
    validity = typical.validity_text()
    yield f"Typical agreement {typical.name!r} ({validity}) is {typical.status.value}."
    log = " -> ".join(entry.status_to.value for entry in individual.history)
    yield f"Individual agreement {individual.name!r}: draft -> {log}"
    yield f"  rejected once: {individual.history[1].reason}"
    yield ""
    yield "Its conditions in force and where each comes from:"
    effective = effective_conditions(individual, base=typical)
    shown = ("price_type", "payment_form", "discount", "max_manager_discount", "minimum_order")
    rows = [
        [name, _text(getattr(effective.conditions, name)), effective.sources[name].value]
        for name in shown
    ]
    yield from table(["condition", "value", "from"], rows)


def _text(value: object) -> str:
    shown = primitive(value)
    if isinstance(shown, dict):
        return f"{shown['amount']} {shown['currency']}"
    return str(shown)


def _price_list(start: date) -> MemoryPriceList:
    prices = MemoryPriceList()
    for product, price in _PRICES:
        prices.set("wholesale", product, Money.of(price, "RUB"), since=start - timedelta(days=365))
    return prices


def _quote_told(story: Story, agreement: Agreement, prices: MemoryPriceList) -> Iterator[str]:
    now = story.now
    history = MemorySalesHistory()
    for product, price, days_ago in _PAST_SALES:
        sold_on = now.date() - timedelta(days=days_ago)
        history.record(PartnerId("romashka"), product, Money.of(price, "RUB"), sold_on=sold_on)
    client = story.crm.get("partner", "romashka")
    items = [
        QuoteItem(product="tea-green", quantity=Decimal(20)),
        QuoteItem(product="tea-black", quantity=Decimal(10), discount=Decimal(12)),
        QuoteItem(product="cups-set", quantity=Decimal(5)),
    ]
    quote = build_quote(
        client, agreement, items, prices=prices, history=history, now=now, quote_id="Q-1"
    )
    yield ""
    yield "A quote with the client's last prices beside ours:"
    rows = [
        [line.product, str(line.quantity), str(line.list_price.amount), f"{line.discount}%",
         str(line.price.amount), str(line.minimum_price.amount), str(line.amount.amount),
         f"{line.last_sale.price.amount} on {line.last_sale.sold_on}" if line.last_sale else "-"]
        for line in quote.lines
    ]  # fmt: skip
    headers = ["product", "qty", "list", "discount", "price", "lowest", "amount", "paid before"]
    yield from table(headers, rows)
    yield f"Total: {quote.total}"
    email = client.emails[0] if client.emails else "sales@example.com"
    draft = quote_email(quote, to=[email], partner_name=client.short_name, manager="Анна Иванова")
    attached = ", ".join(str(ref) for ref in draft.attachments)
    yield f"Email draft to {draft.to[0]}: {draft.subject!r}, attached {attached}"


def _check_told(agreement: Agreement, prices: MemoryPriceList, now: datetime) -> Iterator[str]:
    order = SalesDocument(
        kind=SalesDocumentKind.ORDER,
        number="ORD-42",
        date=now.date(),
        partner_id=PartnerId("romashka"),
        agreement_id=agreement.id,
        currency="RUB",
        payment_form=PaymentForm.CARD,
        taxation=Taxation(regime=TaxRegime.VAT_INCLUDED, rate=Decimal(20)),
        lines=(
            DocumentLine(
                product="tea-green",
                quantity=Decimal(20),
                price=Money.of("1200.00", "RUB"),
                discount=Decimal(8),
            ),
        ),
        delivery_method=DeliveryMethod.OUR_DELIVERY,
    )
    report = check_sales_document(order, agreement, prices=prices, now=now)
    yield ""
    yield f"Order {order.number} breaks {len(report.violations)} conditions:"
    rows = [[v.code, v.field, v.expected or "", v.actual or "-"] for v in report.violations]
    yield from table(["code", "field", "expected", "actual"], rows)
