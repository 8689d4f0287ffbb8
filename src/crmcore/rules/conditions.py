"""Conditions compiled once into closures, evaluated per event, and explained on request.

:func:`compile_condition` resolves every path through the schemas, checks every value
against its field's type and turns the tree into two functions: ``evaluate(scope)`` for the
hot path and ``explain(scope, trace)``, which evaluates every node (no short cut, so the trace
is complete) and records the values compared. Values are compared in plain form: money by
its amount, enumerations by their value, references by the id they point at.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Mapping
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, Final

import attrs

from crmcore.events import Change, DomainEvent, primitive
from crmcore.ids import EntityRef
from crmcore.money import Money
from crmcore.rules.model import AllOf, Condition, FieldCondition, FieldRef, Not
from crmcore.rules.operators import Arity, Operator, compile_regex
from crmcore.rules.repository import NO_FACTS, FactSource
from crmcore.rules.schemas import FieldSpec, FieldType, ResolvedPath, SchemaRegistry, Source
from crmcore.rules.triggers import shift_days
from crmcore.workcalendar import WorkingCalendar

__all__ = [
    "CompiledCondition",
    "NodeTrace",
    "Scope",
    "coerce",
    "compile_condition",
    "compile_path",
    "constant",
    "from_primitive",
    "plain",
    "read",
    "record_from_changes",
]

_RELATIVE: Final = re.compile(
    r"^\s*(today|now)\s*(?:([+-])\s*(\d{1,4})\s*(minute|hour|day|week|working day)s?)?\s*$"
)
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


class Scope:
    """One event with its record, the host's facts, the moment and the calendar.

    Related records and facts are fetched once per scope, however many conditions read them.
    """

    __slots__ = ("_related", "calendar", "event", "facts", "now", "record")

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
        return lambda scope: plain(read(scope.record, name))
    return lambda scope: plain(read(holder(scope)[0], name))


def _change_getter(resolved: ResolvedPath) -> Getter:
    name, spec = resolved.name, resolved.spec

    def change(scope: Scope) -> tuple[Any, Any] | None:
        found: Change | None = scope.event.changes.get(name)
        if found is None:
            return None
        return (from_primitive(spec, found.old), from_primitive(spec, found.new))

    return change


def _relative(match: re.Match[str], spec: FieldSpec) -> Getter:
    anchor, sign, amount, unit = match.groups()
    count = int(amount or 0) * (-1 if sign == "-" else 1)
    if spec.type is FieldType.DATE and (anchor == "now" or unit in {"minute", "hour"}):
        raise ValueError("a date field compares with 'today [+|- N days|weeks|working days]'")

    def moment(scope: Scope) -> date | datetime:
        now = scope.now
        if anchor == "now":
            step = {"minute": timedelta(minutes=1), "hour": timedelta(hours=1)}.get(unit or "")
            days = count * (7 if unit == "week" else 1)
            return now + step * count if step else _shift(now, days, unit, scope)
        day = _shift(now, count * (7 if unit == "week" else 1), unit, scope).date()
        if spec.type is FieldType.DATE:
            return day
        return datetime.combine(day, time(0), tzinfo=now.tzinfo)

    return moment


def _shift(now: datetime, days: int, unit: str | None, scope: Scope) -> datetime:
    working = unit == "working day"
    day = shift_days(now.date(), days, working=working, calendar=scope.calendar)
    return datetime.combine(day, now.timetz())


def constant(spec: FieldSpec, value: object) -> Any:
    """A literal of a rule in the plain form of ``spec``'s type; ``ValueError`` says why not."""
    kind = spec.type
    if value is None:
        return None
    if kind in {FieldType.DECIMAL, FieldType.MONEY}:
        return _decimal(value)
    if kind is FieldType.INTEGER:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError("must be an integer")
        return value
    if kind is FieldType.BOOLEAN:
        if not isinstance(value, bool):
            raise ValueError("must be true or false")
        return value
    if kind in {FieldType.DATE, FieldType.DATETIME}:
        return _moment(kind, value)
    if not isinstance(value, str):
        raise ValueError("must be a string")
    if kind is FieldType.CHOICE and spec.choices and value not in spec.choices:
        raise ValueError("must be one of " + ", ".join(repr(c) for c in spec.choices))
    return value


def _decimal(value: object) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValueError("must be a number (write decimals as strings: '99.50')")
    try:
        result = Decimal(value)
    except InvalidOperation:
        raise ValueError("is not a number") from None
    if not result.is_finite():
        raise ValueError("must be a finite number")
    return result


def _moment(kind: FieldType, value: object) -> date | datetime:
    if not isinstance(value, str):
        raise ValueError("must be an ISO date string or a relative date like 'today + 3 days'")
    try:
        if kind is FieldType.DATE:
            return date.fromisoformat(value)
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError("is not an ISO date or a relative date like 'today + 3 days'") from None
    if parsed.tzinfo is None:
        raise ValueError("must carry a time zone offset")
    return parsed


def _expected_one(spec: FieldSpec, value: object) -> Getter | tuple[Any]:
    """A relative date as a function of the scope, any other literal as a 1-tuple constant."""
    if isinstance(value, str) and spec.type in {FieldType.DATE, FieldType.DATETIME}:
        match = _RELATIVE.match(value)
        if match is not None:
            return _relative(match, spec)
    return (constant(spec, value),)


