"""Sales conditions, audiences, and the effective conditions of individual agreements."""

from __future__ import annotations

from decimal import Decimal

import attrs
import pytest
from agreement_samples import (
    PARTNER,
    active,
    approved_typical,
    conditions,
    conforming_document,
    individual,
)
from hypothesis import given

from crmcore.agreements import (
    OVERRIDABLE,
    Audience,
    ConditionOverrides,
    ConditionSource,
    OverrideLimits,
    PaymentForm,
    SalesConditions,
    Taxation,
    TaxRegime,
    effective_conditions,
    merge_conditions,
)
from crmcore.errors import AgreementTermsError, DomainValidationError
from crmcore.money import Money
from crmcore.partners import PartnerRole
from crmcore.testing.strategies import condition_overrides, override_limits, sales_conditions


@given(sales_conditions(), condition_overrides(), override_limits())
def test_effective_conditions_never_exceed_the_typical_limits(
    base: SalesConditions, overrides: ConditionOverrides, limits: OverrideLimits
) -> None:
    effective, problems = merge_conditions(base, overrides, limits)
    if effective is None:
        assert problems
        assert all(problem.field.startswith("overrides.") for problem in problems)
        return
    merged = effective.conditions
    assert problems == []
    assert merged.discount <= base.discount + limits.max_extra_discount
    assert merged.max_manager_discount <= base.max_manager_discount
    for name in ("currency", *OVERRIDABLE):
        if name not in limits.overridable:
            assert getattr(merged, name) == getattr(base, name)
            assert effective.sources[name] is ConditionSource.TYPICAL


def test_an_individual_agreement_shows_where_each_condition_comes_from() -> None:
    base = approved_typical()
    agreement = individual(base, discount=Decimal(8), payment_form=PaymentForm.CASH)
    effective = effective_conditions(agreement, base=base)
    assert effective.conditions.discount == Decimal(8)
    assert effective.conditions.price_type == "wholesale"
    assert effective.overridden() == ("payment_form", "discount")
    assert effective.sources["currency"] is ConditionSource.TYPICAL
    typical_sources = effective_conditions(base, base=None).sources
    assert set(typical_sources.values()) == {ConditionSource.TYPICAL}


def test_overrides_beyond_the_limits_are_all_reported() -> None:
    base = approved_typical()
    with pytest.raises(AgreementTermsError) as raised:
        individual(
            base,
            discount=Decimal(9),
            max_manager_discount=Decimal(11),
            price_type="retail",
        )
    assert [problem.field for problem in raised.value.problems] == [
        "overrides.price_type",
        "overrides.max_manager_discount",
        "overrides.discount",
    ]
    assert raised.value.agreement_id == "ind-1"


def test_overrides_that_make_the_conditions_invalid_are_reported() -> None:
    base = approved_typical(
        limits=OverrideLimits(overridable=frozenset({"minimum_order", "discount"}))
    )
    with pytest.raises(AgreementTermsError) as raised:
        individual(base, minimum_order=Money.of(10, "EUR"))
    assert [problem.field for problem in raised.value.problems] == ["overrides.minimum_order"]


def test_the_effective_conditions_need_the_named_typical_base() -> None:
    base = approved_typical()
    agreement = individual(base)
    with pytest.raises(AgreementTermsError) as raised:
        effective_conditions(agreement, base=None)
    assert raised.value.problems[0].field == "base_id"
    with pytest.raises(AgreementTermsError):
        effective_conditions(agreement, base=attrs.evolve(base, id="typ-2"))
    with pytest.raises(AgreementTermsError) as raised:
        effective_conditions(agreement, base=agreement)
    assert "names 'typ-1'" in str(raised.value)


def test_audiences_cover_partners_by_role_and_segment() -> None:
    assert Audience().covers(PARTNER)
    assert Audience(roles=frozenset({PartnerRole.DEALER})).covers(PARTNER)
    assert not Audience(roles=frozenset({PartnerRole.SUPPLIER})).covers(PARTNER)
    assert Audience(segments=frozenset({"A", "B"})).covers(PARTNER)
    assert not Audience(segments=frozenset({"B"})).covers(PARTNER)


def test_bad_conditions_name_every_field() -> None:
    with pytest.raises(DomainValidationError) as raised:
        conditions(
            currency="rub",
            discount=Decimal(101),
            max_manager_discount=Decimal(-1),
            price_type="",
        )
    assert set(raised.value.fields) == {
        "currency",
        "discount",
        "max_manager_discount",
        "price_type",
    }
    with pytest.raises(DomainValidationError) as raised:
        conditions(discount=Decimal(95), max_manager_discount=Decimal(10))
    assert raised.value.field == "max_manager_discount"
    with pytest.raises(DomainValidationError) as raised:
        conditions(minimum_order=Money.of(5, "EUR"))
    assert raised.value.field == "minimum_order"
    with pytest.raises(DomainValidationError) as raised:
        Taxation(regime=TaxRegime.EXEMPT, rate=Decimal(20))
    assert raised.value.field == "rate"
    with pytest.raises(DomainValidationError) as raised:
        OverrideLimits(overridable=frozenset({"currency"}))
    assert raised.value.field == "overridable"


def test_conditions_and_documents_in_a_currency_that_does_not_exist_are_refused() -> None:
    with pytest.raises(DomainValidationError) as raised:
        conditions(currency="RUS")
    assert raised.value.field == "currency"
    document = conforming_document(active(conditions()), Money.of("100.00", "RUB"))
    with pytest.raises(DomainValidationError) as raised:
        attrs.evolve(document, currency="RUS")
    assert raised.value.field == "currency"
