"""Hypothesis strategies for every public model of crmcore, valid by construction.

Each strategy is a function with keyword-only parameters; where a choice is useful, the
parameter takes a sub-strategy or a plain sequence of values to sample from, as hypothesis's
own strategies do. Tax ids, bank accounts and phone numbers are computed with their check
digits, so a test can rely on every drawn model being accepted by its constructor.

The ``hypothesis`` entry point calls :func:`_hypothesis_setup_hook`, which registers the
strategies with :func:`hypothesis.strategies.register_type_strategy`: once crmcore is
installed, ``st.from_type(Partner)`` draws partners like :func:`partners` does.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from operator import mul
from typing import Any, Final, TypeAlias, TypeVar
from zoneinfo import ZoneInfo

import attrs
import phonenumbers
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from crmcore.customfields import CustomField, CustomFieldRegistry, CustomFieldType, CustomValue
from crmcore.events import Change, DomainEvent
from crmcore.ids import ContactPersonId, EntityRef, PartnerId, RelationshipId, UserId
from crmcore.money import Money, minor_units
from crmcore.partners.contact_data import Address, BankAccount, Email, Phone
from crmcore.partners.events import (
    ContactPersonAdded,
    ContactPersonChanged,
    PartnerChanged,
    PartnerRegistered,
    RelationshipLinked,
    RelationshipUnlinked,
)
from crmcore.partners.kinds import (
    AddressKind,
    EmailKind,
    PartnerKind,
    PartnerRole,
    PhoneKind,
    RelationshipKind,
)
from crmcore.partners.model import ContactPerson, LegalData, Partner, Relationship

__all__ = [
    "PARTNER_EVENTS",
    "addresses",
    "aware_datetimes",
    "bank_accounts",
    "changes",
    "contact_persons",
    "custom_field_registries",
    "custom_field_values",
    "custom_fields",
    "custom_values",
    "domain_events",
    "emails",
    "entity_refs",
    "identifiers",
    "inns",
    "kpps",
    "legal_data",
    "money",
    "ogrns",
    "partners",
    "phones",
    "relationships",
]

T = TypeVar("T")
Choices: TypeAlias = "st.SearchStrategy[T] | Sequence[T]"
"""A sub-strategy, or a sequence of values to sample from."""

PARTNER_EVENTS: Final[tuple[type[DomainEvent], ...]] = (
    PartnerRegistered,
    PartnerChanged,
    ContactPersonAdded,
    ContactPersonChanged,
    RelationshipLinked,
    RelationshipUnlinked,
)
"""The event classes of the partners area, the default of :func:`domain_events`."""

_ZONES: Final = (
    UTC,
    timezone(timedelta(hours=3)),
    timezone(timedelta(hours=-5, minutes=-30)),
    ZoneInfo("Europe/Moscow"),
    ZoneInfo("Asia/Vladivostok"),
    ZoneInfo("Europe/Berlin"),
    ZoneInfo("America/New_York"),
)
_TIME_ZONES: Final = ("Europe/Moscow", "Asia/Vladivostok", "Asia/Almaty", "Europe/Berlin")
_CURRENCIES: Final = ("RUB", "USD", "EUR", "KZT", "CNY", "JPY", "KWD")
_ENTITY_TYPES: Final = ("partner", "contact_person", "deal", "agreement", "claim")
_PHONE_REGIONS: Final = ("RU", "KZ", "BY", "DE", "US", "GB", "FR", "CN")
_IBAN_COUNTRIES: Final = ("DE", "FR", "GB", "KZ", "CH")
_CYRILLIC: Final = "абвгдеёжзийклмнопрстуфхцчшщъыьэюя"
_LATIN: Final = "abcdefghijklmnopqrstuvwxyzäöüß"
_WORDS: Final = (
    "Ромашка", "Вектор", "Северный ветер", "Гранит", "Тайга", "Меридиан", "Ёлочка",
    "Acme", "Nordwind", "Blue Harbor", "Zenith", "Müller & Söhne", "O'Hara",
)  # fmt: skip
_COMPANY_FORMS: Final = ("ООО «{}»", "АО «{}»", "ПАО «{}»", "{} GmbH", "{} Ltd", "{} LLC")
_SURNAMES: Final = ("Иванов", "Петрова", "Сидоров", "Кузнецова", "Ёлкин", "Smith", "Schmidt")
_GIVEN_NAMES: Final = ("Иван", "Мария", "Пётр", "Анна", "Юлия", "John", "Greta")
_PATRONYMICS: Final = ("Иванович", "Сергеевна", "Петрович", "Андреевна", "")
_INN_WEIGHTS: Final = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_NAMES: Final = st.from_regex(r"[a-z][a-z0-9_]{0,20}", fullmatch=True)
# Text a person may type on one line, or in notes: no control, format or separator characters.
_LINE_CHARACTERS: Final = st.characters(exclude_categories=("Cc", "Cs", "Cf", "Zl", "Zp"))
_NOTE_CHARACTERS: Final = st.characters(
    exclude_categories=("Cc", "Cs", "Cf", "Zl", "Zp"), include_characters="\n\t"
)


def _strategy(choices: Choices[T]) -> st.SearchStrategy[T]:
    """``choices`` itself if it is a strategy, else a strategy sampling from it."""
    if isinstance(choices, st.SearchStrategy):
        return choices
    return st.sampled_from(choices)


def identifiers() -> st.SearchStrategy[str]:
    """Ids as hosts make them: UUIDs, database keys and codes such as ``"crm:p-17"``."""
    return st.one_of(
        st.uuids().map(str),
        st.integers(min_value=1, max_value=10**12).map(str),
        st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_.:@-]{0,40}", fullmatch=True),
    )


_IDS: Final = identifiers()
_EXTENSIONS: Final = st.none() | st.from_regex(r"[0-9]{1,5}", fullmatch=True)


def aware_datetimes(
    *, min_value: datetime = datetime(2000, 1, 1), max_value: datetime = datetime(2100, 1, 1)
) -> st.SearchStrategy[datetime]:
    """Timezone-aware datetimes in UTC, fixed offsets and zones with daylight saving time."""
    return st.datetimes(min_value=min_value, max_value=max_value, timezones=st.sampled_from(_ZONES))


def _words() -> st.SearchStrategy[str]:
    """A capitalized word of Cyrillic or Latin letters: known names or generated ones."""
    generated = st.text(st.sampled_from(_CYRILLIC + _LATIN), min_size=2, max_size=15)
    return st.sampled_from(_WORDS) | generated.map(str.capitalize)


def _free_text(*, max_size: int, multiline: bool = False) -> st.SearchStrategy[str]:
    """Text that starts with a word and goes on with any printable characters."""
    characters = _NOTE_CHARACTERS if multiline else _LINE_CHARACTERS
    tail = st.text(characters, max_size=max_size)
    return st.builds("{} {}".format, _words(), tail)


@st.composite
def money(
    draw: st.DrawFn,
    *,
    currencies: Choices[str] = _CURRENCIES,
    min_value: int | Decimal = -(10**9),
    max_value: int | Decimal = 10**9,
) -> Money:
    """Money of one of ``currencies`` with as many decimal places as the currency has."""
    currency = draw(_strategy(currencies))
    amount = draw(
        st.decimals(
            min_value=min_value,
            max_value=max_value,
            places=minor_units(currency),
            allow_nan=False,
            allow_infinity=False,
        )
    )
    return Money(amount=amount, currency=currency)


def entity_refs(
    *, entity_types: Choices[str] = _ENTITY_TYPES, entity_ids: Choices[str] = _IDS
) -> st.SearchStrategy[EntityRef]:
    """References to entities of ``entity_types``."""
    return st.builds(
        EntityRef, entity_type=_strategy(entity_types), entity_id=_strategy(entity_ids)
    )


def _type_settings(draw: st.DrawFn, kind: CustomFieldType) -> dict[str, Any]:
    """The declaration attributes a field of ``kind`` needs or may have."""
    if kind is CustomFieldType.CHOICE:
        options = draw(st.lists(_words(), min_size=1, max_size=5, unique=True))
        return {"choices": tuple(options)}
    if kind is CustomFieldType.REFERENCE:
        return {"reference_to": draw(st.sampled_from(_ENTITY_TYPES))}
    if kind is CustomFieldType.TEXT:
        return {"max_length": draw(st.integers(min_value=1, max_value=1000))}
    if kind in {CustomFieldType.INTEGER, CustomFieldType.DECIMAL}:
        bounds = sorted(draw(st.lists(st.integers(-(10**6), 10**6), min_size=2, max_size=2)))
        minimum, maximum = (draw(st.none() | st.just(Decimal(b))) for b in bounds)
        return {"minimum": minimum, "maximum": maximum}
    return {}


@st.composite
def custom_fields(
    draw: st.DrawFn,
    *,
    types: Choices[CustomFieldType] = tuple(CustomFieldType),
    names: st.SearchStrategy[str] = _NAMES,
) -> CustomField:
    """Declarations of custom fields of ``types``, with choices, ranges or a referenced type."""
    kind = draw(_strategy(types))
    return CustomField(
        name=draw(names),
        type=kind,
        label=draw(st.none() | _words()),
        required=draw(st.booleans()),
        **_type_settings(draw, kind),
    )


_FIELDS: Final = custom_fields()


def _integers_within(field: CustomField) -> st.SearchStrategy[int]:
    low = None if field.minimum is None else math.ceil(field.minimum)
    high = None if field.maximum is None else math.floor(field.maximum)
    return st.integers(min_value=low, max_value=high)


_VALUES: Final[dict[CustomFieldType, Callable[[CustomField], st.SearchStrategy[Any]]]] = {
    CustomFieldType.TEXT: lambda field: st.text(max_size=min(field.max_length, 50)),
    CustomFieldType.INTEGER: _integers_within,
    CustomFieldType.DECIMAL: lambda field: st.decimals(
        min_value=field.minimum, max_value=field.maximum, allow_nan=False, allow_infinity=False
    ),
    CustomFieldType.MONEY: lambda _field: money(),
    CustomFieldType.DATE: lambda _field: st.dates(date(1900, 1, 1), date(2100, 12, 31)),
    CustomFieldType.BOOLEAN: lambda _field: st.booleans(),
    CustomFieldType.CHOICE: lambda field: st.sampled_from(field.choices),
    CustomFieldType.REFERENCE: lambda field: entity_refs(entity_types=(str(field.reference_to),)),
}


def custom_field_values(field: CustomField) -> st.SearchStrategy[CustomValue]:
    """Values that fit ``field``: its type, its range, its choices, its referenced entity type."""
    return _VALUES[field.type](field)


@st.composite
def custom_values(
    draw: st.DrawFn, *, registry: CustomFieldRegistry | None = None, entity_type: str = "partner"
) -> dict[str, CustomValue]:
    """The ``custom`` mapping of an entity: every required and some optional fields of
    ``registry`` for ``entity_type``, or, without a registry, values of arbitrary fields."""
    if registry is None:
        declared = draw(st.lists(custom_fields(), max_size=4, unique_by=lambda f: f.name))
    else:
        declared = [
            f for f in registry.fields_for(entity_type) if f.required or draw(st.booleans())
        ]
    return {field.name: draw(custom_field_values(field)) for field in declared}


@st.composite
def custom_field_registries(
    draw: st.DrawFn,
    *,
    entity_types: Choices[str] = ("partner", "contact_person", "deal"),
    fields: st.SearchStrategy[CustomField] = _FIELDS,
) -> CustomFieldRegistry:
    """Registries declaring up to five uniquely named fields on some of ``entity_types``."""
    declared = {
        entity_type: tuple(draw(st.lists(fields, max_size=5, unique_by=lambda f: f.name)))
        for entity_type in draw(st.lists(_strategy(entity_types), max_size=3, unique=True))
    }
    return CustomFieldRegistry(fields=declared)


@functools.cache
def _example_numbers(region: str) -> tuple[phonenumbers.PhoneNumber, ...]:
    """The fixed-line and mobile example numbers of ``region`` from the phone metadata."""
    types = (phonenumbers.PhoneNumberType.FIXED_LINE, phonenumbers.PhoneNumberType.MOBILE)
    found = (phonenumbers.example_number_for_type(region, t) for t in types)
    examples = tuple(number for number in found if number is not None)
    if not examples:
        raise InvalidArgument(f"the phone metadata has no example numbers for {region!r}")
    return examples


@st.composite
def _phone_numbers(draw: st.DrawFn, region: str) -> str:
    """An E.164 number of ``region``: an example number with its last four digits varied,
    or the example itself where the variation is not a valid number there."""
    example = draw(st.sampled_from(_example_numbers(region)))
    tail = draw(st.integers(min_value=0, max_value=9999))
    national = example.national_number or 0
    candidate = phonenumbers.PhoneNumber(
        country_code=example.country_code, national_number=national - national % 10_000 + tail
    )
    chosen = candidate if phonenumbers.is_valid_number_for_region(candidate, region) else example
    return phonenumbers.format_number(chosen, phonenumbers.PhoneNumberFormat.E164)


@st.composite
def phones(
    draw: st.DrawFn,
    *,
    regions: Choices[str] = _PHONE_REGIONS,
    kinds: Choices[PhoneKind] = tuple(PhoneKind),
    extensions: st.SearchStrategy[str | None] = _EXTENSIONS,
) -> Phone:
    """Valid fixed-line and mobile numbers of ``regions`` in E.164 form."""
    number = draw(_phone_numbers(draw(_strategy(regions))))
    return Phone(number=number, kind=draw(_strategy(kinds)), extension=draw(extensions))


def _email_domains() -> st.SearchStrategy[str]:
    latin = st.from_regex(r"([a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?\.){1,2}[a-z]{2,6}", fullmatch=True)
    cyrillic = st.text(st.sampled_from(_CYRILLIC), min_size=1, max_size=12).map("{}.рф".format)
    return latin | cyrillic


def emails(*, kinds: Choices[EmailKind] = tuple(EmailKind)) -> st.SearchStrategy[Email]:
    """Addresses with Latin or Cyrillic parts, dots, plus tags and a lower-case domain."""
    latin = st.from_regex(r"[A-Za-z0-9]{1,12}([._+-][A-Za-z0-9]{1,8}){0,2}", fullmatch=True)
    local = latin | st.text(st.sampled_from(_CYRILLIC + _LATIN), min_size=1, max_size=12)
    address = st.builds("{}@{}".format, local, _email_domains())
    return st.builds(Email, address=address, kind=_strategy(kinds))


_CITIES: Final = {
    "RU": (
        ("Москва", "ул. Тверская"),
        ("Владивосток", "ул. Светланская"),
        ("Казань", "ул. Баумана"),
    ),
    "KZ": (("Алматы", "пр. Абая"), ("Астана", "ул. Кенесары")),
    "DE": (("Berlin", "Unter den Linden"), ("München", "Leopoldstraße")),
    "US": (("New York", "5th Avenue"), ("Chicago", "Michigan Avenue")),
}


@st.composite
def addresses(
    draw: st.DrawFn,
    *,
    countries: Choices[str] = tuple(_CITIES),
    kinds: Choices[AddressKind] = tuple(AddressKind),
) -> Address:
    """Postal addresses of ``countries`` (those of ``_CITIES``), written as people write them."""
    country = draw(_strategy(countries))
    city, street = draw(st.sampled_from(_CITIES[country]))
    postcode = draw(
        st.from_regex(
            r"[1-9][0-9]{5}" if country in {"RU", "KZ"} else r"[1-9][0-9]{4}", fullmatch=True
        )
    )
    house = draw(st.integers(min_value=1, max_value=300))
    text = f"{postcode}, {city}, {street}, {house}"
    return Address(
        text=text,
        kind=draw(_strategy(kinds)),
        country=draw(st.none() | st.just(country)),
        city=draw(st.none() | st.just(city)),
        postcode=draw(st.none() | st.just(postcode)),
    )


def _digits(size: int) -> st.SearchStrategy[str]:
    """``size`` ASCII digits (a regex ``\\d`` would draw digits of every script)."""
    return st.text(st.sampled_from("0123456789"), min_size=size, max_size=size)


def _russian_control_key(prefix: str, account: str) -> str:
    """The 9th digit of a 20-digit Russian account that makes it match the 3-digit ``prefix``
    taken from the BIC (weights 7, 1, 3 over the 23 digits must sum to a multiple of 10)."""
    digits = [int(c) for c in prefix + account[:8] + "0" + account[9:]]
    total = sum(map(mul, digits, (7, 1, 3) * 8))
    return str(total * 3 % 10)


def _keyed(prefix: str, account: str) -> str:
    return account[:8] + _russian_control_key(prefix, account) + account[9:]


# Balance account (legal entity, sole proprietor, individual) and currency code in accounts.
_BALANCE_ACCOUNTS: Final = ("40702", "40802", "40817")
_ACCOUNT_CURRENCIES: Final = {"RUB": "810", "USD": "840", "EUR": "978", "CNY": "156"}
_BANKS: Final = ("ПАО Сбербанк", "АО «Альфа-Банк»", "Банк ВТБ (ПАО)", "АО «Т-Банк»")


@st.composite
def _russian_bank_accounts(draw: st.DrawFn) -> BankAccount:
    bic = "04" + draw(_digits(7))
    currency = draw(st.sampled_from(tuple(_ACCOUNT_CURRENCIES)))
    balance = draw(st.sampled_from(_BALANCE_ACCOUNTS))
    account = balance + _ACCOUNT_CURRENCIES[currency] + "0" + draw(_digits(11))
    correspondent = "301018100" + "0" * 8 + bic[-3:]
    return BankAccount(
        account_number=_keyed(bic[-3:], account),
        bank_name=draw(st.sampled_from(_BANKS)),
        bic=bic,
        correspondent_account=draw(st.none() | st.just(_keyed("0" + bic[4:6], correspondent))),
        currency=currency,
    )


# Basic bank account number layouts of some IBAN countries, and their currencies.
_BBANS: Final = {
    "DE": (r"[0-9]{18}", "EUR"),
    "FR": (r"[0-9]{10}[A-Z0-9]{11}[0-9]{2}", "EUR"),
    "GB": (r"[A-Z]{4}[0-9]{14}", "GBP"),
    "KZ": (r"[0-9]{3}[A-Z0-9]{13}", "KZT"),
    "CH": (r"[0-9]{5}[A-Z0-9]{12}", "CHF"),
}


def _iban(country: str, bban: str) -> str:
    """The IBAN of ``bban``: check digits that make the number modulo 97 equal 1."""
    numeric = "".join(str(int(c, 36)) for c in bban + country + "00")
    return f"{country}{98 - int(numeric) % 97:02d}{bban}"


@st.composite
def _iban_bank_accounts(draw: st.DrawFn, countries: Choices[str]) -> BankAccount:
    country = draw(_strategy(countries))
    layout, currency = _BBANS[country]
    iban = _iban(country, draw(st.from_regex(layout, fullmatch=True)))
    swift = draw(
        st.from_regex(rf"[A-Z]{{4}}{country}[A-Z0-9]{{2}}([A-Z0-9]{{3}})?", fullmatch=True)
    )
    return BankAccount(
        account_number=iban,
        bank_name=draw(_words()),
        iban=iban,
        swift=swift,
        currency=currency,
    )


def bank_accounts(
    *, russian: bool = True, iban_countries: Choices[str] = _IBAN_COUNTRIES
) -> st.SearchStrategy[BankAccount]:
    """Russian accounts whose control key matches the BIC (with ``russian``) and accounts
    with an IBAN of ``iban_countries`` (those of ``_BBANS``); pass ``()`` for none of them."""
    options = [_russian_bank_accounts()] if russian else []
    if not isinstance(iban_countries, Sequence) or iban_countries:
        options.append(_iban_bank_accounts(iban_countries))
    if not options:
        raise InvalidArgument("bank_accounts() needs Russian accounts or IBAN countries")
    return st.one_of(options)


def _with_inn_check(digits: list[int]) -> list[int]:
    """``digits`` followed by the INN check digit over them."""
    weights = _INN_WEIGHTS[-len(digits) :]
    return [*digits, sum(map(mul, digits, weights)) % 11 % 10]


@st.composite
def inns(draw: st.DrawFn, *, kind: PartnerKind | None = None) -> str:
    """INNs with valid check digits: 10 digits for a legal entity, 12 for a person, either
    one when ``kind`` is ``None``."""
    if kind is None:
        kind = draw(st.sampled_from(PartnerKind))
    organization = kind is PartnerKind.LEGAL_ENTITY
    region = draw(st.integers(min_value=1, max_value=99))
    body = [region // 10, region % 10, *map(int, draw(_digits(7 if organization else 8)))]
    digits = _with_inn_check(body) if organization else _with_inn_check(_with_inn_check(body))
    return "".join(map(str, digits))


@st.composite
def ogrns(draw: st.DrawFn, *, kind: PartnerKind | None = None) -> str:
    """OGRNs (13 digits, legal entities) and OGRNIPs (15 digits, sole proprietors) with
    valid check digits; either one when ``kind`` is ``None``. Individuals have none."""
    if kind is PartnerKind.INDIVIDUAL:
        raise InvalidArgument("individuals have no OGRN or OGRNIP")
    if kind is None:
        kind = draw(st.sampled_from((PartnerKind.LEGAL_ENTITY, PartnerKind.SOLE_PROPRIETOR)))
    sole = kind is PartnerKind.SOLE_PROPRIETOR
    body = ("3" if sole else draw(st.sampled_from("15"))) + draw(_digits(13 if sole else 11))
    return body + str(int(body) % (13 if sole else 11) % 10)


def kpps() -> st.SearchStrategy[str]:
    """KPPs: a 4-digit tax office, a 2-character reason and a 3-digit number."""
    reasons = _digits(2) | st.text(
        st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZ"), min_size=2, max_size=2
    )
    return st.builds("{}{}{}".format, _digits(4), reasons, _digits(3))


@st.composite
def _russian_legal_data(draw: st.DrawFn, kind: PartnerKind) -> LegalData:
    organization = kind is PartnerKind.LEGAL_ENTITY
    registered = kind is not PartnerKind.INDIVIDUAL
    return LegalData(
        country="RU",
        tax_id=draw(st.none() | inns(kind=kind)),
        kpp=draw(st.none() | kpps()) if organization else None,
        registration_number=draw(st.none() | ogrns(kind=kind)) if registered else None,
    )


@st.composite
def legal_data(
    draw: st.DrawFn,
    *,
    kind: PartnerKind | None = None,
    countries: Choices[str] = ("RU", "RU", "RU", "DE", "KZ"),
) -> LegalData:
    """Legal data consistent with ``kind`` (or with some kind, when ``None``): Russian codes
    with check digits, or generic codes for other countries."""
    country = draw(_strategy(countries))
    if country == "RU":
        return draw(_russian_legal_data(kind or draw(st.sampled_from(PartnerKind))))
    code = st.from_regex(r"[A-Z0-9]{5,15}", fullmatch=True)
    return LegalData(
        country=country,
        tax_id=draw(st.none() | code),
        registration_number=draw(st.none() | code),
    )


def _person_names() -> st.SearchStrategy[str]:
    """ "Иванов Иван Иванович", "Greta Schmidt" and the like."""
    russian = st.builds(
        "{} {} {}".format,
        st.sampled_from(_SURNAMES) | _words(),
        st.sampled_from(_GIVEN_NAMES),
        st.sampled_from(_PATRONYMICS),
    )
    western = st.builds("{} {}".format, st.sampled_from(_GIVEN_NAMES), st.sampled_from(_SURNAMES))
    return russian | western | _free_text(max_size=30)


def _partner_names(kind: PartnerKind) -> st.SearchStrategy[str]:
    """Short names as a partner of ``kind`` is called: a company, "ИП ..." or a person."""
    if kind is PartnerKind.LEGAL_ENTITY:
        company = st.builds(str.format, st.sampled_from(_COMPANY_FORMS), _words())
        return company | _free_text(max_size=40)
    if kind is PartnerKind.SOLE_PROPRIETOR:
        return _person_names().map("ИП {}".format)
    return _person_names()


@st.composite
def partners(
    draw: st.DrawFn,
    *,
    ids: Choices[str] = _IDS,
    kinds: Choices[PartnerKind] = tuple(PartnerKind),
    roles: Choices[PartnerRole] = tuple(PartnerRole),
    registry: CustomFieldRegistry | None = None,
) -> Partner:
    """Partners of ``kinds`` with one to three ``roles``, Cyrillic or Latin names, legal data
    that fits the kind, contact data, and custom values (valid for ``registry`` if given)."""
    kind = draw(_strategy(kinds))
    return Partner(
        id=PartnerId(draw(_strategy(ids))),
        kind=kind,
        roles=draw(st.frozensets(_strategy(roles), min_size=1, max_size=3)),
        short_name=draw(_partner_names(kind)),
        full_name=draw(st.none() | _free_text(max_size=100)),
        legal=draw(st.none() | legal_data(kind=kind)),
        addresses=tuple(draw(st.lists(addresses(), max_size=2))),
        phones=tuple(draw(st.lists(phones(), max_size=3, unique_by=lambda p: p.number))),
        emails=tuple(draw(st.lists(emails(), max_size=2, unique_by=lambda e: e.key))),
        bank_accounts=tuple(
            draw(st.lists(bank_accounts(), max_size=2, unique_by=lambda b: b.account_number))
        ),
        responsible_manager=draw(st.none() | identifiers().map(UserId)),
        segment=draw(st.none() | st.sampled_from(("A", "B", "VIP", "Опт", "Розница"))),
        region=draw(st.none() | st.sampled_from(("Москва", "Приморский край", "Bayern"))),
        time_zone=draw(st.none() | st.sampled_from(_TIME_ZONES)),
        notes=draw(st.none() | _free_text(max_size=200, multiline=True)),
        custom=draw(custom_values(registry=registry, entity_type="partner")),
        created_at=draw(aware_datetimes()),
        version=draw(st.integers(min_value=1, max_value=1000)),
    )


@st.composite
def contact_persons(
    draw: st.DrawFn,
    *,
    ids: Choices[str] = _IDS,
    partner_ids: Choices[str] = _IDS,
    registry: CustomFieldRegistry | None = None,
) -> ContactPerson:
    """Contact persons of the partners ``partner_ids`` (pass existing ids to link them)."""
    return ContactPerson(
        id=ContactPersonId(draw(_strategy(ids))),
        partner_id=PartnerId(draw(_strategy(partner_ids))),
        name=draw(_person_names()),
        position=draw(st.none() | st.sampled_from(("Директор", "Бухгалтер", "Buyer", "CEO"))),
        phones=tuple(draw(st.lists(phones(), max_size=2, unique_by=lambda p: p.number))),
        emails=tuple(draw(st.lists(emails(), max_size=2, unique_by=lambda e: e.key))),
        region=draw(st.none() | st.sampled_from(("Москва", "Приморский край", "Bayern"))),
        time_zone=draw(st.none() | st.sampled_from(_TIME_ZONES)),
        notes=draw(st.none() | _free_text(max_size=200, multiline=True)),
        custom=draw(custom_values(registry=registry, entity_type="contact_person")),
        created_at=draw(aware_datetimes()),
        version=draw(st.integers(min_value=1, max_value=1000)),
    )


@st.composite
def relationships(
    draw: st.DrawFn,
    *,
    ids: Choices[str] = _IDS,
    kinds: Choices[RelationshipKind] = tuple(RelationshipKind),
    partner_ids: Choices[str] = _IDS,
    contact_person_ids: Choices[str] = _IDS,
) -> Relationship:
    """Links of ``kinds`` between two different partners of ``partner_ids`` or two different
    contact persons of ``contact_person_ids``, as the kind requires."""
    kind = draw(_strategy(kinds))
    end_ids = partner_ids if kind.between == "partner" else contact_person_ids
    source, target = draw(st.lists(_strategy(end_ids), min_size=2, max_size=2, unique=True))
    return Relationship(
        id=RelationshipId(draw(_strategy(ids))),
        kind=kind,
        source=EntityRef(entity_type=kind.between, entity_id=source),
        target=EntityRef(entity_type=kind.between, entity_id=target),
        since=draw(st.none() | st.dates(date(1990, 1, 1), date(2100, 1, 1))),
        note=draw(st.none() | _free_text(max_size=100, multiline=True)),
        created_at=draw(aware_datetimes()),
    )


_PRIMITIVES: Final = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)


def changes(*, values: st.SearchStrategy[Any] = _PRIMITIVES) -> st.SearchStrategy[Change]:
    """Old and new values of a field as JSON-ready primitives, as :class:`Change` requires."""
    return st.builds(Change, old=values, new=values)


@st.composite
def domain_events(
    draw: st.DrawFn,
    *,
    classes: Choices[type[DomainEvent]] = PARTNER_EVENTS,
    entity_ids: Choices[str] = _IDS,
) -> DomainEvent:
    """Events of ``classes`` (the partners area's by default) about ``entity_ids``."""
    event = draw(_strategy(classes))(
        entity_id=draw(_strategy(entity_ids)),
        occurred_at=draw(aware_datetimes()),
        changes=draw(st.dictionaries(_NAMES, changes(), max_size=3)),
        actor=draw(st.none() | identifiers()),
    )
    if isinstance(event, PartnerRegistered):
        event = attrs.evolve(event, duplicate_check_overridden=draw(st.booleans()))
    return event


def _hypothesis_setup_hook() -> None:
    """Register a strategy for each public model so that ``st.from_type`` draws valid ones."""
    registered: dict[type[Any], st.SearchStrategy[Any]] = {
        Money: money(),
        EntityRef: entity_refs(),
        CustomField: custom_fields(),
        CustomFieldRegistry: custom_field_registries(),
        Change: changes(),
        DomainEvent: domain_events(classes=(DomainEvent, *PARTNER_EVENTS)),
        Phone: phones(),
        Email: emails(),
        Address: addresses(),
        BankAccount: bank_accounts(),
        LegalData: legal_data(),
        Partner: partners(),
        ContactPerson: contact_persons(),
        Relationship: relationships(),
    }
    registered.update({cls: domain_events(classes=(cls,)) for cls in PARTNER_EVENTS})
    for model, strategy in registered.items():
        st.register_type_strategy(model, strategy)
