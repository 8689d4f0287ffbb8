"""Strategies for agreements and their sales conditions (:mod:`crmcore.agreements`).

The documents checked and produced under agreements are in
:mod:`crmcore.testing.strategies.documents`.
"""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, Final

from hypothesis import strategies as st

from crmcore.agreements import (
    OVERRIDABLE,
    Agreement,
    AgreementApproved,
    AgreementChanged,
    AgreementClosed,
    AgreementCreated,
    AgreementExpired,
    AgreementKind,
    AgreementRejected,
    AgreementStatus,
    AgreementStatusChanged,
    AgreementSubmitted,
    Audience,
    ConditionOverrides,
    ConditionSource,
    DayCount,
    DeliveryMethod,
    DeliveryTerms,
    EffectiveConditions,
    Instalment,
    OverrideLimits,
    PaymentBasis,
    PaymentForm,
    PaymentSchedule,
    PaymentStage,
    SaleKind,
    SalesConditions,
    StatusChange,
    Taxation,
    TaxRegime,
)
from crmcore.events import DomainEvent
from crmcore.ids import AgreementId, PartnerId
from crmcore.partners.kinds import PartnerRole
from crmcore.testing.strategies._common import (
    _WORD,
    Choices,
    _free_text,
    _strategy,
    aware_datetimes,
    identifiers,
)
from crmcore.testing.strategies.kernel import domain_events, money

__all__ = [
    "AGREEMENT_EVENTS",
    "agreements",
    "audiences",
    "condition_overrides",
    "delivery_terms",
    "effective_conditions",
    "instalments",
    "override_limits",
    "payment_schedules",
    "payment_stages",
    "sales_conditions",
    "status_changes",
    "taxations",
]

AGREEMENT_EVENTS: Final[tuple[type[DomainEvent], ...]] = (
    AgreementCreated,
    AgreementChanged,
    AgreementStatusChanged,
    AgreementSubmitted,
    AgreementApproved,
    AgreementRejected,
    AgreementExpired,
    AgreementClosed,
)
"""The event classes of the agreements area."""

_AGREEMENT_CURRENCIES: Final = ("RUB", "USD", "EUR", "JPY", "KWD")
_PRICE_TYPES: Final = ("wholesale", "retail", "dealer", "distributor")
_PRODUCTS: Final = ("tea-green", "tea-black", "coffee-beans", "cups-set", "sugar")
_AGREEMENT_DAYS: Final = st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31))


def _percent(low: int, high: int, *, places: int = 2) -> st.SearchStrategy[Decimal]:
    return st.integers(low * 10**places, high * 10**places).map(
        lambda units: Decimal(units).scaleb(-places)
    )


def taxations() -> st.SearchStrategy[Taxation]:
    """VAT regimes with the rates they go with (0 when exempt)."""
    exempt = st.just(Taxation(regime=TaxRegime.EXEMPT))
    taxed = st.builds(
        Taxation,
        regime=st.sampled_from((TaxRegime.VAT_INCLUDED, TaxRegime.VAT_ON_TOP)),
        rate=st.sampled_from((Decimal(10), Decimal(20), Decimal("12.5"))),
    )
    return exempt | taxed


def delivery_terms() -> st.SearchStrategy[DeliveryTerms]:
    """Delivery methods, with or without a required address."""
    return st.builds(
        DeliveryTerms, method=st.sampled_from(tuple(DeliveryMethod)), address_required=st.booleans()
    )


@st.composite
def payment_stages(draw: st.DrawFn, *, percent: Choices[Decimal] = (Decimal(100),)) -> PaymentStage:
    """A payment stage of any basis paying ``percent`` (100 unless given)."""
    basis = draw(st.sampled_from(tuple(PaymentBasis)))
    fixed_day = basis is PaymentBasis.DAY_OF_MONTH
    return PaymentStage(
        basis=basis,
        percent=draw(_strategy(percent)),
        days=draw(st.integers(0, 90)),
        months=draw(st.integers(0, 3)),
        day_of_month=draw(st.integers(1, 31)) if fixed_day else None,
    )


@st.composite
def payment_schedules(draw: st.DrawFn, *, max_stages: int = 4) -> PaymentSchedule:
    """Schedules of 1 to ``max_stages`` stages whose percentages (to the hundredth) sum to 100."""
    count = draw(st.integers(1, max_stages))
    cuts = draw(st.lists(st.integers(1, 9999), min_size=count - 1, max_size=count - 1, unique=True))
    bounds = [0, *sorted(cuts), 10_000]
    shares = [Decimal(high - low).scaleb(-2) for low, high in itertools.pairwise(bounds)]
    return PaymentSchedule(
        stages=tuple(draw(payment_stages(percent=st.just(share))) for share in shares),
        day_count=draw(st.sampled_from(tuple(DayCount))),
        shift_to_working_day=draw(st.booleans()),
    )


@st.composite
def sales_conditions(
    draw: st.DrawFn,
    *,
    currencies: Choices[str] = _AGREEMENT_CURRENCIES,
    price_types: Choices[str] = _PRICE_TYPES,
) -> SalesConditions:
    """Whole sales conditions, the discount and the manager's share within 100 together."""
    currency = draw(_strategy(currencies))
    discount = draw(_percent(-20, 50))
    minimum = draw(st.none() | money(currencies=(currency,), min_value=0, max_value=10**5))
    return SalesConditions(
        currency=currency,
        price_type=draw(_strategy(price_types)),
        payment_form=draw(st.sampled_from(tuple(PaymentForm))),
        taxation=draw(taxations()),
        delivery=draw(delivery_terms()),
        payment_schedule=draw(st.none() | payment_schedules()),
        discount=discount,
        max_manager_discount=draw(_percent(0, 30)),
        sale_kind=draw(st.sampled_from(tuple(SaleKind))),
        contract_required=draw(st.booleans()),
        returnable_packaging=draw(st.booleans()),
        minimum_order=minimum,
    )