def coerce(spec: FieldSpec, operator: Operator, value: object) -> Getter:
    """The condition's value as a function of the scope, checked against the field's type and
    the operator's arity; ``ValueError`` says what is wrong."""
    if operator.arity is Arity.NONE:
        if value is not None:
            raise ValueError(f"{operator.name!r} takes no value")
        return lambda _: None
    if operator.arity is Arity.ONE:
        if isinstance(value, tuple):
            raise ValueError(f"{operator.name!r} takes one value, not a list")
        if operator.name == "matches" and isinstance(value, str):
            compile_regex(value)
        if spec.type is FieldType.LIST:
            spec = FieldSpec(type=FieldType.TEXT)
        return _as_getter([_expected_one(spec, value)], single=True)
    if not isinstance(value, tuple):
        raise ValueError(f"{operator.name!r} takes a list of values")
    if operator.arity is Arity.PAIR and len(value) != 2:
        raise ValueError("'between' takes two values: [low, high]")
    return _as_getter([_expected_one(spec, item) for item in value], single=False)


def _as_getter(parts: list[Getter | tuple[Any]], *, single: bool) -> Getter:
    if all(isinstance(part, tuple) for part in parts):
        values = tuple(part[0] for part in parts if isinstance(part, tuple))
        constant = values[0] if single else values
        return lambda _: constant
    if single:
        only = parts[0]
        assert not isinstance(only, tuple)
        return only
    return lambda scope: tuple(p[0] if isinstance(p, tuple) else p(scope) for p in parts)


@attrs.frozen(kw_only=True)
class NodeTrace:
    """One node of an explained condition: its JSON path, what it compared, and the result.

    Group nodes (``all``, ``any``, ``not``) carry only ``op`` and ``result``.
    """

    path: str
    op: str
    result: bool
    field: str | None = None
    actual: Any = None
    expected: Any = None


@attrs.frozen(kw_only=True)
class CompiledCondition:
    """A condition ready to run: ``evaluate`` for the answer, ``explain`` for the answer with
    a :class:`NodeTrace` per node appended to the list it is given."""

    evaluate: Callable[[Scope], bool]
    explain: Callable[[Scope, list[NodeTrace]], bool]


def compile_condition(
    condition: Condition,
    *,
    entity: str,
    schemas: SchemaRegistry,
    operators: Mapping[str, Operator],
    path: str = "when",
) -> CompiledCondition:
    """``condition`` compiled for records of ``entity``; ``LookupError`` or ``ValueError``
    for what validation would report (validate rules before compiling them)."""
    if isinstance(condition, FieldCondition):
        return _compile_leaf(condition, entity, schemas, operators, path)
    if isinstance(condition, Not):
        inner = compile_condition(
            condition.condition,
            entity=entity,
            schemas=schemas,
            operators=operators,
            path=f"{path}.not",
        )
        return _not(inner, path)
    children = condition.all if isinstance(condition, AllOf) else condition.any
    key = "all" if isinstance(condition, AllOf) else "any"
    compiled = tuple(
        compile_condition(
            child, entity=entity, schemas=schemas, operators=operators, path=f"{path}.{key}[{i}]"
        )
        for i, child in enumerate(children)
    )
    return _group(compiled, path, every=isinstance(condition, AllOf))


def _not(inner: CompiledCondition, path: str) -> CompiledCondition:
    def explain(scope: Scope, trace: list[NodeTrace]) -> bool:
        at = len(trace)
        result = not inner.explain(scope, trace)
        trace.insert(at, NodeTrace(path=path, op="not", result=result))
        return result

    return CompiledCondition(evaluate=lambda scope: not inner.evaluate(scope), explain=explain)


def _group(children: tuple[CompiledCondition, ...], path: str, *, every: bool) -> CompiledCondition:
    evaluators = tuple(child.evaluate for child in children)
    combine = all if every else any

    def evaluate(scope: Scope) -> bool:
        return combine(check(scope) for check in evaluators)

    def explain(scope: Scope, trace: list[NodeTrace]) -> bool:
        at = len(trace)
        results = [child.explain(scope, trace) for child in children]
        result = combine(results)
        trace.insert(at, NodeTrace(path=path, op="all" if every else "any", result=result))
        return result

    return CompiledCondition(evaluate=evaluate, explain=explain)


def _compile_leaf(
    leaf: FieldCondition,
    entity: str,
    schemas: SchemaRegistry,
    operators: Mapping[str, Operator],
    path: str,
) -> CompiledCondition:
    operator = operators[leaf.op]
    resolved = schemas.resolve(entity, leaf.field)
    actual = _change_getter(resolved) if operator.reads_change else compile_path(resolved)
    if isinstance(leaf.value, FieldRef):
        expected = compile_path(schemas.resolve(entity, leaf.value.field))
    else:
        expected = coerce(resolved.spec, operator, leaf.value)
    test = operator.test

    def evaluate(scope: Scope) -> bool:
        return bool(test(actual(scope), expected(scope)))

    def explain(scope: Scope, trace: list[NodeTrace]) -> bool:
        seen, wanted = actual(scope), expected(scope)
        result = bool(test(seen, wanted))
        trace.append(
            NodeTrace(
                path=path, op=leaf.op, result=result, field=leaf.field,
                actual=_shown(seen), expected=_shown(wanted),
            )
        )  # fmt: skip
        return result

    return CompiledCondition(evaluate=evaluate, explain=explain)


def _shown(value: Any) -> Any:
    try:
        return primitive(value)
    except TypeError:
        return repr(value)
