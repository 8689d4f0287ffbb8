"""Hypothesis strategies for every public model of crmcore, valid by construction.

Each strategy is a function with keyword-only parameters; where a choice is useful, the
parameter takes a sub-strategy or a plain sequence of values to sample from, as hypothesis's
own strategies do. Tax ids, bank accounts and phone numbers are computed with their check
digits, so a test can rely on every drawn model being accepted by its constructor.

The ``hypothesis`` entry point calls :func:`_hypothesis_setup_hook`, which registers the
strategies with :func:`hypothesis.strategies.register_type_strategy`: once crmcore is
installed, ``st.from_type(Partner)`` draws partners like :func:`partners` does.

Sub-strategies are built once, outside the drawing functions: hypothesis validates every new
strategy object on its first draw, which would otherwise cost more than the drawing itself.
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import Decimal
from operator import mul
from typing import Any, Final, TypeAlias, TypeVar
from zoneinfo import ZoneInfo

import phonenumbers
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from crmcore.agreements import (
    OVERRIDABLE,
    PLACEHOLDERS,
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
    BodyFormat,
    ComplianceReport,
    ComplianceViolation,
    ConditionOverrides,
    ConditionSource,
    DayCount,
    DeliveryMethod,
    DeliveryTerms,
    DocumentLine,
    EffectiveConditions,
    EmailDraft,
    Instalment,
    OverrideLimits,
    PackagingItem,
    PastSale,
    PaymentBasis,
    PaymentForm,
    PaymentSchedule,
    PaymentStage,
    PlannedPayment,
    Quote,
    QuoteItem,
    QuoteLine,
    QuoteTemplate,
    SaleKind,
    SalesConditions,
    SalesDocument,
    SalesDocumentKind,
    StatusChange,
    Taxation,
    TaxRegime,
    ViolationCode,
)
from crmcore.analytics.periods import Period
from crmcore.analytics.records import PartnerSales
from crmcore.claims.events import (
    ClaimChanged,
    ClaimDecided,
    ClaimPlanChanged,
    ClaimRegistered,
    ClaimStatusChanged,
)
from crmcore.claims.investigation import Activity, InvestigationPlan
from crmcore.claims.kinds import (
    ActivityStatus,
    ClaimChannel,
    ClaimPriority,
    ClaimResult,
    ClaimStatus,
)
from crmcore.claims.kinds import DocumentKind as ClaimDocumentKind
from crmcore.claims.model import Attachment, Claim, Claimant, LinkedDocument, Pause, WorkflowStep
from crmcore.claims.selfservice import ClaimFormLimits
from crmcore.claims.settings import (
    ClaimReason,
    ClaimSettings,
    DeadlinePolicy,
    DeadlineRules,
    ReasonClassifier,
)
from crmcore.customfields import CustomField, CustomFieldRegistry, CustomFieldType, CustomValue
from crmcore.deals import (
    BUILTIN_GATES,
    BUILTIN_PIPELINES,
    DEFAULT_LOST_REASONS,
    Deal,
    DealChanged,
    DealKind,
    DealLost,
    DealMoved,
    DealOpened,
    DealReopened,
    DealResumed,
    DealStatus,
    DealSuspended,
    DealWon,
    DocumentKind,
    Pipeline,
    Stage,
    StageChange,
    StageGate,
)
from crmcore.events import Change, DomainEvent
from crmcore.ids import (
    AgreementId,
    ClaimId,
    ContactPersonId,
    DealId,
    EntityRef,
    InteractionId,
    PartnerId,
    PipelineId,
    RelationshipId,
    RequestId,
    UserId,
)
from crmcore.interactions import (
    PARTICIPANT_TYPES,
    SUBJECT_TYPES,
    Direction,
    Interaction,
    InteractionChanged,
    InteractionCreated,
    InteractionKind,
    InteractionStatus,
    InteractionStatusChanged,
    Participant,
    Reminder,
)
from crmcore.matching import FieldEvidence
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
from crmcore.requests import (
    BUILTIN_REJECTION_REASONS,
    BUILTIN_SOURCES,
    Binding,
    BindingMethod,
    BindingProposal,
    Campaign,
    ContactData,
    Request,
    RequestBindingProposed,
    RequestBound,
    RequestChanged,
    RequestConverted,
    RequestedItem,
    RequestFormLimits,
    RequestRegistered,
    RequestSettings,
    RequestStatus,
    RequestStatusChanged,
)
from crmcore.testing.strategies_rules import rule_strategies
from crmcore.workcalendar import HolidayRule, WorkingCalendar, WorkingPeriod

__all__ = [
    "AGREEMENT_EVENTS",
    "CLAIM_EVENTS",
    "DEAL_EVENTS",
    "INTERACTION_EVENTS",
    "PARTNER_EVENTS",
    "REQUEST_EVENTS",
    "activities",
    "addresses",
    "agreements",
    "attachments",
    "audiences",
    "aware_datetimes",
    "bank_accounts",
    "binding_proposals",
    "bindings",
    "campaigns",
    "changes",
    "claim_form_limits",
    "claim_settings",
    "claimants",
    "claims",
    "compliance_reports",
    "compliance_violations",
    "condition_overrides",
    "contact_data",
    "contact_persons",
    "custom_field_registries",
    "custom_field_values",
    "custom_fields",
    "custom_values",
    "deadline_policies",
    "deals",
    "delivery_terms",
    "domain_events",
    "effective_conditions",
    "email_drafts",
    "emails",
    "entity_refs",
    "hostile_payloads",
    "hostile_texts",
    "hostile_values",
    "identifiers",
    "inns",
    "instalments",
    "interactions",
    "investigation_plans",
    "kpps",
    "legal_data",
    "linked_documents",
    "money",
    "ogrns",
    "override_limits",
    "participants",
    "partner_sales",
    "partners",
    "past_sales",
    "pauses",
    "payment_schedules",
    "payment_stages",
    "periods",
    "phones",
    "pipelines",
    "quote_templates",
    "quotes",
    "relationships",
    "reminders",
    "request_settings",
    "requested_items",
    "requests",
    "sales_conditions",
    "sales_documents",
    "stage_changes",
    "stage_gates",
    "status_changes",
    "taxations",
    "workflow_steps",
    "working_calendars",
    "working_periods",
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
_CURRENCIES: Final = ("RUB", "USD", "EUR", "KZT", "CNY", "JPY", "KWD")
_ENTITY_TYPES: Final = ("partner", "contact_person", "deal", "agreement", "claim")
_PHONE_REGIONS: Final = ("RU", "KZ", "BY", "DE", "US", "GB", "FR", "CN")
_CYRILLIC: Final = "абвгдеёжзийклмнопрстуфхцчшщъыьэюя"
_LATIN: Final = "abcdefghijklmnopqrstuvwxyzäöüß"
_KNOWN_WORDS: Final = (
    "Ромашка", "Вектор", "Северный ветер", "Гранит", "Тайга", "Меридиан", "Ёлочка",
    "Acme", "Nordwind", "Blue Harbor", "Zenith", "Müller & Söhne", "O'Hara",
)  # fmt: skip
_COMPANY_FORMS: Final = ("ООО «{}»", "АО «{}»", "ПАО «{}»", "{} GmbH", "{} Ltd", "{} LLC")
_SURNAMES: Final = ("Иванов", "Петрова", "Сидоров", "Кузнецова", "Ёлкин", "Smith", "Schmidt")
_GIVEN_NAMES: Final = ("Иван", "Мария", "Пётр", "Анна", "Юлия", "John", "Greta")
_PATRONYMICS: Final = ("Иванович", "Сергеевна", "Петрович", "Андреевна", "")
_INN_WEIGHTS: Final = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)

# Text a person may type on one line, or in notes: no control, format or separator characters.
_LINE_CHARACTERS: Final = st.characters(exclude_categories=("Cc", "Cs", "Cf", "Zl", "Zp"))
_NOTE_CHARACTERS: Final = st.characters(
    exclude_categories=("Cc", "Cs", "Cf", "Zl", "Zp"), include_characters="\n\t"
)
_WORD: Final = st.sampled_from(_KNOWN_WORDS) | st.text(
    st.sampled_from(_CYRILLIC + _LATIN), min_size=2, max_size=15
).map(str.capitalize)
_NAMES: Final = st.from_regex(r"[a-z][a-z0-9_]{0,20}", fullmatch=True)
_UPPER: Final = st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZ")


def _strategy(choices: Choices[T]) -> st.SearchStrategy[T]:
    """``choices`` itself if it is a strategy, else a strategy sampling from it."""
    if isinstance(choices, st.SearchStrategy):
        return choices
    return st.sampled_from(choices)


def _optional(strategy: st.SearchStrategy[T]) -> st.SearchStrategy[T | None]:
    return st.none() | strategy


def _digits(size: int) -> st.SearchStrategy[str]:
    """``size`` ASCII digits (a regex ``\\d`` would draw digits of every script)."""
    return st.text(st.sampled_from("0123456789"), min_size=size, max_size=size)


def _free_text(*, max_size: int, multiline: bool = False) -> st.SearchStrategy[str]:
    """Text that starts with a word and goes on with any printable characters."""
    tail = st.text(_NOTE_CHARACTERS if multiline else _LINE_CHARACTERS, max_size=max_size)
    return st.builds("{} {}".format, _WORD, tail)


def identifiers() -> st.SearchStrategy[str]:
    """Ids as hosts make them: UUIDs, database keys and codes such as ``"crm:p-17"``."""
    return st.one_of(
        st.uuids().map(str),
        st.integers(min_value=1, max_value=10**12).map(str),
        st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_.:@-]{0,40}", fullmatch=True),
    )


def aware_datetimes(
    *, min_value: datetime = datetime(2000, 1, 1), max_value: datetime = datetime(2100, 1, 1)
) -> st.SearchStrategy[datetime]:
    """Timezone-aware datetimes in UTC, fixed offsets and zones with daylight saving time."""
    return st.datetimes(min_value=min_value, max_value=max_value, timezones=st.sampled_from(_ZONES))


_IDS: Final = identifiers()
_TIMESTAMPS: Final = aware_datetimes()
_VERSIONS: Final = st.integers(min_value=1, max_value=1000)


@st.composite
def _money(
    draw: st.DrawFn, currencies: st.SearchStrategy[str], low: Decimal, high: Decimal
) -> Money:
    currency = draw(currencies)
    places = minor_units(currency)
    amount = draw(st.decimals(min_value=low, max_value=high, places=places))
    return Money(amount=amount, currency=currency)


def money(
    *,
    currencies: Choices[str] = _CURRENCIES,
    min_value: int | Decimal = -(10**9),
    max_value: int | Decimal = 10**9,
) -> st.SearchStrategy[Money]:
    """Money of one of ``currencies`` with as many decimal places as the currency has."""
    return _money(_strategy(currencies), Decimal(min_value), Decimal(max_value))


def entity_refs(
    *, entity_types: Choices[str] = _ENTITY_TYPES, entity_ids: Choices[str] = _IDS
) -> st.SearchStrategy[EntityRef]:
    """References to entities of ``entity_types``."""
    return st.builds(
        EntityRef, entity_type=_strategy(entity_types), entity_id=_strategy(entity_ids)
    )


_BOUNDS: Final = st.lists(st.integers(-(10**6), 10**6), min_size=2, max_size=2).map(sorted)
_CHOICES: Final = st.lists(_WORD, min_size=1, max_size=5, unique=True).map(tuple)


def _type_settings(draw: st.DrawFn, kind: CustomFieldType) -> dict[str, Any]:
    """The declaration attributes a field of ``kind`` needs or may have."""
    if kind is CustomFieldType.CHOICE:
        return {"choices": draw(_CHOICES)}
    if kind is CustomFieldType.REFERENCE:
        return {"reference_to": draw(st.sampled_from(_ENTITY_TYPES))}
    if kind is CustomFieldType.TEXT:
        return {"max_length": draw(st.integers(min_value=1, max_value=1000))}
    if kind in {CustomFieldType.INTEGER, CustomFieldType.DECIMAL}:
        low, high = draw(_BOUNDS)
        limits = draw(st.sampled_from(((), ("minimum",), ("maximum",), ("minimum", "maximum"))))
        return {name: Decimal(low if name == "minimum" else high) for name in limits}
    return {}


@st.composite
def _custom_fields(
    draw: st.DrawFn, types: st.SearchStrategy[CustomFieldType], names: st.SearchStrategy[str]
) -> CustomField:
    kind = draw(types)
    return CustomField(
        name=draw(names),
        type=kind,
        label=draw(_optional(_WORD)),
        required=draw(st.booleans()),
        **_type_settings(draw, kind),
    )


def custom_fields(
    *,
    types: Choices[CustomFieldType] = tuple(CustomFieldType),
    names: st.SearchStrategy[str] = _NAMES,
) -> st.SearchStrategy[CustomField]:
    """Declarations of custom fields of ``types``, with choices, ranges or a referenced type."""
    return _custom_fields(_strategy(types), names)


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


@functools.lru_cache(maxsize=1024)
def custom_field_values(field: CustomField) -> st.SearchStrategy[CustomValue]:
    """Values that fit ``field``: its type, its range, its choices, its referenced entity type."""
    return _VALUES[field.type](field)


def _field_name(field: CustomField) -> str:
    return field.name


_FIELDS: Final = custom_fields()
_ANY_FIELDS: Final = st.lists(_FIELDS, max_size=4, unique_by=_field_name)


@st.composite
def _custom_values(
    draw: st.DrawFn, registry: CustomFieldRegistry | None, entity_type: str
) -> dict[str, CustomValue]:
    if registry is None:
        declared = draw(_ANY_FIELDS)
    else:
        declared = [
            f for f in registry.fields_for(entity_type) if f.required or draw(st.booleans())
        ]
    return {field.name: draw(custom_field_values(field)) for field in declared}


def custom_values(
    *, registry: CustomFieldRegistry | None = None, entity_type: str = "partner"
) -> st.SearchStrategy[dict[str, CustomValue]]:
    """The ``custom`` mapping of an entity: every required and some optional fields of
    ``registry`` for ``entity_type``, or, without a registry, values of arbitrary fields."""
    return _custom_values(registry, entity_type)


def custom_field_registries(
    *,
    entity_types: Choices[str] = ("partner", "contact_person", "deal"),
    fields: st.SearchStrategy[CustomField] = _FIELDS,
) -> st.SearchStrategy[CustomFieldRegistry]:
    """Registries declaring up to five uniquely named fields on some of ``entity_types``."""
    declarations = st.lists(fields, max_size=5, unique_by=_field_name).map(tuple)
    mapping = st.dictionaries(_strategy(entity_types), declarations, max_size=3)
    return st.builds(CustomFieldRegistry, fields=mapping)


@functools.cache
def _example_numbers(region: str) -> tuple[phonenumbers.PhoneNumber, ...]:
    """The fixed-line and mobile example numbers of ``region`` from the phone metadata."""
    types = (phonenumbers.PhoneNumberType.FIXED_LINE, phonenumbers.PhoneNumberType.MOBILE)
    found = (phonenumbers.example_number_for_type(region, t) for t in types)
    examples = tuple(number for number in found if number is not None)
    if not examples:
        raise InvalidArgument(f"the phone metadata has no example numbers for {region!r}")
    return examples


def _varied(region: str, example: phonenumbers.PhoneNumber, tail: int) -> str:
    """``example`` with its last four digits replaced by ``tail`` in E.164 form, or the example
    itself where that is not a valid number of ``region``."""
    national = example.national_number or 0
    candidate = phonenumbers.PhoneNumber(
        country_code=example.country_code, national_number=national - national % 10_000 + tail
    )
    chosen = candidate if phonenumbers.is_valid_number_for_region(candidate, region) else example
    return phonenumbers.format_number(chosen, phonenumbers.PhoneNumberFormat.E164)


@functools.cache
def _phone_numbers(region: str) -> st.SearchStrategy[str]:
    examples = st.sampled_from(_example_numbers(region))
    return st.builds(functools.partial(_varied, region), examples, st.integers(0, 9999))


_EXTENSIONS: Final = _optional(_digits(3))


def phones(
    *,
    regions: Choices[str] = _PHONE_REGIONS,
    kinds: Choices[PhoneKind] = tuple(PhoneKind),
    extensions: st.SearchStrategy[str | None] = _EXTENSIONS,
) -> st.SearchStrategy[Phone]:
    """Valid fixed-line and mobile numbers of ``regions`` in E.164 form."""
    numbers = _strategy(regions).flatmap(_phone_numbers)
    return st.builds(Phone, number=numbers, kind=_strategy(kinds), extension=extensions)


_EMAIL_DOMAINS: Final = st.from_regex(
    r"([a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?\.){1,2}[a-z]{2,6}", fullmatch=True
) | st.text(st.sampled_from(_CYRILLIC), min_size=1, max_size=12).map("{}.рф".format)
_EMAIL_LOCAL_PARTS: Final = st.from_regex(
    r"[A-Za-z0-9]{1,12}([._+-][A-Za-z0-9]{1,8}){0,2}", fullmatch=True
) | st.text(st.sampled_from(_CYRILLIC + _LATIN), min_size=1, max_size=12)


def emails(*, kinds: Choices[EmailKind] = tuple(EmailKind)) -> st.SearchStrategy[Email]:
    """Addresses with Latin or Cyrillic parts, dots, plus tags and a lower-case domain."""
    address = st.builds("{}@{}".format, _EMAIL_LOCAL_PARTS, _EMAIL_DOMAINS)
    return st.builds(Email, address=address, kind=_strategy(kinds))


# Cities with a street each, and the digits of the country's postcodes.
_CITIES: Final = {
    "RU": ((("Москва", "ул. Тверская"), ("Владивосток", "ул. Светланская")), 6),
    "KZ": ((("Алматы", "пр. Абая"), ("Астана", "ул. Кенесары")), 6),
    "DE": ((("Berlin", "Unter den Linden"), ("München", "Leopoldstraße")), 5),
    "US": ((("New York", "5th Avenue"), ("Chicago", "Michigan Avenue")), 5),
}


@st.composite
def _addresses(
    draw: st.DrawFn, countries: st.SearchStrategy[str], kinds: st.SearchStrategy[AddressKind]
) -> Address:
    country = draw(countries)
    streets, postcode_digits = _CITIES[country]
    city, street = draw(st.sampled_from(streets))
    postcode = str(draw(st.integers(10 ** (postcode_digits - 1), 10**postcode_digits - 1)))
    house = draw(st.integers(min_value=1, max_value=300))
    parts = draw(st.sampled_from(((), ("country",), ("country", "city", "postcode"))))
    known = {"country": country, "city": city, "postcode": postcode}
    return Address(
        text=f"{postcode}, {city}, {street}, {house}",
        kind=draw(kinds),
        **{name: known[name] for name in parts},
    )


def addresses(
    *, countries: Choices[str] = tuple(_CITIES), kinds: Choices[AddressKind] = tuple(AddressKind)
) -> st.SearchStrategy[Address]:
    """Postal addresses of ``countries`` (those of ``_CITIES``), written as people write them."""
    return _addresses(_strategy(countries), _strategy(kinds))


def _russian_control_key(prefix: str, account: str) -> str:
    """The 9th digit of a 20-digit Russian account that makes it match the 3-digit ``prefix``
    taken from the BIC (weights 7, 1, 3 over the 23 digits must sum to a multiple of 10)."""
    digits = [int(c) for c in prefix + account[:8] + "0" + account[9:]]
    return str(sum(map(mul, digits, (7, 1, 3) * 8)) * 3 % 10)


def _keyed(prefix: str, account: str) -> str:
    return account[:8] + _russian_control_key(prefix, account) + account[9:]


# Balance accounts (legal entity, sole proprietor, individual), currency codes in accounts.
_BALANCE_ACCOUNTS: Final = ("40702", "40802", "40817")
_ACCOUNT_CURRENCIES: Final = {"RUB": "810", "USD": "840", "EUR": "978", "CNY": "156"}
_BANKS: Final = ("ПАО Сбербанк", "АО «Альфа-Банк»", "Банк ВТБ (ПАО)", "АО «Т-Банк»")


@st.composite
def _russian_bank_accounts(draw: st.DrawFn) -> BankAccount:
    bic = "04" + draw(_digits(7))
    currency = draw(st.sampled_from(tuple(_ACCOUNT_CURRENCIES)))
    balance = draw(st.sampled_from(_BALANCE_ACCOUNTS))
    account = balance + _ACCOUNT_CURRENCIES[currency] + "0" + draw(_digits(11))
    correspondent = _keyed("0" + bic[4:6], "301018100" + "0" * 8 + bic[-3:])
    return BankAccount(
        account_number=_keyed(bic[-3:], account),
        bank_name=draw(st.sampled_from(_BANKS)),
        bic=bic,
        correspondent_account=correspondent if draw(st.booleans()) else None,
        currency=currency,
    )


# Basic bank account numbers (BBAN) of some IBAN countries, and their currencies.
_BBANS: Final = {
    "DE": (st.from_regex(r"[0-9]{18}", fullmatch=True), "EUR"),
    "FR": (st.from_regex(r"[0-9]{10}[A-Z0-9]{11}[0-9]{2}", fullmatch=True), "EUR"),
    "GB": (st.from_regex(r"[A-Z]{4}[0-9]{14}", fullmatch=True), "GBP"),
    "KZ": (st.from_regex(r"[0-9]{3}[A-Z0-9]{13}", fullmatch=True), "KZT"),
    "CH": (st.from_regex(r"[0-9]{5}[A-Z0-9]{12}", fullmatch=True), "CHF"),
}
_SWIFT_BRANCHES: Final = st.sampled_from(("", "XXX", "001"))


def _iban(country: str, bban: str) -> str:
    """The IBAN of ``bban``: check digits that make the number modulo 97 equal 1."""
    numeric = "".join(str(int(c, 36)) for c in bban + country + "00")
    return f"{country}{98 - int(numeric) % 97:02d}{bban}"


@st.composite
def _iban_bank_accounts(draw: st.DrawFn, countries: st.SearchStrategy[str]) -> BankAccount:
    country = draw(countries)
    bbans, currency = _BBANS[country]
    iban = _iban(country, draw(bbans))
    bank = "".join(draw(st.lists(_UPPER, min_size=4, max_size=4)))
    swift = f"{bank}{country}{draw(_digits(2))}{draw(_SWIFT_BRANCHES)}"
    return BankAccount(
        account_number=iban, bank_name=draw(_WORD), iban=iban, swift=swift, currency=currency
    )


def bank_accounts(
    *, russian: bool = True, iban_countries: Choices[str] = tuple(_BBANS)
) -> st.SearchStrategy[BankAccount]:
    """Russian accounts whose control key matches the BIC (with ``russian``) and accounts
    with an IBAN of ``iban_countries`` (those of ``_BBANS``); pass ``()`` for none of them."""
    options = [_russian_bank_accounts()] if russian else []
    if isinstance(iban_countries, st.SearchStrategy) or iban_countries:
        options.append(_iban_bank_accounts(_strategy(iban_countries)))
    if not options:
        raise InvalidArgument("bank_accounts() needs Russian accounts or IBAN countries")
    return st.one_of(options)


def _with_inn_check(digits: list[int]) -> list[int]:
    """``digits`` followed by the INN check digit over them."""
    weights = _INN_WEIGHTS[-len(digits) :]
    return [*digits, sum(map(mul, digits, weights)) % 11 % 10]


def _inn(body: str) -> str:
    """The INN that starts with ``body``: 9 digits get one check digit, 10 digits two."""
    digits = _with_inn_check([int(c) for c in body])
    if len(body) == 10:
        digits = _with_inn_check(digits)
    return "".join(map(str, digits))


def _ogrn(body: str) -> str:
    """The OGRN (12 digits of ``body``) or OGRNIP (14) with its check digit."""
    return body + str(int(body) % (11 if len(body) == 12 else 13) % 10)


def inns(*, kind: PartnerKind | None = None) -> st.SearchStrategy[str]:
    """INNs with valid check digits: 10 digits for a legal entity, 12 for a person, either
    one when ``kind`` is ``None``."""
    lengths = {PartnerKind.LEGAL_ENTITY: (9,), None: (9, 10)}.get(kind, (10,))
    region = st.integers(min_value=1, max_value=99).map("{:02d}".format)
    rest = st.sampled_from(lengths).flatmap(lambda size: _digits(size - 2))
    return st.builds("{}{}".format, region, rest).map(_inn)


def ogrns(*, kind: PartnerKind | None = None) -> st.SearchStrategy[str]:
    """OGRNs (13 digits, legal entities) and OGRNIPs (15 digits, sole proprietors) with
    valid check digits; either one when ``kind`` is ``None``. Individuals have none."""
    if kind is PartnerKind.INDIVIDUAL:
        raise InvalidArgument("individuals have no OGRN or OGRNIP")
    ogrn = st.builds("{}{}".format, st.sampled_from("15"), _digits(11))
    ogrnip = _digits(13).map("3{}".format)
    if kind is None:
        return (ogrn | ogrnip).map(_ogrn)
    return (ogrn if kind is PartnerKind.LEGAL_ENTITY else ogrnip).map(_ogrn)


def kpps() -> st.SearchStrategy[str]:
    """KPPs: a 4-digit tax office, a 2-character reason and a 3-digit number."""
    reasons = _digits(2) | st.text(_UPPER, min_size=2, max_size=2)
    return st.builds("{}{}{}".format, _digits(4), reasons, _digits(3))


def _russian_legal_data(kind: PartnerKind) -> st.SearchStrategy[LegalData]:
    organization = kind is PartnerKind.LEGAL_ENTITY
    registered = kind is not PartnerKind.INDIVIDUAL
    return st.builds(
        LegalData,
        country=st.just("RU"),
        tax_id=_optional(inns(kind=kind)),
        kpp=_optional(kpps()) if organization else st.none(),
        registration_number=_optional(ogrns(kind=kind)) if registered else st.none(),
    )


_RUSSIAN_LEGAL_DATA: Final = {kind: _russian_legal_data(kind) for kind in PartnerKind}
_GENERIC_CODES: Final = _optional(st.from_regex(r"[A-Z0-9]{5,15}", fullmatch=True))


@st.composite
def _legal_data(
    draw: st.DrawFn, kinds: st.SearchStrategy[PartnerKind], countries: st.SearchStrategy[str]
) -> LegalData:
    country = draw(countries)
    if country == "RU":
        return draw(_RUSSIAN_LEGAL_DATA[draw(kinds)])
    return LegalData(
        country=country, tax_id=draw(_GENERIC_CODES), registration_number=draw(_GENERIC_CODES)
    )


def legal_data(
    *, kind: PartnerKind | None = None, countries: Choices[str] = ("RU", "RU", "RU", "DE", "KZ")
) -> st.SearchStrategy[LegalData]:
    """Legal data consistent with ``kind`` (or with some kind, when ``None``): Russian codes
    with check digits, or generic codes for other countries."""
    kinds = st.sampled_from(PartnerKind) if kind is None else st.just(kind)
    return _legal_data(kinds, _strategy(countries))


_PERSON_NAMES: Final = st.one_of(
    st.builds(
        "{} {} {}".format,
        st.sampled_from(_SURNAMES) | _WORD,
        st.sampled_from(_GIVEN_NAMES),
        st.sampled_from(_PATRONYMICS),
    ),
    st.builds("{} {}".format, st.sampled_from(_GIVEN_NAMES), st.sampled_from(_SURNAMES)),
    _free_text(max_size=30),
)
# Short names as partners of each kind are called: a company, "ИП ..." or a person.
_PARTNER_NAMES: Final = {
    PartnerKind.LEGAL_ENTITY: st.builds(str.format, st.sampled_from(_COMPANY_FORMS), _WORD)
    | _free_text(max_size=40),
    PartnerKind.SOLE_PROPRIETOR: _PERSON_NAMES.map("ИП {}".format),
    PartnerKind.INDIVIDUAL: _PERSON_NAMES,
}
_LEGAL_DATA_BY_KIND: Final = {kind: _optional(legal_data(kind=kind)) for kind in PartnerKind}
_TIME_ZONES: Final = _optional(
    st.sampled_from(("Europe/Moscow", "Asia/Vladivostok", "Asia/Almaty", "Europe/Berlin"))
)
_REGIONS: Final = _optional(st.sampled_from(("Москва", "Приморский край", "Bayern")))
_NOTES: Final = _optional(_free_text(max_size=200, multiline=True))
_PHONE_LISTS: Final = st.lists(phones(), max_size=3, unique_by=lambda p: p.number).map(tuple)
_EMAIL_LISTS: Final = st.lists(emails(), max_size=2, unique_by=lambda e: e.key).map(tuple)
_CONTACTS: Final[dict[str, st.SearchStrategy[Any]]] = {
    "phones": _PHONE_LISTS,
    "emails": _EMAIL_LISTS,
    "region": _REGIONS,
    "time_zone": _TIME_ZONES,
    "notes": _NOTES,
    "created_at": _TIMESTAMPS,
    "version": _VERSIONS,
}
_PARTNER_DETAILS: Final[dict[str, st.SearchStrategy[Any]]] = {
    **_CONTACTS,
    "full_name": _optional(_free_text(max_size=100)),
    "addresses": st.lists(addresses(), max_size=2).map(tuple),
    "bank_accounts": st.lists(
        bank_accounts(), max_size=2, unique_by=lambda b: b.account_number
    ).map(tuple),
    "responsible_manager": _optional(_IDS.map(UserId)),
    "segment": _optional(st.sampled_from(("A", "B", "VIP", "Опт", "Розница"))),
}


@st.composite
def _partners(
    draw: st.DrawFn,
    ids: st.SearchStrategy[str],
    kinds: st.SearchStrategy[PartnerKind],
    roles: st.SearchStrategy[frozenset[PartnerRole]],
    custom: st.SearchStrategy[dict[str, CustomValue]],
) -> Partner:
    kind = draw(kinds)
    return Partner(
        id=PartnerId(draw(ids)),
        kind=kind,
        roles=draw(roles),
        short_name=draw(_PARTNER_NAMES[kind]),
        legal=draw(_LEGAL_DATA_BY_KIND[kind]),
        custom=draw(custom),
        **{name: draw(strategy) for name, strategy in _PARTNER_DETAILS.items()},
    )


def partners(
    *,
    ids: Choices[str] = _IDS,
    kinds: Choices[PartnerKind] = tuple(PartnerKind),
    roles: Choices[PartnerRole] = tuple(PartnerRole),
    registry: CustomFieldRegistry | None = None,
) -> st.SearchStrategy[Partner]:
    """Partners of ``kinds`` with one to three ``roles``, Cyrillic or Latin names, legal data
    that fits the kind, contact data, and custom values (valid for ``registry`` if given)."""
    return _partners(
        _strategy(ids),
        _strategy(kinds),
        st.frozensets(_strategy(roles), min_size=1, max_size=3),
        custom_values(registry=registry, entity_type="partner"),
    )


_POSITIONS: Final = _optional(st.sampled_from(("Директор", "Бухгалтер", "Buyer", "CEO")))


def contact_persons(
    *,
    ids: Choices[str] = _IDS,
    partner_ids: Choices[str] = _IDS,
    registry: CustomFieldRegistry | None = None,
) -> st.SearchStrategy[ContactPerson]:
    """Contact persons of the partners ``partner_ids`` (pass existing ids to link them)."""
    return st.builds(
        ContactPerson,
        id=_strategy(ids).map(ContactPersonId),
        partner_id=_strategy(partner_ids).map(PartnerId),
        name=_PERSON_NAMES,
        position=_POSITIONS,
        custom=custom_values(registry=registry, entity_type="contact_person"),
        **_CONTACTS,
    )


_SINCE: Final = _optional(st.dates(date(1990, 1, 1), date(2100, 1, 1)))
_LINK_NOTES: Final = _optional(_free_text(max_size=100, multiline=True))


@st.composite
def _relationships(
    draw: st.DrawFn,
    ids: st.SearchStrategy[str],
    kinds: st.SearchStrategy[RelationshipKind],
    ends: dict[str, st.SearchStrategy[list[str]]],
) -> Relationship:
    kind = draw(kinds)
    source, target = draw(ends[kind.between])
    return Relationship(
        id=RelationshipId(draw(ids)),
        kind=kind,
        source=EntityRef(entity_type=kind.between, entity_id=source),
        target=EntityRef(entity_type=kind.between, entity_id=target),
        since=draw(_SINCE),
        note=draw(_LINK_NOTES),
        created_at=draw(_TIMESTAMPS),
    )


def relationships(
    *,
    ids: Choices[str] = _IDS,
    kinds: Choices[RelationshipKind] = tuple(RelationshipKind),
    partner_ids: Choices[str] = _IDS,
    contact_person_ids: Choices[str] = _IDS,
) -> st.SearchStrategy[Relationship]:
    """Links of ``kinds`` between two different partners of ``partner_ids`` or two different
    contact persons of ``contact_person_ids``, as the kind requires."""
    ends = {
        entity_type: st.lists(_strategy(end_ids), min_size=2, max_size=2, unique=True)
        for entity_type, end_ids in (
            ("partner", partner_ids),
            ("contact_person", contact_person_ids),
        )
    }
    return _relationships(_strategy(ids), _strategy(kinds), ends)


def _nest_primitives(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)


_PRIMITIVES: Final = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    _nest_primitives,
    max_leaves=8,
)


def changes(*, values: st.SearchStrategy[Any] = _PRIMITIVES) -> st.SearchStrategy[Change]:
    """Old and new values of a field as JSON-ready primitives, as :class:`Change` requires."""
    return st.builds(Change, old=values, new=values)


_EVENT_DETAILS: Final[dict[str, st.SearchStrategy[Any]]] = {
    "occurred_at": _TIMESTAMPS,
    "changes": st.dictionaries(_NAMES, changes(), max_size=3),
    "actor": _optional(_IDS),
}


def _event(cls: type[DomainEvent], entity_ids: st.SearchStrategy[str]) -> st.SearchStrategy[Any]:
    """Events of ``cls``, with their own fields (beside the base event's) drawn too."""
    own = {"duplicate_check_overridden": st.booleans()} if cls is PartnerRegistered else {}
    return st.builds(cls, entity_id=entity_ids, **_EVENT_DETAILS, **own)


def domain_events(
    *, classes: Sequence[type[DomainEvent]] = PARTNER_EVENTS, entity_ids: Choices[str] = _IDS
) -> st.SearchStrategy[DomainEvent]:
    """Events of ``classes`` (the partners area's by default) about ``entity_ids``."""
    ids = _strategy(entity_ids)
    return st.one_of([_event(cls, ids) for cls in classes])


# --- working calendars (crmcore.workcalendar) -------------------------------------------

_CALENDAR_ZONES: Final = ("UTC", "Europe/Moscow", "Europe/Berlin", "America/New_York",
                          "Asia/Vladivostok", "Australia/Lord_Howe")  # fmt: skip
_HOLIDAY_RULES: Final = (
    HolidayRule(name="New Year", rule="FREQ=YEARLY;BYMONTH=1;BYMONTHDAY=1"),
    HolidayRule(name="Orthodox Christmas", rule="FREQ=YEARLY;BYMONTH=1;BYMONTHDAY=7"),
    HolidayRule(name="Memorial Day", rule="FREQ=YEARLY;BYMONTH=5;BYDAY=-1MO"),
    HolidayRule(name="First Friday", rule="FREQ=MONTHLY;BYDAY=+1FR"),
)


def _quarter(index: int) -> time:
    """The ``index``-th quarter hour of a day; 96 is the midnight that ends it."""
    return time(0) if index == 96 else time(index // 4, index % 4 * 15)


@st.composite
def working_periods(draw: st.DrawFn, *, count: int = 1) -> tuple[WorkingPeriod, ...]:
    """``count`` ordered, non-overlapping working periods on a quarter-hour grid."""
    marks = draw(st.lists(st.integers(0, 96), min_size=2 * count, max_size=2 * count, unique=True))
    marks.sort()
    return tuple(
        WorkingPeriod(start=_quarter(marks[i]), end=_quarter(marks[i + 1]))
        for i in range(0, 2 * count, 2)
    )


@st.composite
def working_calendars(
    draw: st.DrawFn,
    *,
    time_zones: Choices[str] = _CALENDAR_ZONES,
    years: Sequence[int] = (2025, 2026, 2027),
) -> WorkingCalendar:
    """Working calendars with one to three periods a day, holidays and extra working days
    in ``years``, in zones with and without daylight saving time."""
    days = st.dates(date(min(years), 1, 1), date(max(years), 12, 31))
    holidays = draw(st.frozensets(days, max_size=12))
    return WorkingCalendar(
        time_zone=draw(_strategy(time_zones)),
        working_days=draw(st.frozensets(st.integers(0, 6), min_size=1)),
        hours=draw(st.integers(1, 3).flatmap(lambda count: working_periods(count=count))),
        holidays=holidays,
        holiday_rules=tuple(draw(st.lists(st.sampled_from(_HOLIDAY_RULES), unique=True))),
        extra_working_days=draw(st.frozensets(days, max_size=4)) - holidays,
    )


# --- untrusted input (crmcore.intake) ---------------------------------------------------

_HOSTILE_TEXTS: Final = (
    "<script>alert(1)</script>", "'; DROP TABLE claims; --", "{{7*7}}", "${jndi:ldap://x/a}",
    "../../etc/passwd", "\u202eevil\u202c", "\x00\x1b[31m", "A\u0301\u0301\u0301",
    "\ud800", "ｆｕｌｌｗｉｄｔｈ", "\u200b\ufeff", "=HYPERLINK(\"http://x\")", " " * 50,
)  # fmt: skip


def hostile_texts(*, max_size: int = 300) -> st.SearchStrategy[str]:
    """Text a robot sends to a form: injection-looking strings, control and format
    characters, lone surrogates, combining marks, look-alikes, and very long strings."""
    return st.one_of(
        st.sampled_from(_HOSTILE_TEXTS),
        st.text(max_size=max_size),
        st.text(st.characters(codec=None, categories=("Cc", "Cf", "Cs", "Co", "Mn", "Zs"))),
        st.builds(str.__mul__, st.sampled_from(("a", "я", "\u0301", "<")), st.integers(0, 20_000)),
    )


def hostile_values(*, texts: st.SearchStrategy[str] | None = None) -> st.SearchStrategy[Any]:
    """Any value a decoded JSON body, or a careless caller, may hold: nested junk included."""
    scalars = st.one_of(
        st.none(),
        st.booleans(),
        st.integers() | st.sampled_from((64, 5000)).map(lambda digits: -(10**digits)),
        st.floats(allow_nan=True, allow_infinity=True),
        texts or hostile_texts(),
        st.binary(max_size=20),
    )
    return st.recursive(scalars, _nest_hostile, max_leaves=12)


def _nest_hostile(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)


def hostile_payloads(
    fields: Sequence[str], *, valid: st.SearchStrategy[dict[str, Any]] | None = None
) -> st.SearchStrategy[Any]:
    """Payloads for a form with ``fields``: known and unknown keys with hostile values, a
    ``valid`` payload spoiled in one field, and things that are not mappings at all."""
    keys = st.sampled_from(tuple(fields)) | hostile_texts(max_size=30) | st.integers()
    junk = st.dictionaries(keys, hostile_values(), max_size=len(fields) + 3)
    choices = [junk, hostile_values()]
    if valid is not None:
        spoiled = st.tuples(valid, st.sampled_from(tuple(fields)), hostile_values())
        choices.append(spoiled.map(lambda case: {**case[0], case[1]: case[2]}))
    return st.one_of(choices)


# --- agreements (crmcore.agreements) -----------------------------------------------------

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


def _agreement_money(currency: str) -> st.SearchStrategy[Money]:
    return money(currencies=(currency,), min_value=0, max_value=10**5)


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


def _agreement_strategies() -> dict[type[Any], st.SearchStrategy[Any]]:
    """The agreements area's models and their strategies, for :func:`_hypothesis_setup_hook`."""
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
    registered.update({cls: domain_events(classes=(cls,)) for cls in AGREEMENT_EVENTS})
    return registered


# --- deals (crmcore.deals) --------------------------------------------------------------

DEAL_EVENTS: Final[tuple[type[DomainEvent], ...]] = (
    DealOpened,
    DealChanged,
    DealMoved,
    DealWon,
    DealLost,
    DealReopened,
    DealSuspended,
    DealResumed,
)
"""The event classes of the deals area."""

_BUILTIN_PIPELINES: Final = tuple(BUILTIN_PIPELINES.values())
_DOCUMENT_KINDS: Final = tuple(kind.value for kind in DocumentKind)
_PLAIN_GATES: Final = tuple(
    name for name in sorted(BUILTIN_GATES) if name not in {"custom_field_filled", "document_linked"}
)


def stage_gates() -> st.SearchStrategy[StageGate]:
    """Built-in gates a stage may require, with the argument each one takes."""
    return st.one_of(
        st.builds(StageGate, gate=st.sampled_from(_PLAIN_GATES)),
        st.builds(StageGate, gate=st.just("custom_field_filled"), argument=_NAMES),
        st.builds(
            StageGate, gate=st.just("document_linked"), argument=st.sampled_from(_DOCUMENT_KINDS)
        ),
    )


@st.composite
def _stages(draw: st.DrawFn, kind: DealKind, max_stages: int) -> tuple[Stage, ...]:
    count = draw(st.integers(1, max_stages))
    names = draw(st.lists(_NAMES, min_size=count, max_size=count, unique=True))
    orders = sorted(
        draw(st.lists(st.integers(0, 1000), min_size=count, max_size=count, unique=True))
    )
    finals = [draw(st.booleans()) if i < count - 1 else True for i in range(count)]
    stages = []
    for i, (name, order) in enumerate(zip(names, orders, strict=True)):
        skips = names[i + 1 :] if kind is DealKind.CONTROLLED else ()
        following = draw(st.lists(st.sampled_from(skips), unique=True)) if skips else []
        ahead = [names[i + 1], *following] if following else []
        stages.append(
            Stage(
                name=name,
                title=draw(_WORD),
                order=order,
                probability=Decimal(draw(st.integers(0, 100))),
                expected_days=draw(st.none() | st.integers(0, 90)),
                gates=tuple(draw(st.lists(stage_gates(), max_size=3, unique_by=str))),
                final=finals[i],
                next_stages=tuple(dict.fromkeys(ahead)),
            )
        )
    return tuple(draw(st.permutations(stages)))


@st.composite
def pipelines(
    draw: st.DrawFn,
    *,
    ids: Choices[str] = _IDS,
    kinds: Choices[DealKind] = tuple(DealKind),
    max_stages: int = 6,
) -> Pipeline:
    """Valid pipelines of ``kinds``: up to ``max_stages`` stages in any order of declaration,
    the last always final, controlled ones with forward jumps, built-in gates."""
    kind = draw(_strategy(kinds))
    reasons = st.lists(_NAMES, min_size=1, max_size=5, unique=True).map(tuple)
    return Pipeline(
        id=PipelineId(draw(_strategy(ids))),
        title=draw(_WORD),
        kind=kind,
        stages=draw(_stages(kind, max_stages)) if kind.staged else (),
        lost_reasons=draw(st.just(DEFAULT_LOST_REASONS) | reasons),
        win_at_any_stage=kind is DealKind.MANUAL and draw(st.booleans()),
        version=draw(st.integers(1, 100)),
    )


@st.composite
def deals(
    draw: st.DrawFn,
    *,
    ids: Choices[str] = _IDS,
    pipelines: Choices[Pipeline] = _BUILTIN_PIPELINES,
    statuses: Choices[DealStatus] = tuple(DealStatus),
) -> Deal:
    """Deals of ``pipelines`` at any of their stages and ``statuses``, with the fields each
    status requires (a closing time, a lost reason from the pipeline's list)."""
    pipeline = draw(_strategy(pipelines))
    status = draw(_strategy(statuses))
    created = draw(aware_datetimes(max_value=datetime(2090, 1, 1)))
    entered = created + timedelta(minutes=draw(st.integers(0, 10**6)))
    lost = status is DealStatus.LOST
    manager = UserId(draw(identifiers()))
    documents = st.lists(entity_refs(entity_types=_DOCUMENT_KINDS), max_size=3, unique_by=str)
    return Deal(
        id=DealId(draw(_strategy(ids))),
        title=draw(_free_text(max_size=60)),
        partner_id=PartnerId(draw(identifiers())),
        pipeline_id=pipeline.id,
        kind=pipeline.kind,
        stage=draw(st.sampled_from(pipeline.ordered)).name if pipeline.kind.staged else None,
        status=status,
        amount=draw(st.none() | money(min_value=0)),
        expected_close=draw(st.none() | st.dates(date(2000, 1, 1), date(2100, 1, 1))),
        responsible_manager=manager,
        co_executors=draw(st.frozensets(identifiers().map(UserId), max_size=3)) - {manager},
        documents=tuple(draw(documents)),
        custom=draw(custom_values(entity_type="deal")),
        lost_reason=draw(st.sampled_from(pipeline.lost_reasons)) if lost else None,
        competitor_id=draw(st.none() | identifiers().map(PartnerId)) if lost else None,
        lost_comment=draw(st.none() | _free_text(max_size=100, multiline=True)) if lost else None,
        created_at=created,
        stage_entered_at=entered,
        closed_at=entered if status.closed else None,
        version=draw(st.integers(1, 1000)),
    )


def stage_changes(*, deal_ids: Choices[str] = _IDS) -> st.SearchStrategy[StageChange]:
    """Entries of the stage log of ``deal_ids``."""
    return st.builds(
        StageChange,
        deal_id=_strategy(deal_ids).map(DealId),
        pipeline_id=identifiers().map(PipelineId),
        from_stage=st.none() | _NAMES,
        to_stage=st.none() | _NAMES,
        from_status=st.none() | st.sampled_from(tuple(DealStatus)),
        status=st.sampled_from(tuple(DealStatus)),
        at=aware_datetimes(),
        by=st.none() | identifiers().map(UserId),
        reason=st.none() | _free_text(max_size=100),
        amount=st.none() | money(min_value=0),
        version=st.integers(1, 1000),
    )


def _deal_strategies() -> dict[type[Any], st.SearchStrategy[Any]]:
    """The deals area's models and their strategies, for :func:`_hypothesis_setup_hook`."""
    registered: dict[type[Any], st.SearchStrategy[Any]] = {
        StageGate: stage_gates(),
        Stage: pipelines(kinds=(DealKind.MANUAL,)).map(lambda pipeline: pipeline.stages[0]),
        Pipeline: pipelines(),
        Deal: deals(),
        StageChange: stage_changes(),
    }
    registered.update({cls: domain_events(classes=(cls,)) for cls in DEAL_EVENTS})
    return registered


# --- claims (crmcore.claims) ------------------------------------------------------------

CLAIM_EVENTS: Final[tuple[type[DomainEvent], ...]] = (
    ClaimRegistered,
    ClaimChanged,
    ClaimStatusChanged,
    ClaimDecided,
    ClaimPlanChanged,
)
"""The event classes of the claims area."""

_DEPARTMENT_NAMES: Final = ("Склад", "Отдел продаж", "Доставка", "Quality")
_REASON_CODES: Final = ("packaging", "delivery", "quality", "price", "service")
_MEDIA: Final = ("image/jpeg", "image/png", "application/pdf", "video/mp4")
_HOURS: Final = st.integers(min_value=0, max_value=24 * 60).map(lambda h: timedelta(hours=h))


@st.composite
def claimants(draw: st.DrawFn, *, roles: Choices[PartnerRole] = tuple(PartnerRole)) -> Claimant:
    """Claimants: a known partner, a person known by name, or both, with contact data."""
    partner_id = draw(_optional(_IDS.map(PartnerId)))
    name = draw(_PERSON_NAMES if partner_id is None else st.none() | _PERSON_NAMES)
    return Claimant(
        role=draw(_strategy(roles)), partner_id=partner_id, name=name,
        email=draw(st.none() | emails()), phone=draw(st.none() | phones()),
    )  # fmt: skip


def _all_claimants() -> st.SearchStrategy[Claimant]:
    """:func:`claims` takes a parameter named like :func:`claimants`; this reaches the function."""
    return claimants()


def linked_documents() -> st.SearchStrategy[LinkedDocument]:
    """Documents by id, by number, or both."""
    numbers = st.from_regex(r"[A-Z0-9][A-Z0-9/-]{0,15}", fullmatch=True)
    return st.one_of(
        st.builds(LinkedDocument, kind=st.sampled_from(ClaimDocumentKind), document_id=_IDS,
                  number=st.none() | numbers),
        st.builds(LinkedDocument, kind=st.sampled_from(ClaimDocumentKind), number=numbers),
    )  # fmt: skip


def attachments() -> st.SearchStrategy[Attachment]:
    """Attachments as references: a file name, a media type and a size in bytes."""
    return st.builds(
        Attachment,
        name=st.builds("{}.{}".format, _WORD, st.sampled_from(("jpg", "pdf", "png", "mp4"))),
        media_type=st.sampled_from(_MEDIA),
        size=st.integers(min_value=0, max_value=2**31),
    )


def pauses(*, start: datetime = datetime(2026, 1, 1, tzinfo=UTC)) -> st.SearchStrategy[Pause]:
    """Finished pauses from ``start`` on."""
    return st.builds(
        lambda begin, length: Pause(started_at=start + begin, ended_at=start + begin + length),
        _HOURS, _HOURS,
    )  # fmt: skip


def activities(
    *, start: datetime = datetime(2026, 1, 1, tzinfo=UTC)
) -> st.SearchStrategy[Activity]:
    """Investigation activities planned from ``start`` on, in any status."""
    return st.builds(
        lambda activity_id, name, begin, length, status, mandatory, assignee: Activity(
            id=activity_id, name=name, planned_start=start + begin,
            planned_finish=start + begin + length, status=status, mandatory=mandatory,
            assignee=assignee, result="Причина найдена" if status is ActivityStatus.DONE else None,
        ),
        _IDS, _WORD, _HOURS, _HOURS, st.sampled_from(ActivityStatus), st.booleans(),
        st.none() | _IDS,
    )  # fmt: skip


def investigation_plans(*, max_activities: int = 4) -> st.SearchStrategy[InvestigationPlan]:
    """Plans of up to ``max_activities`` activities with distinct ids."""
    return st.lists(activities(), max_size=max_activities, unique_by=lambda a: a.id).map(
        lambda found: InvestigationPlan(activities=tuple(found))
    )


def workflow_steps() -> st.SearchStrategy[WorkflowStep]:
    """Workflow steps between any two statuses (the log keeps what happened)."""
    return st.builds(
        WorkflowStep, event=st.sampled_from(("investigate", "decide", "close", "reopen")),
        source=st.sampled_from(ClaimStatus), target=st.sampled_from(ClaimStatus),
        at=aware_datetimes(), actor=st.none() | _IDS,
        comment=st.none() | _free_text(max_size=40, multiline=True),
    )  # fmt: skip


@st.composite
def claims(
    draw: st.DrawFn,
    *,
    statuses: Choices[ClaimStatus] = tuple(ClaimStatus),
    departments: Choices[str | None] = (None, *_DEPARTMENT_NAMES),
    reasons: Sequence[str] = _REASON_CODES,
    claimants: Choices[Claimant] | None = None,
    plans: Choices[InvestigationPlan] | None = None,
) -> Claim:
    """Claims in any status of ``statuses``, consistent with it (a decided claim has a
    result, a waiting one an open pause), about ``departments`` with ``reasons``, raised by
    ``claimants`` with investigation ``plans`` (drawn freely by default; fixed ones are
    quicker for tests that only count)."""
    status = draw(_strategy(statuses))
    registered = draw(
        aware_datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2027, 1, 1))
    )
    response = registered + draw(_HOURS)
    decided = status in {ClaimStatus.DECIDED, ClaimStatus.CLOSED}
    finished = tuple(draw(st.lists(pauses(start=registered), max_size=2)))
    waiting = (Pause(started_at=registered + draw(_HOURS)),)
    return Claim(
        id=ClaimId(draw(_IDS)), registered_at=registered,
        claimant=draw(_strategy(claimants) if claimants is not None else _all_claimants()),
        channel=draw(st.sampled_from(ClaimChannel)),
        essence=draw(_free_text(max_size=200, multiline=True)),
        response_due=response, resolution_due=response + draw(_HOURS),
        claim_type=draw(st.none() | st.sampled_from(("quality", "delivery"))),
        priority=draw(st.sampled_from(ClaimPriority)), department=draw(_strategy(departments)),
        employee=draw(_optional(_IDS.map(UserId))),
        responsible_manager=draw(_optional(_IDS.map(UserId))),
        reasons=tuple(draw(st.lists(st.sampled_from(reasons), unique=True, max_size=3))),
        linked_documents=tuple(draw(st.lists(linked_documents(), max_size=2))),
        attachments=tuple(draw(st.lists(attachments(), max_size=2))),
        requested_outcome=draw(st.none() | _free_text(max_size=80)),
        status=status, result=draw(st.sampled_from(ClaimResult)) if decided else None,
        responded_at=draw(st.none() | st.just(registered)),
        decided_at=registered + draw(_HOURS) if decided else None,
        pauses=finished + waiting if status is ClaimStatus.WAITING_FOR_CLAIMANT else finished,
        plan=draw(_strategy(plans) if plans is not None else investigation_plans()),
        history=tuple(draw(st.lists(workflow_steps(), max_size=3))),
        version=draw(st.integers(min_value=1, max_value=50)),
    )  # fmt: skip


