"""Conditions compiled once into closures, evaluated per event, and explained on request.

:func:`compile_condition` resolves every path through the schemas, checks every value
against its field's type and turns the tree into two functions: ``evaluate(scope)`` for the
hot path and ``explain(scope, trace)``, which evaluates every node (no short cut, so the trace
is complete) and records the values compared.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import attrs

from crmcore.conditions.inline import inline_test
from crmcore.conditions.model import AllOf, Condition, FieldCondition, FieldRef, Not
from crmcore.conditions.operators import OPERATORS, Operator
from crmcore.conditions.schemas import SchemaRegistry
from crmcore.conditions.scope import Getter, Scope, change_getter, compile_path, direct_field
from crmcore.conditions.values import Constant, coerce
from crmcore.events import primitive

__all__ = ["CompiledCondition", "NodeTrace", "compile_condition", "every_test"]


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
    memo: Memo | None = None,
) -> CompiledCondition:
    """``condition`` compiled for records of ``entity``; ``LookupError`` or ``ValueError``
    for what validation would report (validate rules before compiling them).

    ``memo`` keeps compiled leaves by entity, leaf and path for the next rules compiled with
    the same schemas and operators, so that rules sharing tests share their closures."""
    if isinstance(condition, FieldCondition):
        return _leaf(condition, entity, schemas, operators, path, memo)
    if isinstance(condition, Not):
        inner = compile_condition(
            condition.condition,
            entity=entity,
            schemas=schemas,
            operators=operators,
            path=f"{path}.not",
            memo=memo,
        )
        return _not(inner, path)
    children = condition.all if isinstance(condition, AllOf) else condition.any
    key = "all" if isinstance(condition, AllOf) else "any"
    compiled = tuple(
        compile_condition(
            child,
            entity=entity,
            schemas=schemas,
            operators=operators,
            path=f"{path}.{key}[{i}]",
            memo=memo,
        )
        for i, child in enumerate(children)
    )
    return _group(compiled, path, every=isinstance(condition, AllOf))


Memo = dict[tuple[str, str, str, str, str], "CompiledCondition"]


def _leaf(
    leaf: FieldCondition, entity: str, schemas: SchemaRegistry,
    operators: Mapping[str, Operator], path: str, memo: Memo | None,
) -> CompiledCondition:  # fmt: skip
    if memo is None:
        return _compile_leaf(leaf, entity, schemas, operators, path)
    # By the value's repr, not the value: 1, 1.0 and True are equal but shown apart.
    key = (entity, path, leaf.field, leaf.op, repr(leaf.value))
    found = memo.get(key)
    if found is None:
        found = memo[key] = _compile_leaf(leaf, entity, schemas, operators, path)
    return found


def _not(inner: CompiledCondition, path: str) -> CompiledCondition:
    def explain(scope: Scope, trace: list[NodeTrace]) -> bool:
        at = len(trace)
        result = not inner.explain(scope, trace)
        trace.insert(at, NodeTrace(path=path, op="not", result=result))
        return result

    negated = inner.evaluate
    return CompiledCondition(evaluate=lambda scope: not negated(scope), explain=explain)


Test = Callable[[Scope], bool]


def every_test(tests: tuple[Test, ...]) -> Test:
    """Whether all ``tests`` hold, stopping at the first that does not; one test is itself,
    two or three are joined by ``and`` without a loop."""
    if len(tests) == 1:
        return tests[0]
    if len(tests) == 2:
        first, second = tests
        return lambda scope: first(scope) and second(scope)
    if len(tests) == 3:
        first, second, third = tests
        return lambda scope: first(scope) and second(scope) and third(scope)

    def every(scope: Scope) -> bool:
        for test in tests:  # noqa: SIM110 - a plain loop beats all() on the hot path
            if not test(scope):
                return False
        return True

    return every


def _either(tests: tuple[Test, ...]) -> Test:
    """Whether any of ``tests`` holds, stopping at the first that does; shaped as
    :func:`every_test`."""
    if len(tests) == 1:
        return tests[0]
    if len(tests) == 2:
        first, second = tests
        return lambda scope: first(scope) or second(scope)
    if len(tests) == 3:
        first, second, third = tests
        return lambda scope: first(scope) or second(scope) or third(scope)

    def either(scope: Scope) -> bool:
        for test in tests:  # noqa: SIM110 - a plain loop beats any() on the hot path
            if test(scope):
                return True
        return False

    return either


class _GroupExplain:
    """The explanation of an ``all`` or ``any``: one small object rather than a closure, so
    that an engine of many rules keeps fewer objects for the garbage collector to walk."""

    __slots__ = ("children", "every", "path")

    def __init__(self, children: tuple[CompiledCondition, ...], path: str, *, every: bool) -> None:
        self.children, self.path, self.every = children, path, every

    def __call__(self, scope: Scope, trace: list[NodeTrace]) -> bool:
        at = len(trace)
        results = [child.explain(scope, trace) for child in self.children]
        result = all(results) if self.every else any(results)
        trace.insert(
            at, NodeTrace(path=self.path, op="all" if self.every else "any", result=result)
        )
        return result


def _group(children: tuple[CompiledCondition, ...], path: str, *, every: bool) -> CompiledCondition:
    tests = tuple(child.evaluate for child in children)
    return CompiledCondition(
        evaluate=every_test(tests) if every else _either(tests),
        explain=_GroupExplain(children, path, every=every),
    )


def _compile_leaf(
    leaf: FieldCondition,
    entity: str,
    schemas: SchemaRegistry,
    operators: Mapping[str, Operator],
    path: str,
) -> CompiledCondition:
    operator = operators[leaf.op]
    resolved = schemas.resolve(entity, leaf.field)
    actual = change_getter(resolved) if operator.reads_change else compile_path(resolved)
    if isinstance(leaf.value, FieldRef):
        expected = compile_path(schemas.resolve(entity, leaf.value.field))
    else:
        expected = coerce(resolved.spec, operator, leaf.value)
    test = operator.test
    evaluate = _fast_test(leaf.op, operator, actual, expected)
    direct = None if operator.reads_change else direct_field(resolved)
    if direct is not None and not isinstance(leaf.value, FieldRef):
        evaluate = inline_test(leaf.op, operator, direct, expected) or evaluate

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


def _fast_test(
    name: str, operator: Operator, actual: Getter, expected: Getter
) -> Callable[[Scope], bool]:
    """The leaf's test with a constant value bound and equality inlined: the hot path."""
    test = operator.test
    if not isinstance(expected, Constant):
        return lambda scope: bool(test(actual(scope), expected(scope)))
    value = expected.value
    if name == "eq" and OPERATORS.get(name) is operator:
        return lambda scope: bool(actual(scope) == value)
    if name == "in" and OPERATORS.get(name) is operator:
        members = frozenset(value) if all(_hashable(v) for v in value) else value

        def member(scope: Scope) -> bool:
            found = actual(scope)
            try:
                return found in members
            except TypeError:  # an unhashable value read from a host's mapping
                return bool(found in value)

        return member
    return lambda scope: bool(test(actual(scope), value))


def _hashable(value: object) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


def _shown(value: Any) -> Any:
    try:
        return primitive(value)
    except TypeError:
        return repr(value)
