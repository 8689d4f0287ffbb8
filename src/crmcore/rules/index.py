"""The index that lets an event meet only the rules that can concern it.

Rules are filed by entity and trigger kind; ``changed`` rules by each watched field; rules
that wait for one value (``stage_set`` to ``"contract"``, ``changed`` status to ``"won"``)
by that value too, when the field holds text, choices, integers or booleans. A lookup merges
the lists an event names, in running order (descending priority, then id), and keeps the
answer for the next event of the same shape.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import Final, Generic, Protocol, TypeVar

from crmcore.events import DomainEvent
from crmcore.rules.model import Rule, Trigger, TriggerKind
from crmcore.rules.schemas import ENTITY_OF_EVENT, FieldType, SchemaRegistry
from crmcore.rules.watch import trigger_kinds

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


class RuleIndex(Generic[T]):
    """Entries filed by entity, trigger kind, watched field and awaited value."""

    def __init__(self, entries: Iterable[T], schemas: SchemaRegistry) -> None:
        self._plain: dict[tuple[str, TriggerKind], list[T]] = {}
        self._watched: dict[Key, list[T]] = {}
        self._valued: dict[tuple[str, TriggerKind, str, Hashable], list[T]] = {}
        self._awaiting: dict[Key, list[T]] = {}  # every entry awaiting some value of a field
        self._cache: dict[Hashable, tuple[T, ...]] = {}
        self._by_class: dict[Hashable, tuple[T, ...]] = {}  # when class and fields decide
        for entry in sorted(entries, key=_order):
            self._file(entry, schemas)
        self._awaited_entities = frozenset(entity for entity, _, _ in self._awaiting)

    def _file(self, entry: T, schemas: SchemaRegistry) -> None:
        trigger = entry.rule.trigger
        field = _awaited_field(trigger, schemas)
        if field is not None:
            key = (trigger.entity, trigger.on, field)
            self._valued.setdefault((*key, trigger.to_value), []).append(entry)
            self._awaiting.setdefault(key, []).append(entry)
        elif trigger.on is TriggerKind.CHANGED and trigger.fields:
            for name in trigger.fields:
                self._watched.setdefault((trigger.entity, TriggerKind.CHANGED, name), []).append(
                    entry
                )
        else:
            self._plain.setdefault((trigger.entity, trigger.on), []).append(entry)

    def candidates(self, event: DomainEvent) -> tuple[T, ...]:
        """The entries ``event`` may concern, in running order."""
        quick = (event.__class__, tuple(event.changes))
        found = self._by_class.get(quick)
        if found is not None:
            return found
        entity = ENTITY_OF_EVENT.get(event.entity_type, event.entity_type)
        kinds = trigger_kinds(event)
        key = self._shape(entity, kinds, event)
        found = self._cache.get(key) if key is not None else None
        if found is None:
            found = self._lookup(entity, kinds, event)
            if key is not None:
                if len(self._cache) >= _CACHE_SIZE:
                    self._cache.clear()
                self._cache[key] = found
        if _by_class_alone(entity, event, self._awaited_entities):
            if len(self._by_class) >= _CACHE_SIZE:
                self._by_class.clear()
            self._by_class[quick] = found
        return found

    def _shape(
        self, entity: str, kinds: tuple[TriggerKind, ...], event: DomainEvent
    ) -> Hashable | None:
        """What decides the candidates of ``event``: its entity, kinds, changed fields and the
        new values of awaited fields; ``None`` when a value cannot be a key."""
        names = tuple(event.changes)
        if entity not in self._awaited_entities:
            return (entity, kinds, names)
        values = []
        for kind in kinds:
            for field in _fields(kind, names):
                if (entity, kind, field) in self._awaiting and field in event.changes:
                    value = event.changes[field].new
                    if not isinstance(value, Hashable):
                        return None
                    values.append((field, value))
        return (entity, kinds, names, tuple(values))

    def _lookup(
        self, entity: str, kinds: tuple[TriggerKind, ...], event: DomainEvent
    ) -> tuple[T, ...]:
        found: list[T] = []
        for kind in kinds:
            found.extend(self._plain.get((entity, kind), ()))
            for field in _fields(kind, tuple(event.changes)):
                key = (entity, kind, field)
                found.extend(self._watched.get(key, ()))
                change = event.changes.get(field)
                if change is None:  # the record decides: every rule awaiting a value of it
                    found.extend(self._awaiting.get(key, ()))
                elif isinstance(change.new, Hashable):
                    found.extend(self._valued.get((*key, change.new), ()))
        if len(found) > 1:
            return tuple(sorted(set(found), key=_order))
        return tuple(found)


def _by_class_alone(entity: str, event: DomainEvent, awaited: frozenset[str]) -> bool:
    """Whether the event's class and changed fields decide its candidates, with no value
    to look at: no rule of its entity awaits a value, and it is not a created interaction
    (whose kind and direction decide its email triggers)."""
    return entity not in awaited and not (
        event.entity_type == "interaction" and event.action == "created"
    )


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
    if field is None:
        return None
    if schemas.resolve(trigger.entity, field).spec.type not in _BY_VALUE:
        return None
    return field
