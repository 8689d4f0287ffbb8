"""Which triggers an event sets off, and the check of a trigger's fields and values.

An area's event names its ``action``: ``created``, ``changed``, ``deleted``, ``stage_set``, or
an area's own status move (``status_changed``, ``won``, ``lost``, ``decided``, ``converted``,
...), which sets off ``status_set`` triggers and the ``changed`` triggers watching a field it
changes; any other action sets off ``changed``. A created interaction of kind email sets off
``email_received`` or ``email_sent`` by its direction.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from crmcore.conditions.scope import CUSTOM, Scope, custom_change, from_primitive, read_path
from crmcore.conditions.values import constant
from crmcore.events import DomainEvent
from crmcore.rules.model import Trigger, TriggerKind
from crmcore.rules.schemas import FieldType, SchemaRegistry

__all__ = ["TriggerCheck", "compile_trigger", "trigger_kinds", "watched_kinds"]

TriggerCheck = Callable[[DomainEvent, Scope], bool]

_PLAIN: Final = {
    "created": (TriggerKind.CREATED,),
    "changed": (TriggerKind.CHANGED,),
    "deleted": (TriggerKind.DELETED,),
    "stage_set": (TriggerKind.STAGE_SET,),
    "date": (TriggerKind.DATE,),
}
STATUS_ACTIONS: Final = frozenset(
    {
        "status_changed",
        "status_set",
        "won",
        "lost",
        "reopened",
        "suspended",
        "resumed",
        "decided",
        "converted",
    }
)
_EMAIL: Final = {"incoming": TriggerKind.EMAIL_RECEIVED, "outgoing": TriggerKind.EMAIL_SENT}
_AS_IS: Final = frozenset({FieldType.TEXT, FieldType.CHOICE, FieldType.INTEGER, FieldType.BOOLEAN})


def trigger_kinds(event: DomainEvent) -> tuple[TriggerKind, ...]:
    """The trigger kinds ``event`` sets off."""
    action = event.action
    if action in _PLAIN:
        kinds: tuple[TriggerKind, ...] = _PLAIN[action]
        if action == "created" and event.entity_type == "interaction":
            kinds += _email(event)
        return kinds
    if action in STATUS_ACTIONS:
        return (TriggerKind.STATUS_SET,)
    return (TriggerKind.CHANGED,)


def watched_kinds(event: DomainEvent) -> tuple[TriggerKind, ...]:
    """The trigger kinds whose *watched fields* ``event`` reaches beyond its own kinds: a
    status or stage move changes fields (the manager of a request taken into work, a won
    deal's status), which ``changed`` triggers watching those fields see; ``changed``
    triggers watching no field stay for edits."""
    if event.action in STATUS_ACTIONS or event.action == "stage_set":
        return (TriggerKind.CHANGED,)
    return ()


def _email(event: DomainEvent) -> tuple[TriggerKind, ...]:
    kind, direction = event.changes.get("kind"), event.changes.get("direction")
    if kind is None or kind.new != "email" or direction is None:
        return ()
    found = _EMAIL.get(direction.new) if isinstance(direction.new, str) else None
    return (found,) if found is not None else ()


def always(_: DomainEvent, __: Scope) -> bool:
    """The check of a trigger whose entity and kind say everything."""
    return True


def compile_trigger(trigger: Trigger, schemas: SchemaRegistry) -> TriggerCheck:
    """A check of the parts of ``trigger`` beyond its entity and kind: the from and to values
    of a watched field, the stage or status reached, and that a watched custom field changed
    (events carry the custom values as one ``custom`` change)."""
    field = _field_of(trigger)
    if field is None:
        return _custom_watch(trigger) if _watches_custom(trigger) else always
    spec = schemas.resolve(trigger.entity, field).spec
    before = None if trigger.from_value is None else constant(spec, trigger.from_value)
    after = None if trigger.to_value is None else constant(spec, trigger.to_value)
    # A change's value of these types is compared as it is: reading it plain only turns a
    # list into a tuple, and neither equals a text, number or truth value.
    same = None if spec.type in _AS_IS else spec
    custom = field.startswith(CUSTOM)

    def check(event: DomainEvent, scope: Scope) -> bool:
        change = custom_change(event, field) if custom else event.changes.get(field)
        if change is None:
            if custom and "custom" in event.changes:
                return False  # the custom values changed, but not this one
            current: Any = read_path(scope.record, field)
            return before is None and (
                after is None or current == after or _value(current) == after
            )
        if before is not None:
            old = change.old if same is None else from_primitive(same, change.old)
            if old != before:
                return False
        if after is None:
            return True
        return bool((change.new if same is None else from_primitive(same, change.new)) == after)

    return check


def _watches_custom(trigger: Trigger) -> bool:
    return trigger.on is TriggerKind.CHANGED and any(f.startswith(CUSTOM) for f in trigger.fields)


def _custom_watch(trigger: Trigger) -> TriggerCheck:
    """Whether one of the watched fields changed, a custom one by its own value."""
    plain_fields = tuple(f for f in trigger.fields if not f.startswith(CUSTOM))
    custom_fields = tuple(f for f in trigger.fields if f.startswith(CUSTOM))

    def check(event: DomainEvent, _: Scope) -> bool:
        if any(name in event.changes for name in plain_fields):
            return True
        return any(custom_change(event, name) is not None for name in custom_fields)

    return check


def _field_of(trigger: Trigger) -> str | None:
    if trigger.from_value is None and trigger.to_value is None:
        return None
    if trigger.on is TriggerKind.STAGE_SET:
        return "stage"
    if trigger.on is TriggerKind.STATUS_SET:
        return "status"
    return trigger.fields[0]


def _value(current: object) -> object:
    return getattr(current, "value", current)