def deadline_policies() -> st.SearchStrategy[DeadlinePolicy]:
    """Response and resolution allowances, the resolution never the shorter."""
    positive = st.integers(min_value=1, max_value=24 * 30).map(lambda h: timedelta(hours=h))
    return st.builds(
        lambda a, b: DeadlinePolicy(response=min(a, b), resolution=max(a, b)), positive, positive
    )


def claim_settings() -> st.SearchStrategy[ClaimSettings]:
    """Claim settings: reasons, deadline rules by priority and type, and a working calendar."""
    classifier = st.lists(st.sampled_from(_REASON_CODES), unique=True).map(
        lambda codes: ReasonClassifier(
            reasons=tuple(ClaimReason(code=c, name=c.capitalize()) for c in codes)
        )
    )
    policies = deadline_policies()
    rules = st.builds(
        DeadlineRules, default=deadline_policies(),
        by_priority=st.dictionaries(st.sampled_from(ClaimPriority), policies, max_size=2),
        by_type=st.dictionaries(st.sampled_from(("quality", "delivery")), policies, max_size=2),
    )  # fmt: skip
    return st.builds(
        ClaimSettings, reasons=classifier, deadlines=rules, calendar=working_calendars(),
        claim_types=st.frozensets(st.sampled_from(("quality", "delivery"))),
    )  # fmt: skip


