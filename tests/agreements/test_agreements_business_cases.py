"""Business cases of agreements as accountants and sales managers meet them: instalments,
quoted prices, the lowest price a manager may go to, currencies and back-dated documents."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import attrs
import pytest
from agreement_samples import (
    NOW,
    PARTNER,
    PRODUCT,
    active,
    conditions,
    conforming_document,
    price_list,
    typical,
)

from crmcore.agreements import (
    PaymentBasis,
    PaymentSchedule,
    PaymentStage,
    QuoteItem,
    build_quote,
    check_sales_document,
    close,
    edit_agreement,
    expire,
    lowest_price,
)
from crmcore.errors import DomainValidationError
from crmcore.memory import MemorySalesHistory
from crmcore.money import Money, Rounding

SCHEDULE = PaymentSchedule(
    stages=(
        PaymentStage(basis=PaymentBasis.ORDER, percent=Decimal(30), days=3),
        PaymentStage(basis=PaymentBasis.SHIPMENT, percent=Decimal(70), days=14),
    )
)


def test_an_order_of_10_000_01_pays_3_000_00_up_front_and_7_000_01_after_shipment() -> None:
    prepayment, rest = SCHEDULE.due_dates(
        date(2026, 3, 2), date(2026, 3, 10), Money.of("10000.01", "RUB")
    )
    assert (prepayment.amount, rest.amount) == (
        Money.of("3000.00", "RUB"), Money.of("7000.01", "RUB"),
    )  # fmt: skip
    assert (prepayment.due_date, rest.due_date) == (date(2026, 3, 5), date(2026, 3, 24))


def test_99_99_less_5_percent_is_quoted_94_99_and_its_plan_follows_the_quote() -> None:
    quote = build_quote(
        PARTNER, active(conditions()), [QuoteItem(product=PRODUCT, quantity=Decimal(1))],
        prices=price_list(Money.of("99.99", "RUB")), history=MemorySalesHistory(), now=NOW,
    )  # fmt: skip
    (line,) = quote.lines
    assert line.price == Money.of("94.99", "RUB")
    assert quote.total == Money.of("94.99", "RUB")


def test_an_individual_agreement_rounding_to_whole_roubles_half_up_quotes_95() -> None:
    terms = conditions(rounding=Rounding(digits=0))
    quote = build_quote(
        PARTNER, active(terms), [QuoteItem(product=PRODUCT, quantity=Decimal(1))],
        prices=price_list(Money.of("99.99", "RUB")), history=MemorySalesHistory(), now=NOW,
    )  # fmt: skip
    assert quote.lines[0].price == Money.of("95", "RUB")


def test_a_line_at_91_99_passes_when_the_lowest_price_is_91_99_and_91_98_names_91_99() -> None:
    # 99.99 less at most 8% is 91.9908 exactly; half-up to the kopeck, 91.99.
    agreement = active(conditions(discount=Decimal(0), max_manager_discount=Decimal(8)))
    prices = price_list(Money.of("99.99", "RUB"))
    assert lowest_price(Money.of("99.99", "RUB"), agreement.conditions) == Money.of(  # type: ignore[arg-type]
        "91.99", "RUB"
    )

    def report(price: str) -> tuple[str, ...]:
        document = conforming_document(agreement, Money.of(price, "RUB"))
        found = check_sales_document(document, agreement, prices=prices, now=NOW)
        return tuple(f"{v.code}:{v.expected}" for v in found.violations)

    assert report("92.00") == ()
    assert report("91.99") == ()
    assert report("91.98") == ("price_below_minimum:91.99 RUB",)


def test_a_quote_at_the_largest_discount_is_a_price_the_compliance_check_accepts() -> None:
    agreement = active(conditions(discount=Decimal(0), max_manager_discount=Decimal(8)))
    prices = price_list(Money.of("99.99", "RUB"))
    quote = build_quote(
        PARTNER, agreement, [QuoteItem(product=PRODUCT, quantity=Decimal(1), discount=Decimal(8))],
        prices=prices, history=MemorySalesHistory(), now=NOW,
    )  # fmt: skip
    quoted = quote.lines[0].price
    document = conforming_document(agreement, quoted, discount=Decimal(0))
    assert check_sales_document(document, agreement, prices=prices, now=NOW).codes == frozenset()


def test_conditions_in_a_code_that_is_no_currency_are_refused() -> None:
    with pytest.raises(DomainValidationError) as caught:
        attrs.evolve(conditions(), currency="RUS", minimum_order=None)
    assert "currency" in [violation.field for violation in caught.value.violations]


def test_a_december_invoice_entered_in_january_passes_under_the_expired_agreement() -> None:
    january = datetime(2027, 1, 12, 10, tzinfo=UTC)
    expired = expire(active(conditions()), now=january).entity
    prices = price_list(Money.of("100.00", "RUB"))
    invoice = conforming_document(expired, Money.of("100.00", "RUB"), day=date(2026, 12, 28))
    assert check_sales_document(invoice, expired, prices=prices, now=january).codes == frozenset()
    closed = close(expired, now=january, reason="superseded").entity
    assert check_sales_document(invoice, closed, prices=prices, now=january).codes == frozenset()
    late = conforming_document(expired, Money.of("100.00", "RUB"), day=date(2027, 1, 11))
    assert (
        "agreement_not_active"
        in check_sales_document(late, expired, prices=prices, now=january).codes
    )


def test_a_draft_edited_ten_days_before_it_was_created_is_refused_naming_now() -> None:
    draft = typical()
    with pytest.raises(DomainValidationError) as refused:
        edit_agreement(draft, changes={"name": "Dealers 2026 bis"}, now=NOW - timedelta(days=10))
    assert refused.value.field == "now"
    assert edit_agreement(draft, changes={"name": "Dealers 2026 bis"}, now=NOW).entity.version == 2
