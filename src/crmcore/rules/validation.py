"""Checking rules against the entity schemas before they are saved or run.

:func:`validate_rule` reports every problem of a rule at once, each with the JSON path of
the part at fault (``when.all[1].value``, ``then[0].strategy.rows[2].when.field``): unknown
fields, operators that do not fit the field's type, values that do not fit the field,
unknown actions and placeholders, fields an action may not write.

>>> from crmcore.rules.model import FieldCondition, Rule, Trigger, TriggerKind
>>> from crmcore.rules.actions import SmsToClient
>>> from crmcore.rules.schemas import default_schemas
>>> rule = Rule(id="r", name="Bad", trigger=Trigger(entity="deal", on=TriggerKind.CREATED),
...             when=FieldCondition(field="amount", op="starts_with", value="1"),
...             then=(SmsToClient(text="Hi {{ Title }}, {{ colour }}"),))
>>> try:
...     validate_rule(rule, schemas=default_schemas())
... except DomainValidationError as error:
...     print(*error.violations, sep="\\n")
when.op: 'starts_with' does not apply to a money field (got 'starts_with')
then[0].text: sms_client: placeholder '{{ Title }}' is malformed: a placeholder holds only a
lowercase dotted path, as in {{ partner.short_name }}
then[0].text: sms_client: placeholder 'colour': 'colour' is not a field, custom field or fact
of deal
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import chain
from typing import Final

import attrs

from crmcore.conditions.checks import condition_problems
from crmcore.conditions.checks import resolve as _resolve
from crmcore.conditions.checks import resolve_known as _resolve_known
from crmcore.conditions.operators import OPERATORS, Operator
from crmcore.conditions.values import constant
from crmcore.errors import DomainValidationError, Violation
from crmcore.rules.actions import ACTIONS, AssignManager, CallWebhook, CreateInvoice, SetFields
from crmcore.rules.assignment import FieldMapping
from crmcore.rules.model import (
    Action,
    Branch,
    Condition,
    Rule,
    Throttle,
    Trigger,
    TriggerKind,
    Wait,
)
from crmcore.rules.schemas import FieldType, ResolvedPath, SchemaRegistry, Source
from crmcore.rules.templates import placeholders, template_fields, template_problems
from crmcore.rules.webhooks import DEFAULT_WEBHOOKS, WebhookPolicy

__all__ = [
    "PROTECTED",
    "ActionMemo",
    "PartChecks",
    "condition_problems",
    "protected",
    "rule_problems",
    "validate_rule",
    "validate_rules",
]

PROTECTED: Final = frozenset({"id", "version", "stage", "status", "pipeline", "partner", "kind"})
"""Lifecycle and identity fields ``set_fields`` may not write (with every ``*_id`` field)."""
MOVES: Final = frozenset({"stage", "status"})
_AMOUNTS: Final = frozenset({FieldType.MONEY, FieldType.DECIMAL})
ActionMemo = dict[tuple[str | None, str], tuple[Violation, ...]]
"""The problems of actions checked, by entity and the action's repr."""


def validate_rule(
    rule: Rule,
    *,
    schemas: SchemaRegistry,
    operators: Mapping[str, Operator] = OPERATORS,
    actions: Mapping[str, type[Action]] = ACTIONS,
    lifecycle_moves: bool = False,
    webhooks: WebhookPolicy = DEFAULT_WEBHOOKS,
) -> None:
    """Raise one :class:`~crmcore.errors.DomainValidationError` with every problem of ``rule``;
    ``lifecycle_moves`` lets ``set_fields`` write ``stage`` and ``status``, for hosts that
    apply those writes through the areas' services and their gates; ``webhooks`` says where a
    ``call_webhook`` may go."""
    found = list(
        rule_problems(
            rule, schemas=schemas, operators=operators, actions=actions,
            lifecycle_moves=lifecycle_moves, webhooks=webhooks,
        )
    )  # fmt: skip
    if found:
        raise DomainValidationError(found)


