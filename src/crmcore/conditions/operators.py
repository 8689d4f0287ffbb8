"""The operators of conditions: what ``"op": "gt"`` means, and for which field types.

Each :class:`Operator` says how many values it takes, which field types it accepts, and
whether it reads the event's changes instead of the record. Plugins of the
``crmcore.operators`` group add operators; :func:`load_operators` returns the built-ins with
them. Text tests (``contains``, ``starts_with``, ``ends_with``) ignore case. ``matches`` takes
a bounded regular expression (see :func:`regex_problem`), so no rule can make the engine
backtrack for ever.

>>> OPERATORS["between"].test(5, (1, 10))
True
>>> regex_problem("(a+)+$")
'nested quantifiers can take exponential time'
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any, Final

import attrs

from crmcore.conditions.schemas import FieldType
from crmcore.plugins import load

__all__ = [
    "OPERATORS",
    "Arity",
    "Operator",
    "compile_regex",
    "load_operators",
    "regex_problem",
]

MAX_PATTERN: Final = 200
MAX_SUBJECT: Final = 1000
_MAX_UNBOUNDED: Final = 2
_MAX_REPEAT: Final = 100


class Arity(enum.Enum):
    """The value an operator takes: none, one, a list, or a pair (low, high)."""

    NONE = "none"
    ONE = "one"
    LIST = "list"
    PAIR = "pair"


@attrs.frozen(kw_only=True)
class Operator:
    """A named test of a field's value against the condition's value.

    ``types`` lists the field types it accepts (``None``: every type); ``value_type`` is the
    type its value is checked as (``None``: the field's own type, as for ``gt``; an integer
    for a "longer than" test on text); ``reads_change`` makes the engine pass the field's old
    and new values (or ``None`` when it did not change) as the actual value.
    """

    name: str
    test: Callable[[Any, Any], bool]
    arity: Arity = Arity.ONE
    types: frozenset[FieldType] | None = None
    value_type: FieldType | None = None
    reads_change: bool = False


_ORDERED: Final = frozenset(
    {FieldType.INTEGER, FieldType.DECIMAL, FieldType.MONEY, FieldType.DATE, FieldType.DATETIME}
)
_TEXT: Final = frozenset({FieldType.TEXT, FieldType.CHOICE})
_SCALAR: Final = frozenset(FieldType) - {FieldType.LIST}


def _ordered(compare: Callable[[Any, Any], bool]) -> Callable[[Any, Any], bool]:
    def test(actual: Any, expected: Any) -> bool:
        if actual is None or expected is None:
            return False
        try:
            return compare(actual, expected)
        except TypeError:
            return False

    return test


def _text(compare: Callable[[str, str], bool]) -> Callable[[Any, Any], bool]:
    def test(actual: Any, expected: Any) -> bool:
        if not isinstance(actual, str) or not isinstance(expected, str):
            return False
        return compare(actual.casefold(), expected.casefold())

    return test


_text_contains: Final = _text(lambda a, e: e in a)


def _contains(actual: Any, expected: Any) -> bool:
    if isinstance(actual, tuple):
        return expected in actual
    return _text_contains(actual, expected)


def _is_empty(actual: Any, _: Any) -> bool:
    return actual is None or (isinstance(actual, str | tuple) and not actual)


def _matches(actual: Any, expected: Any) -> bool:
    if not isinstance(actual, str) or not isinstance(expected, str):
        return False
    return compile_regex(expected).search(actual[:MAX_SUBJECT]) is not None


def _between(actual: Any, expected: Any) -> bool:
    low, high = expected
    if actual is None:
        return False
    try:
        return low <= actual <= high  # type: ignore[no-any-return]
    except TypeError:
        return False


def _changed_from(change: Any, expected: Any) -> bool:
    return change is not None and change[0] == expected


def _changed_to(change: Any, expected: Any) -> bool:
    return change is not None and change[1] == expected


def _operator(name: str, test: Callable[[Any, Any], bool], **options: Any) -> Operator:
    return Operator(name=name, test=test, **options)


OPERATORS: Final[Mapping[str, Operator]] = {
    op.name: op
    for op in (
        _operator("eq", lambda a, e: a == e),
        _operator("ne", lambda a, e: a != e),
        _operator("lt", _ordered(lambda a, e: a < e), types=_ORDERED),
        _operator("le", _ordered(lambda a, e: a <= e), types=_ORDERED),
        _operator("gt", _ordered(lambda a, e: a > e), types=_ORDERED),
        _operator("ge", _ordered(lambda a, e: a >= e), types=_ORDERED),
        _operator("in", lambda a, e: a in e, arity=Arity.LIST, types=_SCALAR),
        _operator("not_in", lambda a, e: a not in e, arity=Arity.LIST, types=_SCALAR),
        _operator("contains", _contains, types=_TEXT | {FieldType.LIST}),
        _operator("starts_with", _text(str.startswith), types=_TEXT),
        _operator("ends_with", _text(str.endswith), types=_TEXT),
        _operator("matches", _matches, types=_TEXT),
        _operator("is_empty", _is_empty, arity=Arity.NONE),
        _operator("is_not_empty", lambda a, e: not _is_empty(a, e), arity=Arity.NONE),
        _operator("between", _between, arity=Arity.PAIR, types=_ORDERED),
        _operator("changed", lambda c, _: c is not None, arity=Arity.NONE, reads_change=True),
        _operator("changed_from", _changed_from, reads_change=True),
        _operator("changed_to", _changed_to, reads_change=True),
    )
}
"""The built-in operators by name."""

# One name per built-in, for the ``crmcore.operators`` entry points in pyproject.toml.
OP_EQ: Final = OPERATORS["eq"]
OP_NE: Final = OPERATORS["ne"]
OP_LT: Final = OPERATORS["lt"]
OP_LE: Final = OPERATORS["le"]
OP_GT: Final = OPERATORS["gt"]
OP_GE: Final = OPERATORS["ge"]
OP_IN: Final = OPERATORS["in"]
OP_NOT_IN: Final = OPERATORS["not_in"]
OP_CONTAINS: Final = OPERATORS["contains"]
OP_STARTS_WITH: Final = OPERATORS["starts_with"]
OP_ENDS_WITH: Final = OPERATORS["ends_with"]
OP_MATCHES: Final = OPERATORS["matches"]
OP_IS_EMPTY: Final = OPERATORS["is_empty"]
OP_IS_NOT_EMPTY: Final = OPERATORS["is_not_empty"]
OP_BETWEEN: Final = OPERATORS["between"]
OP_CHANGED: Final = OPERATORS["changed"]
OP_CHANGED_FROM: Final = OPERATORS["changed_from"]
OP_CHANGED_TO: Final = OPERATORS["changed_to"]


def _operator_problem(name: str, value: object) -> str | None:
    if not isinstance(value, Operator):
        return "must be a crmcore.rules.Operator"
    if value.name != name:
        return f"is named {value.name!r}, not {name!r} as its entry point"
    return None


def load_operators(**options: Any) -> Mapping[str, Operator]:
    """The operators of the ``crmcore.operators`` entry point group, built-ins included;
    ``options`` go to :func:`crmcore.plugins.load`."""
    return dict(load("crmcore.operators", validate=_operator_problem, **options))


def regex_problem(pattern: str) -> str | None:
    """Why ``pattern`` is refused as a condition's regular expression, or ``None``.

    Refused: patterns over 200 characters, backreferences, quantified groups that hold a
    quantifier or an alternation (``(a+)+``, ``(a|aa)*``: exponential backtracking), more than
    two unbounded quantifiers, and repeats over 100.
    """
    if len(pattern) > MAX_PATTERN:
        return f"must be at most {MAX_PATTERN} characters"
    if re.search(r"\\[1-9]|\(\?P=", pattern):
        return "must not use backreferences"
    try:
        re.compile(pattern)
    except re.error as error:
        return f"is not a regular expression: {error}"
    return _quantifier_problem(pattern)


# "?" repeats too ("(a?a?)*" backtracks exponentially), except where it opens a group's
# extension ("(?:", "(?P<name>"): the scanner skips those.
_QUANTIFIER: Final = re.compile(r"(?<!\()[*+?]|\{(\d*)(,?)(\d*)\}")


def _repeat(quantifier: re.Match[str]) -> tuple[bool, str | None]:
    """Whether a quantifier is unbounded, and what is wrong with its bounds."""
    if quantifier.group(0) == "?":
        return False, None
    if quantifier.group(0)[0] != "{":
        return True, None
    low, comma, high = quantifier.groups()
    if comma and not high:
        return True, None
    if max(int(low or 0), int(high or 0)) > _MAX_REPEAT:
        return False, f"must not repeat more than {_MAX_REPEAT} times"
    return False, None


def _quantifier_problem(pattern: str) -> str | None:
    """Scan the pattern once, tracking groups, for risky repetitions."""
    groups: list[bool] = [False]  # per open group: does it hold a quantifier or alternation
    unbounded, index, closed_risky = 0, 0, False
    while index < len(pattern):
        char, quantifier = pattern[index], _QUANTIFIER.match(pattern, index)
        if char in "\\[":
            index = index + 2 if char == "\\" else _class_end(pattern, index)
            closed_risky = False
            continue
        if quantifier is not None:
            endless, problem = _repeat(quantifier)
            if closed_risky and quantifier.group(0) != "?":  # once at most: no blow-up
                return "nested quantifiers can take exponential time"
            if problem is not None:
                return problem
            unbounded += endless
            groups[-1], index, closed_risky = True, quantifier.end(), False
            continue
        closed_risky = _track_group(char, groups)
        index += 1
    if unbounded > _MAX_UNBOUNDED:
        return f"must use at most {_MAX_UNBOUNDED} unbounded repeats (*, +, {{n,}})"
    return None


def _track_group(char: str, groups: list[bool]) -> bool:
    """Follow groups opening and closing; whether a risky group closed at ``char``."""
    if char == "(":
        groups.append(False)
    elif char == ")" and len(groups) > 1:
        risky = groups.pop()
        groups[-1] = groups[-1] or risky
        return risky
    elif char == "|":
        groups[-1] = True
    return False


def _class_end(pattern: str, start: int) -> int:
    """The index after the character class that opens at ``start``."""
    index = start + 1
    if index < len(pattern) and pattern[index] == "^":
        index += 1
    if index < len(pattern) and pattern[index] == "]":
        index += 1
    while index < len(pattern) and pattern[index] != "]":
        index += 2 if pattern[index] == "\\" else 1
    return index + 1


@lru_cache(maxsize=1024)
def compile_regex(pattern: str) -> re.Pattern[str]:
    """The compiled form of a pattern that :func:`regex_problem` accepts."""
    problem = regex_problem(pattern)
    if problem is not None:
        raise ValueError(f"regular expression {pattern!r} {problem}")
    return re.compile(pattern)