def claim_form_limits() -> st.SearchStrategy[ClaimFormLimits]:
    """Limits of the public claim form, within what a claim can hold."""
    return st.builds(
        ClaimFormLimits, name=st.integers(1, 200), essence=st.integers(1, 5000),
        requested_outcome=st.integers(1, 5000), reasons=st.integers(0, 100),
        documents=st.integers(0, 100), attachments=st.integers(0, 100),
        attachment_size=st.integers(0, 2**40), media_types=st.frozensets(st.sampled_from(_MEDIA)),
    )  # fmt: skip


def _claim_strategies() -> dict[type[Any], st.SearchStrategy[Any]]:
    """The claims area's models and their strategies, for :func:`_hypothesis_setup_hook`."""
    settings = claim_settings()
    registered: dict[type[Any], st.SearchStrategy[Any]] = {
        Claimant: claimants(),
        LinkedDocument: linked_documents(),
        Attachment: attachments(),
        Pause: pauses(),
        Activity: activities(),
        InvestigationPlan: investigation_plans(),
        WorkflowStep: workflow_steps(),
        Claim: claims(),
        DeadlinePolicy: deadline_policies(),
        DeadlineRules: settings.map(lambda found: found.deadlines),
        ClaimReason: st.sampled_from(_REASON_CODES).map(lambda c: ClaimReason(code=c, name=c)),
        ReasonClassifier: settings.map(lambda found: found.reasons),
        ClaimSettings: settings,
        ClaimFormLimits: claim_form_limits(),
    }
    registered.update({cls: domain_events(classes=(cls,)) for cls in CLAIM_EVENTS})
    return registered


