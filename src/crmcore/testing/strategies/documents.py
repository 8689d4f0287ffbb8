"""Strategies for the documents of the agreements area: past sales, sales documents,
compliance reports, quotes, quote templates and email drafts.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from hypothesis import strategies as st

from crmcore.agreements import (
    PLACEHOLDERS,
    BodyFormat,
    ComplianceReport,
    ComplianceViolation,
    DeliveryMethod,
    DocumentLine,
    EmailDraft,
    PackagingItem,
    PastSale,
    PaymentForm,
    PlannedPayment,
    Quote,
    QuoteItem,
    QuoteLine,
    QuoteTemplate,
    SalesDocument,
    SalesDocumentKind,
    ViolationCode,
)
from crmcore.ids import AgreementId, PartnerId
from crmcore.money import Money
from crmcore.testing.strategies._common import (
    _NAMES,
    _WORD,
    Choices,
    _free_text,
    _strategy,
    aware_datetimes,
    identifiers,
)
from crmcore.testing.strategies.agreements import (
    _AGREEMENT_CURRENCIES,
    _AGREEMENT_DAYS,
    _PRICE_TYPES,
    _PRODUCTS,
    _percent,
    taxations,
)
from crmcore.testing.strategies.contacts import emails
from crmcore.testing.strategies.kernel import entity_refs, money

__all__ = [
    "compliance_reports",
    "compliance_violations",
    "email_drafts",
    "past_sales",
    "quote_templates",
    "quotes",
    "sales_documents",
]


def _agreement_money(currency: str) -> st.SearchStrategy[Money]:
    return money(currencies=(currency,), min_value=0, max_value=10**5)


def past_sales() -> st.SearchStrategy[PastSale]:
    """What a client paid before for a product."""
    return st.builds(
        PastSale,
        product=st.sampled_from(_PRODUCTS),
        price=money(min_value=0, max_value=10**5),
        sold_on=_AGREEMENT_DAYS,
        document=st.none() | entity_refs(),
    )


@st.composite
def sales_documents(
    draw: st.DrawFn, *, currencies: Choices[str] = _AGREEMENT_CURRENCIES
) -> SalesDocument:
    """Orders, invoices and shipments whose money is all in the document's currency."""
    currency = draw(_strategy(currencies))
    day = draw(_AGREEMENT_DAYS)
    lines = st.builds(
        DocumentLine,
        product=st.sampled_from(_PRODUCTS),
        quantity=_percent(1, 100, places=0),
        price=_agreement_money(currency),
        discount=_percent(-10, 50),
    )
    plan = st.builds(PlannedPayment, due_date=_AGREEMENT_DAYS, amount=_agreement_money(currency))
    packaging = st.builds(
        PackagingItem, item=st.sampled_from(("pallet", "crate")), quantity=st.integers(1, 20)
    )
    return SalesDocument(
        kind=draw(st.sampled_from(tuple(SalesDocumentKind))),
        number=draw(st.from_regex(r"[A-Z]{2}-[0-9]{1,6}", fullmatch=True)),
        date=day,
        partner_id=PartnerId(draw(identifiers())),
        agreement_id=draw(st.none() | identifiers().map(AgreementId)),
        currency=currency,
        payment_form=draw(st.sampled_from(tuple(PaymentForm))),
        taxation=draw(taxations()),
        lines=tuple(draw(st.lists(lines, min_size=1, max_size=4))),
        payment_plan=tuple(draw(st.lists(plan, max_size=3))),
        shipment_date=draw(st.none() | st.integers(0, 30).map(lambda n: day + timedelta(n))),
        delivery_method=draw(st.sampled_from(tuple(DeliveryMethod))),
        delivery_address=draw(st.none() | _free_text(max_size=100)),
        contract=draw(st.none() | entity_refs()),
        packaging=tuple(draw(st.lists(packaging, max_size=2))),
    )


