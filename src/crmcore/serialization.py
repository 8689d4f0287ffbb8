"""JSON-ready forms of every public model, through a cattrs converter configured for crmcore.

``make_converter()`` returns a new converter each time; crmcore never touches
``cattrs.global_converter``. Structuring is strict, because its input may come from a web
form or a message queue: unknown keys, missing keys, wrong types (``"5"`` for an int, ``1``
for a string, ``1.5`` for money) and naive datetimes all raise one
:class:`~crmcore.errors.DomainValidationError` naming every bad path.

>>> from crmcore.money import Money
>>> converter = make_converter()
>>> converter.unstructure(Money.of("10.50", "RUB"))
{'amount': '10.50', 'currency': 'RUB'}
>>> converter.structure({"amount": "10.50", "currency": "RUB", "cents": 5}, Money)
Traceback (most recent call last):
...
crmcore.errors.DomainValidationError: cents: is not a known field
"""

from __future__ import annotations

import collections.abc
import enum
import re
import threading
import types
import typing
from collections.abc import Callable, Collection, Iterable, Mapping
from contextvars import ContextVar
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from functools import partial
from typing import Any, Final, TypeVar, cast, get_args, get_origin

import attrs
import cattrs
from cattrs.errors import (
    BaseValidationError,
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
)
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from crmcore.conditions import forms
from crmcore.customfields import CustomValue
from crmcore.errors import DomainValidationError, Violation, shown
from crmcore.events import DomainEvent, iso_duration
from crmcore.ids import EntityRef
from crmcore.money import Money
from crmcore.validation import (
    CHANGES_OF,
    EDITABLE_OF,
    Model,
    field_violations,
    not_editable,
    payload_violations,
    raise_violations,
)

__all__ = ["Converter", "make_converter", "register_forms"]

T = TypeVar("T")
_CUSTOM_TAGS: Final = ("decimal", "date", "money", "ref")
TAG: Final = "type"
# The forms packages above the kernel registered (the rules' ones), in the order registered.
_FORMS: Final[list[Callable[[Converter], None]]] = []
_FORMS_LOCK: Final = threading.Lock()


# Set while a payload is structured: the hooks of rule nodes and custom values call
# ``structure`` again for their parts, which the outermost call has checked already.
_READING: Final[ContextVar[bool]] = ContextVar("crmcore_serialization_reading", default=False)


class Converter(cattrs.Converter):
    """A cattrs converter whose ``structure`` raises :class:`DomainValidationError` only.

    A payload is first held against the kernel's input limits
    (:func:`crmcore.validation.payload_violations`), so that no payload costs more than its
    limits allow, however it is built.
    """

    def structure(self, obj: Any, cl: Any) -> Any:
        """``obj`` turned into an instance of ``cl``, or every problem with paths."""
        if _READING.get():
            return super().structure(obj, cl)
        raise_violations(payload_violations(obj))
        token = _READING.set(True)
        try:
            return super().structure(obj, cl)
        except DomainValidationError as error:
            raise DomainValidationError(error.violations) from None
        except Exception as error:
            raise DomainValidationError(_violations(error, "")) from None
        finally:
            _READING.reset(token)


def make_converter() -> Converter:
    """A new converter for every public model of crmcore, strict on input.

    The kernel's models and condition trees are always known; an area's events once the area
    is imported, and the forms a package registered with :func:`register_forms` (the rules'
    ones, with the mailings' actions, once :mod:`crmcore.rules` is imported).
    """
    converter = Converter(forbid_extra_keys=True, detailed_validation=True)
    _configure_scalars(converter)
    _configure_custom_values(converter)
    forms.configure(converter, problems=_violations)
    _configure_events(converter)
    with _FORMS_LOCK:
        registered = tuple(_FORMS)
    for configure in registered:
        configure(converter)
    return converter


def register_forms(configure: Callable[[Converter], None]) -> None:
    """Have every converter made from now on call ``configure`` after the kernel's own hooks.

    A package above the kernel calls it once when imported, so that the kernel never imports
    it; registering the same function again changes nothing.
    """
    with _FORMS_LOCK:
        if configure not in _FORMS:
            _FORMS.append(configure)


