"""Sales conditions: how goods are sold to a client under an agreement.

A typical agreement holds a whole :class:`SalesConditions`; an individual agreement holds
:class:`ConditionOverrides` (only what differs) and inherits the rest from its typical base,
within the :class:`OverrideLimits` that the base allows. :func:`merge_conditions` computes
the effective conditions and which of them come from where.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any, Final

import attrs

from crmcore.agreements.kinds import (
    ConditionSource,
    DeliveryMethod,
    PaymentForm,
    SaleKind,
    TaxRegime,
)
from crmcore.agreements.schedule import HUNDRED, PaymentSchedule
from crmcore.errors import DomainValidationError, Violation
from crmcore.money import Money, Rounding, currency_code
from crmcore.partners.kinds import PartnerRole
from crmcore.partners.model import Partner
from crmcore.validation import (
    Check,
    Model,
    bounded_text,
    checks,
    finite_decimal,
    identifier,
    instance_of,
    invariant,
    optional,
)

__all__ = [
    "OVERRIDABLE",
    "Audience",
    "ConditionOverrides",
    "DeliveryTerms",
    "EffectiveConditions",
    "OverrideLimits",
    "SalesConditions",
    "Taxation",
    "merge_conditions",
]


def percent_between(low: Decimal, high: Decimal) -> Check:
    """A finite ``Decimal`` percentage from ``low`` to ``high`` inclusive."""

    def check(field: str, value: object) -> Iterator[Violation]:
        if not isinstance(value, Decimal) or not value.is_finite():
            yield from finite_decimal(field, value)
        elif not low <= value <= high:
            yield Violation(field=field, message=f"must be from {low} to {high}", value=value)

    return check


def non_negative_money(field: str, value: object) -> Iterator[Violation]:
    """:class:`~crmcore.money.Money` of 0 or more: a price, a payment, a minimum order."""
    if not isinstance(value, Money) or value.is_negative():
        yield Violation(field=field, message="must be Money of 0 or more", value=value)


discount_percent: Final = percent_between(Decimal(-1000), HUNDRED)
"""A discount in percent, wherever one is set: at most 100, and negative for a markup."""
_SHARE: Final = percent_between(Decimal(0), HUNDRED)


@attrs.frozen(kw_only=True)
class Taxation(Model):
    """The tax regime of prices and the VAT rate in percent (0 when exempt)."""

    regime: TaxRegime = attrs.field(metadata=checks(instance_of(TaxRegime)))
    rate: Decimal = attrs.field(default=Decimal(0), metadata=checks(_SHARE))

    @invariant("regime", "rate")
    def _exempt_at_zero(self) -> Iterator[Violation]:
        if (self.regime is TaxRegime.EXEMPT) != (self.rate == 0):
            message = "must be 0 exactly when exempt from VAT, above 0 otherwise"
            yield Violation(field="rate", message=message, value=self.rate)


@attrs.frozen(kw_only=True)
class DeliveryTerms(Model):
    """How goods reach the client and whether a document must name a delivery address."""

    method: DeliveryMethod = attrs.field(metadata=checks(instance_of(DeliveryMethod)))
    address_required: bool = attrs.field(default=False, metadata=checks(instance_of(bool)))


def _roles(field: str, value: object) -> Iterator[Violation]:
    if not isinstance(value, frozenset) or not all(isinstance(r, PartnerRole) for r in value):
        yield Violation(field=field, message="must be a frozenset of PartnerRole", value=value)


def _segments(field: str, value: object) -> Iterator[Violation]:
    if not isinstance(value, frozenset):
        yield Violation(field=field, message="must be a frozenset of segment names", value=value)
        return
    for segment in sorted(value, key=repr):
        yield from bounded_text(100)(field, segment)


@attrs.frozen(kw_only=True)
class Audience(Model):
    """The partners a typical agreement is for: those holding one of ``roles`` and (when
    ``segments`` is not empty) in one of ``segments``. Empty ``roles`` means any role."""

    roles: frozenset[PartnerRole] = attrs.field(factory=frozenset, metadata=checks(_roles))
    segments: frozenset[str] = attrs.field(factory=frozenset, metadata=checks(_segments))

    def covers(self, partner: Partner) -> bool:
        """Whether ``partner`` belongs to this audience."""
        role_fits = not self.roles or bool(self.roles & partner.roles)
        segment_fits = not self.segments or partner.segment in self.segments
        return role_fits and segment_fits


@attrs.frozen(kw_only=True)
class SalesConditions(Model):
    """Everything an agreement fixes about a sale.

    ``discount`` is the agreement's discount off the price type's prices in percent (negative
    for a markup); ``max_manager_discount`` is how many more points a manager may give on a
    document. ``minimum_order`` is in ``currency``. ``rounding`` is how the prices of the
    agreement's price type are rounded on quotes and checked on documents (half-up to the
    currency's minor unit unless the agreement says otherwise).
    """

    currency: str = attrs.field(metadata=checks(currency_code))
    price_type: str = attrs.field(metadata=checks(identifier))
    payment_form: PaymentForm = attrs.field(metadata=checks(instance_of(PaymentForm)))
    taxation: Taxation = attrs.field(metadata=checks(instance_of(Taxation)))
    delivery: DeliveryTerms = attrs.field(metadata=checks(instance_of(DeliveryTerms)))
    payment_schedule: PaymentSchedule | None = attrs.field(
        default=None, metadata=checks(optional(instance_of(PaymentSchedule)))
    )
    discount: Decimal = attrs.field(default=Decimal(0), metadata=checks(discount_percent))
    max_manager_discount: Decimal = attrs.field(default=Decimal(0), metadata=checks(_SHARE))
    sale_kind: SaleKind = attrs.field(
        default=SaleKind.WHOLESALE, metadata=checks(instance_of(SaleKind))
    )
    contract_required: bool = attrs.field(default=False, metadata=checks(instance_of(bool)))
    returnable_packaging: bool = attrs.field(default=False, metadata=checks(instance_of(bool)))
    minimum_order: Money | None = attrs.field(
        default=None, metadata=checks(optional(non_negative_money))
    )
    rounding: Rounding = attrs.field(factory=Rounding, metadata=checks(instance_of(Rounding)))

    @invariant("currency", "discount", "max_manager_discount", "minimum_order")
    def _discounts_and_minimum(self) -> Iterator[Violation]:
        if self.discount + self.max_manager_discount > HUNDRED:
            message = "together with discount must not exceed 100"
            yield Violation(field="max_manager_discount", message=message)
        if self.minimum_order is not None and self.minimum_order.currency != self.currency:
            message = f"must be in the conditions' currency {self.currency}"
            yield Violation(field="minimum_order", message=message, value=str(self.minimum_order))

    @property
    def max_discount(self) -> Decimal:
        """The largest discount a document may carry: the agreement's plus the manager's."""
        return self.discount + self.max_manager_discount


OVERRIDABLE: Final = tuple(
    field.name for field in attrs.fields(SalesConditions) if field.name != "currency"
)
"""The conditions an individual agreement may override (all but the currency)."""


def _field_names(field: str, value: object) -> Iterator[Violation]:
    if not isinstance(value, frozenset) or not value <= set(OVERRIDABLE):
        message = "must be a frozenset of names among " + ", ".join(OVERRIDABLE)
        yield Violation(field=field, message=message, value=value)


@attrs.frozen(kw_only=True)
class OverrideLimits(Model):
    """What a typical agreement lets its individual agreements change.

    Only the conditions named in ``overridable`` may differ; the discount may exceed the
    typical one by at most ``max_extra_discount`` points, and the manager's discount may never
    exceed the typical one.
    """

    overridable: frozenset[str] = attrs.field(
        default=frozenset({"discount", "payment_schedule", "payment_form", "delivery"}),
        metadata=checks(_field_names),
    )
    max_extra_discount: Decimal = attrs.field(default=Decimal(0), metadata=checks(_SHARE))


def _override(check: Check) -> dict[str, tuple[Check, ...]]:
    return checks(optional(check))


@attrs.frozen(kw_only=True)
class ConditionOverrides(Model):
    """The conditions an individual agreement sets itself; ``None`` inherits the base's."""

    price_type: str | None = attrs.field(default=None, metadata=_override(identifier))
    payment_form: PaymentForm | None = attrs.field(
        default=None, metadata=_override(instance_of(PaymentForm))
    )
    taxation: Taxation | None = attrs.field(default=None, metadata=_override(instance_of(Taxation)))
    delivery: DeliveryTerms | None = attrs.field(
        default=None, metadata=_override(instance_of(DeliveryTerms))
    )
    payment_schedule: PaymentSchedule | None = attrs.field(
        default=None, metadata=_override(instance_of(PaymentSchedule))
    )
    discount: Decimal | None = attrs.field(default=None, metadata=_override(discount_percent))
    max_manager_discount: Decimal | None = attrs.field(default=None, metadata=_override(_SHARE))
    sale_kind: SaleKind | None = attrs.field(
        default=None, metadata=_override(instance_of(SaleKind))
    )
    contract_required: bool | None = attrs.field(
        default=None, metadata=_override(instance_of(bool))
    )
    returnable_packaging: bool | None = attrs.field(
        default=None, metadata=_override(instance_of(bool))
    )
    minimum_order: Money | None = attrs.field(default=None, metadata=_override(non_negative_money))
    rounding: Rounding | None = attrs.field(default=None, metadata=_override(instance_of(Rounding)))

    def given(self) -> dict[str, Any]:
        """The overridden conditions by name."""
        return {
            field.name: getattr(self, field.name)
            for field in attrs.fields(ConditionOverrides)
            if getattr(self, field.name) is not None
        }


