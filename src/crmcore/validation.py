"""Validation of models: checks attached to attrs fields, all run, all problems reported.

attrs stops at the first failing validator; a person fixing a form wants every problem at
once. So models derive from :class:`Model`, declare their checks in field metadata with
:func:`checks`, and :meth:`Model.__attrs_post_init__` runs every check of every field plus the
model's own cross-field :meth:`Model._invariants`, then raises one
:class:`~crmcore.errors.DomainValidationError` listing them all.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Final, TypeVar, cast, overload

import attrs

from crmcore.errors import DomainValidationError, Violation

__all__ = [
    "Check",
    "FrozenMap",
    "Model",
    "aware_datetime",
    "bounded_text",
    "check_now",
    "checks",
    "clean_text",
    "each",
    "enum_member",
    "freeze",
    "identifier",
    "instance_of",
    "int_at_most",
    "non_negative_int",
    "optional",
    "positive_decimal",
    "positive_int",
    "unique",
]

K = TypeVar("K")
V = TypeVar("V")
D = TypeVar("D")
E = TypeVar("E", bound=enum.Enum)

Check = Callable[[str, Any], Iterable[Violation]]
"""A check gets the field name and the value and yields what is wrong with it."""

CHECKS: Final = "crmcore.checks"
# C0/C1 controls, zero-width and bidirectional-override characters (used to spoof text).
_INVISIBLE: Final = r"\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff"
_CONTROL: Final = re.compile(rf"[\x00-\x08\x0b\x0c\x0e-\x1f{_INVISIBLE}]")
_CONTROL_SINGLE_LINE: Final = re.compile(rf"[\x00-\x1f{_INVISIBLE}]")
# Half of a UTF-16 pair on its own: Python holds it, no UTF-8 database can store it.
_SURROGATE: Final = re.compile(r"[\ud800-\udfff]")
_IDENTIFIER: Final = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,127}$")


def checks(*functions: Check) -> dict[str, tuple[Check, ...]]:
    """Field metadata that attaches ``functions`` as the checks of the field."""
    return {CHECKS: functions}


class Model:
    """Base of crmcore's attrs models: validates every field and invariant after ``__init__``.

    Because ``attrs.evolve`` goes through ``__init__``, an evolved model is validated too:
    a model that exists is valid.
    """

    __slots__ = ()

    def __attrs_post_init__(self) -> None:
        violations = list(self._field_violations())
        if not violations:
            violations.extend(self._invariants())
        if violations:
            raise DomainValidationError(violations)

    def _field_violations(self) -> Iterator[Violation]:
        for field in attrs.fields(cast("type[attrs.AttrsInstance]", type(self))):
            for check in field.metadata.get(CHECKS, ()):
                yield from check(field.name, getattr(self, field.name))

    def _invariants(self) -> Iterable[Violation]:
        """Cross-field rules; run only when every field passed its own checks."""
        return ()


class FrozenMap(Mapping[K, V]):
    """A read-only mapping: what a frozen model holds where it needs a mapping.

    Compares equal to any mapping with the same items, hashes when its values do, and pickles.

    >>> custom = FrozenMap({"car_brand": "Audi"})
    >>> custom == {"car_brand": "Audi"}, custom["car_brand"]
    (True, 'Audi')
    """

    __slots__ = ("_items",)

    def __init__(self, items: Mapping[K, V] | None = None) -> None:
        self._items: dict[K, V] = dict(items or {})

    def __getitem__(self, key: K) -> V:
        return self._items[key]

    def __iter__(self) -> Iterator[K]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    # The mixins of Mapping answer ``get`` and ``in`` through ``__getitem__`` and a caught
    # KeyError; events' changes are read this way on every rule evaluation.
    @overload
    def get(self, key: K, /) -> V | None: ...
    @overload
    def get(self, key: K, /, default: V | D) -> V | D: ...
    def get(self, key: K, /, default: object = None) -> object:
        """The value of ``key``, or ``default`` when there is none."""
        return self._items.get(key, default)

    def __contains__(self, key: object) -> bool:
        return key in self._items

    def __hash__(self) -> int:
        return hash(frozenset(self._items.items()))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Mapping):
            return self._items == dict(other.items())
        return NotImplemented

    def __repr__(self) -> str:
        return repr(self._items)

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (self._items,))


def freeze(value: Mapping[str, Any]) -> Mapping[str, Any]:
    """Converter for mapping fields: a :class:`FrozenMap` copy; other values pass unchanged
    so that the field's checks can name them."""
    if isinstance(value, FrozenMap) or not isinstance(value, Mapping):
        return value
    return FrozenMap(value)


