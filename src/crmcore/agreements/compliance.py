"""The compliance check: a sales document held against the agreement it is posted under.

:func:`check_sales_document` runs every check and returns a :class:`ComplianceReport` that
lists every violation, each with a stable ``code`` (the values of :class:`ViolationCode`
for the built-in checks), the field or line concerned, the expected and actual values and a
message. Checks are functions of a :class:`ComplianceContext`; the built-in ones register
under the ``crmcore.compliance`` entry point group beside plugins, so a host that loads the
group with :func:`crmcore.plugins.load` runs both.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date, datetime
from types import MappingProxyType
from typing import Final

import attrs

from crmcore.agreements.conditions import SalesConditions
from crmcore.agreements.documents import SalesDocument
from crmcore.agreements.kinds import AgreementKind, PaymentForm
from crmcore.agreements.model import Agreement
from crmcore.agreements.pricing import lowest_price
from crmcore.agreements.repository import PriceSource
from crmcore.errors import DomainValidationError, PluginError
from crmcore.ids import AgreementId
from crmcore.partners.model import Partner
from crmcore.validation import (
    Model,
    aware_datetime,
    bounded_text,
    checks,
    each,
    identifier,
    instance_of,
    optional,
    raise_violations,
)
from crmcore.workcalendar import WorkingCalendar

__all__ = [
    "BUILT_IN_CHECKS",
    "ComplianceCheck",
    "ComplianceContext",
    "ComplianceReport",
    "ComplianceViolation",
    "ViolationCode",
    "check_sales_document",
    "compliance_check_problem",
]

GROUP: Final = "crmcore.compliance"


class ViolationCode(enum.StrEnum):
    """The stable codes of the built-in checks; hosts may map them to their own texts."""

    AGREEMENT_MISMATCH = "agreement_mismatch"
    AGREEMENT_NOT_ACTIVE = "agreement_not_active"
    PARTNER_NOT_COVERED = "partner_not_covered"
    CURRENCY_DIFFERS = "currency_differs"
    PAYMENT_FORM_DIFFERS = "payment_form_differs"
    TAX_REGIME_DIFFERS = "tax_regime_differs"
    PRICE_UNKNOWN = "price_unknown"
    PRICE_BELOW_MINIMUM = "price_below_minimum"
    DISCOUNT_ABOVE_MAXIMUM = "discount_above_maximum"
    PAYMENT_PLAN_DIFFERS = "payment_plan_differs"
    MINIMUM_AMOUNT_NOT_MET = "minimum_amount_not_met"
    CONTRACT_MISSING = "contract_missing"
    DELIVERY_METHOD_DIFFERS = "delivery_method_differs"
    DELIVERY_ADDRESS_MISSING = "delivery_address_missing"
    PACKAGING_NOT_DECLARED = "packaging_not_declared"


_TEXT: Final = checks(optional(bounded_text(500)))


@attrs.frozen(kw_only=True)
class ComplianceViolation(Model):
    """One way a document breaks its agreement: a stable ``code``, the document ``field``
    concerned (``lines[2].discount``), what was expected, what the document has, and why."""

    code: str = attrs.field(metadata=checks(identifier))
    field: str = attrs.field(metadata=checks(bounded_text(200)))
    message: str = attrs.field(metadata=checks(bounded_text(1000)))
    expected: str | None = attrs.field(default=None, metadata=_TEXT)
    actual: str | None = attrs.field(default=None, metadata=_TEXT)

    def __str__(self) -> str:
        return f"[{self.code}] {self.field}: {self.message}"


@attrs.frozen(kw_only=True)
class ComplianceReport(Model):
    """Every violation of one document (``order ORD-17``) against one agreement, in the order
    of the checks."""

    document: str = attrs.field(metadata=checks(bounded_text(200)))
    agreement_id: AgreementId = attrs.field(metadata=checks(identifier))
    checked_at: datetime = attrs.field(metadata=checks(aware_datetime))
    violations: tuple[ComplianceViolation, ...] = attrs.field(
        default=(), metadata=checks(each(instance_of(ComplianceViolation)))
    )

    @property
    def passed(self) -> bool:
        """Whether the document keeps every condition."""
        return not self.violations

    @property
    def codes(self) -> frozenset[str]:
        """The codes of the violations."""
        return frozenset(violation.code for violation in self.violations)


@attrs.frozen(kw_only=True)
class ComplianceContext:
    """What a check sees: the document, the agreement and its conditions, the partner when
    known, prices, working days and the moment of the check."""

    document: SalesDocument
    agreement: Agreement
    conditions: SalesConditions | None
    partner: Partner | None
    prices: PriceSource
    calendar: WorkingCalendar | None
    now: datetime


ComplianceCheck = Callable[[ComplianceContext], Iterable[ComplianceViolation]]
"""A check: yields the violations it finds in the context's document."""


