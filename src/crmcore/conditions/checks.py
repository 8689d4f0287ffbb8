"""Checking a condition tree against the entity schemas: every problem at once, each with
the JSON path of the node at fault (``when.all[1].value``).

>>> import attrs
>>> from crmcore.conditions.model import AllOf, FieldCondition
>>> from crmcore.conditions.operators import OPERATORS
>>> from crmcore.conditions.schemas import SchemaRegistry, schema_of
>>> @attrs.frozen
... class Car:
...     brand: str
...     year: int
>>> schemas = SchemaRegistry(schemas={"car": schema_of("car", Car)})
>>> tree = AllOf(all=(FieldCondition(field="year", op="starts_with", value="19"),
...                   FieldCondition(field="colour", op="eq", value="red")))
>>> for problem in condition_problems(tree, entity="car", schemas=schemas, operators=OPERATORS):
...     print(problem)
when.all[0].op: 'starts_with' does not apply to a integer field (got 'starts_with')
when.all[1].field: 'colour' is not a field, custom field or fact of car (got 'colour')
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Final

from crmcore.conditions.model import Condition, FieldCondition, FieldRef, nodes
from crmcore.conditions.operators import Operator, compile_regex
from crmcore.conditions.schemas import FieldType, ResolvedPath, SchemaRegistry, Source
from crmcore.conditions.values import coerce
from crmcore.errors import Violation

__all__ = ["MAX_NODES", "condition_problems", "resolve", "resolve_known"]

MAX_NODES: Final = 200
_COMPARABLE: Final = {
    FieldType.MONEY: FieldType.DECIMAL,
    FieldType.INTEGER: FieldType.DECIMAL,
    FieldType.CHOICE: FieldType.TEXT,
}


def resolve(
    schemas: SchemaRegistry, entity: str | None, path: str, at: str
) -> ResolvedPath | Violation | None:
    """The field ``path`` reaches, why it reaches none, or ``None`` for an unknown entity."""
    return None if entity is None else resolve_known(schemas, entity, path, at)


def resolve_known(
    schemas: SchemaRegistry, entity: str, path: str, at: str
) -> ResolvedPath | Violation:
    try:
        return schemas.resolve(entity, path)
    except LookupError as error:
        return Violation(field=at, message=str(error.args[0]), value=path)


def condition_problems(
    condition: Condition,
    *,
    entity: str | None,
    schemas: SchemaRegistry,
    operators: Mapping[str, Operator],
    path: str = "when",
) -> Iterator[Violation]:
    """Every problem of a condition tree whose root is at ``path``; with ``entity`` unknown
    (``None``), those found without its fields (unknown operators, bad patterns)."""
    count = 0
    for at, node in nodes(condition, path):
        count += 1
        if isinstance(node, FieldCondition):
            yield from _leaf_problems(node, at, entity, schemas, operators)
    if count > MAX_NODES:
        yield Violation(field=path, message=f"must have at most {MAX_NODES} nodes, not {count}")


def _leaf_problems(
    leaf: FieldCondition,
    at: str,
    entity: str | None,
    schemas: SchemaRegistry,
    operators: Mapping[str, Operator],
) -> Iterator[Violation]:
    operator = operators.get(leaf.op)
    found = resolve(schemas, entity, leaf.field, f"{at}.field")
    if operator is None:
        yield Violation(
            field=f"{at}.op",
            message="must be one of " + ", ".join(sorted(operators)),
            value=leaf.op,
        )
    if isinstance(found, Violation):
        yield found
    if operator is None or isinstance(found, Violation):
        return
    if found is None or entity is None:
        yield from _pattern_problems(leaf, operator, at)
        return
    kind = found.spec.type
    if operator.types is not None and kind not in operator.types:
        yield Violation(
            field=f"{at}.op",
            message=f"{leaf.op!r} does not apply to a {kind.value} field",
            value=leaf.op,
        )
        return
    if operator.reads_change and (found.hops or found.spec.source is not Source.RECORD):
        yield Violation(
            field=f"{at}.field",
            message=f"{leaf.op!r} needs a field of the record itself",
            value=leaf.field,
        )
    if isinstance(leaf.value, FieldRef) and operator.name == "matches":
        # A pattern from record data is written by whoever fills the record in: refused, so
        # that only patterns regex_problem has checked ever run.
        message = "'matches' takes a pattern written in the rule, not one read from a field"
        yield Violation(field=f"{at}.value", message=message, value=leaf.value.field)
        return
    if isinstance(leaf.value, FieldRef):
        yield from _field_ref_problems(leaf.value, kind, at, entity, schemas)
        return
    try:
        coerce(found.spec, operator, leaf.value)
    except ValueError as error:
        yield Violation(field=f"{at}.value", message=str(error), value=leaf.value)


def _pattern_problems(leaf: FieldCondition, operator: Operator, at: str) -> Iterator[Violation]:
    """The problem of a ``matches`` pattern, which needs no field to be checked."""
    if operator.name == "matches" and isinstance(leaf.value, str):
        try:
            compile_regex(leaf.value)
        except ValueError as error:
            yield Violation(field=f"{at}.value", message=str(error), value=leaf.value)


def _field_ref_problems(
    ref: FieldRef, kind: FieldType, at: str, entity: str, schemas: SchemaRegistry
) -> Iterator[Violation]:
    other = resolve_known(schemas, entity, ref.field, f"{at}.value.field")
    if isinstance(other, Violation):
        yield other
    elif _COMPARABLE.get(other.spec.type, other.spec.type) != _COMPARABLE.get(kind, kind):
        message = f"a {kind.value} field cannot be compared with a {other.spec.type.value} field"
        yield Violation(field=f"{at}.value.field", message=message, value=ref.field)