@attrs.frozen(kw_only=True)
class EffectiveConditions(Model):
    """The conditions in force for an individual agreement and where each one comes from."""

    conditions: SalesConditions = attrs.field(metadata=checks(instance_of(SalesConditions)))
    sources: Mapping[str, ConditionSource] = attrs.field(factory=dict)

    def overridden(self) -> tuple[str, ...]:
        """The names of the conditions the individual agreement sets itself, in field order."""
        return tuple(n for n, s in self.sources.items() if s is ConditionSource.INDIVIDUAL)


def merge_conditions(
    base: SalesConditions, overrides: ConditionOverrides, limits: OverrideLimits
) -> tuple[EffectiveConditions | None, list[Violation]]:
    """``base`` with ``overrides`` applied, and every way the overrides break ``limits``.

    The merged conditions are ``None`` when anything is wrong; violations name fields under
    ``overrides``.
    """
    given = overrides.given()
    problems = [
        Violation(
            field=f"overrides.{name}",
            message="the typical agreement does not allow changing it",
            value=given[name],
        )
        for name in given
        if name not in limits.overridable
    ]
    named = {problem.field for problem in problems}
    problems.extend(p for p in _discount_problems(base, overrides, limits) if p.field not in named)
    if problems:
        return None, problems
    try:
        merged = attrs.evolve(base, **given)
    except DomainValidationError as error:
        return None, list(error.under("overrides").violations)
    sources = {
        name: ConditionSource.INDIVIDUAL if name in given else ConditionSource.TYPICAL
        for name in (field.name for field in attrs.fields(SalesConditions))
    }
    return EffectiveConditions(conditions=merged, sources=sources), []


def _discount_problems(
    base: SalesConditions, overrides: ConditionOverrides, limits: OverrideLimits
) -> Iterator[Violation]:
    ceiling = base.discount + limits.max_extra_discount
    if overrides.discount is not None and overrides.discount > ceiling:
        message = f"must be at most {ceiling} (the typical {base.discount} plus the allowed extra)"
        yield Violation(field="overrides.discount", message=message, value=overrides.discount)
    manager = overrides.max_manager_discount
    if manager is not None and manager > base.max_manager_discount:
        message = f"must be at most the typical {base.max_manager_discount}"
        yield Violation(field="overrides.max_manager_discount", message=message, value=manager)