def _violation(
    code: ViolationCode, field: str, message: str, expected: object, actual: object
) -> ComplianceViolation:
    return ComplianceViolation(
        code=code.value,
        field=field,
        message=message,
        expected=None if expected is None else _shown(expected),
        actual=None if actual is None else _shown(actual),
    )


def _shown(value: object) -> str:
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)[:500]


def check_agreement(context: ComplianceContext) -> Iterator[ComplianceViolation]:
    """The document names this agreement, and the agreement is active on the document date."""
    document, agreement = context.document, context.agreement
    if document.agreement_id is not None and document.agreement_id != agreement.id:
        yield _violation(
            ViolationCode.AGREEMENT_MISMATCH, "agreement_id",
            "the document is posted under another agreement", agreement.id, document.agreement_id,
        )  # fmt: skip
    if not agreement.is_active(document.date):
        expected = f"approved, valid {agreement.validity_text()}"
        actual = f"{agreement.status.value} on {document.date.isoformat()}"
        yield _violation(
            ViolationCode.AGREEMENT_NOT_ACTIVE, "date",
            "the agreement is not active on the document date", expected, actual,
        )  # fmt: skip


def check_partner(context: ComplianceContext) -> Iterator[ComplianceViolation]:
    """The agreement is for the document's partner."""
    document, agreement, partner = context.document, context.agreement, context.partner
    if agreement.kind is AgreementKind.INDIVIDUAL:
        covered = document.partner_id == agreement.partner_id
        expected: object = agreement.partner_id
    else:
        covered = partner is None or agreement.audience.covers(partner)
        roles = sorted(role.value for role in agreement.audience.roles) or ["any"]
        segments = sorted(agreement.audience.segments) or ["any"]
        expected = f"roles {', '.join(roles)}; segments {', '.join(segments)}"
    if not covered:
        yield _violation(
            ViolationCode.PARTNER_NOT_COVERED, "partner_id",
            "the agreement is not for this partner", expected, document.partner_id,
        )  # fmt: skip


def check_terms(context: ComplianceContext) -> Iterator[ComplianceViolation]:
    """Currency, payment form and tax regime are the agreement's."""
    document, conditions = context.document, context.conditions
    if conditions is None:
        return
    if document.currency != conditions.currency:
        yield _violation(
            ViolationCode.CURRENCY_DIFFERS, "currency",
            "the document is in another currency", conditions.currency, document.currency,
        )  # fmt: skip
    wanted = conditions.payment_form
    if wanted is not PaymentForm.ANY and document.payment_form is not wanted:
        yield _violation(
            ViolationCode.PAYMENT_FORM_DIFFERS, "payment_form",
            "the agreement sets another payment form", wanted, document.payment_form,
        )  # fmt: skip
    if document.taxation != conditions.taxation:
        yield _violation(
            ViolationCode.TAX_REGIME_DIFFERS, "taxation",
            "the agreement sets another tax regime or rate",
            _taxation(conditions), _taxation(document),
        )  # fmt: skip


def _taxation(holder: SalesConditions | SalesDocument) -> str:
    return f"{holder.taxation.regime.value} {holder.taxation.rate}%"