# --- interactions (crmcore.interactions) and analytics (crmcore.analytics) ---------------

INTERACTION_EVENTS: Final[tuple[type[DomainEvent], ...]] = (
    InteractionCreated,
    InteractionChanged,
    InteractionStatusChanged,
)
"""The event classes of the interactions area."""

_MINUTES: Final = st.integers(min_value=0, max_value=7 * 24 * 60).map(
    lambda m: timedelta(minutes=m)
)
_PARTICIPANT_TYPES: Final = tuple(sorted(PARTICIPANT_TYPES))
_SUBJECT_TYPES: Final = tuple(sorted(SUBJECT_TYPES - {"interaction"}))


def participants() -> st.SearchStrategy[Participant]:
    """Participants known by name and how to reach them, linked, or both."""
    refs = entity_refs(entity_types=_PARTICIPANT_TYPES)
    reach = st.none() | emails().map(lambda e: e.address) | phones().map(lambda p: p.number)
    return st.one_of(
        st.builds(Participant, name=_PERSON_NAMES, reach=reach, ref=st.none() | refs),
        st.builds(Participant, ref=refs),
    )


def reminders() -> st.SearchStrategy[Reminder]:
    """Reminders some minutes before the start, or at a set moment."""
    return st.builds(Reminder, before=_MINUTES) | st.builds(Reminder, at=_TIMESTAMPS)


