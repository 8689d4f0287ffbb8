"""The strategies of crmcore.testing: valid models only, the options they promise, and
registration for st.from_type through the hypothesis entry point."""

import inspect
import re
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from importlib.metadata import entry_points
from typing import Any

import attrs
import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from crmcore.customfields import CustomField, CustomFieldRegistry, CustomFieldType
from crmcore.customfields import custom_values as custom_values_check
from crmcore.events import Change, DomainEvent
from crmcore.ids import EntityRef
from crmcore.money import Money
from crmcore.partners.contact_data import Address, BankAccount, Email, Phone
from crmcore.partners.events import PartnerChanged, PartnerRegistered
from crmcore.partners.kinds import PartnerKind, PartnerRole
from crmcore.partners.model import ContactPerson, LegalData, Partner, Relationship
from crmcore.partners.taxids import inn_is_valid, ogrn_is_valid
from crmcore.testing import _hypothesis_hook, strategies
from crmcore.testing.strategies import (
    PARTNER_EVENTS,
    bank_accounts,
    custom_field_registries,
    custom_fields,
    custom_values,
    domain_events,
    inns,
    kpps,
    legal_data,
    money,
    ogrns,
    partners,
    phones,
)
from crmcore.validation import identifier

REGISTERED: tuple[type[Any], ...] = (
    Money,
    EntityRef,
    CustomField,
    CustomFieldRegistry,
    Change,
    DomainEvent,
    *PARTNER_EVENTS,
    Phone,
    Email,
    Address,
    BankAccount,
    LegalData,
    Partner,
    ContactPerson,
    Relationship,
)
ASCII_DIGITS = re.compile(r"[0-9]+")


def test_the_public_names_are_sorted_and_exist() -> None:
    assert strategies.__all__ == sorted(strategies.__all__)
    assert all(hasattr(strategies, name) for name in strategies.__all__)


def test_the_setup_hook_is_the_hypothesis_entry_point() -> None:
    (entry,) = [e for e in entry_points(group="hypothesis") if e.name == "crmcore"]
    assert entry.value == "crmcore.testing._hypothesis_hook:setup"
    assert entry.load() is _hypothesis_hook.setup


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model.__name__)
@settings(max_examples=10)
@given(data=st.data())
def test_from_type_draws_valid_instances_of_each_model(
    model: type[Any], data: st.DataObject
) -> None:
    value = data.draw(st.from_type(model))
    assert isinstance(value, model)
    assert attrs.evolve(value) == value


@pytest.mark.parametrize(
    "name",
    [
        "entity_refs",
        "money",
        "custom_fields",
        "custom_field_registries",
        "phones",
        "emails",
        "addresses",
        "bank_accounts",
        "legal_data",
        "partners",
        "contact_persons",
        "relationships",
        "changes",
        "domain_events",
    ],
)
@settings(max_examples=10)
@given(data=st.data())
def test_every_model_drawn_is_built_again_unchanged(name: str, data: st.DataObject) -> None:
    value = data.draw(getattr(strategies, name)())
    assert attrs.evolve(value) == value


@given(strategies.identifiers())
def test_identifiers_are_valid_ids(value: str) -> None:
    assert list(identifier("id", value)) == []


@given(strategies.aware_datetimes())
def test_datetimes_are_aware(value: datetime) -> None:
    assert value.utcoffset() is not None


@given(money(currencies=("JPY", "KWD"), min_value=0, max_value=100))
def test_money_has_the_places_of_its_currency_within_bounds(value: Money) -> None:
    assert Decimal(0) <= value.amount <= Decimal(100)
    assert value.amount == value.rounded().amount


@pytest.mark.parametrize("region", ["RU", "KZ", "DE", "US", "GB", "CN"])
@given(data=st.data())
def test_phones_belong_to_the_regions_asked_for(region: str, data: st.DataObject) -> None:
    phone = data.draw(phones(regions=(region,)))
    assert phonenumbers.is_valid_number_for_region(phonenumbers.parse(phone.number), region)


def test_phones_of_a_region_without_example_numbers_are_refused() -> None:
    @given(phones(regions=("XX",)))
    def draw(_phone: Phone) -> None:
        """Never runs: drawing fails first."""

    with pytest.raises(InvalidArgument, match="'XX'"):
        draw()


@pytest.mark.parametrize(
    ("kind", "lengths"),
    [
        (PartnerKind.LEGAL_ENTITY, {10}),
        (PartnerKind.SOLE_PROPRIETOR, {12}),
        (PartnerKind.INDIVIDUAL, {12}),
        (None, {10, 12}),
    ],
)
@given(data=st.data())
def test_inns_are_valid_and_as_long_as_the_kind_needs(
    kind: PartnerKind | None, lengths: set[int], data: st.DataObject
) -> None:
    inn = data.draw(inns(kind=kind))
    assert ASCII_DIGITS.fullmatch(inn)
    assert inn_is_valid(inn)
    assert len(inn) in lengths