def clean_text(value: str) -> str:
    """Unicode NFC form without surrounding whitespace; other values pass unchanged.

    Used as an attrs converter, so that ``"  ООО Ромашка "`` is stored as ``"ООО Ромашка"``
    and a wrong type still reaches the checks, which name the field.

    >>> clean_text("  Cafe\\u0301 ")
    'Café'
    """
    if not isinstance(value, str):
        return value
    return unicodedata.normalize("NFC", value).strip()


def clean_optional_text(value: str | None) -> str | None:
    """:func:`clean_text` that maps an empty string to ``None``."""
    if not isinstance(value, str):
        return value
    cleaned = clean_text(value)
    return cleaned or None


def bounded_text(max_length: int, *, multiline: bool = False) -> Check:
    """A string that is not blank, has no control characters and at most ``max_length`` chars."""
    control = _CONTROL if multiline else _CONTROL_SINGLE_LINE

    def check(field: str, value: object) -> Iterator[Violation]:
        if not isinstance(value, str):
            yield Violation(field=field, message="must be a string", value=value)
        elif not value.strip():
            yield Violation(field=field, message="must not be blank", value=value)
        elif len(value) > max_length:
            message = f"must be at most {max_length} characters, not {len(value)}"
            yield Violation(field=field, message=message)
        elif _SURROGATE.search(value):
            yield Violation(field=field, message="must be valid Unicode (no lone surrogates)")
        elif control.search(value):
            yield Violation(field=field, message="must not contain control characters")

    return check


def identifier(field: str, value: object) -> Iterator[Violation]:
    """An id: 1 to 128 letters, digits and ``_ . : @ -``, starting with a letter or digit."""
    if not isinstance(value, str) or not _IDENTIFIER.match(value):
        yield Violation(
            field=field,
            message="must be an id of 1-128 letters, digits or _.:@- (starting alphanumeric)",
            value=value,
        )


def instance_of(*types: type) -> Check:
    """A value of one of ``types`` (``bool`` is never taken for ``int``)."""
    names = " or ".join(t.__name__ for t in types)

    def check(field: str, value: object) -> Iterator[Violation]:
        wrong_bool = isinstance(value, bool) and bool not in types
        if wrong_bool or not isinstance(value, types):
            yield Violation(field=field, message=f"must be {names}", value=value)

    return check


def optional(inner: Check) -> Check:
    """``None`` or a value that passes ``inner``."""

    def check(field: str, value: object) -> Iterable[Violation]:
        return () if value is None else inner(field, value)

    return check


def each(inner: Check, *, container: type = tuple) -> Check:
    """A ``container`` (tuple by default) whose every item passes ``inner``; paths get ``[i]``."""

    def check(field: str, value: Any) -> Iterator[Violation]:
        if not isinstance(value, container):
            yield Violation(field=field, message=f"must be a {container.__name__}", value=value)
            return
        for index, item in enumerate(cast("Iterable[Any]", value)):
            yield from inner(f"{field}[{index}]", item)

    return check


def unique(key: Callable[[Any], Hashable], *, what: str) -> Check:
    """A collection whose items differ by ``key`` (two equal phones on a card, say)."""

    def check(field: str, value: object) -> Iterator[Violation]:
        if not isinstance(value, tuple | frozenset | list):
            return
        seen: set[Hashable] = set()
        for index, item in enumerate(value):
            try:
                marker = key(item)
            except (AttributeError, TypeError):
                continue
            if marker in seen:
                yield Violation(field=f"{field}[{index}]", message=f"repeats {what} {marker!r}")
            seen.add(marker)

    return check