def _event_classes() -> dict[str, type[DomainEvent]]:
    """Every event class by name, the base included (its instances are events too)."""
    found: dict[str, type[DomainEvent]] = {}
    pending: list[type[DomainEvent]] = [DomainEvent]
    while pending:
        cls = pending.pop()
        found[cls.name] = cls
        pending.extend(cls.__subclasses__())
    return found


def _configure_events(converter: Converter) -> None:
    """Events carry their class's ``name`` under the key ``"type"`` (a tagged union).

    Each class gets its own hooks; ``DomainEvent`` dispatches to them by the event's class
    when unstructuring and by the tag when structuring.
    """
    classes = _event_classes()
    unstructurers = {cls: _event_unstructurer(converter, cls) for cls in classes.values()}
    structurers = {name: _event_structurer(converter, cls) for name, cls in classes.items()}
    for cls in classes.values():
        if cls is not DomainEvent:
            converter.register_unstructure_hook(cls, unstructurers[cls])
            converter.register_structure_hook(cls, structurers[cls.name])
    converter.register_unstructure_hook(DomainEvent, partial(_unstructure_event, unstructurers))
    converter.register_structure_hook(DomainEvent, partial(_structure_event, structurers))


def _unstructure_event(
    unstructurers: Mapping[type[DomainEvent], Callable[[Any], Any]], event: DomainEvent
) -> Any:
    unstructure = unstructurers.get(type(event))
    if unstructure is None:
        raise TypeError(
            f"{type(event).__name__} was defined after this converter was made; make a new one"
        )
    return unstructure(event)


def _event_unstructurer(converter: Converter, cls: type[DomainEvent]) -> Callable[[Any], Any]:
    fields = make_dict_unstructure_fn(cls, converter)
    return lambda event: {TAG: cls.name, **fields(event)}


def _event_structurer(converter: Converter, cls: type[DomainEvent]) -> Callable[[Any, Any], Any]:
    fields = make_dict_structure_fn(cls, converter, _cattrs_forbid_extra_keys=True)

    def structure(value: Any, _: Any) -> Any:
        if not isinstance(value, Mapping):
            raise TypeError("must be a mapping")
        if value.get(TAG, cls.name) != cls.name:
            raise DomainValidationError.single(TAG, f"must be {cls.name!r}", value=value[TAG])
        return fields({k: v for k, v in value.items() if k != TAG}, cls)

    return structure


def _structure_event(
    structurers: Mapping[str, Callable[[Any, Any], Any]], value: Any, _: Any
) -> DomainEvent:
    if not isinstance(value, Mapping):
        raise TypeError("must be a mapping")
    if TAG not in value:
        raise DomainValidationError.single(TAG, "is required: it names the kind of event")
    structure = structurers.get(value[TAG]) if isinstance(value[TAG], str) else None
    if structure is None:
        message = "must be one of " + ", ".join(sorted(structurers))
        raise DomainValidationError.single(TAG, message, value=value[TAG])
    event: DomainEvent = structure(value, None)
    return event


def _configure_scalars(converter: Converter) -> None:
    converter.register_structure_hook(str, _structure_str)
    converter.register_structure_hook(int, _structure_int)
    converter.register_structure_hook(bool, _structure_bool)
    converter.register_structure_hook(float, _structure_float)
    converter.register_structure_hook(Decimal, _structure_decimal)
    converter.register_unstructure_hook(Decimal, str)
    converter.register_structure_hook(datetime, _structure_datetime)
    converter.register_unstructure_hook(datetime, datetime.isoformat)
    converter.register_structure_hook(date, _structure_date)
    converter.register_unstructure_hook(date, date.isoformat)
    converter.register_structure_hook(time, _structure_time)
    converter.register_unstructure_hook(time, time.isoformat)
    converter.register_structure_hook(timedelta, _structure_timedelta)
    converter.register_unstructure_hook(timedelta, iso_duration)
    converter.register_unstructure_hook_func(_is_frozenset, partial(_unstructure_set, converter))
    converter.register_structure_hook_func(_is_enum, _structure_enum)
    converter.register_structure_hook_factory(_is_collection, partial(_collection, converter))
    converter.register_structure_hook_factory(_is_model, partial(_model, converter))
    converter.register_structure_hook_factory(_is_text_union, partial(_text_union, converter))
    # A draft's raw input (``custom: Mapping[str, object]``) is taken as JSON gave it; the
    # area service checks it against the custom field registry.
    converter.register_structure_hook_func(_is_object, _structure_raw)