def validate_rules(
    rules: Iterable[Rule],
    *,
    schemas: SchemaRegistry,
    operators: Mapping[str, Operator] = OPERATORS,
    actions: Mapping[str, type[Action]] = ACTIONS,
    lifecycle_moves: bool = False,
    webhooks: WebhookPolicy = DEFAULT_WEBHOOKS,
) -> None:
    """Every problem of every rule (paths start with ``[index]``), and versions of one rule
    whose effective periods overlap or that repeat a version number."""
    found: list[Violation] = []
    seen: dict[str, list[tuple[int, Rule]]] = {}
    memo: ActionMemo = {}  # rules share actions: each is checked once
    for index, rule in enumerate(rules):
        problems = rule_problems(
            rule, schemas=schemas, operators=operators, actions=actions,
            lifecycle_moves=lifecycle_moves, webhooks=webhooks, memo=memo,
        )  # fmt: skip
        found.extend(problem.under(f"[{index}]") for problem in problems)
        for other_index, other in seen.get(rule.id, []):
            if other.version == rule.version or _overlap(rule, other):
                message = f"overlaps version {other.version} of the same rule at [{other_index}]"
                found.append(
                    Violation(field=f"[{index}].version", message=message, value=rule.version)
                )
        seen.setdefault(rule.id, []).append((index, rule))
    if found:
        raise DomainValidationError(found)


def _overlap(one: Rule, other: Rule) -> bool:
    starts_before = (
        one.effective_until is None
        or other.effective_from is None
        or other.effective_from < one.effective_until
    )
    ends_after = (
        other.effective_until is None
        or one.effective_from is None
        or one.effective_from < other.effective_until
    )
    return starts_before and ends_after


def rule_problems(
    rule: Rule,
    *,
    schemas: SchemaRegistry,
    operators: Mapping[str, Operator] = OPERATORS,
    actions: Mapping[str, type[Action]] = ACTIONS,
    lifecycle_moves: bool = False,
    webhooks: WebhookPolicy = DEFAULT_WEBHOOKS,
    memo: ActionMemo | None = None,
) -> Iterator[Violation]:
    """Every problem of ``rule`` against the schemas, operators and actions, with its path;
    ``lifecycle_moves`` as for :func:`validate_rule`. An unknown entity is reported beside
    every problem found without it (unknown operators and actions, malformed placeholders,
    webhook targets); only the checks that need the entity's fields are skipped. ``memo``
    keeps the problems of each action checked, for the next rules checked against the same
    schemas, operators, actions and webhook policy."""
    entity: str | None = rule.trigger.entity
    try:
        schemas.get(rule.trigger.entity)
    except LookupError as error:
        yield Violation(field="trigger.entity", message=str(error), value=rule.trigger.entity)
        entity = None
    checks = PartChecks(
        entity=entity, schemas=schemas, operators=operators, actions=actions,
        lifecycle_moves=lifecycle_moves, webhooks=webhooks, memo=memo,
    )  # fmt: skip
    yield from checks.trigger(rule.trigger)
    yield from checks.throttle(rule.throttle)
    if rule.when is not None:
        yield from checks.condition(rule.when, "when")
    yield from checks.then(rule.then, "then")
    for index, branch in enumerate(rule.branches):
        yield from checks.step(branch, f"branches[{index}]")
    for index, wait in enumerate(rule.waits):
        yield from checks.step(wait, f"waits[{index}]")


