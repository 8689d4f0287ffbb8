"""Conjunctions of tests generated as Python code, over field values read once per event.

The alpha network of the rules engine reads the fields it files rules by once per event and
makes them plain. A rule it lets through still has its other tests to pass; asking each one
as a compiled closure costs a call per test and a read per field. :func:`conjunction` makes
those tests one function per rule instead: a test of a field among the values already read
is written out inline, any other test (a group, a test of a related record or a fact, a
trigger check) is called on the scope, in the order given, stopping at the first that does
not hold.

The code is generated once per shape (which kinds of test, in which order) and bound to each
rule's fields and constants, so that many rules of few shapes cost one ``exec`` per shape.
Each inlined test gives the answer, and raises the errors, of the compiled leaf it stands for
(:mod:`crmcore.conditions.inline` and the operator's own ``test``), given the value that leaf
would read after making it plain; :func:`conjunction`'s callers pass values made plain by the
field's own plain-making function, which leaves a plain value as it is.

>>> from crmcore.conditions.operators import OPERATORS
>>> test = conjunction((
...     Leaf(field="amount", operator=OPERATORS["gt"], value=100, plain_text=True),
...     Leaf(field="region", operator=OPERATORS["starts_with"], value="Sib", plain_text=True),
... ))
>>> test({"amount": 150, "region": "siberia"}, None)
True
>>> test({"amount": None, "region": "siberia"}, None)
False
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import Any, Final

import attrs

from crmcore.conditions.operators import OPERATORS, Operator
from crmcore.conditions.scope import Scope

__all__ = ["Call", "Leaf", "ValuesTest", "conjunction"]

ValuesTest = Callable[[Mapping[str, Any], Scope], bool]
"""A test of the values read for an event (by field name) and the event's scope."""


@attrs.frozen(kw_only=True)
class Leaf:
    """A built-in ``operator`` comparing field ``field``, among the values read, with the
    constant ``value``; ``plain_text`` says the field's plain-making leaves texts as they are
    (the text operators are then inlined)."""

    field: str
    operator: Operator
    value: Any
    plain_text: bool


@attrs.frozen
class Call:
    """Any other test, called on the scope."""

    test: Callable[[Scope], bool]


Step = Leaf | Call

_ORDERINGS: Final = {"gt": ">", "ge": ">=", "lt": "<", "le": "<="}
_TEXTS: Final = {
    "starts_with": "v.casefold().startswith({c})",
    "ends_with": "v.casefold().endswith({c})",
    "contains": "{c} in v.casefold()",
}
_MADE: Final[dict[tuple[str, ...], Callable[..., ValuesTest]]] = {}
_MOST_SHAPES: Final = 1024  # generated factories kept


def conjunction(steps: Sequence[Step]) -> ValuesTest | None:
    """One test of every step in turn; ``None`` when there are none (nothing to test)."""
    if not steps:
        return None
    shape: list[str] = []
    bound: list[Any] = []
    for step in steps:
        kind, constants = _piece(step)
        shape.append(kind)
        bound += constants
    key = tuple(shape)
    factory = _MADE.get(key)
    if factory is None:
        if len(_MADE) >= _MOST_SHAPES:
            _MADE.clear()
        factory = _MADE[key] = _factory(key)
    return factory(*bound)


def _piece(step: Step) -> tuple[str, list[Any]]:  # noqa: PLR0911 - one return per kind
    """The kind of code ``step`` is written as, and the constants that code is bound to."""
    if isinstance(step, Call):
        return "call", [step.test]
    name, operator, value, field = step.operator.name, step.operator, step.value, step.field
    if OPERATORS.get(name) is not operator:
        return "generic", [field, operator.test, value]
    if name == "eq":
        return "eq", [field, value]
    if name == "in":
        hashable = all(isinstance(item, Hashable) for item in value)
        return "in", [field, frozenset(value) if hashable else value, value]
    if name in _TEXTS and isinstance(value, str) and step.plain_text:
        return name, [field, value.casefold(), operator.test, value]
    if name in _ORDERINGS and value is not None:
        return name, [field, value]
    if name == "between" and value[0] is not None and value[1] is not None:
        return "between", [field, value[0], value[1]]
    return "generic", [field, operator.test, value]


def _factory(shape: tuple[str, ...]) -> Callable[..., ValuesTest]:
    """The generated maker of tests of ``shape``, taking each piece's constants in turn."""
    names: list[str] = []
    body: list[str] = []
    for index, kind in enumerate(shape):
        own = [f"{letter}{index}" for letter in _ARGUMENTS[kind]]
        names += own
        body += [f"    {line}" for line in _code(kind, own)]
    source = "\n".join(
        [
            f"def make({', '.join(names)}):",
            "  def test(values, scope):",
            *[f"  {line}" for line in body],
            "      return True",
            "  return test",
        ]
    )
    space: dict[str, Any] = {}
    exec(compile(source, f"<crmcore conditions {'-'.join(shape)}>", "exec"), space)
    made: Callable[..., ValuesTest] = space["make"]
    return made


_ARGUMENTS: Final = {
    "call": "t",
    "generic": "fto",
    "eq": "fc",
    "in": "fmo",
    "gt": "fc",
    "ge": "fc",
    "lt": "fc",
    "le": "fc",
    "between": "flh",
    **dict.fromkeys(_TEXTS, "fcto"),
}


def _code(kind: str, names: list[str]) -> list[str]:
    """The lines testing one piece, returning ``False`` when it does not hold."""
    if kind == "call":
        return [f"if not {names[0]}(scope):", "    return False"]
    field = names[0]
    read = f"v = values[{field}]"
    if kind == "generic":
        _, test, value = names
        return [read, f"if not {test}(v, {value}):", "    return False"]
    if kind == "eq":
        return [read, f"if not v == {names[1]}:", "    return False"]
    if kind == "in":
        _, members, value = names
        return [
            read,
            "try:",
            f"    if v not in {members}:",
            "        return False",
            "except TypeError:",  # an unhashable value read from a host's mapping
            f"    if v not in {value}:",
            "        return False",
        ]
    if kind in _TEXTS:
        _, folded, test, value = names
        return [
            read,
            "if isinstance(v, str):",
            f"    if not {_TEXTS[kind].format(c=folded)}:",
            "        return False",
            f"elif not {test}(v, {value}):",
            "    return False",
        ]
    compared = (
        f"{names[1]} <= v <= {names[2]}"
        if kind == "between"
        else f"v {_ORDERINGS[kind]} {names[1]}"
    )
    return [
        read,
        "if v is None:",
        "    return False",
        "try:",
        f"    if not {compared}:",
        "        return False",
        "except TypeError:",
        "    return False",
    ]