def _is_object(cl: Any) -> bool:
    return cl is object


def _structure_raw(value: object, _: Any) -> object:
    return value


_UNIONS: Final = (typing.Union, types.UnionType)


def _is_text(cl: Any) -> bool:
    return cl is str or getattr(cl, "__supertype__", None) is str


def _is_text_union(cl: Any) -> bool:
    """A union that takes text as it is, beside other forms: ``PartnerId | str``, a draft's
    ``Phone | str`` (the service parses the text), ``UserId | str | None``."""
    return get_origin(cl) in _UNIONS and any(_is_text(arg) for arg in get_args(cl))


def _text_union(converter: Converter, cl: Any) -> Callable[[Any, Any], Any]:
    others = [arg for arg in get_args(cl) if not _is_text(arg) and arg is not type(None)]
    optional = type(None) in get_args(cl)

    def structure(value: Any, _: Any) -> Any:
        if isinstance(value, str):
            return value
        if value is None and optional:
            return None
        for other in others:
            try:
                return converter.structure(value, other)
            except (DomainValidationError, ClassValidationError, TypeError, ValueError):
                continue
        raise TypeError("must be a string")

    return structure


def _is_model(cl: Any) -> bool:
    return isinstance(cl, type) and issubclass(cl, Model) and attrs.has(cl)


def _model(converter: Converter, cl: type[Model]) -> Callable[[Any, Any], Any]:
    """A model's hook that, when some fields cannot be read, still runs the checks of those
    that can: a damaged record reports its blank title beside its bad currency."""
    changes: dict[str, Any] = {
        field.name: override(
            struct_hook=_changes(
                converter, field.metadata[CHANGES_OF], field.metadata.get(EDITABLE_OF, ())
            )
        )
        for field in attrs.fields(cast("type[attrs.AttrsInstance]", cl))
        if CHANGES_OF in field.metadata
    }
    fields = make_dict_structure_fn(
        cl, converter, _cattrs_forbid_extra_keys=True, _cattrs_detailed_validation=True, **changes
    )

    def structure(value: Any, _: Any) -> Any:
        try:
            return fields(value, cl)
        except ClassValidationError as error:
            failed = {note.name for _, note in error.group_exceptions()[0]}
            # No field failed on its own: the model's constructor found the problems.
            others = _sibling_violations(converter, cl, value, failed) if failed else []
            if not others:
                raise
            raise DomainValidationError([*_violations(error, ""), *others]) from None

    return structure


def _changes(
    converter: Converter, model: type[Model], editable: Collection[str]
) -> Callable[[Any, Any], Any]:
    """The hook of a ``changes`` mapping of ``model``'s fields (see
    :func:`crmcore.validation.changes_of`): each value whose key names a field (an
    ``editable`` one, when they are given) is read as the field's type. When one cannot be
    read, the checks of the others run beside it, and the keys outside ``editable`` are
    refused with them; mappings (custom values) and the other keys go to the service as they
    came."""
    resolved = attrs.resolve_types(cast("type[attrs.AttrsInstance]", model))
    types = {
        field.name: field.type
        for field in attrs.fields(resolved)
        if get_origin(field.type) not in {collections.abc.Mapping, dict}
        and (not editable or field.name in editable)
    }

    def structure(value: Any, _: Any) -> Any:
        if not isinstance(value, Mapping):
            return value
        read: dict[Any, Any] = dict(value)
        unread: list[Violation] = []
        for key, item in value.items():
            if isinstance(key, str) and key in types:
                try:
                    read[key] = converter.structure(item, types[key])
                except Exception as error:  # every field's problems, under its name
                    unread.extend(_violations(error, key))
                    del read[key]
        if unread:
            checked = [
                v for key in read if key in types for v in field_violations(model, key, read[key])
            ]
            refused = not_editable(value, editable) if editable else []
            raise DomainValidationError([*refused, *unread, *checked])
        return read

    return structure


