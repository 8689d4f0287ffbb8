"""Rules read from JSON and checked in one call, every problem of structure and meaning at once.

:func:`parse_rule` is the entry point for a rule that an admin screen sends: it reads the
JSON form and checks the rule against the schemas. When a part cannot be read (a trigger with
an unknown entity or kind, a date trigger without its field), the parts that can are still
checked, so that one error lists the bad trigger beside the unknown fields and operators of the
conditions and the malformed placeholders of the actions; only the checks that need what could
not be read are skipped.

>>> from crmcore.rules import default_schemas
>>> try:
...     parse_rule({"id": "r", "name": "Thanks",
...                 "trigger": {"entity": "company", "on": "created"},
...                 "when": {"field": "segment", "op": "sounds_like", "value": "key"},
...                 "then": [{"action": "sms_client", "text": "Thank you, {{ Name }}!"}]},
...                schemas=default_schemas())
... except DomainValidationError as error:
...     print(*error.violations, sep="\\n")
trigger.entity: is now called 'partner' (got 'company')
when.op: must be one of ... (got 'sounds_like')
then[0].text: sms_client: placeholder '{{ Name }}' is malformed: a placeholder holds only a
lowercase dotted path, as in {{ partner.short_name }}
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import cache
from typing import Any, TypeVar

from crmcore.conditions.operators import OPERATORS, Operator
from crmcore.errors import DomainValidationError, Violation
from crmcore.rules.actions import ACTIONS
from crmcore.rules.model import (
    Action,
    Branch,
    Condition,
    Rule,
    Throttle,
    Trigger,
    Wait,
    entity_problem,
)
from crmcore.rules.schemas import SchemaRegistry
from crmcore.rules.validation import PartChecks, validate_rule
from crmcore.rules.webhooks import DEFAULT_WEBHOOKS, WebhookPolicy
from crmcore.serialization import Converter, make_converter
from crmcore.validation import payload_violations, raise_violations

__all__ = ["parse_rule"]

T = TypeVar("T")


@cache
def _converter() -> Converter:
    return make_converter()


def parse_rule(
    data: object,
    *,
    schemas: SchemaRegistry,
    operators: Mapping[str, Operator] = OPERATORS,
    actions: Mapping[str, type[Action]] = ACTIONS,
    lifecycle_moves: bool = False,
    webhooks: WebhookPolicy = DEFAULT_WEBHOOKS,
    converter: Converter | None = None,
) -> Rule:
    """The rule of JSON form ``data``, checked as :func:`~crmcore.rules.validate_rule` checks
    it; else one :class:`~crmcore.errors.DomainValidationError` with every problem of its
    structure and meaning, each under its JSON path. ``converter`` reads plugin actions
    (:func:`crmcore.serialization.make_converter` by default)."""
    raise_violations(payload_violations(data))  # the limits first: nothing costs more
    reader = converter or _converter()
    try:
        rule: Rule = reader.structure(data, Rule)
    except DomainValidationError as error:
        found = list(error.violations)
        if isinstance(data, Mapping):
            checks = PartChecks(
                entity=_entity_of(data, schemas), schemas=schemas, operators=operators,
                actions=actions, lifecycle_moves=lifecycle_moves, webhooks=webhooks,
            )  # fmt: skip
            found.extend(p for p in _part_problems(reader, data, checks) if p not in found)
        raise DomainValidationError(found) from None
    validate_rule(
        rule, schemas=schemas, operators=operators, actions=actions,
        lifecycle_moves=lifecycle_moves, webhooks=webhooks,
    )  # fmt: skip
    return rule


def _entity_of(data: Mapping[str, Any], schemas: SchemaRegistry) -> str | None:
    """The trigger's entity when it is one with a schema, whatever else the trigger holds."""
    trigger = data.get("trigger")
    entity = trigger.get("entity") if isinstance(trigger, Mapping) else None
    if not isinstance(entity, str) or entity_problem(entity) is not None:
        return None
    return entity if entity in schemas.schemas else None


def _read(reader: Converter, value: object, cls: Any) -> Any:
    """``value`` read as ``cls``, or ``None``: its own problems are in the rule's error."""
    try:
        return reader.structure(value, cls)
    except DomainValidationError:
        return None


def _listed(data: Mapping[str, Any], key: str) -> list[Any]:
    value = data.get(key)
    return value if isinstance(value, list) else []


def _part_problems(
    reader: Converter, data: Mapping[str, Any], checks: PartChecks
) -> Iterator[Violation]:
    """The problems of meaning of every part of ``data`` that reads on its own."""
    trigger = _read(reader, data.get("trigger"), Trigger)
    if trigger is not None:
        yield from checks.trigger(trigger)
    throttle = _read(reader, data["throttle"], Throttle) if data.get("throttle") else None
    yield from checks.throttle(throttle)
    when = _read(reader, data["when"], Condition) if data.get("when") is not None else None
    if when is not None:
        yield from checks.condition(when, "when")
    for index, item in enumerate(_listed(data, "then")):
        action = _read(reader, item, Action)
        if action is not None:
            yield from checks.action(action, f"then[{index}]")
    for key, cls in (("branches", Branch), ("waits", Wait)):
        for index, item in enumerate(_listed(data, key)):
            step = _read(reader, item, cls)
            if step is not None:
                yield from checks.step(step, f"{key}[{index}]")
