"""Commands: the actions of fired rules, filled in and handed to the host to execute.

The domain never sends an SMS or calls a webhook. It returns :class:`Command` values; the
host passes them to its :class:`ActionHandler` objects with :func:`dispatch`. Commands that
change crmcore's own aggregates (fields, manager, co-executors) can be applied with
:func:`apply_command`, which returns the changed entity and its area's "changed" event.
"""

from __future__ import annotations

import enum
import typing
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any, Final, Protocol

import attrs

from crmcore.conditions.values import constant
from crmcore.errors import DomainValidationError, Violation
from crmcore.events import DomainEvent, Outcome, changes_between
from crmcore.ids import RuleId
from crmcore.money import Money
from crmcore.rules.actions import AssignManager, ChangeCoExecutor, CoExecutorChange, SetFields
from crmcore.rules.assignment import Assignment
from crmcore.rules.model import Action
from crmcore.rules.schemas import FieldType, SchemaRegistry, Source
from crmcore.validation import raise_violations

__all__ = [
    "ActionHandler",
    "Command",
    "apply_command",
    "command_maker",
    "command_updates",
    "dispatch",
]


# Not slotted: the engine makes a command per firing from a prepared dict of its fields
# (see ``command_maker``), a third of what the generated ``__init__`` costs.
@attrs.frozen(kw_only=True, slots=False)
class Command:
    """What rule ``rule_id`` (version ``rule_version``) asks the host to do for one record.

    ``action`` is filled in from the record; ``assignment`` says whom an
    :class:`~crmcore.rules.AssignManager` chose and why. A command of a dry run is for
    showing, never for executing.
    """

    rule_id: RuleId
    rule_version: int
    entity: str
    entity_id: str
    action: Action
    caused_by: str
    assignment: Assignment | None = None
    dry_run: bool = False


_new: Final = object.__new__
_set: Final = object.__setattr__


def command_maker(
    *, rule_id: RuleId, rule_version: int, entity: str, dry_run: bool
) -> Callable[[str, Action, str], Command]:
    """A maker of the commands one rule version gives for ``entity``: called with the
    record's id, the filled-in action and the event's name, it returns the same command as
    :class:`Command` would, built from a prepared dict of the fixed fields (commands have no
    validators to skip)."""
    fixed = {"rule_id": rule_id, "rule_version": rule_version, "entity": entity,
             "entity_id": "", "action": None, "caused_by": "", "assignment": None,
             "dry_run": dry_run}  # fmt: skip

    def make(entity_id: str, action: Action, caused_by: str) -> Command:
        fields = fixed.copy()
        fields["entity_id"], fields["action"], fields["caused_by"] = entity_id, action, caused_by
        command: Command = _new(Command)
        _set(command, "__dict__", fields)
        return command

    return make


class ActionHandler(Protocol):
    """The host's executor of one kind of action (an SMS gateway, a task list, ...)."""

    def handle(self, command: Command) -> None:
        """Execute ``command``."""
        ...


def dispatch(commands: Iterable[Command], handlers: Mapping[str, ActionHandler]) -> int:
    """Pass each command to the handler of its action's kind; the number handled.

    Commands of a dry run are skipped. A kind without a handler raises ``LookupError``
    before any command is handled, so a batch is not executed by halves.
    """
    batch = [command for command in commands if not command.dry_run]
    missing = sorted({c.action.kind for c in batch if c.action.kind not in handlers})
    if missing:
        raise LookupError("no action handler for " + ", ".join(missing))
    for command in batch:
        handlers[command.action.kind].handle(command)
    return len(batch)


def _changed_events() -> Mapping[str, type[DomainEvent]]:
    from crmcore.agreements import AgreementChanged  # noqa: PLC0415 - areas load lazily
    from crmcore.deals import DealChanged  # noqa: PLC0415
    from crmcore.interactions import InteractionChanged  # noqa: PLC0415
    from crmcore.partners import ContactPersonChanged, PartnerChanged  # noqa: PLC0415

    return {
        "partner": PartnerChanged,
        "contact_person": ContactPersonChanged,
        "deal": DealChanged,
        "interaction": InteractionChanged,
        "agreement": AgreementChanged,
    }