def _sibling_violations(
    converter: Converter, cl: type[Model], value: Mapping[str, Any], failed: set[str]
) -> list[Violation]:
    """The field checks of ``cl`` on each field of ``value`` that structures on its own."""
    found: list[Violation] = []
    model = cast("type[attrs.AttrsInstance]", cl)
    for field in attrs.fields(attrs.resolve_types(model)):
        if field.name in failed or field.name not in value:
            continue
        try:
            read = converter.structure(value[field.name], field.type)
        except DomainValidationError:
            continue
        found.extend(field_violations(cl, field.name, read))
    return found


# Homogeneous collections by their origin, and what each is built as.
_COLLECTIONS: Final[dict[Any, type]] = {
    tuple: tuple,
    list: list,
    frozenset: frozenset,
    set: set,
    collections.abc.Sequence: tuple,
    collections.abc.Collection: tuple,
    collections.abc.Iterable: tuple,
    collections.abc.Set: frozenset,
}


def _is_collection(cl: Any) -> bool:
    args = get_args(cl)
    if get_origin(cl) is tuple:
        return len(args) == 2 and args[1] is Ellipsis
    return get_origin(cl) in _COLLECTIONS and len(args) == 1


def _collection(converter: Converter, cl: Any) -> Callable[[Any, Any], Any]:
    """A hook for ``tuple[X, ...]``, ``list[X]``, ``frozenset[X]`` and the like that takes only
    a list (a string is not a list of its characters) and reports every bad item by index."""
    item_type = get_args(cl)[0]
    build = _COLLECTIONS[get_origin(cl)]

    def structure(value: Any, _: Any) -> Any:
        if isinstance(value, str | bytes | bytearray | Mapping) or not isinstance(value, Iterable):
            raise TypeError("must be a list")
        items: list[Any] = []
        found: list[Violation] = []
        for index, item in enumerate(value):
            try:
                items.append(converter.structure(item, item_type))
            except Exception as error:  # every item's problems, under its index
                found.extend(_violations(error, f"[{index}]"))
        raise_violations(found)
        return build(items)

    return structure


def _structure_str(value: object, _: type) -> str:
    if not isinstance(value, str):
        raise TypeError("must be a string")
    return value


def _structure_int(value: object, _: type) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError("must be an integer")
    return value


def _structure_bool(value: object, _: type) -> bool:
    if not isinstance(value, bool):
        raise TypeError("must be true or false")
    return value


def _structure_float(value: object, _: type) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError("must be a number")
    return float(value)


def _structure_decimal(value: object, _: type) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise TypeError("must be a decimal string like '10.50'")
    try:
        result = Decimal(value)
    except InvalidOperation:
        raise ValueError("is not a decimal number") from None
    if not result.is_finite():
        raise ValueError("must be a finite decimal number")
    return result


def _structure_datetime(value: object, _: type) -> datetime:
    if not isinstance(value, str):
        raise TypeError("must be an ISO 8601 date and time string")
    try:
        result = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError("is not an ISO 8601 date and time") from None
    if result.tzinfo is None:
        raise ValueError("must carry a time zone offset (naive datetimes are ambiguous)")
    return result


def _structure_date(value: object, _: type) -> date:
    if not isinstance(value, str):
        raise TypeError("must be an ISO 8601 date string")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError("is not an ISO 8601 date (YYYY-MM-DD)") from None


def _structure_time(value: object, _: type) -> time:
    if not isinstance(value, str):
        raise TypeError("must be an ISO 8601 time string like '09:00:00'")
    try:
        result = time.fromisoformat(value)
    except ValueError:
        raise ValueError("is not an ISO 8601 time (HH:MM[:SS])") from None
    if result.tzinfo is not None:
        raise ValueError("must be a time of day without a zone")
    return result


_DURATION: Final = re.compile(
    r"^(?P<sign>-?)P(?:(?P<days>\d{1,9})D)?(?:T(?:(?P<hours>\d{1,9})H)?"
    r"(?:(?P<minutes>\d{1,9})M)?(?:(?P<seconds>\d{1,12}(?:\.\d{1,6})?)S)?)?$"
)


def _structure_timedelta(value: object, _: type) -> timedelta:
    match = _DURATION.match(value) if isinstance(value, str) else None
    if match is None or value in {"P", "-P"} or str(value).endswith("T"):
        raise ValueError("must be an ISO 8601 duration like 'P1DT2H30M'")
    amounts = {k: Decimal(v) for k, v in match.groupdict().items() if v and k != "sign"}
    try:
        result = timedelta(**{k: int(v) for k, v in amounts.items() if k != "seconds"})
        result += timedelta(microseconds=int(amounts.get("seconds", Decimal(0)) * 10**6))
    except OverflowError:
        raise ValueError("is too long a duration") from None
    return -result if match["sign"] else result


