"""The quote builder, its templates and the email draft it hands to the host."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import attrs
import pytest
from agreement_samples import NOW, PARTNER, PRODUCT, active, conditions, price_list, typical

from crmcore.agreements import (
    DEFAULT_HTML_TEMPLATE,
    DEFAULT_TEXT_TEMPLATE,
    BodyFormat,
    EmailDraft,
    Quote,
    QuoteItem,
    QuoteTemplate,
    build_quote,
    quote_email,
    render_quote,
)
from crmcore.errors import AgreementNotApplicableError, DomainValidationError
from crmcore.ids import EntityRef
from crmcore.memory import MemorySalesHistory
from crmcore.money import Money, Rounding
from crmcore.serialization import make_converter

LIST_PRICE = Money.of("120.00", "RUB")


def history() -> MemorySalesHistory:
    sales = MemorySalesHistory()
    sales.record(PARTNER.id, PRODUCT, Money.of("99.00", "RUB"), sold_on=date(2025, 11, 3))
    sales.record(
        PARTNER.id, PRODUCT, Money.of("104.50", "RUB"), sold_on=date(2026, 2, 10),
        document=EntityRef(entity_type="shipment", entity_id="SH-7"),
    )  # fmt: skip
    sales.record(PARTNER.id, PRODUCT, Money.of("1.00", "RUB"), sold_on=date(2026, 4, 1))
    return sales


def test_a_quote_prices_lines_under_the_agreement_beside_the_last_prices() -> None:
    built = build_quote(
        PARTNER,
        active(conditions()),
        [QuoteItem(product=PRODUCT, quantity=Decimal(10)),
         QuoteItem(product=PRODUCT, quantity=Decimal(3), discount=Decimal("15"))],
        prices=price_list(LIST_PRICE), history=history(), now=NOW, quote_id="q-1",
    )  # fmt: skip
    first, second = built.lines
    assert (first.list_price, first.discount, first.price) == (
        LIST_PRICE, Decimal(5), Money.of("114.00", "RUB"),
    )  # fmt: skip
    assert first.minimum_price == Money.of("102.00", "RUB")
    assert first.amount == Money.of("1140.00", "RUB")
    assert second.price == Money.of("102.00", "RUB")
    assert first.last_sale is not None
    assert (first.last_sale.price, first.last_sale.sold_on) == (
        Money.of("104.50", "RUB"), date(2026, 2, 10),
    )  # fmt: skip
    assert built.total == Money.of("1446.00", "RUB")
    assert built.valid_until == date(2026, 12, 31)
    assert built.ref == EntityRef(entity_type="commercial_offer", entity_id="q-1")


def test_5_percent_off_99_99_is_quoted_94_99_so_the_client_gets_the_whole_discount() -> None:
    built = build_quote(
        PARTNER, active(conditions()), [QuoteItem(product=PRODUCT, quantity=Decimal(3))],
        prices=price_list(Money.of("99.99", "RUB")), history=history(), now=NOW,
    )  # fmt: skip
    (line,) = built.lines
    assert line.price == Money.of("94.99", "RUB")
    assert line.amount == built.total == Money.of("284.97", "RUB")


def test_an_agreement_that_rounds_to_whole_roubles_quotes_whole_roubles() -> None:
    terms = conditions(rounding=Rounding(digits=0))
    built = build_quote(
        PARTNER, active(terms), [QuoteItem(product=PRODUCT, quantity=Decimal("1.5"))],
        prices=price_list(Money.of("99.99", "RUB")), history=history(), now=NOW,
    )  # fmt: skip
    (line,) = built.lines
    assert (line.price, line.minimum_price, line.amount) == (
        Money.of("95", "RUB"), Money.of("85", "RUB"), Money.of("143", "RUB"),
    )  # fmt: skip


def test_a_discount_above_the_limit_and_an_unpriced_product_are_all_named() -> None:
    with pytest.raises(DomainValidationError) as raised:
        build_quote(
            PARTNER, active(conditions()),
            [QuoteItem(product=PRODUCT, quantity=Decimal(1), discount=Decimal(16)),
             QuoteItem(product="unknown", quantity=Decimal(1))],
            prices=price_list(LIST_PRICE), history=history(), now=NOW,
        )  # fmt: skip
    assert raised.value.fields == ("items[0].discount", "items[1].product")
    with pytest.raises(DomainValidationError) as raised:
        build_quote(
            PARTNER, active(conditions()), [], prices=price_list(LIST_PRICE),
            history=history(), now=NOW,
        )  # fmt: skip
    assert raised.value.field == "items"
    with pytest.raises(DomainValidationError) as raised:
        build_quote(
            PARTNER, active(conditions()), [{"product": PRODUCT}],
            prices=price_list(LIST_PRICE), history=history(), now=NOW,
        )  # fmt: skip
    assert raised.value.field == "items[0]"


def test_only_an_active_agreement_for_the_partner_can_be_quoted() -> None:
    items = [QuoteItem(product=PRODUCT, quantity=Decimal(1))]
    with pytest.raises(AgreementNotApplicableError) as raised:
        build_quote(
            PARTNER, typical(), items, prices=price_list(LIST_PRICE), history=history(), now=NOW
        )
    assert raised.value.agreement_id == "typ-1"
    assert "draft" in raised.value.reason
    stranger = attrs.evolve(PARTNER, id="p-2")
    with pytest.raises(AgreementNotApplicableError) as raised:
        build_quote(
            stranger, active(conditions()), items, prices=price_list(LIST_PRICE),
            history=history(), now=NOW,
        )  # fmt: skip
    assert "p-2" in raised.value.reason


def sample_quote() -> Quote:
    return build_quote(
        PARTNER, active(conditions()), [QuoteItem(product=PRODUCT, quantity=Decimal(10))],
        prices=price_list(LIST_PRICE), history=history(), now=NOW, quote_id="q-1",
    )  # fmt: skip


def test_a_text_template_renders_the_lines_as_a_table() -> None:
    rendered = render_quote(
        sample_quote(),
        DEFAULT_TEXT_TEMPLATE,
        partner_name="Ромашка",
        manager="Иван",
    )
    assert rendered.subject == "Commercial offer q-1"
    assert "Dear Ромашка," in rendered.body
    assert "tea-green  10        114.00  5           1140.00" in rendered.body
    assert "Total: 1140.00 RUB" in rendered.body
    assert rendered.body.endswith("Иван")


def test_html_templates_escape_every_value() -> None:
    rendered = render_quote(
        sample_quote(), DEFAULT_HTML_TEMPLATE,
        partner_name='<script>alert("x")</script>',
    )  # fmt: skip
    assert "<script>" not in rendered.body
    assert "&lt;script&gt;" in rendered.body
    assert "<td>tea-green</td>" in rendered.body


@pytest.mark.parametrize(
    "body",
    ["${partner.__class__}", "$__import__", "{partner}", "Price: $5", "${total"],
)
def test_templates_hold_placeholders_only(body: str) -> None:
    if body == "{partner}":
        assert QuoteTemplate(subject="s", body=body).placeholders() == frozenset()
        return
    with pytest.raises(DomainValidationError) as raised:
        QuoteTemplate(subject="s", body=body)
    assert raised.value.field == "body"


def test_the_email_draft_attaches_the_quote_and_round_trips() -> None:
    built = sample_quote()
    draft = quote_email(
        built, to=[" Anna@Romashka.RU "], partner_name="Ромашка",
        template=DEFAULT_HTML_TEMPLATE,
        attachments=[EntityRef(entity_type="invoice", entity_id="INV-1")],
    )  # fmt: skip
    assert [str(email) for email in draft.to] == ["Anna@romashka.ru"]
    assert draft.body_format is BodyFormat.HTML
    assert [str(ref) for ref in draft.attachments] == ["commercial_offer:q-1", "invoice:INV-1"]
    assert str(draft.regarding) == "partner:p-1"
    converter = make_converter()
    data = json.loads(json.dumps(converter.unstructure(draft)))
    assert converter.structure(data, EmailDraft) == draft
    assert EmailDraft.name == "email.draft"
    with pytest.raises(DomainValidationError) as raised:
        quote_email(built, to=["ok@example.com", "not an email"], partner_name="x")
    assert raised.value.field == "to[1]"