def check_prices(context: ComplianceContext) -> Iterator[ComplianceViolation]:
    """Each line's discount is within the maximum and its net price is not below the price
    type's price less that maximum."""
    document, conditions = context.document, context.conditions
    if conditions is None or document.currency != conditions.currency:
        return
    for index, line in enumerate(document.lines):
        field = f"lines[{index}]"
        price = context.prices.price(conditions.price_type, line.product, document.date)
        if price is None or price.currency != document.currency:
            yield _violation(
                ViolationCode.PRICE_UNKNOWN, f"{field}.product",
                f"no price in {document.currency} of price type {conditions.price_type!r}",
                conditions.price_type, line.product,
            )  # fmt: skip
            continue
        if line.discount > conditions.max_discount:
            yield _violation(
                ViolationCode.DISCOUNT_ABOVE_MAXIMUM, f"{field}.discount",
                "the discount is above the most the agreement allows",
                conditions.max_discount, line.discount,
            )  # fmt: skip
        # Both sides rounded by the agreement's one policy, so that a line at the largest
        # discount passes and the expected value is the lowest price that does.
        lowest, net = lowest_price(price, conditions), conditions.rounding.apply(line.net_price)
        if net < lowest:
            yield _violation(
                ViolationCode.PRICE_BELOW_MINIMUM, f"{field}.price",
                f"the net price is below {lowest}, the lowest the agreement allows",
                lowest, net,
            )  # fmt: skip


def check_payment_plan(context: ComplianceContext) -> Iterator[ComplianceViolation]:
    """The document's payment plan follows the schedule: as many payments, the same amounts,
    none due later. A document without a plan (a shipment, say) is not checked."""
    document, conditions = context.document, context.conditions
    if conditions is None or conditions.payment_schedule is None or not document.payment_plan:
        return
    if document.currency != conditions.currency:
        return
    expected = conditions.payment_schedule.due_dates(
        document.date, document.shipped_on, document.total, calendar=context.calendar
    )
    if len(expected) != len(document.payment_plan):
        yield _violation(
            ViolationCode.PAYMENT_PLAN_DIFFERS, "payment_plan",
            "the plan has another number of payments than the schedule",
            len(expected), len(document.payment_plan),
        )  # fmt: skip
        return
    for index, (due, planned) in enumerate(zip(expected, document.payment_plan, strict=True)):
        if planned.amount != due.amount or planned.due_date > due.due_date:
            yield _violation(
                ViolationCode.PAYMENT_PLAN_DIFFERS, f"payment_plan[{index}]",
                "the payment differs from the schedule's instalment",
                f"{due.amount} by {due.due_date.isoformat()}",
                f"{planned.amount} by {planned.due_date.isoformat()}",
            )  # fmt: skip


def check_order(context: ComplianceContext) -> Iterator[ComplianceViolation]:
    """The minimum order amount is met and a contract is referred to when required."""
    document, conditions = context.document, context.conditions
    if conditions is None:
        return
    minimum = conditions.minimum_order
    same_currency = minimum is not None and minimum.currency == document.currency
    if minimum is not None and same_currency and document.total < minimum:
        yield _violation(
            ViolationCode.MINIMUM_AMOUNT_NOT_MET, "lines",
            "the document's total is below the minimum order amount", minimum, document.total,
        )  # fmt: skip
    if conditions.contract_required and document.contract is None:
        yield _violation(
            ViolationCode.CONTRACT_MISSING, "contract",
            "the agreement requires a contract", "a contract", None,
        )  # fmt: skip


