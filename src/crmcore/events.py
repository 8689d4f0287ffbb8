"""Domain events: what happened to which entity, when, and which fields changed how.

Services return events beside the new state; the host stores or publishes them and the rules
engine reacts to them. Each concrete event class names itself with ``name`` (the tag in its
JSON form, ``"partner.registered"``), its ``entity_type`` and its ``action``
(created, changed, deleted, or an area's own such as ``stage_set``).

``changes`` holds JSON-ready snapshots of the old and new values (see :func:`primitive`), so an
event means the same after a round trip through any store.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, ClassVar, Generic, TypeVar, cast

import attrs

from crmcore.errors import Violation
from crmcore.validation import (
    FrozenMap,
    Model,
    aware_datetime,
    checks,
    freeze,
    identifier,
    invariant,
    optional,
)

__all__ = ["Change", "DomainEvent", "Outcome", "changes_between", "iso_duration", "primitive"]

T = TypeVar("T")


@attrs.frozen(kw_only=True)
class Change(Model):
    """The value of one field before and after, as JSON-ready primitives."""

    old: Any = None
    new: Any = None

    @invariant("old", "new")
    def _primitive(self) -> list[Violation]:
        return [
            Violation(field=name, message="must be a JSON-ready primitive (see primitive())")
            for name in ("old", "new")
            if not _is_primitive(getattr(self, name))
        ]


def _changes(field: str, value: object) -> list[Violation]:
    if not isinstance(value, Mapping) or not all(isinstance(k, str) for k in value):
        return [Violation(field=field, message="must map field names to Change")]
    return [
        Violation(field=f"{field}.{key}", message="must be a Change")
        for key, change in value.items()
        if not isinstance(change, Change)
    ]


@attrs.frozen(kw_only=True)
class DomainEvent(Model):
    """Base of every event. Subclasses set ``name``, ``entity_type`` and ``action``."""

    name: ClassVar[str] = "event"
    entity_type: ClassVar[str] = "entity"
    action: ClassVar[str] = "changed"

    entity_id: str = attrs.field(metadata=checks(identifier))
    occurred_at: datetime = attrs.field(metadata=checks(aware_datetime))
    changes: Mapping[str, Change] = attrs.field(
        factory=FrozenMap, converter=freeze, metadata=checks(_changes)
    )
    actor: str | None = attrs.field(default=None, metadata=checks(optional(identifier)))


def iso_duration(value: timedelta) -> str:
    """An ISO 8601 duration in days, hours, minutes and seconds, as the converter writes one.

    >>> iso_duration(timedelta(days=1, hours=2, minutes=30)), iso_duration(-timedelta(seconds=1.5))
    ('P1DT2H30M', '-PT1.5S')
    """
    sign = "-" if value < timedelta(0) else ""
    value = abs(value)
    hours, rest = divmod(value.seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    second_text = f"{seconds}.{value.microseconds:06d}".rstrip("0").rstrip(".")
    parts = [f"{hours}H" if hours else "", f"{minutes}M" if minutes else ""]
    parts.append(f"{second_text}S" if seconds or value.microseconds else "")
    clock = "".join(parts)
    text = (f"{value.days}D" if value.days else "") + (f"T{clock}" if clock else "")
    return f"{sign}P{text or 'T0S'}"


def primitive(value: object) -> Any:  # noqa: PLR0911 - one return per kind reads best
    """A JSON-ready form of a domain value: ``Decimal``, dates, durations, enums, attrs models,
    collections.

    >>> from crmcore.money import Money
    >>> primitive(Money.of("10.50", "RUB"))
    {'amount': '10.50', 'currency': 'RUB'}
    """
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, timedelta):
        return iso_duration(value)  # as the converter writes it
    if isinstance(value, enum.Enum):
        return primitive(value.value)
    if attrs.has(type(value)):
        fields = attrs.fields(cast("type[attrs.AttrsInstance]", type(value)))
        return {f.name: primitive(getattr(value, f.name)) for f in fields}
    if isinstance(value, Mapping):
        return {str(k): primitive(v) for k, v in value.items()}
    if isinstance(value, frozenset | set):
        return sorted((primitive(v) for v in value), key=repr)
    if isinstance(value, tuple | list):
        return [primitive(v) for v in value]
    raise TypeError(f"no primitive form for {type(value).__name__}")


def _is_primitive(value: object) -> bool:
    if value is None or isinstance(value, bool | int | str):
        return True
    if isinstance(value, list):
        return all(_is_primitive(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _is_primitive(v) for k, v in value.items())
    return False


def changes_between(
    old: object, new: object, *, ignore: frozenset[str] = frozenset({"version"})
) -> dict[str, Change]:
    """The fields of two instances of one attrs class whose values differ, as :class:`Change`.

    ``old`` may be ``None`` (a creation): every field of ``new`` is reported then.
    """
    fields = attrs.fields(cast("type[attrs.AttrsInstance]", type(new)))
    result: dict[str, Change] = {}
    for field in fields:
        if field.name in ignore:
            continue
        after = getattr(new, field.name)
        before = None if old is None else getattr(old, field.name)
        if old is None or before != after:
            result[field.name] = Change(old=primitive(before), new=primitive(after))
    return result


@attrs.frozen(kw_only=True)
class Outcome(Generic[T]):
    """What a service returns: the new state of an entity and the events that say what happened.

    Nothing is stored yet: the host saves ``entity`` through its repository and publishes
    ``events`` (to the rules engine, an outbox, ...), in one transaction if it can.
    """

    entity: T
    events: tuple[DomainEvent, ...] = ()
