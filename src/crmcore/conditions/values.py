"""The values of conditions: literals checked against a field's type, relative dates.

:func:`constant` turns a rule's JSON literal into the plain form of its field (a decimal
string into a ``Decimal``, an ISO date into a ``date``) or says why it cannot;
:func:`coerce` does so for an operator's whole value, relative dates included
(``"today + 3 days"``, ``"now - 2 hours"``, ``"today + 2 working days"``), each worked out
once for the moment an event is processed at, however many conditions name it.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any, Final

from crmcore.conditions.moments import shift_moment
from crmcore.conditions.operators import Arity, Operator, compile_regex
from crmcore.conditions.schemas import FieldSpec, FieldType
from crmcore.conditions.scope import Getter, Scope
from crmcore.workcalendar import WorkingCalendar, instant_after

__all__ = ["Constant", "coerce", "constant"]

_RELATIVE: Final = re.compile(
    r"^\s*(today|now)\s*(?:([+-])\s*(\d{1,4})\s*(minute|hour|day|week|working day)s?)?\s*$"
)


def _relative(match: re.Match[str], spec: FieldSpec) -> Getter:
    anchor, sign, amount, unit = match.groups()
    count = int(amount or 0) * (-1 if sign == "-" else 1)
    if spec.type is FieldType.DATE and (anchor == "now" or unit in {"minute", "hour"}):
        raise ValueError("a date field compares with 'today [+|- N days|weeks|working days]'")
    return _moment_of(anchor, count, unit, spec.type)


@lru_cache(maxsize=1024)
def _moment_of(anchor: str, count: int, unit: str | None, kind: FieldType) -> Getter:
    """The moment ``anchor`` (today or now) shifted by ``count`` ``unit``s, as a function of
    the scope, shared by every condition that names it.

    It is worked out once for each moment and calendar it is asked with, not per condition
    and event: one call of the engine passes one ``now``. The last answer sits in a single
    list slot, read and replaced whole, so that threads never see a half-written one.
    """
    last: list[tuple[object, object, Any]] = [(None, None, None)]

    def moment(scope: Scope) -> date | datetime:
        now, calendar = scope.now, scope.calendar
        seen = last[0]
        if seen[0] is now and seen[1] is calendar:
            return seen[2]  # type: ignore[no-any-return]
        found = _shifted(anchor, count, unit, kind, now, calendar)
        last[0] = (now, calendar, found)
        return found

    return moment


def _shifted(
    anchor: str, count: int, unit: str | None, kind: FieldType, now: datetime,
    calendar: WorkingCalendar | None,
) -> date | datetime:  # fmt: skip
    """The moment of a relative date; "today" is the date in the calendar's zone, so that an
    event just after midnight in Moscow is not judged by the date in UTC."""
    days = count * (7 if unit == "week" else 1)
    working = unit == "working day"
    if anchor == "now":
        step = {"minute": timedelta(minutes=1), "hour": timedelta(hours=1)}.get(unit or "")
        if step:
            return instant_after(now, step * count)  # minutes and hours are real time
        return shift_moment(now, days, working=working, calendar=calendar)
    at = shift_moment(now, days, working=working, calendar=calendar)
    if kind is FieldType.DATE:
        return at.date()
    return datetime.combine(at.date(), time(0), tzinfo=at.tzinfo)


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
    the operator's arity; ``ValueError`` says what is wrong.

    Answers are kept by field spec, operator and value (validating, compiling and indexing a
    rule each ask, and many rules share literals); a value that cannot be a key is worked out
    every time."""
    try:
        return _coerced(spec, operator, value)
    except TypeError:  # an unhashable value
        return _coerce(spec, operator, value)


@lru_cache(maxsize=8192)
def _coerced(spec: FieldSpec, operator: Operator, value: object) -> Getter:
    return _coerce(spec, operator, value)


def _coerce(spec: FieldSpec, operator: Operator, value: object) -> Getter:
    if operator.value_type is not None:
        spec = FieldSpec(type=operator.value_type)
    if operator.arity is Arity.NONE:
        if value is not None:
            raise ValueError(f"{operator.name!r} takes no value")
        return Constant(None)
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


class Constant:
    """A condition's value that does not depend on the event, known at compile time."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def __call__(self, _: Scope) -> Any:
        return self.value


def _as_getter(parts: list[Getter | tuple[Any]], *, single: bool) -> Getter:
    if all(isinstance(part, tuple) for part in parts):
        values = tuple(part[0] for part in parts if isinstance(part, tuple))
        return Constant(values[0] if single else values)
    if single:
        only = parts[0]
        assert not isinstance(only, tuple)
        return only
    return lambda scope: tuple(p[0] if isinstance(p, tuple) else p(scope) for p in parts)
