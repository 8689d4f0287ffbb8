"""Strategies for the kernel: money, entity references, custom fields, changes and events."""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any, Final

from hypothesis import strategies as st

from crmcore.customfields import CustomField, CustomFieldRegistry, CustomFieldType, CustomValue
from crmcore.events import Change, DomainEvent
from crmcore.ids import EntityRef
from crmcore.money import Money, minor_units
from crmcore.partners.events import (
    ContactPersonAdded,
    ContactPersonChanged,
    PartnerChanged,
    PartnerRegistered,
    RelationshipLinked,
    RelationshipUnlinked,
)
from crmcore.testing.strategies._common import (
    _IDS,
    _NAMES,
    _TIMESTAMPS,
    _WORD,
    Choices,
    _optional,
    _strategy,
)
from crmcore.validation import MAX_INTEGER

__all__ = [
    "PARTNER_EVENTS",
    "changes",
    "custom_field_registries",
    "custom_field_values",
    "custom_fields",
    "custom_values",
    "domain_events",
    "entity_refs",
    "money",
]

PARTNER_EVENTS: Final[tuple[type[DomainEvent], ...]] = (
    PartnerRegistered,
    PartnerChanged,
    ContactPersonAdded,
    ContactPersonChanged,
    RelationshipLinked,
    RelationshipUnlinked,
)
"""The event classes of the partners area, the default of :func:`domain_events`."""

_CURRENCIES: Final = ("RUB", "USD", "EUR", "KZT", "CNY", "JPY", "KWD")
_ENTITY_TYPES: Final = ("partner", "contact_person", "deal", "agreement", "claim")


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
    low = -MAX_INTEGER if field.minimum is None else math.ceil(field.minimum)
    high = MAX_INTEGER if field.maximum is None else math.floor(field.maximum)
    return st.integers(min_value=low, max_value=high)


# What every store keeps: below 10**18, at most 28 digits.
_DECIMAL_BOUND: Final = Decimal(10**12)


def _decimals_within(field: CustomField) -> st.SearchStrategy[Decimal]:
    low = -_DECIMAL_BOUND if field.minimum is None else field.minimum
    high = _DECIMAL_BOUND if field.maximum is None else field.maximum
    return st.decimals(min_value=low, max_value=high, places=6)


# Every store keeps text without NUL (PostgreSQL refuses it) and lone surrogates.
_STORABLE: Final = st.characters(codec="utf-8", exclude_characters="\x00")

_VALUES: Final[dict[CustomFieldType, Callable[[CustomField], st.SearchStrategy[Any]]]] = {
    CustomFieldType.TEXT: lambda field: st.text(_STORABLE, max_size=min(field.max_length, 50)),
    CustomFieldType.INTEGER: _integers_within,
    CustomFieldType.DECIMAL: _decimals_within,
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


def _nest_primitives(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)


_PRIMITIVES: Final = st.recursive(
    st.none() | st.booleans() | st.integers(-MAX_INTEGER, MAX_INTEGER) | st.text(max_size=20),
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
