"""The compliance check: a document built from the agreement passes, each single deviation
is reported with exactly its code, and plugins add checks."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_UP, Decimal
from importlib.metadata import EntryPoint
from typing import Any

import attrs
import pytest
from agreement_samples import (
    NOW,
    PARTNER,
    PRODUCT,
    active,
    approved_typical,
    conditions,
    conforming_document,
    price_list,
    typical,
)
from hypothesis import assume, given
from hypothesis import strategies as st

from crmcore.agreements import (
    Audience,
    ComplianceContext,
    ComplianceViolation,
    DeliveryMethod,
    PackagingItem,
    PaymentForm,
    PlannedPayment,
    SalesConditions,
    Taxation,
    TaxRegime,
    ViolationCode,
    check_sales_document,
    close,
    compliance_check_problem,
    expire,
    lowest_price,
)
from crmcore.errors import DomainValidationError, PluginError
from crmcore.money import Money, minor_units
from crmcore.partners import PartnerRole
from crmcore.plugins import load
from crmcore.testing.strategies import money, sales_conditions

_OTHER_CURRENCY = {"RUB": "EUR", "USD": "RUB", "EUR": "USD", "JPY": "USD", "KWD": "RUB"}


def _deviate(code: str, terms: SalesConditions, list_price: Money) -> dict[str, Any]:
    """Keywords of :func:`conforming_document` that break exactly one condition."""
    hundred = Decimal(100)
    if code == ViolationCode.DISCOUNT_ABOVE_MAXIMUM:
        above = terms.max_discount + 1
        factor = (hundred - terms.max_discount) / (hundred - above)
        price = (list_price * factor).rounded(rounding=ROUND_UP)
        return {"discount": above, "price": price}
    if code == ViolationCode.PRICE_BELOW_MINIMUM:
        # A line price whose net price at the agreement's discount is one minor unit below
        # the lowest allowed price.
        lowest = lowest_price(list_price, terms)
        step = Decimal(1).scaleb(-minor_units(lowest.currency))
        assume(terms.discount < hundred and lowest.amount >= step)
        below = (lowest.amount - step) * hundred / (hundred - terms.discount)
        # At a price of 0 no quantity meets a minimum order: the order would break two.
        minimum = terms.minimum_order
        assume(below > 0 or minimum is None or not minimum.amount)
        return {"price": Money(amount=below, currency=lowest.currency)}
    if code == ViolationCode.CURRENCY_DIFFERS:
        return {"currency": _OTHER_CURRENCY[terms.currency]}
    if code == ViolationCode.AGREEMENT_NOT_ACTIVE:
        return {"day": date(2027, 1, 4)}
    if code == ViolationCode.MINIMUM_AMOUNT_NOT_MET:
        assume(terms.minimum_order is not None and terms.minimum_order.amount >= 1)
        return {"quantity": Decimal("0.0001")}
    return {}


def _changed_fields(code: str, terms: SalesConditions) -> dict[str, Any]:
    """Fields of a conforming document to change so that it breaks exactly one condition."""
    options: dict[str, tuple[bool, dict[str, Any]]] = {
        ViolationCode.AGREEMENT_MISMATCH: (True, {"agreement_id": "other-agreement"}),
        ViolationCode.PARTNER_NOT_COVERED: (True, {"partner_id": "p-other"}),
        ViolationCode.PAYMENT_FORM_DIFFERS: (
            terms.payment_form is not PaymentForm.ANY,
            {"payment_form": PaymentForm.ANY},
        ),
        ViolationCode.TAX_REGIME_DIFFERS: (
            True,
            {"taxation": Taxation(regime=TaxRegime.VAT_ON_TOP, rate=Decimal(7))},
        ),
        ViolationCode.CONTRACT_MISSING: (terms.contract_required, {"contract": None}),
        ViolationCode.DELIVERY_METHOD_DIFFERS: (
            True,
            {"delivery_method": next(m for m in DeliveryMethod if m is not terms.delivery.method)},
        ),
        ViolationCode.DELIVERY_ADDRESS_MISSING: (
            terms.delivery.address_required,
            {"delivery_address": None},
        ),
        ViolationCode.PACKAGING_NOT_DECLARED: (terms.returnable_packaging, {"packaging": ()}),
    }
    applicable, fields = options[code]
    assume(applicable)
    return fields


_BY_FIELDS = (
    ViolationCode.AGREEMENT_MISMATCH,
    ViolationCode.PARTNER_NOT_COVERED,
    ViolationCode.PAYMENT_FORM_DIFFERS,
    ViolationCode.TAX_REGIME_DIFFERS,
    ViolationCode.CONTRACT_MISSING,
    ViolationCode.DELIVERY_METHOD_DIFFERS,
    ViolationCode.DELIVERY_ADDRESS_MISSING,
    ViolationCode.PACKAGING_NOT_DECLARED,
)
_BY_BUILDING = (
    ViolationCode.DISCOUNT_ABOVE_MAXIMUM,
    ViolationCode.PRICE_BELOW_MINIMUM,
    ViolationCode.CURRENCY_DIFFERS,
    ViolationCode.AGREEMENT_NOT_ACTIVE,
    ViolationCode.MINIMUM_AMOUNT_NOT_MET,
)


@st.composite
def terms_and_price(draw: st.DrawFn) -> tuple[SalesConditions, Money]:
    terms = draw(sales_conditions())
    price = draw(money(currencies=(terms.currency,), min_value=1, max_value=10**4))
    return terms, price


@given(terms_and_price())
def test_a_document_built_from_the_agreement_passes(case: tuple[SalesConditions, Money]) -> None:
    terms, list_price = case
    agreement = active(terms)
    document = conforming_document(agreement, list_price)
    prices = price_list(list_price, price_type=terms.price_type)
    report = check_sales_document(document, agreement, prices=prices, now=NOW)
    assert report.violations == ()
    assert report.passed


@given(terms_and_price(), st.sampled_from(_BY_FIELDS + _BY_BUILDING))
def test_each_single_deviation_is_reported_with_exactly_its_code(
    case: tuple[SalesConditions, Money], code: ViolationCode
) -> None:
    terms, list_price = case
    agreement = active(terms)
    if code in _BY_BUILDING:
        document = conforming_document(agreement, list_price, **_deviate(code, terms, list_price))
    else:
        document = conforming_document(agreement, list_price)
        document = attrs.evolve(document, **_changed_fields(code, terms))
    prices = price_list(list_price, price_type=terms.price_type)
    report = check_sales_document(document, agreement, prices=prices, now=NOW)
    assert report.codes == {code.value}, report.violations


@given(terms_and_price())
def test_a_late_payment_is_reported_as_a_plan_that_differs(
    case: tuple[SalesConditions, Money],
) -> None:
    terms, list_price = case
    assume(terms.payment_schedule is not None)
    agreement = active(terms)
    document = conforming_document(agreement, list_price)
    first, *rest = document.payment_plan
    late = attrs.evolve(first, due_date=first.due_date + timedelta(days=1))
    document = attrs.evolve(document, payment_plan=(late, *rest))
    prices = price_list(list_price, price_type=terms.price_type)
    report = check_sales_document(document, agreement, prices=prices, now=NOW)
    assert report.codes == {"payment_plan_differs"}
    assert [v.field for v in report.violations] == ["payment_plan[0]"]


def test_a_document_breaking_several_conditions_lists_each_with_its_values() -> None:
    agreement = active(conditions())
    list_price = Money.of("100.00", "RUB")
    document = attrs.evolve(
        conforming_document(agreement, list_price, discount=Decimal(20)),
        payment_form=PaymentForm.CASH,
        contract=None,
    )
    report = check_sales_document(document, agreement, prices=price_list(list_price), now=NOW)
    found = {(v.code, v.field, v.expected, v.actual) for v in report.violations}
    assert found == {
        ("payment_form_differs", "payment_form", "bank_transfer", "cash"),
        ("discount_above_maximum", "lines[0].discount", "15", "20"),
        ("price_below_minimum", "lines[0].price", "85.00 RUB", "80.00 RUB"),
        ("contract_missing", "contract", "a contract", None),
    }
    assert str(report.violations[0]).startswith("[payment_form_differs] payment_form:")


def test_the_lowest_price_a_refusal_names_passes_and_a_kopeck_less_does_not() -> None:
    # 99.99 less at most 8% is 91.9908: the agreement's half-up rounding makes it 91.99.
    agreement = active(conditions(discount=Decimal(0), max_manager_discount=Decimal(8)))
    prices = price_list(Money.of("99.99", "RUB"))

    def checked(price: str) -> frozenset[str]:
        document = conforming_document(agreement, Money.of(price, "RUB"))
        return check_sales_document(document, agreement, prices=prices, now=NOW).codes

    refused = conforming_document(agreement, Money.of("91.98", "RUB"))
    (violation,) = check_sales_document(refused, agreement, prices=prices, now=NOW).violations
    assert checked("91.98") == {"price_below_minimum"}
    assert (violation.code, violation.expected, violation.actual) == (
        "price_below_minimum", "91.99 RUB", "91.98 RUB",
    )  # fmt: skip
    assert "91.99 RUB" in violation.message
    assert checked("91.99") == frozenset()


@given(terms_and_price())
def test_a_quote_at_the_largest_discount_passes_the_compliance_check(
    case: tuple[SalesConditions, Money],
) -> None:
    terms, list_price = case
    lowest = lowest_price(list_price, terms)
    agreement = active(attrs.evolve(terms, minimum_order=None))
    document = conforming_document(agreement, list_price, price=lowest, discount=Decimal(0))
    assume(terms.max_discount >= 0)
    report = check_sales_document(
        document, agreement, prices=price_list(list_price, price_type=terms.price_type), now=NOW
    )
    assert ViolationCode.PRICE_BELOW_MINIMUM.value not in report.codes


def test_an_agreement_not_approved_is_not_active() -> None:
    agreement = typical()
    list_price = Money.of("100.00", "RUB")
    document = conforming_document(agreement, list_price)
    report = check_sales_document(document, agreement, prices=price_list(list_price), now=NOW)
    assert report.codes == {"agreement_not_active"}
    assert report.violations[0].actual == "draft on 2026-03-02"


def test_an_invoice_back_dated_into_an_expired_agreements_validity_passes() -> None:
    agreement = active(conditions())
    january_2027 = datetime(2027, 1, 10, 9, tzinfo=UTC)
    expired = expire(agreement, now=january_2027).entity
    list_price = Money.of("100.00", "RUB")
    prices = price_list(list_price)
    december = conforming_document(expired, list_price, day=date(2026, 12, 20))
    report = check_sales_document(december, expired, prices=prices, now=january_2027)
    assert report.codes == frozenset()
    after = conforming_document(expired, list_price, day=date(2027, 1, 5))
    report = check_sales_document(after, expired, prices=prices, now=january_2027)
    assert "agreement_not_active" in report.codes
    closed = close(expired, now=january_2027, reason="replaced").entity
    report = check_sales_document(december, closed, prices=prices, now=january_2027)
    assert report.codes == frozenset()
    assert check_sales_document(
        december, close(typical(), now=NOW).entity, prices=prices, now=january_2027
    ).codes >= {"agreement_not_active"}


def test_a_product_without_a_price_is_reported() -> None:
    agreement = active(conditions())
    list_price = Money.of("100.00", "RUB")
    document = conforming_document(agreement, list_price)
    report = check_sales_document(
        document, agreement, prices=price_list(list_price, price_type="retail"), now=NOW
    )
    assert report.codes == {"price_unknown"}
    assert report.violations[0].field == "lines[0].product"


def test_a_typical_agreement_checks_its_audience_with_the_partner() -> None:
    agreement = approved_typical(audience=Audience(roles=frozenset({PartnerRole.SUPPLIER})))
    list_price = Money.of("100.00", "RUB")
    document = conforming_document(agreement, list_price)
    prices = price_list(list_price)
    report = check_sales_document(document, agreement, prices=prices, now=NOW, partner=PARTNER)
    assert report.codes == {"partner_not_covered"}
    with pytest.raises(DomainValidationError) as raised:
        check_sales_document(document, agreement, prices=prices, now=NOW)
    assert raised.value.field == "partner"
    stranger = attrs.evolve(PARTNER, id="p-2")
    with pytest.raises(DomainValidationError) as raised:
        check_sales_document(document, agreement, prices=prices, now=NOW, partner=stranger)
    assert raised.value.field == "partner"


def _no_discount_on_tea(context: ComplianceContext) -> list[ComplianceViolation]:
    return [
        ComplianceViolation(code="tea_discount", field=f"lines[{i}].discount", message="no")
        for i, line in enumerate(context.document.lines)
        if line.product == PRODUCT and line.discount > 0
    ]


def test_plugins_of_the_compliance_group_run_beside_the_built_in_checks() -> None:
    installed = load("crmcore.compliance", validate=compliance_check_problem)
    plugin = EntryPoint(
        name="tea", value=f"{__name__}:_no_discount_on_tea", group="crmcore.compliance"
    )
    registry = load(
        "crmcore.compliance",
        validate=compliance_check_problem,
        available=[plugin, *(entry for entry in _installed_entry_points())],
    )
    assert set(registry) == {*installed, "tea"}
    agreement = active(conditions(payment_form=PaymentForm.ANY))
    list_price = Money.of("100.00", "RUB")
    document = attrs.evolve(conforming_document(agreement, list_price), contract=None)
    report = check_sales_document(
        document, agreement, prices=price_list(list_price), now=NOW, checks=registry
    )
    assert [v.code for v in report.violations] == ["contract_missing", "tea_discount"]


def _installed_entry_points() -> list[EntryPoint]:
    from importlib.metadata import entry_points  # noqa: PLC0415 - only this test needs it

    return list(entry_points(group="crmcore.compliance"))


def test_a_check_yielding_something_else_is_a_plugin_error() -> None:
    agreement = active(conditions())
    list_price = Money.of("100.00", "RUB")
    document = conforming_document(agreement, list_price)
    with pytest.raises(PluginError) as raised:
        check_sales_document(
            document, agreement, prices=price_list(list_price), now=NOW,
            checks={"broken": lambda context: ["not a violation"]},
        )  # fmt: skip
    assert (raised.value.group, raised.value.name) == ("crmcore.compliance", "broken")
    assert compliance_check_problem("x", 42) is not None


def test_a_report_names_the_document_by_kind_and_number_as_the_host_writes_it() -> None:
    agreement = active(conditions())
    list_price = Money.of("100.00", "RUB")
    document = attrs.evolve(conforming_document(agreement, list_price), number="ЗК-000017")
    report = check_sales_document(document, agreement, prices=price_list(list_price), now=NOW)
    assert (report.document, report.agreement_id, report.checked_at) == (
        "order ЗК-000017", "ind-9", NOW,
    )  # fmt: skip


def test_a_bad_document_names_every_field() -> None:
    agreement = active(conditions())
    document = conforming_document(agreement, Money.of("100.00", "RUB"))
    with pytest.raises(DomainValidationError) as raised:
        attrs.evolve(
            document,
            lines=(),
            shipment_date=date(2026, 3, 1),
            packaging=(PackagingItem(item="pallet", quantity=1),),
            payment_plan=(PlannedPayment(due_date=date(2026, 3, 2), amount=Money.of(1, "EUR")),),
        )
    assert raised.value.fields == ("lines",)
    with pytest.raises(DomainValidationError) as raised:
        attrs.evolve(
            document,
            shipment_date=date(2026, 3, 1),
            payment_plan=(PlannedPayment(due_date=date(2026, 3, 2), amount=Money.of(1, "EUR")),),
        )
    assert raised.value.fields == ("payment_plan[0].amount", "shipment_date")
    with pytest.raises(DomainValidationError) as raised:
        PackagingItem(item="pallet", quantity=0)
    assert raised.value.field == "quantity"


def test_a_wrong_document_or_agreement_is_named() -> None:
    prices = price_list(Money.of("100.00", "RUB"))
    with pytest.raises(DomainValidationError) as raised:
        check_sales_document({"number": "1"}, "ind-9", prices=prices, now=NOW)
    assert raised.value.fields == ("document", "agreement")