@pytest.mark.parametrize(
    ("kind", "lengths"),
    [(PartnerKind.LEGAL_ENTITY, {13}), (PartnerKind.SOLE_PROPRIETOR, {15}), (None, {13, 15})],
)
@given(data=st.data())
def test_ogrns_are_valid_and_as_long_as_the_kind_needs(
    kind: PartnerKind | None, lengths: set[int], data: st.DataObject
) -> None:
    code = data.draw(ogrns(kind=kind))
    assert ogrn_is_valid(code)
    assert len(code) in lengths


def test_individuals_have_no_ogrn() -> None:
    with pytest.raises(InvalidArgument, match="individuals"):
        ogrns(kind=PartnerKind.INDIVIDUAL)


@given(kpps())
def test_kpps_have_ascii_digits(kpp: str) -> None:
    assert re.fullmatch(r"[0-9]{4}[0-9A-Z]{2}[0-9]{3}", kpp)


@given(bank_accounts(iban_countries=()))
def test_russian_accounts_only(account: BankAccount) -> None:
    assert account.bic is not None
    assert account.iban is None


@given(bank_accounts(russian=False, iban_countries=("GB",)))
def test_iban_accounts_of_the_countries_asked_for(account: BankAccount) -> None:
    assert account.iban is not None
    assert account.iban.startswith("GB")
    assert account.currency == "GBP"


def test_bank_accounts_need_some_kind_of_account() -> None:
    with pytest.raises(InvalidArgument):
        bank_accounts(russian=False, iban_countries=())


@settings(max_examples=25)
@given(
    st.sampled_from(PartnerKind).flatmap(
        lambda kind: st.tuples(st.just(kind), partners(kinds=(kind,)))
    )
)
def test_partners_have_legal_data_that_fits_their_kind(drawn: tuple[PartnerKind, Partner]) -> None:
    kind, partner = drawn
    assert partner.kind is kind
    if partner.legal is not None:
        assert list(partner.legal.problems(kind=kind)) == []


@settings(max_examples=20)
@given(partners(roles=(PartnerRole.CLIENT, PartnerRole.DEALER), ids=("p-1",)))
def test_partners_take_the_roles_and_ids_asked_for(partner: Partner) -> None:
    assert partner.id == "p-1"
    assert partner.roles <= {PartnerRole.CLIENT, PartnerRole.DEALER}
    assert partner.roles


@settings(max_examples=20)
@given(custom_field_registries(entity_types=("partner",)), st.data())
def test_partners_drawn_for_a_registry_pass_it(
    registry: CustomFieldRegistry, data: st.DataObject
) -> None:
    partner = data.draw(partners(registry=registry))
    assert registry.validate("partner", partner.custom) == partner.custom
    required = {f.name for f in registry.fields_for("partner") if f.required}
    assert required <= set(partner.custom)


@settings(max_examples=40)
@given(custom_values())
def test_custom_values_without_a_registry_are_valid_for_a_model(values: dict[str, Any]) -> None:
    assert list(custom_values_check("custom", values)) == []


@given(custom_fields(types=(CustomFieldType.CHOICE,)))
def test_custom_fields_of_the_types_asked_for(field: CustomField) -> None:
    assert field.type is CustomFieldType.CHOICE
    assert field.choices


@given(legal_data(countries=("DE",)))
def test_legal_data_of_other_countries_has_no_kpp(data: LegalData) -> None:
    assert data.country == "DE"
    assert data.kpp is None


@given(domain_events(classes=(PartnerRegistered, PartnerChanged), entity_ids=("p-1",)))
def test_events_of_the_classes_and_entities_asked_for(event: DomainEvent) -> None:
    assert type(event) in {PartnerRegistered, PartnerChanged}
    assert event.entity_id == "p-1"


def _strategy_functions() -> list[Callable[..., Any]]:
    return [getattr(strategies, name) for name in strategies.__all__ if name.islower()]


@pytest.mark.parametrize("function", _strategy_functions(), ids=lambda f: f.__name__)
def test_every_strategy_takes_keyword_arguments_after_the_first_one_or_two(
    function: Callable[..., Any],
) -> None:
    positional = [
        p
        for p in inspect.signature(function).parameters.values()
        if p.kind is not inspect.Parameter.KEYWORD_ONLY
    ]
    assert len(positional) <= 2
