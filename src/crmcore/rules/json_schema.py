"""A JSON Schema of the rule format, generated from the models, for form editors.

:func:`rule_json_schema` describes the JSON form of a :class:`~crmcore.rules.Rule` as the
converter reads it (JSON Schema 2020-12): every key, its type, which keys are required, the
action kinds with their fields, the assignment strategies, and, for each entity, the paths a
condition may test, so that an admin screen can build a form editor without guessing. The
``x-crmcore`` annotation lists each entity's fields with their types, the operators that
apply to each type, and the action kinds. The schema says what can be read; what a rule
means (an operator that does not fit its field, a placeholder naming no field) is checked by
:func:`~crmcore.rules.validate_rule`.

>>> schema = rule_json_schema()
>>> schema["required"]
['id', 'name', 'then', 'trigger']
>>> schema["x-crmcore"]["operators"]["money"][:4]
['between', 'changed', 'changed_from', 'changed_to']
>>> schema["x-crmcore"]["entities"]["deal"]["fields"]["amount"]
{'type': 'money', 'writable': True}
"""

from __future__ import annotations

import enum
import types
import typing
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, Final, Union

import attrs

from crmcore.conditions.operators import OPERATORS, Operator
from crmcore.rules.actions import ACTIONS
from crmcore.rules.assignment import STRATEGIES, FieldMapping, HeadOfDepartment, MappingRow
from crmcore.rules.model import (
    ENTITIES,
    Action,
    AllOf,
    AnyOf,
    Branch,
    FieldCondition,
    FieldRef,
    Not,
    Rule,
    Throttle,
    Trigger,
    Wait,
)
from crmcore.rules.schemas import EntitySchema, FieldType, SchemaRegistry, default_schemas

__all__ = ["rule_json_schema"]

Schema = dict[str, Any]

_DIALECT: Final = "https://json-schema.org/draft/2020-12/schema"
_PATH: Final = r"^[a-z][a-z0-9_]{0,63}(\.[a-z][a-z0-9_]{0,63}){0,3}$"
_DECIMAL: Final = r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$"
_DURATION: Final = r"^-?P(\d+D)?(T(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$"
_ANY_PATH: Final = {"type": "string", "pattern": _PATH}
_SCALAR: Final = {"type": ["string", "integer", "boolean", "null"]}
_CONDITIONS: Final = frozenset({AllOf, AnyOf, Not, FieldCondition})
_FALLBACKS: Final = tuple(cls for cls in STRATEGIES if cls is not FieldMapping)
_HOPS: Final = 2


def _ref(name: str) -> Schema:
    return {"$ref": f"#/$defs/{name}"}


def _nullable(schema: Schema) -> Schema:
    return {"anyOf": [schema, {"type": "null"}]}


def _union(args: tuple[Any, ...]) -> Schema:
    present = frozenset(arg for arg in args if arg is not type(None))
    if present == _CONDITIONS:
        found = _ref("condition")
    elif present == frozenset(STRATEGIES):
        found = _ref("strategy")
    elif present == frozenset(_FALLBACKS):
        found = _ref("fallback")
    elif present == frozenset({str, int, bool}):
        return dict(_SCALAR)
    elif FieldRef in present:
        found = _ref("operand")
    elif len(present) == 1:
        (only,) = present
        found = _of(only)
    else:
        found = {"anyOf": [_of(arg) for arg in sorted(present, key=str)]}
    return _nullable(found) if type(None) in args else found


_SIMPLE: Final[tuple[tuple[type, Schema], ...]] = (
    (bool, {"type": "boolean"}),
    (int, {"type": "integer"}),
    (str, {"type": "string"}),
    (Decimal, {"type": ["string", "integer"], "pattern": _DECIMAL}),
    (datetime, {"type": "string", "format": "date-time"}),
    (date, {"type": "string", "format": "date"}),
    (timedelta, {"type": "string", "pattern": _DURATION}),
)


def _of(hint: Any) -> Schema:
    """The schema of a field's type hint as the converter reads it."""
    origin = typing.get_origin(hint)
    if origin is not None:
        return _generic(origin, typing.get_args(hint))
    supertype = getattr(hint, "__supertype__", None)
    if supertype is not None:
        return _of(supertype)
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return {"enum": [member.value for member in hint]}
    if hint is Action:
        return _ref("action")
    if isinstance(hint, type) and attrs.has(hint):
        return _ref(hint.__name__)
    return next((dict(schema) for cls, schema in _SIMPLE if hint is cls), {})


def _generic(origin: Any, args: tuple[Any, ...]) -> Schema:
    """Unions, lists (``tuple[X, ...]``) and mappings."""
    if origin in (Union, types.UnionType):
        return _union(args)
    if origin is tuple:
        return {"type": "array", "items": _of(args[0])}
    return {"type": "object", "additionalProperties": _of(args[-1])}


# Fields whose type says less than what the converter reads.
_EXACT: Final[Mapping[tuple[type, str], Schema]] = {
    (Trigger, "entity"): {"enum": list(ENTITIES)},
    (Trigger, "field"): _nullable(_ANY_PATH),
    (Trigger, "fields"): {"type": "array", "items": _ANY_PATH},
    (FieldRef, "field"): _ANY_PATH,
    (Throttle, "per"): _nullable(_ANY_PATH),
}