def audiences() -> st.SearchStrategy[Audience]:
    """Audiences of typical agreements: roles and segments, either possibly empty (anyone)."""
    return st.builds(
        Audience,
        roles=st.frozensets(st.sampled_from(tuple(PartnerRole)), max_size=3),
        segments=st.frozensets(st.sampled_from(("A", "B", "VIP", "Юг")), max_size=2),
    )


def override_limits() -> st.SearchStrategy[OverrideLimits]:
    """Limits of individual agreements: some overridable conditions, an extra discount."""
    return st.builds(
        OverrideLimits,
        overridable=st.frozensets(st.sampled_from(OVERRIDABLE)),
        max_extra_discount=_percent(0, 20),
    )


def condition_overrides(
    *, currencies: Choices[str] = _AGREEMENT_CURRENCIES
) -> st.SearchStrategy[ConditionOverrides]:
    """Overrides of any few conditions, not necessarily within any typical agreement's limits."""
    return st.builds(
        ConditionOverrides,
        price_type=st.none() | st.sampled_from(_PRICE_TYPES),
        payment_form=st.none() | st.sampled_from(tuple(PaymentForm)),
        taxation=st.none() | taxations(),
        delivery=st.none() | delivery_terms(),
        payment_schedule=st.none() | payment_schedules(max_stages=2),
        discount=st.none() | _percent(-10, 60),
        max_manager_discount=st.none() | _percent(0, 40),
        sale_kind=st.none() | st.sampled_from(tuple(SaleKind)),
        contract_required=st.none() | st.booleans(),
        returnable_packaging=st.none() | st.booleans(),
        minimum_order=st.none() | money(currencies=currencies, min_value=0, max_value=10**5),
    )


def status_changes() -> st.SearchStrategy[StatusChange]:
    """Entries of an agreement's status log."""
    return st.builds(
        StatusChange,
        event=st.sampled_from(("submit", "approve", "reject", "expire", "close")),
        status_from=st.sampled_from(tuple(AgreementStatus)),
        status_to=st.sampled_from(tuple(AgreementStatus)),
        at=aware_datetimes(),
        actor=st.none() | identifiers(),
        reason=st.none() | _free_text(max_size=100),
    )


@st.composite
def agreements(
    draw: st.DrawFn,
    *,
    kinds: Choices[AgreementKind] = tuple(AgreementKind),
    statuses: Choices[AgreementStatus] = tuple(AgreementStatus),
) -> Agreement:
    """Typical agreements with conditions, audience and limits, or individual ones with a
    partner, a base and overrides (and conditions once approved or expired)."""
    kind = draw(_strategy(kinds))
    status = draw(_strategy(statuses))
    valid_from = draw(_AGREEMENT_DAYS)
    length = draw(st.none() | st.integers(0, 730))
    common: dict[str, Any] = {
        "id": draw(identifiers()),
        "kind": kind,
        "name": draw(_WORD),
        "status": status,
        "valid_from": valid_from,
        "valid_to": None if length is None else valid_from + timedelta(days=length),
        "manager": draw(st.none() | identifiers()),
        "history": tuple(draw(st.lists(status_changes(), max_size=2))),
        "created_at": draw(aware_datetimes()),
        "version": draw(st.integers(1, 5)),
    }
    if kind is AgreementKind.TYPICAL:
        return Agreement(
            **common,
            conditions=draw(sales_conditions()),
            audience=draw(audiences()),
            limits=draw(override_limits()),
        )
    resolved = status in {AgreementStatus.APPROVED, AgreementStatus.EXPIRED}
    return Agreement(
        **common,
        partner_id=PartnerId(draw(identifiers())),
        base_id=AgreementId(draw(identifiers())),
        overrides=draw(condition_overrides()),
        conditions=draw(sales_conditions()) if resolved else draw(st.none() | sales_conditions()),
    )


@st.composite
def effective_conditions(draw: st.DrawFn) -> EffectiveConditions:
    """Effective conditions with a source for each condition."""
    sources = {
        field: draw(st.sampled_from(tuple(ConditionSource))) for field in ("currency", *OVERRIDABLE)
    }
    return EffectiveConditions(conditions=draw(sales_conditions()), sources=sources)


def instalments() -> st.SearchStrategy[Instalment]:
    """Computed instalments of a payment schedule."""
    return st.builds(
        Instalment,
        number=st.integers(1, 6),
        basis=st.sampled_from(tuple(PaymentBasis)),
        due_date=_AGREEMENT_DAYS,
        amount=money(min_value=0, max_value=10**6),
        percent=_percent(1, 100),
    )


def _agreement_strategies() -> dict[type[Any], st.SearchStrategy[Any]]:
    """The agreements and their conditions, and their strategies, for the setup hook."""
    registered: dict[type[Any], st.SearchStrategy[Any]] = {
        Taxation: taxations(),
        DeliveryTerms: delivery_terms(),
        PaymentStage: payment_stages(),
        PaymentSchedule: payment_schedules(),
        Instalment: instalments(),
        SalesConditions: sales_conditions(),
        Audience: audiences(),
        OverrideLimits: override_limits(),
        ConditionOverrides: condition_overrides(),
        EffectiveConditions: effective_conditions(),
        StatusChange: status_changes(),
        Agreement: agreements(),
    }
    registered.update({cls: domain_events(classes=(cls,)) for cls in AGREEMENT_EVENTS})
    return registered