@st.composite
def interactions(
    draw: st.DrawFn,
    *,
    kinds: Choices[InteractionKind] = tuple(InteractionKind),
    statuses: Choices[InteractionStatus] = tuple(InteractionStatus),
) -> Interaction:
    """Interactions of ``kinds`` in ``statuses``, with the fields their kind allows."""
    kind, status = draw(_strategy(kinds)), draw(_strategy(statuses))
    start = draw(aware_datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2030, 1, 1)))
    end = start + draw(_MINUTES)
    direction = draw(st.sampled_from(Direction)) if kind.directed else None
    return Interaction(
        id=InteractionId(draw(_IDS)), kind=kind, topic=draw(_free_text(max_size=60)),
        subject=draw(st.none() | entity_refs(entity_types=_SUBJECT_TYPES)),
        start=start, end=end, author=UserId(draw(_IDS)), responsible=UserId(draw(_IDS)),
        status=status, direction=direction,
        reviewed=direction is Direction.INCOMING and draw(st.booleans()),
        partner_id=draw(_optional(_IDS.map(PartnerId))),
        participants=tuple(draw(st.lists(participants(), max_size=3))),
        location=draw(st.none() | _WORD) if kind is InteractionKind.MEETING else None,
        duration=draw(st.none() | _MINUTES) if kind is InteractionKind.CALL else None,
        body_ref=draw(_optional(_IDS)) if kind is InteractionKind.EMAIL else None,
        result=draw(st.none() | _free_text(max_size=100, multiline=True)),
        reminders=tuple(draw(st.lists(reminders(), max_size=2))),
        completed_at=end if status is InteractionStatus.DONE else None,
        created_at=start - draw(_MINUTES), version=draw(_VERSIONS),
    )  # fmt: skip


