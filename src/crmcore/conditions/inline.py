"""Leaf tests on fields of the record itself, with the value bound and the read inlined.

The commonest conditions compare a field of the record with a literal (``amount gt 100000``,
``region eq "Siberia"``) or a relative date (``expected_close lt "today + 3 days"``). For
those, one closure reads the field, makes it plain and compares, instead of a chain of calls;
each gives the same answer as the operator's own ``test``, which the property tests check
through the explain path.

A value of the very class of the literal (a ``str`` for a text literal, a ``Decimal`` for an
amount) is plain already, since making a builtin value plain leaves it as it is; only other
values go through the field type's plain-making function.
"""

from __future__ import annotations

import operator as python
from collections.abc import Callable, Hashable
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Final

from crmcore.conditions.operators import OPERATORS, Operator
from crmcore.conditions.scope import Getter, Scope, plain
from crmcore.conditions.values import Constant

__all__ = ["inline_test"]

Direct = tuple[str, Callable[[object], object] | None]
Test = Callable[[Scope], bool]

# Builtin classes that every plain-making function returns unchanged.
_PLAIN: Final = frozenset({str, int, bool, Decimal, date, datetime})


def inline_test(name: str, operator: Operator, direct: Direct, expected: Getter) -> Test | None:
    """A fused test of built-in operator ``name`` against ``expected``, a literal or a value
    that moves with the moment (a relative date); ``None`` where none applies."""
    if OPERATORS.get(name) is not operator:
        return None
    if not isinstance(expected, Constant):
        return _moving(name, direct, expected)
    make = _MAKERS.get(name)
    return None if make is None else make(direct, expected.value)


def _moving(name: str, direct: Direct, expected: Getter) -> Test | None:
    """An ordering against a relative date, as the operator's own test orders them; not for
    a comparison with another field, whose value may be of any shape."""
    compare = _ORDERINGS.get(name)
    if compare is None:
        return None
    field, normal = direct

    def test(scope: Scope) -> bool:
        found = scope.field(field)
        if normal is not None:
            found = normal(found)
        if found is None:
            return False
        bound = expected(scope)
        if bound is None:
            return False
        try:
            return bool(compare(found, bound))
        except TypeError:
            return False

    return test


def _within(found: Any, bounds: tuple[Any, Any]) -> Any:
    low, high = bounds
    return low <= found <= high


_ORDERINGS: Final[dict[str, Callable[[Any, Any], Any]]] = {
    "gt": python.gt,
    "ge": python.ge,
    "lt": python.lt,
    "le": python.le,
    "between": _within,
}


def _plain_class(*values: object) -> type | None:
    """The one builtin class of ``values`` a read value may have to skip making it plain."""
    classes = {value.__class__ for value in values}
    if len(classes) != 1:
        return None
    (found,) = classes
    return found if found in _PLAIN else None


def _equal(direct: Direct, value: Any) -> Test | None:
    field, normal = direct
    if normal is None:
        return lambda scope: bool(scope.field(field) == value)
    kind = _plain_class(value)

    def test(scope: Scope) -> bool:
        found = scope.field(field)
        if found.__class__ is kind:
            return found == value  # type: ignore[no-any-return]  # a builtin's equality
        return bool(normal(found) == value)

    return test


def _member(direct: Direct, value: Any) -> Test | None:
    if not all(isinstance(item, Hashable) for item in value):
        return None
    field, normal = direct
    members = frozenset(value)
    kind = _plain_class(*value)

    def test(scope: Scope) -> bool:
        found = scope.field(field)
        if found.__class__ is not kind and normal is not None:
            found = normal(found)
        try:
            return found in members
        except TypeError:  # an unhashable value read from a host's mapping
            return bool(found in value)

    return test


def _text(name: str, method: Callable[[str, str], bool]) -> Callable[[Direct, Any], Test | None]:
    """Text operator ``name`` on text read as it is, casefolded; other values (a list of words
    for ``contains``) go to the operator's own test."""
    other = OPERATORS[name].test

    def make(direct: Direct, value: Any) -> Test | None:
        field, normal = direct
        if not isinstance(value, str) or normal is plain:  # lists keep the operator's test
            return None
        folded = value.casefold()

        def test(scope: Scope) -> bool:
            found = scope.field(field)
            if found.__class__ is not str:
                found = found if normal is None else normal(found)
                if not isinstance(found, str):
                    return bool(other(found, value))
            return method(found.casefold(), folded)

        return test

    return make


def _ordered(compare: Callable[[Any, Any], Any]) -> Callable[[Direct, Any], Test | None]:
    def make(direct: Direct, value: Any) -> Test | None:
        if value is None:
            return None
        field, normal = direct
        kind = _plain_class(value)

        def test(scope: Scope) -> bool:
            found = scope.field(field)
            if found.__class__ is not kind:
                found = found if normal is None else normal(found)
                if found is None:
                    return False
            try:
                return bool(compare(found, value))
            except TypeError:
                return False

        return test

    return make


def _between(direct: Direct, value: Any) -> Test | None:
    low, high = value
    if low is None or high is None:
        return None
    field, normal = direct
    kind = _plain_class(low, high)

    def test(scope: Scope) -> bool:
        found = scope.field(field)
        if found.__class__ is not kind:
            found = found if normal is None else normal(found)
            if found is None:
                return False
        try:
            return bool(low <= found <= high)
        except TypeError:
            return False

    return test


_MAKERS: Final[dict[str, Callable[[Direct, Any], Test | None]]] = {
    "eq": _equal,
    "in": _member,
    "starts_with": _text("starts_with", str.startswith),
    "ends_with": _text("ends_with", str.endswith),
    "contains": _text("contains", python.contains),
    "gt": _ordered(python.gt),
    "ge": _ordered(python.ge),
    "lt": _ordered(python.lt),
    "le": _ordered(python.le),
    "between": _between,
}