@attrs.frozen(kw_only=True)
class PartChecks:
    """The checks of a rule's parts (conditions, actions, steps, throttle) for records of
    ``entity``; with ``entity`` unknown (``None``), those that do not need its fields."""

    entity: str | None
    schemas: SchemaRegistry
    operators: Mapping[str, Operator] = OPERATORS
    actions: Mapping[str, type[Action]] = ACTIONS
    lifecycle_moves: bool = False
    webhooks: WebhookPolicy = DEFAULT_WEBHOOKS
    memo: ActionMemo | None = None  # the problems of the actions checked before

    def trigger(self, trigger: Trigger) -> Iterator[Violation]:
        """The problems of the trigger's fields and values (none for an unknown entity)."""
        if self.entity is not None:
            yield from _trigger_problems(trigger, self.entity, self.schemas)

    def condition(self, condition: Condition, path: str) -> Iterator[Violation]:
        """The problems of a condition tree at ``path``."""
        return condition_problems(
            condition, entity=self.entity, schemas=self.schemas, operators=self.operators,
            path=path,
        )  # fmt: skip

    def then(self, found: Sequence[Action], path: str) -> Iterator[Violation]:
        """The problems of the actions at ``path``, each under its index."""
        for index, action in enumerate(found):
            yield from self.action(action, f"{path}[{index}]")

    def action(self, action: Action, path: str) -> Iterator[Violation]:
        """The problems of one action at ``path``."""
        # By the action's repr, not the action: 1 and True are equal but checked apart.
        key = (self.entity, repr(action))
        found = None if self.memo is None else self.memo.get(key)
        if found is None:
            problems = _action_problems(
                action, self.entity, self.schemas, self.operators, self.actions,
                self.lifecycle_moves,
            )  # fmt: skip
            if isinstance(action, CallWebhook):
                problems = chain(problems, self.webhooks.problems(action.url))
            found = tuple(problems)
            if self.memo is not None:
                self.memo[key] = found
        for problem in found:
            yield problem.under(path)

    def step(self, step: Branch | Wait, path: str) -> Iterator[Violation]:
        """The problems of a branch or waiting step at ``path``."""
        if step.when is not None:
            yield from self.condition(step.when, f"{path}.when")
        yield from self.then(step.then, f"{path}.then")

    def throttle(self, throttle: Throttle | None) -> Iterator[Violation]:
        """The problem of a throttle's ``per`` path, if any."""
        if throttle is not None and throttle.per is not None:
            found = _resolve(self.schemas, self.entity, throttle.per, "throttle.per")
            if isinstance(found, Violation):
                yield found


def _trigger_problems(
    trigger: Trigger, entity: str, schemas: SchemaRegistry
) -> Iterator[Violation]:
    for index, name in enumerate(trigger.fields):
        found = _resolve_known(schemas, entity, name, f"trigger.fields[{index}]")
        if isinstance(found, Violation):
            yield found
        elif found.hops or found.spec.source is Source.FACT:
            yield Violation(
                field=f"trigger.fields[{index}]",
                message="must be a field or custom field of the record itself",
                value=name,
            )
        else:
            for key in ("from_value", "to_value"):
                yield from _literal(found, getattr(trigger, key), f"trigger.{key}")
    named = {
        TriggerKind.STAGE_SET: "stage",
        TriggerKind.STATUS_SET: "status",
        TriggerKind.DATE: trigger.field,
    }
    if trigger.on in named:
        yield from _trigger_field(schemas, entity, named[trigger.on] or "", trigger)
    if (
        trigger.on in {TriggerKind.EMAIL_RECEIVED, TriggerKind.EMAIL_SENT}
        and entity != "interaction"
    ):
        yield Violation(
            field="trigger.entity", message="email triggers concern interactions", value=entity
        )


def _trigger_field(
    schemas: SchemaRegistry, entity: str, name: str, trigger: Trigger
) -> Iterator[Violation]:
    at = "trigger.field" if trigger.on is TriggerKind.DATE else "trigger.on"
    found = _resolve_known(schemas, entity, name, at)
    if isinstance(found, Violation):
        yield found
        return
    if trigger.on is TriggerKind.DATE:
        if found.hops or found.spec.type not in {FieldType.DATE, FieldType.DATETIME}:
            yield Violation(field=at, message="must be a date field of the record", value=name)
    else:
        yield from _literal(found, trigger.to_value, "trigger.to_value")