def periods(
    *, min_value: date = date(2001, 1, 1), max_value: date = date(2099, 12, 31)
) -> st.SearchStrategy[Period]:
    """Periods of analysis between ``min_value`` and ``max_value``, a day to a few years long."""
    days = st.dates(min_value=min_value, max_value=max_value)
    return st.builds(sorted, st.lists(days, min_size=2, max_size=2)).map(
        lambda ends: Period(first=ends[0], last=ends[1])
    )


def partner_sales(*, currencies: Choices[str] = ("RUB", "EUR")) -> st.SearchStrategy[PartnerSales]:
    """Sales figures of a partner: a first deal, a count and a total."""
    return st.builds(
        PartnerSales, first_deal=st.dates(min_value=date(2000, 1, 1)),
        deals=st.integers(min_value=1, max_value=10_000),
        total=_strategy(currencies).flatmap(lambda c: money(currencies=(c,), min_value=0)),
    )  # fmt: skip


def _interaction_strategies() -> dict[type[Any], st.SearchStrategy[Any]]:
    """The interactions and analytics models and their strategies, for the setup hook."""
    registered: dict[type[Any], st.SearchStrategy[Any]] = {
        Participant: participants(),
        Reminder: reminders(),
        Interaction: interactions(),
        Period: periods(),
        PartnerSales: partner_sales(),
    }
    registered.update({cls: domain_events(classes=(cls,)) for cls in INTERACTION_EVENTS})
    return registered


