"""The index that lets an event meet only the rules that can concern it.

Rules are filed by entity and trigger kind; ``changed`` rules by each watched field; rules
that wait for one value (``stage_set`` to ``"contract"``, ``changed`` status to ``"won"``)
by that value too, when the field holds text, choices, integers or booleans. A lookup merges
the lists an event names, in running order (descending priority, then id), and keeps the
answer for the next event of the same class, changed fields and awaited values.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import Any, Final, Generic, Protocol, TypeVar

from crmcore.conditions.scope import CUSTOM
from crmcore.events import DomainEvent
from crmcore.rules.model import Rule, Trigger, TriggerKind
from crmcore.rules.schemas import FieldType, SchemaRegistry
from crmcore.rules.watch import trigger_kinds, watched_kinds

__all__ = ["Indexed", "RuleIndex"]

_CACHE_SIZE: Final = 4096
_BY_VALUE: Final = frozenset(
    {FieldType.TEXT, FieldType.CHOICE, FieldType.INTEGER, FieldType.BOOLEAN}
)
_NAMED: Final = {TriggerKind.STAGE_SET: "stage", TriggerKind.STATUS_SET: "status"}


class Indexed(Protocol):
    """What the index files: a rule and its place in the running order."""

    @property
    def rule(self) -> Rule:
        """The rule."""
        ...

    @property
    def order(self) -> tuple[int, str]:
        """Descending priority, then id."""
        ...


T = TypeVar("T", bound=Indexed)
Key = tuple[str, TriggerKind, str]
Shape = tuple[type, tuple[str, ...]]


class RuleIndex(Generic[T]):
    """Entries filed by entity, trigger kind, watched field and awaited value."""

    def __init__(self, entries: Iterable[T], schemas: SchemaRegistry) -> None:
        self._plain: dict[tuple[str, TriggerKind], list[T]] = {}
        self._watched: dict[Key, list[T]] = {}
        self._valued: dict[tuple[str, TriggerKind, str, Hashable], list[T]] = {}
        self._awaiting: dict[Key, list[T]] = {}  # every entry awaiting some value of a field
        for entry in sorted(entries, key=_order):
            self._file(entry, schemas)
        self._awaited: dict[str, frozenset[str]] = {}  # by entity: the fields awaited
        for entity, _, field in self._awaiting:
            self._awaited[entity] = self._awaited.get(entity, frozenset()) | {field}
        # By event class and changed fields: the answer, or the fields whose values decide it.
        self._by_class: dict[Shape, tuple[T, ...]] = {}
        self._deciding: dict[Shape, tuple[str, ...]] = {}
        self._by_value: dict[tuple[Shape, tuple[Any, ...]], tuple[T, ...]] = {}

    def _file(self, entry: T, schemas: SchemaRegistry) -> None:
        trigger = entry.rule.trigger
        field = _awaited_field(trigger, schemas)
        if field is not None:
            key = (trigger.entity, trigger.on, field)
            self._valued.setdefault((*key, trigger.to_value), []).append(entry)
            self._awaiting.setdefault(key, []).append(entry)
        elif trigger.on is TriggerKind.CHANGED and trigger.fields:
            for name in trigger.fields:
                # Events carry custom values as one "custom" change; the trigger's check
                # tells which of them changed.
                changed = "custom" if name.startswith(CUSTOM) else name
                self._watched.setdefault((trigger.entity, TriggerKind.CHANGED, changed), []).append(
                    entry
                )
        else:
            self._plain.setdefault((trigger.entity, trigger.on), []).append(entry)

    def candidates(self, event: DomainEvent) -> tuple[T, ...]:
        """The entries ``event`` may concern, in running order.

        The event's class and changed fields decide the answer, with the new values of the
        few fields that some rule awaits; answers are kept by those, so most events cost two
        dictionary look-ups.
        """
        changes = event.changes
        shape = (event.__class__, tuple(changes))
        found = self._by_class.get(shape)
        if found is not None:
            return found
        fields = self._deciding.get(shape)
        if fields is None:
            fields = self._deciding[shape] = _bounded(self._deciding, self._fields_deciding(event))
            if not fields:
                found = self._by_class[shape] = _bounded(self._by_class, self._lookup(event))
                return found
        key = (shape, tuple([changes[field].new for field in fields]))
        try:
            found = self._by_value.get(key)
        except TypeError:  # an unhashable new value: look it up every time
            return self._lookup(event)
        if found is None:
            found = self._by_value[key] = _bounded(self._by_value, self._lookup(event))
        return found

    def _fields_deciding(self, event: DomainEvent) -> tuple[str, ...]:
        """The changed fields of ``event`` whose new values its candidates depend on: those
        some rule awaits a value of, and an email's kind and direction (its trigger kinds)."""
        entity = event.entity_type
        deciding = self._awaited.get(entity, frozenset())
        if _email_decides(event):
            deciding |= {"kind", "direction"}
        return tuple(field for field in event.changes if field in deciding)

    def _lookup(self, event: DomainEvent) -> tuple[T, ...]:
        entity = event.entity_type
        found: list[T] = []
        for kind in trigger_kinds(event):
            found.extend(self._plain.get((entity, kind), ()))
            for field in _fields(kind, tuple(event.changes)):
                key = (entity, kind, field)
                found.extend(self._watched.get(key, ()))
                change = event.changes.get(field)
                if change is None:  # the record decides: every rule awaiting a value of it
                    found.extend(self._awaiting.get(key, ()))
                elif isinstance(change.new, Hashable):
                    found.extend(self._valued.get((*key, change.new), ()))
        for kind in watched_kinds(event):  # a move's changes reach the rules watching them
            for field, change in event.changes.items():
                key = (entity, kind, field)
                found.extend(self._watched.get(key, ()))
                if isinstance(change.new, Hashable):
                    found.extend(self._valued.get((*key, change.new), ()))
        if len(found) > 1:
            return tuple(sorted(set(found), key=_order))
        return tuple(found)


V = TypeVar("V")


def _bounded(cache: dict[Any, Any], value: V) -> V:
    """``value``, with ``cache`` emptied first when it is full: events of ever new shapes or
    values must not grow it without end."""
    if len(cache) >= _CACHE_SIZE:
        cache.clear()
    return value


def _email_decides(event: DomainEvent) -> bool:
    """Whether the new values of ``event`` decide its trigger kinds: a created interaction's
    kind and direction decide its email triggers."""
    return event.entity_type == "interaction" and event.action == "created"


def _order(entry: Indexed) -> tuple[int, str, int]:
    return (*entry.order, entry.rule.version)


def _fields(kind: TriggerKind, changed: tuple[str, ...]) -> tuple[str, ...]:
    named = _NAMED.get(kind)
    if named is not None:
        return (named,)
    return changed if kind is TriggerKind.CHANGED else ()


def _awaited_field(trigger: Trigger, schemas: SchemaRegistry) -> str | None:
    """The field whose new value files the rule, if it awaits one value of a keyable type."""
    if trigger.to_value is None or trigger.from_value is not None:
        return None
    field = _NAMED.get(trigger.on) or (trigger.fields[0] if trigger.fields else None)
    if field is None or field.startswith(CUSTOM):
        return None
    if schemas.resolve(trigger.entity, field).spec.type not in _BY_VALUE:
        return None
    return field
