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
from collections.abc import Callable, Collection, Hashable, Iterable, Iterator, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Final, TypeVar, cast, overload

import attrs

from crmcore.errors import DomainValidationError, Violation, shown

__all__ = [
    "CHANGES_OF",
    "EDITABLE_OF",
    "Check",
    "FrozenMap",
    "Model",
    "aware_datetime",
    "bounded_text",
    "changes_of",
    "check_now",
    "checks",
    "clean_text",
    "each",
    "enum_member",
    "freeze",
    "identifier",
    "instance_of",
    "int_at_most",
    "invariant",
    "invariant_violations",
    "non_negative_int",
    "not_editable",
    "optional",
    "payload_violations",
    "positive_decimal",
    "positive_int",
    "read_changes",
    "read_collection",
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
# \A and \Z, not ^ and $: "$" also matches before a trailing newline ("p-1\n").
_IDENTIFIER: Final = re.compile(r"\A[A-Za-z0-9][A-Za-z0-9_.:@-]{0,127}\Z")

MAX_TEXT: Final = 100_000
"""The longest string an untrusted payload may hold anywhere (fields allow far less)."""
MAX_ITEMS: Final = 1_000
"""The most items of one list, or keys of one mapping, in an untrusted payload."""
MAX_VALUES: Final = 20_000
"""The most values (every item, key and leaf counted) in one untrusted payload."""
MAX_DEPTH: Final = 64
"""The deepest nesting of lists and mappings in an untrusted payload."""
MAX_INTEGER: Final = 2**63 - 1
"""The largest integer, in absolute value, that crmcore accepts (what every store holds)."""
_MAX_REPORTED_UNKNOWN: Final = 20
MAX_DECIMAL_DIGITS: Final = 28
"""The most significant digits of a decimal number (the precision of Decimal's context)."""
FIRST_DAY: Final = date(1900, 1, 1)
LAST_DAY: Final = date(2999, 12, 31)
"""Dates and moments crmcore accepts lie from :data:`FIRST_DAY` to :data:`LAST_DAY`: far
enough from ``date.min`` and ``date.max`` that a calendar can add years without overflow."""


def checks(*functions: Check) -> dict[str, tuple[Check, ...]]:
    """Field metadata that attaches ``functions`` as the checks of the field."""
    return {CHECKS: functions}


CHANGES_OF: Final = "crmcore.changes_of"
EDITABLE_OF: Final = "crmcore.editable_of"


def changes_of(model: type, *, editable: Collection[str] = ()) -> dict[str, object]:
    """Field metadata of a ``changes`` mapping whose keys name fields of ``model``: the
    converter reads each such value from JSON as that field's type (Money from
    ``{"amount": "10.00", "currency": "RUB"}``, a date from ``"2026-05-01"``), every problem
    under ``changes.<field>``; keys that name no field are left to the service to refuse.

    ``editable`` names the fields the service lets change: only those are read, and when one
    of them cannot be read, the keys outside them are refused beside it, as the service would
    refuse them, so that every problem shows at once."""
    return {CHANGES_OF: model, EDITABLE_OF: frozenset(editable)}


def not_editable(changes: Mapping[object, object], editable: Collection[str]) -> list[Violation]:
    """The problems of the keys of ``changes`` that name no ``editable`` field, as
    :func:`read_changes` reports them.

    >>> [str(v) for v in not_editable({"title": "Pumps", "stage": "won"}, {"title"})]
    ['stage: cannot be changed here (not an editable field)']
    """
    return list(_not_editable([k for k in changes if not (isinstance(k, str) and k in editable)]))


class Model:
    """Base of crmcore's attrs models: validates every field and invariant after ``__init__``.

    Because ``attrs.evolve`` goes through ``__init__``, an evolved model is validated too:
    a model that exists is valid.
    """

    __slots__ = ()

    def __attrs_post_init__(self) -> None:
        violations = list(self._field_violations())
        failed = {_top_field(violation.field) for violation in violations}
        for check in _marked_invariants(type(self)):
            if failed.isdisjoint(getattr(check, _READS)):
                violations.extend(check(self))
        if not failed:
            violations.extend(self._invariants())
        if violations:
            raise DomainValidationError(violations)

    def _field_violations(self) -> Iterator[Violation]:
        for field in attrs.fields(cast("type[attrs.AttrsInstance]", type(self))):
            for check in field.metadata.get(CHECKS, ()):
                yield from check(field.name, getattr(self, field.name))

    def _invariants(self) -> Iterable[Violation]:
        """Cross-field rules; run only when every field passed its own checks. A rule that
        reads only a few fields is better an :func:`invariant` method: it runs whenever
        those passed, so one bad field does not hide it."""
        return ()


_READS: Final = "__crmcore_reads__"
_ModelCheck = TypeVar("_ModelCheck", bound=Callable[[Any], Iterable[Violation]])


def invariant(*fields: str) -> Callable[[_ModelCheck], _ModelCheck]:
    """Mark a method of a :class:`Model` as a cross-field rule that reads ``fields`` only:
    it runs whenever those fields passed their own checks, whatever the others did.

    >>> @attrs.frozen(kw_only=True)
    ... class Call(Model):
    ...     topic: str = attrs.field(metadata=checks(bounded_text(50)))
    ...     kind: str
    ...     direction: str | None = None
    ...     @invariant("kind", "direction")
    ...     def _directed(self):
    ...         if self.kind == "call" and self.direction is None:
    ...             yield Violation(field="direction", message="is required for a call")
    >>> try:
    ...     Call(topic=" ", kind="call")
    ... except DomainValidationError as error:
    ...     print(*error.violations, sep="\\n")
    topic: must not be blank (got ' ')
    direction: is required for a call
    """

    def mark(method: _ModelCheck) -> _ModelCheck:
        setattr(method, _READS, frozenset(fields))
        return method

    return mark


_MARKED: Final[dict[type, tuple[Callable[[Any], Iterable[Violation]], ...]]] = {}


def _marked_invariants(model: type) -> tuple[Callable[[Any], Iterable[Violation]], ...]:
    """The :func:`invariant` methods of ``model`` in the order the classes declare them (so
    that problems come in the order of the rules), found once per class."""
    marked = _MARKED.get(model)
    if marked is None:
        names = dict.fromkeys(name for base in reversed(model.__mro__) for name in vars(base))
        found = (getattr(model, name, None) for name in names)
        marked = tuple(check for check in found if callable(check) and hasattr(check, _READS))
        _MARKED[model] = marked
    return marked


def _top_field(path: str) -> str:
    """The model's own field that a violation's dotted path starts from."""
    return re.split(r"[.\[]", path, maxsplit=1)[0]


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


def each(inner: Check, *, container: type = tuple, max_items: int | None = None) -> Check:
    """A ``container`` (tuple by default), of at most ``max_items`` items when given, every
    one of which passes ``inner``; paths get ``[i]``."""

    def check(field: str, value: Any) -> Iterator[Violation]:
        if not isinstance(value, container):
            yield Violation(field=field, message=f"must be a {container.__name__}", value=value)
            return
        items = cast("Collection[Any]", value)
        if max_items is not None and len(items) > max_items:
            message = f"must have at most {max_items} items, not {len(items)}"
            yield Violation(field=field, message=message)
            return
        for index, item in enumerate(items):
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
                repeated = marker in seen
            except (AttributeError, TypeError):  # a bad item: its own check names it
                continue
            if repeated:
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
    """A timezone-aware ``datetime`` within the dates crmcore accepts: crmcore never guesses
    the zone of a naive one."""
    if not isinstance(value, datetime):
        yield Violation(field=field, message="must be a datetime", value=value)
    elif value.tzinfo is None or value.utcoffset() is None:
        yield Violation(
            field=field, message="must be timezone-aware (naive datetimes are ambiguous)"
        )
    else:
        yield from _in_range(field, value.date())


def check_now(now: object) -> None:
    """Refuse a ``now`` that is not a timezone-aware datetime within the dates crmcore
    accepts, naming ``now`` (what every service that takes the moment from its caller checks
    first)."""
    raise_violations(aware_datetime("now", now))


def plain_date(field: str, value: object) -> Iterator[Violation]:
    """A ``date`` that is not a ``datetime``, within the dates crmcore accepts."""
    if not isinstance(value, date) or isinstance(value, datetime):
        yield Violation(field=field, message="must be a date", value=value)
    else:
        yield from _in_range(field, value)


def _in_range(field: str, day: date) -> Iterator[Violation]:
    if not FIRST_DAY <= day <= LAST_DAY:
        message = f"must lie from {FIRST_DAY.isoformat()} to {LAST_DAY.isoformat()}"
        yield Violation(field=field, message=message, value=day.isoformat())


def non_negative_int(field: str, value: object) -> Iterator[Violation]:
    """An ``int`` (not ``bool``) from zero to :data:`MAX_INTEGER`."""
    return _integer(field, value, minimum=0)


def positive_int(field: str, value: object) -> Iterator[Violation]:
    """An ``int`` (not ``bool``) from one to :data:`MAX_INTEGER`: a size, a limit, a number
    of rounds."""
    return _integer(field, value, minimum=1)


def _integer(field: str, value: object, *, minimum: int) -> Iterator[Violation]:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        yield Violation(field=field, message=f"must be an integer >= {minimum}", value=value)
    elif value > MAX_INTEGER:
        yield Violation(field=field, message=f"must be at most {MAX_INTEGER}", value=value)


def int_at_most(maximum: int) -> Check:
    """An ``int`` (not ``bool``) from 0 to ``maximum``: a count or a limit someone configures."""

    def check(field: str, value: object) -> Iterator[Violation]:
        yield from non_negative_int(field, value)
        if isinstance(value, int) and not isinstance(value, bool) and value > maximum:
            yield Violation(field=field, message=f"must be at most {maximum}", value=value)

    return check


def finite_decimal(field: str, value: object) -> Iterator[Violation]:
    """A finite ``Decimal`` (no float: binary fractions cannot hold money or percentages)
    below ``10**18`` in absolute value with at most :data:`MAX_DECIMAL_DIGITS` significant
    digits, so that arithmetic and rounding in Decimal's default context stay exact."""
    if not isinstance(value, Decimal) or not value.is_finite():
        yield Violation(field=field, message="must be a finite Decimal", value=value)
    elif not value.is_zero() and value.adjusted() >= 18:
        yield Violation(field=field, message="must be below 10**18 in absolute value")
    elif len(value.as_tuple().digits) > MAX_DECIMAL_DIGITS:
        message = f"must have at most {MAX_DECIMAL_DIGITS} significant digits"
        yield Violation(field=field, message=message)


def positive_decimal(field: str, value: object) -> Iterator[Violation]:
    """A finite ``Decimal`` above 0: a quantity."""
    bounds = list(finite_decimal(field, value))
    if bounds:
        yield from bounds
    elif value <= 0:  # type: ignore[operator]
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


def invariant_violations(
    model: type, values: Mapping[str, object], *, failed: Collection[str] = ()
) -> list[Violation]:
    """What the :func:`invariant` rules of ``model`` find wrong with ``values``, field values
    not yet made into a model (a draft, an edit): each rule runs when every field it reads is
    in ``values`` and none is in ``failed``, so that a service reports the cross-field rules
    beside the fields' own problems instead of after them.

    >>> @attrs.frozen(kw_only=True)
    ... class Call(Model):
    ...     kind: str
    ...     direction: str | None = None
    ...     @invariant("kind", "direction")
    ...     def _directed(self):
    ...         if self.kind == "call" and self.direction is None:
    ...             yield Violation(field="direction", message="is required for a call")
    >>> print(*invariant_violations(Call, {"kind": "call", "direction": None}))
    direction: is required for a call
    >>> invariant_violations(Call, {"kind": "call", "direction": None}, failed=["kind"])
    []
    """
    blocked = {_top_field(name) for name in failed}
    found: list[Violation] = []
    partial: Any = None
    for check in _marked_invariants(model):
        reads = getattr(check, _READS)
        if not reads <= values.keys() or not blocked.isdisjoint(reads):
            continue
        if partial is None:
            partial = _partial(model, values)
        found.extend(check(partial))
    return found


def _partial(model: type, values: Mapping[str, object]) -> object:
    """An instance of ``model`` holding ``values`` only, made without ``__init__`` so that
    nothing is validated: what a rule that reads those fields alone may look at."""
    instance: object = object.__new__(model)
    converters = {
        field.name: field.converter
        for field in attrs.fields(cast("type[attrs.AttrsInstance]", model))
        if callable(field.converter)
    }
    for name, value in values.items():
        convert = converters.get(name)
        object.__setattr__(instance, name, convert(value) if convert else value)
    return instance


def raise_violations(violations: Iterable[Violation]) -> None:
    """Raise one :class:`DomainValidationError` if ``violations`` holds anything."""
    found = list(violations)
    if found:
        raise DomainValidationError(found)


def payload_violations(value: object, field: str = "$") -> list[Violation]:
    """What puts ``value``, data from outside, beyond the limits crmcore reads: more than
    :data:`MAX_DEPTH` levels, :data:`MAX_ITEMS` items in a list or mapping, :data:`MAX_VALUES`
    values in all, a string over :data:`MAX_TEXT` characters or an integer over
    :data:`MAX_INTEGER`. Checked before anything else looks at the data, so that the cost of
    every later check is bounded; the walk itself stops at the first problem of each kind.

    >>> payload_violations({"name": "Anna", "tags": ["a", "b"]})
    []
    >>> print(*payload_violations({"tags": list(range(2_000))}))
    tags: must have at most 1000 items, not 2000
    """
    walk = _PayloadWalk()
    walk.run(value, field)
    return walk.found


class _PayloadWalk:
    """An explicit stack instead of recursion: a nested value cannot exhaust Python's."""

    def __init__(self) -> None:
        self.found: list[Violation] = []
        self._kinds: set[str] = set()
        self._count = 0

    def _add(self, kind: str, field: str, message: str) -> None:
        if kind not in self._kinds:
            self._kinds.add(kind)
            self.found.append(Violation(field=field, message=message))

    def run(self, value: object, field: str) -> None:
        stack: list[tuple[object, str, int]] = [(value, field, 0)]
        while stack:
            item, path, depth = stack.pop()
            self._count += 1
            if self._count > MAX_VALUES:
                self._add("values", field, f"must hold at most {MAX_VALUES} values in all")
                return
            stack.extend(self._inside(item, path, depth))

    def _inside(self, item: object, path: str, depth: int) -> Iterator[tuple[object, str, int]]:
        if isinstance(item, str):
            if len(item) > MAX_TEXT:
                self._add("text", path, f"must be at most {MAX_TEXT} characters")
        elif isinstance(item, int) and not isinstance(item, bool):
            if not -MAX_INTEGER <= item <= MAX_INTEGER:
                self._add("integer", path, f"must be at most {MAX_INTEGER} in absolute value")
        elif isinstance(item, Mapping | list | tuple | set | frozenset):
            yield from self._items(cast("Collection[object]", item), path, depth)

    def _items(
        self, item: Collection[object], path: str, depth: int
    ) -> Iterator[tuple[object, str, int]]:
        if depth >= MAX_DEPTH:
            self._add("depth", path, f"must not nest more than {MAX_DEPTH} levels deep")
        elif len(item) > MAX_ITEMS:
            self._add("items", path, f"must have at most {MAX_ITEMS} items, not {len(item)}")
        elif isinstance(item, Mapping):
            for key, entry in cast("Mapping[object, object]", item).items():
                step = _step(path, key)
                yield (key, step, depth + 1)
                yield (entry, step, depth + 1)
        else:
            for index, entry in enumerate(item):
                yield (entry, f"{path}[{index}]", depth + 1)


def _step(path: str, key: object) -> str:
    name = key if isinstance(key, str) and len(key) <= 64 else shown(key, limit=40)
    return name if path in {"", "$"} else f"{path}.{name}"


def read_changes(
    changes: object, *, editable: Collection[str]
) -> tuple[dict[str, object], list[Violation]]:
    """The ``changes`` mapping of an edit service split into the changes that may be looked
    at further and every problem of the mapping itself: not a mapping, a field that is not
    ``editable``, a value beyond the limits of :func:`payload_violations`.

    A service goes on checking the changes it got back, then reports all problems at once.

    >>> changes, found = read_changes({"title": "Pumps", "stage": "won"}, editable={"title"})
    >>> changes, [str(v) for v in found]
    ({'title': 'Pumps'}, ['stage: cannot be changed here (not an editable field)'])
    """
    if not isinstance(changes, Mapping):
        message = "must be a mapping of field names to new values"
        return {}, [Violation(field="changes", message=message, value=changes)]
    if len(changes) > MAX_ITEMS:
        message = f"must have at most {MAX_ITEMS} items, not {len(changes)}"
        return {}, [Violation(field="changes", message=message)]
    kept: dict[str, object] = {}
    unknown: list[object] = []
    found: list[Violation] = []
    for key, value in cast("Mapping[object, object]", changes).items():
        if not (isinstance(key, str) and key in editable):
            unknown.append(key)
            continue
        too_big = payload_violations(value, key)
        found.extend(too_big)
        if not too_big:
            kept[key] = value
    found[:0] = _not_editable(unknown)
    return kept, found


def _not_editable(keys: list[object]) -> Iterator[Violation]:
    names = sorted(k if isinstance(k, str) else shown(k) for k in keys)
    for name in names[:_MAX_REPORTED_UNKNOWN]:
        yield Violation(field=name, message="cannot be changed here (not an editable field)")
    if len(names) > _MAX_REPORTED_UNKNOWN:
        more = len(names) - _MAX_REPORTED_UNKNOWN
        yield Violation(field="changes", message=f"has {more} more fields that cannot be changed")


def read_collection(
    field: str, value: object, found: list[Violation], *, hashable: bool = False
) -> tuple[Any, ...] | None:
    """The items of ``value``, a list, tuple or set from a draft, as a tuple; else ``None``
    with what is wrong added to ``found``: a string is not a collection of its characters,
    and a collection beyond the limits of :func:`payload_violations` is not looked into;
    with ``hashable`` (for a set) every item must hash.

    >>> found = []
    >>> read_collection("phones", ["+7 495 1234567"], found)
    ('+7 495 1234567',)
    >>> read_collection("roles", "client", found) is None
    True
    >>> print(found[0])
    roles: must be a list (got 'client')
    """
    if not isinstance(value, list | tuple | set | frozenset):
        found.append(Violation(field=field, message="must be a list", value=value))
        return None
    too_big = payload_violations(value, field)
    if too_big:
        found.extend(too_big)
        return None
    items = tuple(cast("Iterable[Any]", value))
    if hashable and not all(_hashable(item) for item in items):
        found.append(Violation(field=field, message="must hold ids, not lists or mappings"))
        return None
    return items


def _hashable(item: object) -> bool:
    try:
        hash(item)
    except TypeError:
        return False
    return True