# --- requests (crmcore.requests) --------------------------------------------------------

REQUEST_EVENTS: Final[tuple[type[DomainEvent], ...]] = (
    RequestRegistered,
    RequestChanged,
    RequestStatusChanged,
    RequestBound,
    RequestBindingProposed,
    RequestConverted,
)
"""The event classes of the requests area."""

_REQUEST_EVENT_FIELDS: Final[dict[type[DomainEvent], dict[str, st.SearchStrategy[Any]]]] = {
    RequestRegistered: {"duplicate_of": _optional(_IDS)},
    RequestStatusChanged: {"step": st.sampled_from(("take", "qualify", "reject", "reopen"))},
    RequestConverted: {"deal_id": _IDS},
}
_PROBABILITIES: Final = st.floats(min_value=0, max_value=1)
_REQUEST_MINUTES: Final = st.integers(min_value=0, max_value=60 * 24 * 30).map(
    lambda m: timedelta(minutes=m)
)
_EVIDENCE: Final = st.builds(
    FieldEvidence, field=st.sampled_from(("short_name", "phone", "email", "name")),
    left=_optional(_WORD), right=_optional(_WORD), similarity=_optional(_PROBABILITIES),
    weight=st.floats(min_value=-20, max_value=20),
)  # fmt: skip
_MESSAGES: Final = _free_text(max_size=200, multiline=True)
_MANAGERS: Final = (None, UserId("u-1"), UserId("u-2"))
_UTM: Final = _optional(st.sampled_from(("yandex", "google", "cpc", "spring_sale", "banner")))