def enum_member(kind: type[E], field: str, value: object, found: list[Violation]) -> E | None:
    """``value`` as a member of ``kind`` (a member, or a member's value), else ``None`` with a
    violation naming ``field`` and the allowed values added to ``found``.

    >>> import enum
    >>> class Colour(enum.Enum):
    ...     RED = "red"
    >>> found = []
    >>> enum_member(Colour, "colour", "red", found), enum_member(Colour, "colour", "blue", found)
    (<Colour.RED: 'red'>, None)
    >>> print(found[0])
    colour: must be one of 'red' (got 'blue')
    """
    if isinstance(value, kind):
        return value
    try:
        return kind(value)
    except ValueError:
        allowed = ", ".join(repr(member.value) for member in kind)
        found.append(Violation(field=field, message=f"must be one of {allowed}", value=value))
        return None


def aware_datetime(field: str, value: object) -> Iterator[Violation]:
    """A timezone-aware ``datetime``: crmcore never guesses the zone of a naive one."""
    if not isinstance(value, datetime):
        yield Violation(field=field, message="must be a datetime", value=value)
    elif value.tzinfo is None or value.utcoffset() is None:
        yield Violation(
            field=field, message="must be timezone-aware (naive datetimes are ambiguous)"
        )


def check_now(now: object) -> None:
    """Refuse a ``now`` that is not a timezone-aware datetime, naming ``now`` (what every
    service that takes the moment from its caller checks first)."""
    if isinstance(now, datetime) and now.tzinfo is not None and now.utcoffset() is not None:
        return
    raise_violations(aware_datetime("now", now))


def plain_date(field: str, value: object) -> Iterator[Violation]:
    """A ``date`` that is not a ``datetime``."""
    if not isinstance(value, date) or isinstance(value, datetime):
        yield Violation(field=field, message="must be a date", value=value)


def non_negative_int(field: str, value: object) -> Iterator[Violation]:
    """An ``int`` (not ``bool``) of zero or more."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        yield Violation(field=field, message="must be an integer >= 0", value=value)


def positive_int(field: str, value: object) -> Iterator[Violation]:
    """An ``int`` (not ``bool``) of one or more: a size, a limit, a number of rounds."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        yield Violation(field=field, message="must be an integer >= 1", value=value)


def int_at_most(maximum: int) -> Check:
    """An ``int`` (not ``bool``) from 0 to ``maximum``: a count or a limit someone configures."""

    def check(field: str, value: object) -> Iterator[Violation]:
        yield from non_negative_int(field, value)
        if isinstance(value, int) and not isinstance(value, bool) and value > maximum:
            yield Violation(field=field, message=f"must be at most {maximum}", value=value)

    return check


def finite_decimal(field: str, value: object) -> Iterator[Violation]:
    """A finite ``Decimal`` (no float: binary fractions cannot hold money or percentages)."""
    if not isinstance(value, Decimal) or not value.is_finite():
        yield Violation(field=field, message="must be a finite Decimal", value=value)


def positive_decimal(field: str, value: object) -> Iterator[Violation]:
    """A finite ``Decimal`` above 0: a quantity."""
    if not isinstance(value, Decimal) or not value.is_finite():
        yield from finite_decimal(field, value)
    elif value <= 0:
        yield Violation(field=field, message="must be above 0", value=value)


def mapping_of(key: Check, item: Check) -> Check:
    """A mapping whose keys pass ``key`` and values pass ``item``; paths get ``.key``."""

    def check(field: str, value: object) -> Iterator[Violation]:
        if not isinstance(value, Mapping):
            yield Violation(field=field, message="must be a mapping", value=value)
            return
        for name, entry in value.items():
            yield from key(field, name)
            yield from item(f"{field}.{name}", entry)

    return check


def field_violations(model: type, name: str, value: object) -> list[Violation]:
    """What the checks of field ``name`` of ``model`` find wrong with ``value`` (converted
    first, as ``__init__`` would); lets a service report a field's problems beside others."""
    field = getattr(attrs.fields(cast("type[attrs.AttrsInstance]", model)), name)
    if field.converter is not None and callable(field.converter):
        value = field.converter(value)
    return [v for check in field.metadata.get(CHECKS, ()) for v in check(name, value)]


def raise_violations(violations: Iterable[Violation]) -> None:
    """Raise one :class:`DomainValidationError` if ``violations`` holds anything."""
    found = list(violations)
    if found:
        raise DomainValidationError(found)
