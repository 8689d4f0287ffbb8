"""The condition language: "If" trees over a record, its relations, custom fields and facts.

Rules (:mod:`crmcore.rules`) write their "If" part in it and marketing segments
(:mod:`crmcore.marketing`) their membership; both areas import it from here, so that it
belongs to neither. A tree (:mod:`~crmcore.conditions.model`) is checked against entity
schemas (:mod:`~crmcore.conditions.schemas`, :mod:`~crmcore.conditions.checks`), compiled once
(:mod:`~crmcore.conditions.compiler`) and evaluated over a :class:`Scope`. The rules package
re-exports every name, so ``crmcore.rules.AllOf`` is this very class.

>>> import attrs
>>> from datetime import UTC, datetime
>>> from crmcore.events import DomainEvent
>>> @attrs.frozen
... class Car:
...     id: str
...     brand: str
...     year: int
>>> schemas = SchemaRegistry(schemas={"car": schema_of("car", Car)})
>>> tree = AllOf(all=(FieldCondition(field="brand", op="eq", value="Audi"),
...                   FieldCondition(field="year", op="ge", value=2020)))
>>> compiled = compile_condition(tree, entity="car", schemas=schemas, operators=OPERATORS)
>>> at = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
>>> event = DomainEvent(entity_id="c-1", occurred_at=at)
>>> compiled.evaluate(Scope(event, Car(id="c-1", brand="Audi", year=2021), now=at))
True
>>> compiled.evaluate(Scope(event, Car(id="c-2", brand="Audi", year=2019), now=at))
False
"""

from __future__ import annotations

from crmcore.conditions.checks import condition_problems
from crmcore.conditions.compiler import CompiledCondition, NodeTrace, compile_condition
from crmcore.conditions.facts import NO_FACTS, FactSource, NoFacts
from crmcore.conditions.model import (
    AllOf,
    AnyOf,
    Condition,
    FieldCondition,
    FieldRef,
    Not,
    Operand,
    Scalar,
    nodes,
)
from crmcore.conditions.operators import OPERATORS, Arity, Operator, load_operators
from crmcore.conditions.schemas import (
    EntitySchema,
    FieldSpec,
    FieldType,
    Relation,
    ResolvedPath,
    SchemaRegistry,
    Source,
    schema_of,
)
from crmcore.conditions.scope import Scope

__all__ = [
    "NO_FACTS",
    "OPERATORS",
    "AllOf",
    "AnyOf",
    "Arity",
    "CompiledCondition",
    "Condition",
    "EntitySchema",
    "FactSource",
    "FieldCondition",
    "FieldRef",
    "FieldSpec",
    "FieldType",
    "NoFacts",
    "NodeTrace",
    "Not",
    "Operand",
    "Operator",
    "Relation",
    "ResolvedPath",
    "Scalar",
    "SchemaRegistry",
    "Scope",
    "Source",
    "compile_condition",
    "condition_problems",
    "load_operators",
    "nodes",
    "schema_of",
]