def requested_items(
    *, currencies: Choices[str] = ("RUB", "EUR")
) -> st.SearchStrategy[RequestedItem]:
    """Products asked for: a name, a positive quantity, perhaps a unit and an amount."""
    return st.builds(
        RequestedItem, product=_free_text(max_size=60),
        quantity=st.decimals(min_value=Decimal("0.001"), max_value=10**6, places=3),
        unit=st.none() | st.sampled_from(("шт", "kg", "m", "h")),
        amount=_optional(money(currencies=currencies, min_value=0)),
    )  # fmt: skip


@st.composite
def contact_data(draw: st.DrawFn) -> ContactData:
    """Contact data as people leave it: a name or a company or a way to reach them, or all."""
    name = draw(_optional(_PERSON_NAMES))
    company = draw(_optional(_WORD))
    reach = draw(st.lists(phones(), max_size=2, unique_by=lambda p: p.number))
    mails = draw(st.lists(emails(), max_size=2, unique_by=lambda e: e.key))
    if not (name or company or reach or mails):
        name = draw(_PERSON_NAMES)
    return ContactData(
        name=name, company=company, phones=tuple(reach), emails=tuple(mails),
        region=draw(_optional(_WORD)), message=draw(_optional(_MESSAGES)),
    )  # fmt: skip


def campaigns() -> st.SearchStrategy[Campaign]:
    """UTM-like campaign marks, any of them missing."""
    return st.builds(Campaign, source=_UTM, medium=_UTM, campaign=_UTM, term=_UTM, content=_UTM)


def binding_proposals() -> st.SearchStrategy[BindingProposal]:
    """Clients a request may come from, with a probability and an explanation."""
    return st.builds(
        BindingProposal, partner_id=_IDS.map(PartnerId),
        contact_person_id=_optional(_IDS.map(ContactPersonId)), probability=_PROBABILITIES,
        explanation=st.lists(_EVIDENCE, max_size=3).map(tuple),
    )  # fmt: skip


@st.composite
def bindings(draw: st.DrawFn) -> Binding:
    """Bindings to a client card, matched (with probability and evidence) or manual."""
    method = draw(st.sampled_from(BindingMethod))
    matched = method is BindingMethod.MATCHED
    return Binding(
        partner_id=PartnerId(draw(_IDS)),
        contact_person_id=draw(_optional(_IDS.map(ContactPersonId))), method=method,
        probability=draw(_PROBABILITIES if matched else _optional(_PROBABILITIES)),
        explanation=tuple(draw(st.lists(_EVIDENCE, max_size=3))), bound_at=draw(_TIMESTAMPS),
        by=draw(_optional(_IDS.map(UserId))),
    )  # fmt: skip


@st.composite
def requests(
    draw: st.DrawFn,
    *,
    statuses: Choices[RequestStatus] = tuple(RequestStatus),
    sources: Choices[str] = BUILTIN_SOURCES,
    reasons: Choices[str] = BUILTIN_REJECTION_REASONS,
    managers: Choices[UserId | None] = _MANAGERS,
) -> Request:
    """Requests in any of ``statuses``, consistent with it (a rejected one has a reason, a
    converted one a deal), from ``sources``, bound, proposed or neither."""
    status = draw(_strategy(statuses))
    received = draw(aware_datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2027, 1, 1)))
    currency = draw(st.sampled_from(("RUB", "EUR")))
    closed = not status.open
    binding = draw(_optional(bindings()))
    taken = status not in {RequestStatus.NEW, RequestStatus.REJECTED} or (
        status is RequestStatus.REJECTED and draw(st.booleans())
    )
    qualified = status in {RequestStatus.QUALIFIED, RequestStatus.CONVERTED}
    return Request(
        id=RequestId(draw(_IDS)), source=draw(_strategy(sources)), received_at=received,
        contact=draw(contact_data()),
        items=tuple(draw(st.lists(requested_items(currencies=(currency,)), max_size=3))),
        estimated_amount=draw(_optional(money(currencies=(currency,), min_value=0))),
        campaign=draw(_optional(campaigns())), binding=binding,
        proposals=() if binding else tuple(draw(st.lists(binding_proposals(), max_size=2))),
        duplicate_of=draw(_optional(_IDS.map(RequestId))),
        responsible_manager=draw(_strategy(managers)), status=status,
        rejection_reason=draw(_strategy(reasons)) if status is RequestStatus.REJECTED else None,
        first_response_at=received + draw(_REQUEST_MINUTES) if taken else None,
        qualified_at=received + draw(_REQUEST_MINUTES) if qualified else None,
        deal_id=DealId(draw(_IDS)) if status is RequestStatus.CONVERTED else None,
        closed_at=received + draw(_REQUEST_MINUTES) if closed else None, version=draw(_VERSIONS),
    )  # fmt: skip


def request_settings() -> st.SearchStrategy[RequestSettings]:
    """Request settings: some sources and rejection reasons, a duplicate window."""
    codes = st.lists(_NAMES, min_size=1, max_size=4, unique=True).map(tuple)
    return st.builds(
        RequestSettings, sources=codes, rejection_reasons=codes, duplicate_window=_REQUEST_MINUTES
    )


def _request_strategies() -> dict[type[Any], st.SearchStrategy[Any]]:
    """The requests area's models and their strategies, for :func:`_hypothesis_setup_hook`."""
    registered: dict[type[Any], st.SearchStrategy[Any]] = {
        RequestedItem: requested_items(),
        ContactData: contact_data(),
        Campaign: campaigns(),
        BindingProposal: binding_proposals(),
        Binding: bindings(),
        Request: requests(),
        RequestSettings: request_settings(),
        RequestFormLimits: st.builds(
            RequestFormLimits, name=st.integers(0, 200), message=st.integers(0, 5000),
            items=st.integers(0, 100), quantity=st.integers(0, 10**9),
        ),
    }  # fmt: skip
    for cls in REQUEST_EVENTS:
        own = _REQUEST_EVENT_FIELDS.get(cls, {})
        registered[cls] = st.builds(cls, entity_id=_IDS, **_EVENT_DETAILS, **own)
    return registered


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
        WorkingPeriod: working_periods().map(lambda periods: periods[0]),
        HolidayRule: st.sampled_from(_HOLIDAY_RULES),
        WorkingCalendar: working_calendars(),
    }
    registered.update({cls: domain_events(classes=(cls,)) for cls in PARTNER_EVENTS})
    registered.update(_agreement_strategies())
    registered.update(_deal_strategies())
    registered.update(_claim_strategies())
    registered.update(_interaction_strategies())
    registered.update(_request_strategies())
    registered.update(rule_strategies())
    for model, strategy in registered.items():
        st.register_type_strategy(model, strategy)


# Registration also runs here: when this module is what first imports hypothesis, crmcore's
# entry point (crmcore.testing._hypothesis_hook) finds it half built and leaves it to us.
_hypothesis_setup_hook()