def _object(cls: type, tag: tuple[str, str] | None = None) -> Schema:
    """An attrs class as a JSON object: each field by its type, the fields without a default
    required, no other keys; ``tag`` is the key and value naming a tagged union's member."""
    hints = typing.get_type_hints(cls)
    properties: Schema = {}
    required: list[str] = []
    if tag is not None:
        properties[tag[0]] = {"const": tag[1]}
        required.append(tag[0])
    for field in attrs.fields(cls):
        properties[field.name] = _EXACT.get((cls, field.name)) or _of(hints[field.name])
        if field.default is attrs.NOTHING:
            required.append(field.name)
    return {
        "type": "object",
        "properties": properties,
        "required": sorted(required),
        "additionalProperties": False,
    }


def _paths(schemas: SchemaRegistry, schema: EntitySchema, depth: int = 0) -> dict[str, Schema]:
    """Every path a condition on ``schema``'s records may test, with its type and choices."""
    found: dict[str, Schema] = {}
    declared = {**schema.fields, **schema.facts}
    custom = schemas.custom_fields.fields_for(schema.entity)
    for field in custom:
        declared[f"custom.{field.name}"] = schemas.resolve(
            schema.entity, f"custom.{field.name}"
        ).spec
    for name, spec in declared.items():
        entry: Schema = {"type": spec.type.value, "writable": spec.writable}
        if spec.choices:
            entry["choices"] = list(spec.choices)
        found[name] = entry
    if depth < _HOPS:
        for name, relation in schema.relations.items():
            for path, entry in _paths(schemas, schemas.get(relation.entity), depth + 1).items():
                found[f"{name}.{path}"] = {**entry, "writable": False}
    return found


def _operators(operators: Mapping[str, Operator]) -> dict[str, list[str]]:
    return {
        kind.value: sorted(
            name for name, op in operators.items() if op.types is None or kind in op.types
        )
        for kind in FieldType
    }


def _condition(name: str, test: Schema) -> Schema:
    """A condition tree whose tests are ``test``: ``all``, ``any``, ``not`` or a test."""
    node = _ref(name)

    def group(key: str, inner: Schema) -> Schema:
        return {"type": "object", "properties": {key: inner}, "required": [key],
                "additionalProperties": False}  # fmt: skip

    return {"anyOf": [
        group("all", {"type": "array", "items": node, "minItems": 1}),
        group("any", {"type": "array", "items": node, "minItems": 1}),
        group("not", node),
        test,
    ]}  # fmt: skip


def _test(fields: Schema, operators: Mapping[str, Operator]) -> Schema:
    return {
        "type": "object",
        "properties": {
            "field": fields,
            "op": {"enum": sorted(operators)},
            "value": _ref("operand"),
        },
        "required": ["field", "op"],
        "additionalProperties": False,
    }


def _entity_parts(entity: str, paths: Mapping[str, Schema]) -> Schema:
    """If the trigger names ``entity``, its conditions test only that entity's paths."""
    when = _nullable(_ref(f"condition.{entity}"))
    step = {"type": "array", "items": {"type": "object", "properties": {"when": when}}}
    return {
        "if": {
            "properties": {"trigger": {"properties": {"entity": {"const": entity}}}},
            "required": ["trigger"],
        },
        "then": {"properties": {"when": when, "branches": step, "waits": step}},
    }


def rule_json_schema(
    *,
    schemas: SchemaRegistry | None = None,
    operators: Mapping[str, Operator] = OPERATORS,
    actions: Mapping[str, type[Action]] = ACTIONS,
) -> Schema:
    """The JSON Schema (2020-12) of the rule format for ``schemas`` (the areas' schemas with
    no custom fields by default), ``operators`` and ``actions`` (plugins included if given)."""
    schemas = schemas or default_schemas()
    entities = {e: _paths(schemas, schemas.get(e)) for e in ENTITIES if e in schemas.schemas}
    defs: Schema = {
        "action": {"oneOf": [_ref(f"action.{kind}") for kind in sorted(actions)]},
        "strategy": {"oneOf": [_ref(f"strategy.{cls.kind}") for cls in STRATEGIES]},
        "fallback": {"oneOf": [_ref(f"strategy.{cls.kind}") for cls in _FALLBACKS]},
        "operand": {"anyOf": [_SCALAR, {"type": "array", "items": _SCALAR}, _ref("FieldRef")]},
        "condition": _condition("condition", _test(_ANY_PATH, operators)),
    }
    for model in (FieldRef, FieldCondition, Trigger, Throttle, Branch, Wait, MappingRow):
        defs[model.__name__] = _object(model)
    for kind, cls in sorted(actions.items()):
        defs[f"action.{kind}"] = _object(cls, ("action", kind))
    for strategy in STRATEGIES:
        member = _object(strategy, ("kind", strategy.kind))
        if strategy is HeadOfDepartment:  # written as its name alone
            member = {"anyOf": [member, {"const": strategy.kind}]}
        defs[f"strategy.{strategy.kind}"] = member
    for entity, paths in entities.items():
        defs[f"condition.{entity}"] = _condition(
            f"condition.{entity}", _test({"enum": sorted(paths)}, operators)
        )
    return {
        "$schema": _DIALECT,
        "title": "crmcore rule",
        **_object(Rule),
        "allOf": [_entity_parts(entity, paths) for entity, paths in entities.items()],
        "$defs": defs,
        "x-crmcore": {
            "entities": {entity: {"fields": paths} for entity, paths in entities.items()},
            "operators": _operators(operators),
            "actions": sorted(actions),
        },
    }
