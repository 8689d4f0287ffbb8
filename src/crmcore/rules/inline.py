"""Leaf tests on fields of the record itself, with the value bound and the read inlined.

The commonest conditions compare a field of the record with a literal (``amount gt 100000``,
``region eq "Siberia"``). For those, one closure reads the field, makes it plain and
compares, instead of a chain of calls; each gives the same answer as the operator's own
``test``, which the property tests check through the explain path.
"""

from __future__ import annotations

import operator as python
from collections.abc import Callable, Hashable
from typing import Any, Final

from crmcore.rules.operators import OPERATORS, Operator
from crmcore.rules.scope import Scope, plain

__all__ = ["inline_test"]

Direct = tuple[str, Callable[[object], object] | None]
Test = Callable[[Scope], bool]


def inline_test(name: str, operator: Operator, direct: Direct, value: Any) -> Test | None:
    """A fused test of built-in operator ``name``, or ``None`` where none applies."""
    if OPERATORS.get(name) is not operator:
        return None
    make = _MAKERS.get(name)
    return None if make is None else make(direct, value)


def _equal(direct: Direct, value: Any) -> Test | None:
    field, normal = direct
    if normal is None:
        return lambda scope: bool(scope.field(field) == value)
    made_plain = normal
    return lambda scope: bool(made_plain(scope.field(field)) == value)


def _member(direct: Direct, value: Any) -> Test | None:
    if not all(isinstance(item, Hashable) for item in value):
        return None
    field, normal = direct
    members = frozenset(value)

    def test(scope: Scope) -> bool:
        found = scope.field(field)
        if normal is not None:
            found = normal(found)
        try:
            return found in members
        except TypeError:  # an unhashable value read from a host's mapping
            return bool(found in value)

    return test


def _text(method: Callable[[str, str], bool]) -> Callable[[Direct, Any], Test | None]:
    def make(direct: Direct, value: Any) -> Test | None:
        field, normal = direct
        if not isinstance(value, str) or normal is plain:  # lists keep the operator's test
            return None
        folded = value.casefold()

        def test(scope: Scope) -> bool:
            found = scope.field(field)
            if found.__class__ is not str:
                found = normal(found) if normal is not None else found
                if not isinstance(found, str):
                    return False
            return method(found.casefold(), folded)

        return test

    return make


def _ordered(compare: Callable[[Any, Any], bool]) -> Callable[[Direct, Any], Test | None]:
    def make(direct: Direct, value: Any) -> Test | None:
        field, normal = direct

        def test(scope: Scope) -> bool:
            found = scope.field(field)
            if normal is not None:
                found = normal(found)
            if found is None:
                return False
            try:
                return bool(compare(found, value))
            except TypeError:
                return False

        return None if value is None else test

    return make


def _within(bounds: Any) -> Callable[[Any, Any], bool]:
    return lambda found, _: bool(bounds[0] <= found <= bounds[1])


def _between(direct: Direct, value: Any) -> Test | None:
    if value[0] is None or value[1] is None:
        return None
    return _ordered(_within(value))(direct, value)


_MAKERS: Final[dict[str, Callable[[Direct, Any], Test | None]]] = {
    "eq": _equal,
    "in": _member,
    "starts_with": _text(str.startswith),
    "ends_with": _text(str.endswith),
    "contains": _text(lambda found, part: part in found),
    "gt": _ordered(python.gt),
    "ge": _ordered(python.ge),
    "lt": _ordered(python.lt),
    "le": _ordered(python.le),
    "between": _between,
}