def _unstructure_set(converter: Converter, value: frozenset[Any]) -> list[Any]:
    return sorted((converter.unstructure(item) for item in value), key=repr)


def _is_frozenset(cl: Any) -> bool:
    return cl is frozenset or get_origin(cl) is frozenset


def _is_enum(cl: Any) -> bool:
    return isinstance(cl, type) and issubclass(cl, enum.Enum)


def _structure_enum(value: object, cl: type[enum.Enum]) -> enum.Enum:
    try:
        return cl(value)
    except ValueError:
        allowed = ", ".join(repr(member.value) for member in cl)
        raise ValueError(f"must be one of {allowed}") from None


def _configure_custom_values(converter: Converter) -> None:
    is_custom: Callable[[Any], bool] = lambda cl: cl == CustomValue  # noqa: E731 - tiny predicate
    converter.register_unstructure_hook_func(is_custom, partial(_unstructure_custom, converter))
    converter.register_structure_hook_func(is_custom, partial(_structure_custom, converter))


def _unstructure_custom(converter: Converter, value: object) -> object:
    if isinstance(value, bool | int | str):
        return value
    if isinstance(value, Decimal):
        return {"decimal": str(value)}
    if isinstance(value, datetime):
        raise TypeError("a custom value may be a date, not a datetime")
    if isinstance(value, date):
        return {"date": value.isoformat()}
    if isinstance(value, Money):
        return {"money": converter.unstructure(value)}
    if isinstance(value, EntityRef):
        return {"ref": converter.unstructure(value)}
    raise TypeError(f"{type(value).__name__} is not a custom value type")


def _structure_custom(converter: Converter, value: object, _: type) -> object:
    if isinstance(value, bool | int | str):
        return value
    if not isinstance(value, Mapping) or len(value) != 1 or next(iter(value)) not in _CUSTOM_TAGS:
        raise TypeError(
            "must be a string, integer, boolean, or one of {'decimal': ...}, {'date': ...},"
            " {'money': ...}, {'ref': ...}"
        )
    ((tag, inner),) = value.items()
    target: dict[str, type] = {"decimal": Decimal, "date": date, "money": Money, "ref": EntityRef}
    return converter.structure(inner, target[tag])


def _violations(error: BaseException, path: str) -> list[Violation]:
    """Every leaf problem of a cattrs error tree, each with its dotted path."""
    if isinstance(error, DomainValidationError):
        return [v.under(path) for v in error.violations]
    if isinstance(error, ForbiddenExtraKeysError):
        return [
            Violation(field=_join(path, _key(key)), message="is not a known field")
            for key in sorted(error.extra_fields, key=_key)
        ]
    if isinstance(error, ClassValidationError | IterableValidationError):
        return _group_violations(error, path)
    if isinstance(error, BaseValidationError):
        return [v for sub in error.exceptions for v in _violations(sub, path)]
    if isinstance(error, KeyError):
        return [Violation(field=path or "$", message="is required")]
    return [Violation(field=path or "$", message=_message(error))]


def _group_violations(
    error: ClassValidationError | IterableValidationError, path: str
) -> list[Violation]:
    found: list[Violation] = []
    with_notes, without = error.group_exceptions()
    for sub, note in with_notes:
        step = getattr(note, "name", None)
        if step is None and isinstance(note.index, str):
            step = note.index
        sub_path = _join(path, step) if step is not None else f"{path}[{note.index!r}]"
        found.extend(_violations(sub, sub_path))
    for sub in without:
        found.extend(_violations(sub, path))
    return found


def _key(key: object) -> str:
    """A mapping key as a path step (keys of untrusted input need not be strings)."""
    return key if isinstance(key, str) else shown(key)


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _message(error: BaseException) -> str:
    text = str(error.args[0]) if error.args else type(error).__name__
    if isinstance(error, AttributeError) and ("items" in text or "keys" in text):
        return "must be a mapping"
    if "object is not iterable" in text:
        return "must be a list"
    if "argument after ** must be a mapping" in text:
        return "must be a mapping"
    return text
