"""What conditions read: a scope over one event and its record, and compiled paths.

A :class:`Scope` holds the event, its record, the host's facts, the moment and the calendar;
:func:`compile_path` turns a path checked against the schemas into a function reading it.
Values are read in plain form: money by its amount, enumerations by their value, references
by the id they point at.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Final

from crmcore.conditions.facts import NO_FACTS, FactSource
from crmcore.conditions.schemas import FieldSpec, FieldType, ResolvedPath, SchemaRegistry, Source
from crmcore.events import Change, DomainEvent
from crmcore.ids import EntityRef
from crmcore.money import Money
from crmcore.workcalendar import WorkingCalendar

__all__ = [
    "CUSTOM",
    "Getter",
    "Scope",
    "change_getter",
    "compile_path",
    "custom_change",
    "direct_field",
    "from_primitive",
    "plain",
    "read",
    "read_path",
    "record_from_changes",
]

Getter = Callable[["Scope"], Any]


def plain(value: object) -> Any:
    """The form conditions compare: money by amount, enums by value, references by id."""
    if isinstance(value, Money):
        return value.amount
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, EntityRef):
        return value.entity_id
    if isinstance(value, tuple | list | frozenset | set):
        return tuple(sorted((plain(item) for item in value), key=repr))
    return value


def read(record: object, name: str) -> object:
    """Field ``name`` of a record (an attrs model or a mapping); only schema names get here."""
    if isinstance(record, Mapping):
        return record.get(name)
    return getattr(record, name, None)


def read_path(record: object, path: str) -> object:
    """Field ``path`` of a record, or its custom field for ``custom.<name>``."""
    if path.startswith(CUSTOM):
        values = read(record, "custom")
        return values.get(path[len(CUSTOM) :]) if isinstance(values, Mapping) else None
    return read(record, path)


CUSTOM: Final = "custom."
"""How a path names a custom field of the record."""


def custom_change(event: DomainEvent, path: str) -> Change | None:
    """The change of custom field ``custom.<name>`` in ``event`` (whose ``custom`` change holds
    the whole mappings), or ``None`` when its value stayed the same."""
    found = event.changes.get("custom")
    if found is None:
        return None
    name = path[len(CUSTOM) :]
    old = found.old.get(name) if isinstance(found.old, Mapping) else None
    new = found.new.get(name) if isinstance(found.new, Mapping) else None
    return None if old == new else Change(old=old, new=new)


def _accessor(record: object) -> Callable[[str], object]:
    """How to read fields of ``record``, decided once per event rather than per read."""
    if type(record) is dict or isinstance(record, Mapping):
        return record.get
    return lambda name: getattr(record, name, None)


class Scope:
    """One event with its record, the host's facts, the moment and the calendar.

    Related records and facts are fetched once per scope, however many conditions read them.
    """

    __slots__ = ("_related", "calendar", "event", "facts", "field", "now", "record")

    def __init__(
        self,
        event: DomainEvent,
        record: object,
        *,
        now: datetime,
        facts: FactSource = NO_FACTS,
        calendar: WorkingCalendar | None = None,
    ) -> None:
        self.event = event
        self.record = record
        self.field = record.get if record.__class__ is dict else _accessor(record)
        self.now = now
        self.facts = facts
        self.calendar = calendar
        self._related: dict[tuple[str, str], object] = {}

    def related(self, entity: str, entity_id: object) -> object:
        """The related record ``entity_id`` of ``entity`` from the fact source (or ``None``)."""
        if not isinstance(entity_id, str):
            return None
        key = (entity, entity_id)
        if key not in self._related:
            self._related[key] = self.facts.record(entity, entity_id)
        return self._related[key]


def from_primitive(spec: FieldSpec, value: Any) -> Any:
    """A value of an event's :class:`Change` (JSON-ready) in plain form."""
    try:
        if spec.type is FieldType.MONEY and isinstance(value, Mapping):
            return Decimal(value["amount"])
        if spec.type is FieldType.DECIMAL and isinstance(value, str | int):
            return Decimal(value)
        if spec.type is FieldType.DATE and isinstance(value, str):
            return date.fromisoformat(value)
        if spec.type is FieldType.DATETIME and isinstance(value, str):
            return datetime.fromisoformat(value)
    except (ValueError, KeyError, InvalidOperation):
        return None
    return tuple(value) if isinstance(value, list) else value


def record_from_changes(event: DomainEvent, schemas: SchemaRegistry, entity: str) -> dict[str, Any]:
    """The record as the event's changes show it (new values in plain form), for hosts that
    pass no record: a creation event holds every field."""
    fields = schemas.get(entity).fields
    record: dict[str, Any] = {"id": event.entity_id}
    for name, change in event.changes.items():
        spec = fields.get(name)
        record[name] = from_primitive(spec, change.new) if spec is not None else change.new
    return record


def direct_field(resolved: ResolvedPath) -> tuple[str, Callable[[object], object] | None] | None:
    """The name and plain-making function of a field of the record itself, or ``None`` for
    related records, custom fields and facts; lets the hottest tests read it inline."""
    if resolved.hops or resolved.spec.source is not Source.RECORD:
        return None
    return resolved.name, _NORMAL.get(resolved.spec.type, plain)


def compile_path(resolved: ResolvedPath) -> Getter:
    """A function reading ``resolved`` from a scope: the record, its relations, custom fields
    or the host's facts."""
    name, spec = resolved.name, resolved.spec
    hops = resolved.hops

    def holder(scope: Scope) -> tuple[object, str | None]:
        current: object = scope.record
        entity_id: object = read(current, "id")
        for hop in hops:
            entity_id = read(current, hop.field)
            current = scope.related(hop.entity, entity_id)
        return current, entity_id if isinstance(entity_id, str) else None

    if spec.source is Source.FACT:
        entity = resolved.entity

        def fact(scope: Scope) -> Any:
            _, entity_id = holder(scope)
            return None if entity_id is None else plain(scope.facts.fact(entity, entity_id, name))

        return fact
    if spec.source is Source.CUSTOM:

        def custom(scope: Scope) -> Any:
            values = read(holder(scope)[0], "custom")
            return plain(values.get(name)) if isinstance(values, Mapping) else None

        return custom
    if not hops:
        normal: Callable[[object], object] | None = _NORMAL.get(spec.type, plain)
        if normal is None:
            return lambda scope: scope.field(name)
        made_plain = normal
        return lambda scope: made_plain(scope.field(name))
    return lambda scope: plain(read(holder(scope)[0], name))


def _text(value: object) -> object:
    return value if value.__class__ is str or value is None else plain(value)


def _choice(value: object) -> object:
    return value.value if isinstance(value, enum.Enum) else value


def _money(value: object) -> object:
    return value.amount if isinstance(value, Money) else value


# How a field of each type is made plain on the hot path; ``None``: it already is.
_NORMAL: Final[dict[FieldType, Callable[[object], object] | None]] = {
    FieldType.TEXT: _text,
    FieldType.CHOICE: _choice,
    FieldType.MONEY: _money,
    FieldType.INTEGER: None,
    FieldType.DECIMAL: None,
    FieldType.BOOLEAN: None,
    FieldType.DATE: None,
    FieldType.DATETIME: None,
}


def change_getter(resolved: ResolvedPath) -> Getter:
    name, spec = resolved.name, resolved.spec

    def change(scope: Scope) -> tuple[Any, Any] | None:
        found: Change | None = scope.event.changes.get(name)
        if found is None:
            return None
        return (from_primitive(spec, found.old), from_primitive(spec, found.new))

    return change