def compliance_violations() -> st.SearchStrategy[ComplianceViolation]:
    """Violations with built-in or plugin codes."""
    codes = st.sampled_from(tuple(code.value for code in ViolationCode)) | _NAMES
    return st.builds(
        ComplianceViolation,
        code=codes,
        field=st.sampled_from(("currency", "lines[0].price", "payment_plan[1]", "contract")),
        message=_free_text(max_size=80),
        expected=st.none() | _free_text(max_size=40),
        actual=st.none() | _free_text(max_size=40),
    )


def compliance_reports() -> st.SearchStrategy[ComplianceReport]:
    """Reports of a check with any few violations."""
    return st.builds(
        ComplianceReport,
        document=st.from_regex(r"(order|invoice|shipment) [A-Z]{2}-[0-9]{1,6}", fullmatch=True),
        agreement_id=identifiers(),
        checked_at=aware_datetimes(),
        violations=st.lists(compliance_violations(), max_size=3).map(tuple),
    )


@st.composite
def quotes(draw: st.DrawFn, *, currencies: Choices[str] = _AGREEMENT_CURRENCIES) -> Quote:
    """Quotes whose lines and total are in one currency (not recomputed from each other)."""
    currency = draw(_strategy(currencies))
    amounts = _agreement_money(currency)
    line = st.builds(
        QuoteLine,
        product=st.sampled_from(_PRODUCTS),
        quantity=_percent(1, 100, places=0),
        list_price=amounts,
        discount=_percent(0, 30),
        price=amounts,
        minimum_price=amounts,
        amount=amounts,
        last_sale=st.none() | past_sales(),
    )
    return Quote(
        id=draw(identifiers()),
        partner_id=PartnerId(draw(identifiers())),
        agreement_id=AgreementId(draw(identifiers())),
        created_at=draw(aware_datetimes()),
        valid_until=draw(st.none() | _AGREEMENT_DAYS),
        price_type=draw(st.sampled_from(_PRICE_TYPES)),
        taxation=draw(taxations()),
        lines=tuple(draw(st.lists(line, max_size=3))),
        total=draw(amounts),
    )


def quote_templates() -> st.SearchStrategy[QuoteTemplate]:
    """Templates naming known placeholders among plain words, in text or HTML."""
    pieces = st.sampled_from(sorted(f"${name}" for name in PLACEHOLDERS)) | _WORD
    return st.builds(
        QuoteTemplate,
        subject=st.lists(pieces, min_size=1, max_size=3).map(" ".join),
        body=st.lists(pieces, min_size=1, max_size=8).map("\n".join),
        body_format=st.sampled_from(tuple(BodyFormat)),
    )


def email_drafts() -> st.SearchStrategy[EmailDraft]:
    """Email drafts with attachments by reference."""
    return st.builds(
        EmailDraft,
        to=st.lists(emails(), min_size=1, max_size=2).map(tuple),
        subject=_free_text(max_size=100),
        body=_free_text(max_size=300, multiline=True),
        body_format=st.sampled_from(tuple(BodyFormat)),
        attachments=st.lists(entity_refs(), max_size=2).map(tuple),
        regarding=st.none() | entity_refs(),
    )


def _document_strategies() -> dict[type[Any], st.SearchStrategy[Any]]:
    """The documents of the agreements area and their strategies, for the setup hook."""
    return {
        PastSale: past_sales(),
        SalesDocument: sales_documents(),
        DocumentLine: sales_documents().map(lambda document: document.lines[0]),
        ComplianceViolation: compliance_violations(),
        ComplianceReport: compliance_reports(),
        Quote: quotes(),
        QuoteItem: st.builds(
            QuoteItem,
            product=st.sampled_from(_PRODUCTS),
            quantity=_percent(1, 100, places=0),
            discount=st.none() | _percent(0, 30),
        ),
        QuoteTemplate: quote_templates(),
        EmailDraft: email_drafts(),
    }