def check_delivery(context: ComplianceContext) -> Iterator[ComplianceViolation]:
    """The delivery method is the agreement's, with an address where required, and returnable
    packaging is declared when the agreement uses it."""
    document, conditions = context.document, context.conditions
    if conditions is None:
        return
    if document.delivery_method is not conditions.delivery.method:
        yield _violation(
            ViolationCode.DELIVERY_METHOD_DIFFERS, "delivery_method",
            "the agreement sets another delivery method",
            conditions.delivery.method, document.delivery_method,
        )  # fmt: skip
    if conditions.delivery.address_required and document.delivery_address is None:
        yield _violation(
            ViolationCode.DELIVERY_ADDRESS_MISSING, "delivery_address",
            "the agreement requires a delivery address", "an address", None,
        )  # fmt: skip
    if conditions.returnable_packaging and not document.packaging:
        yield _violation(
            ViolationCode.PACKAGING_NOT_DECLARED, "packaging",
            "the agreement uses returnable packaging; declare it", "returnable packaging", None,
        )  # fmt: skip


BUILT_IN_CHECKS: Final[Mapping[str, ComplianceCheck]] = MappingProxyType(
    {
        "agreement": check_agreement,
        "partner": check_partner,
        "terms": check_terms,
        "prices": check_prices,
        "payment_plan": check_payment_plan,
        "order": check_order,
        "delivery": check_delivery,
    }
)
"""The built-in checks by name, in the order they run; also the entry points of the group."""


def compliance_check_problem(name: str, plugin: object) -> str | None:
    """Why ``plugin`` cannot be a compliance check, or ``None``: pass it to
    ``crmcore.plugins.load("crmcore.compliance", validate=compliance_check_problem)``."""
    return None if callable(plugin) else "is not callable: a check takes a ComplianceContext"


def check_sales_document(
    document: SalesDocument,
    agreement: Agreement,
    *,
    prices: PriceSource,
    now: datetime,
    partner: Partner | None = None,
    calendar: WorkingCalendar | None = None,
    checks: Mapping[str, ComplianceCheck] | None = None,
) -> ComplianceReport:
    """Every way ``document`` breaks ``agreement``, as a report.

    ``partner`` is the document's partner, needed when a typical agreement is limited to an
    audience; ``calendar`` gives working days to the payment schedule; ``checks`` replaces the
    built-in checks (pass the registry loaded from ``crmcore.compliance``, which holds them
    too). Built-in checks run first, in their order, then the others by name. A check that
    yields something other than violations raises :class:`PluginError`.
    """
    raise_violations(
        [
            *instance_of(SalesDocument)("document", document),
            *instance_of(Agreement)("agreement", agreement),
        ]
    )
    _check_partner_given(document, agreement, partner)
    context = ComplianceContext(
        document=document,
        agreement=agreement,
        conditions=agreement.conditions,
        partner=partner,
        prices=prices,
        calendar=calendar,
        now=now,
    )
    found: list[ComplianceViolation] = []
    for name, check in _in_order(BUILT_IN_CHECKS if checks is None else checks):
        for violation in check(context):
            if not isinstance(violation, ComplianceViolation):
                reason = f"yielded {type(violation).__name__}, not a ComplianceViolation"
                raise PluginError(GROUP, name, None, reason)
            found.append(violation)
    return ComplianceReport(
        document=document.title, agreement_id=agreement.id, checked_at=now,
        violations=tuple(found),
    )  # fmt: skip


def _in_order(checks: Mapping[str, ComplianceCheck]) -> list[tuple[str, ComplianceCheck]]:
    """The built-in checks in their order, then the others by name: a stable report order,
    whatever order the entry points were found in."""
    rank = {name: index for index, name in enumerate(BUILT_IN_CHECKS)}
    return sorted(checks.items(), key=lambda item: (rank.get(item[0], len(rank)), item[0]))


def _check_partner_given(
    document: SalesDocument, agreement: Agreement, partner: Partner | None
) -> None:
    if partner is not None and partner.id != document.partner_id:
        raise DomainValidationError.single(
            "partner", f"must be the document's partner {document.partner_id!r}", value=partner.id
        )
    limited = agreement.audience.roles or agreement.audience.segments
    if partner is None and agreement.kind is AgreementKind.TYPICAL and limited:
        raise DomainValidationError.single(
            "partner", "is needed to check the audience of a typical agreement"
        )