_APPLIED: Final = (SetFields, AssignManager, ChangeCoExecutor)


def apply_command(
    entity: Any, command: Command, *, schemas: SchemaRegistry, now: datetime
) -> Outcome[Any]:
    """``entity`` (an attrs model of ``command.entity``) with the command applied, its version
    bumped, and its area's "changed" event (``entity`` as it was, with no event, when the
    command sets the values it holds already); ``DomainValidationError`` naming the field when a
    value does not fit, ``TypeError`` for an action crmcore does not apply itself."""
    action = command.action
    if not isinstance(action, _APPLIED):
        raise TypeError(f"{action.kind!r} commands are executed by the host")
    updates = _updates(entity, command, schemas)
    changed = attrs.evolve(entity, **updates)
    differences = changes_between(entity, changed)
    if not differences:
        # The values the record holds already: no new version, no event to fire rules on.
        return Outcome(entity=entity)
    changed = attrs.evolve(changed, version=entity.version + 1)
    event_cls = _changed_events().get(command.entity)
    if event_cls is None:
        return Outcome(entity=changed)
    event = event_cls(
        entity_id=command.entity_id,
        occurred_at=now,
        changes=differences,
        actor=f"rule:{command.rule_id}",
    )
    return Outcome(entity=changed, events=(event,))


def command_updates(entity: Any, command: Command, *, schemas: SchemaRegistry) -> dict[str, Any]:
    """The fields ``command`` (``set_fields``, ``assign_manager`` or ``co_executor``) gives
    ``entity``, typed as the record holds them, without building the changed record: what an
    application hands to the area's own service. ``DomainValidationError`` names each value
    that does not fit."""
    return _updates(entity, command, schemas)


def _updates(entity: Any, command: Command, schemas: SchemaRegistry) -> dict[str, Any]:
    action = command.action
    schema = schemas.get(command.entity)
    if isinstance(action, AssignManager):
        if schema.manager_field is None or command.assignment is None:
            raise DomainValidationError.single(
                "action", f"{command.entity} has no manager to assign"
            )
        return {schema.manager_field: command.assignment.user}
    if isinstance(action, ChangeCoExecutor):
        current = getattr(entity, "co_executors", None)
        if not isinstance(current, frozenset):
            raise DomainValidationError.single("action", f"{command.entity} has no co-executors")
        user = typing.cast(Any, action.user)
        return {
            "co_executors": current | {user}
            if action.change is CoExecutorChange.ADD
            else current - {user}
        }
    assert isinstance(action, SetFields)
    return _field_updates(entity, command.entity, action, schemas)


def _field_updates(
    entity: Any, name: str, action: SetFields, schemas: SchemaRegistry
) -> dict[str, Any]:
    updates: dict[str, Any] = {}
    custom = dict(getattr(entity, "custom", {}) or {})
    hints = typing.get_type_hints(type(entity))
    problems: list[Violation] = []
    for path, value in action.values.items():
        resolved = schemas.resolve(name, path)
        try:
            converted = constant(resolved.spec, value)
            if resolved.spec.source is Source.CUSTOM:
                custom[resolved.name] = converted
                updates["custom"] = custom
            else:
                current = getattr(entity, resolved.name)
                hint = hints.get(resolved.name)
                updates[resolved.name] = _typed(current, hint, resolved.spec.type, converted)
        except ValueError as error:
            problems.append(Violation(field=f"values.{path}", message=str(error), value=value))
    raise_violations(problems)
    return updates


def _typed(current: object, hint: Any, kind: FieldType, value: Any) -> Any:
    if kind is FieldType.MONEY and value is not None:
        if not isinstance(current, Money):
            raise ValueError("an amount without a currency yet cannot be set by a rule")
        return Money(amount=value, currency=current.currency)
    if kind is FieldType.CHOICE and value is not None:
        for candidate in (hint, *typing.get_args(hint)):
            if isinstance(candidate, type) and issubclass(candidate, enum.Enum):
                return candidate(value)
    return value