def _literal(found: ResolvedPath, value: object, at: str) -> Iterator[Violation]:
    if value is None:
        return
    try:
        constant(found.spec, value)
    except ValueError as error:
        yield Violation(field=at, message=str(error), value=value)


def _action_problems(
    action: Action,
    entity: str | None,
    schemas: SchemaRegistry,
    operators: Mapping[str, Operator],
    actions: Mapping[str, type[Action]],
    lifecycle_moves: bool = False,
) -> Iterator[Violation]:
    if actions.get(action.kind) is not type(action):
        yield Violation(
            field="action",
            message="must be one of " + ", ".join(sorted(actions)),
            value=action.kind,
        )
        return
    yield from _template_problems(action, entity, schemas)
    for name, path in action.paths():
        found = _resolve(schemas, entity, path, name)
        if isinstance(found, Violation):
            yield found
        elif found is None:
            continue
        elif isinstance(action, SetFields):
            yield from _write_problems(found, action.values[path], name, lifecycle_moves)
        elif isinstance(action, CreateInvoice) and found.spec.type not in _AMOUNTS:
            yield Violation(
                field=name,
                message=f"{action.kind}: must be a money or decimal field, "
                f"not a {found.spec.type.value} field",
                value=path,
            )
    if isinstance(action, AssignManager):
        yield from _assignment_problems(action, entity, schemas, operators)


def _template_problems(
    action: Action, entity: str | None, schemas: SchemaRegistry
) -> Iterator[Violation]:
    """Malformed placeholders and those naming no field, each naming the action and field."""
    for name, kind, text in template_fields(action):
        for problem in template_problems(kind, text):
            yield Violation(field=name, message=f"{action.kind}: {problem}")
        for path in placeholders(text):
            found = _resolve(schemas, entity, path, name)
            if isinstance(found, Violation):
                message = f"{action.kind}: placeholder {path!r}: {found.message}"
                yield Violation(field=name, message=message)


def protected(name: str, *, lifecycle_moves: bool = False) -> bool:
    """Whether ``name`` is a lifecycle or identity field of a record (stage, status, pipeline,
    partner, ids, versions), which only its area's services change, never a ``set_fields``;
    with ``lifecycle_moves``, ``stage`` and ``status`` are not."""
    if lifecycle_moves and name in MOVES:
        return False
    return name in PROTECTED or name.endswith("_id")


def _write_problems(
    found: ResolvedPath, value: object, at: str, lifecycle_moves: bool
) -> Iterator[Violation]:
    direct = not found.hops and found.spec.source is Source.RECORD
    if direct and protected(found.name, lifecycle_moves=lifecycle_moves):
        message = "is a lifecycle or identity field, changed only through its area's services"
        yield Violation(field=at, message=message, value=found.path)
        return
    if found.hops or not found.spec.writable or found.spec.source is Source.FACT:
        yield Violation(field=at, message="is not a field a rule may change", value=found.path)
        return
    if found.spec.type is FieldType.LIST:
        yield Violation(
            field=at, message="list fields are changed by their own actions", value=found.path
        )
        return
    yield from _literal(found, value, at)


def _assignment_problems(
    action: AssignManager,
    entity: str | None,
    schemas: SchemaRegistry,
    operators: Mapping[str, Operator],
) -> Iterator[Violation]:
    if entity is not None and schemas.get(entity).manager_field is None:
        yield Violation(field="action", message=f"a {entity} has no responsible manager to assign")
    if isinstance(action.strategy, FieldMapping):
        for index, row in enumerate(action.strategy.rows):
            yield from condition_problems(
                row.when,
                entity=entity,
                schemas=schemas,
                operators=operators,
                path=f"strategy.rows[{index}].when",
            )
