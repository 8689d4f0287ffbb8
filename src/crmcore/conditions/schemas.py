"""Entity schemas: which fields of which entity a condition may read, and their types.

A condition never reaches into a record by a name it chooses: every path it uses
(``amount``, ``partner.region``, ``custom.car_brand``, ``partner.last_purchase_amount``) must
resolve through a schema here to a typed field of the record, a custom field declared in the
:class:`~crmcore.customfields.CustomFieldRegistry`, or a fact the host provides through a
:class:`~crmcore.conditions.facts.FactSource`. Schemas of models are derived from their attrs
fields with :func:`schema_of`; the host adds its facts with :meth:`SchemaRegistry.with_fact`.
The rules' schemas of every area's entities are :func:`crmcore.rules.default_schemas`.

>>> import attrs
>>> @attrs.frozen
... class Car:
...     id: str
...     brand: str
...     year: int
>>> schemas = SchemaRegistry(schemas={"car": schema_of("car", Car)})
>>> schemas.with_fact("car", "mileage", FieldType.INTEGER).resolve("car", "mileage").spec.type
<FieldType.INTEGER: 'integer'>
>>> schemas.resolve("car", "colour")
Traceback (most recent call last):
...
LookupError: 'colour' is not a field, custom field or fact of car
"""

from __future__ import annotations

import enum
import types
import typing
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Final, Union

import attrs

from crmcore.customfields import CustomFieldRegistry, CustomFieldType
from crmcore.ids import EntityRef
from crmcore.money import Money
from crmcore.validation import FrozenMap, Model, freeze

__all__ = [
    "RENAMED",
    "EntitySchema",
    "FieldSpec",
    "FieldType",
    "Relation",
    "ResolvedPath",
    "SchemaRegistry",
    "Source",
    "schema_of",
]

RENAMED: Final = {"company": "partner", "contact": "contact_person"}
"""Entity names rules used before they took the glossary's names, and the names now."""
_MAX_HOPS: Final = 3


class FieldType(enum.Enum):
    """The type of a field as conditions see it (money compares by its amount)."""

    TEXT = "text"
    INTEGER = "integer"
    DECIMAL = "decimal"
    MONEY = "money"
    DATE = "date"
    DATETIME = "datetime"
    BOOLEAN = "boolean"
    CHOICE = "choice"
    LIST = "list"


class Source(enum.Enum):
    """Where the value of a field comes from."""

    RECORD = "record"
    CUSTOM = "custom"
    FACT = "fact"


@attrs.frozen(kw_only=True)
class FieldSpec(Model):
    """The type of one field, its choices (for choice fields) and whether actions may set it."""

    type: FieldType
    choices: tuple[str, ...] = ()
    writable: bool = True
    source: Source = Source.RECORD


@attrs.frozen(kw_only=True)
class Relation(Model):
    """A related record reached through the id in ``field``: a deal's ``partner``."""

    field: str
    entity: str


@attrs.frozen(kw_only=True)
class EntitySchema(Model):
    """The fields, relations and host facts of one entity type, and its manager's field."""

    entity: str
    fields: Mapping[str, FieldSpec] = attrs.field(factory=FrozenMap, converter=freeze)
    relations: Mapping[str, Relation] = attrs.field(factory=FrozenMap, converter=freeze)
    facts: Mapping[str, FieldSpec] = attrs.field(factory=FrozenMap, converter=freeze)
    manager_field: str | None = None


@attrs.frozen(kw_only=True)
class ResolvedPath:
    """A path checked against the schemas: the relations to follow, then the final field."""

    path: str
    hops: tuple[Relation, ...]
    name: str
    entity: str
    spec: FieldSpec


@attrs.frozen(kw_only=True)
class SchemaRegistry(Model):
    """The schemas of every entity type rules may concern, with the host's custom fields."""

    schemas: Mapping[str, EntitySchema] = attrs.field(factory=FrozenMap, converter=freeze)
    custom_fields: CustomFieldRegistry = attrs.field(factory=CustomFieldRegistry)

    def get(self, entity: str) -> EntitySchema:
        """The schema of ``entity``; ``LookupError`` if none is declared."""
        try:
            return self.schemas[entity]
        except KeyError:
            hint = f", it is now called {RENAMED[entity]!r}" if entity in RENAMED else ""
            raise LookupError(f"{entity!r} is not an entity with a schema{hint}") from None

    def with_schema(self, schema: EntitySchema) -> SchemaRegistry:
        """A registry that also (or instead) holds ``schema``."""
        return attrs.evolve(self, schemas={**self.schemas, schema.entity: schema})

    def with_fact(
        self, entity: str, name: str, type: FieldType, *, choices: tuple[str, ...] = ()
    ) -> SchemaRegistry:
        """A registry where ``entity`` also has the host-provided fact ``name``."""
        schema = self.get(entity)
        spec = FieldSpec(type=type, choices=choices, writable=False, source=Source.FACT)
        return self.with_schema(attrs.evolve(schema, facts={**schema.facts, name: spec}))

    def with_custom_fields(self, registry: CustomFieldRegistry) -> SchemaRegistry:
        """A registry reading custom fields from ``registry``."""
        return attrs.evolve(self, custom_fields=registry)

    def resolve(self, entity: str, path: str) -> ResolvedPath:
        """The typed field ``path`` reaches from a record of ``entity``; ``LookupError`` naming
        the first step that is not declared."""
        names = path.split(".")
        hops: list[Relation] = []
        current = self.get(entity)
        while len(names) > 1 and names[0] in current.relations and len(hops) < _MAX_HOPS:
            relation = current.relations[names.pop(0)]
            hops.append(relation)
            current = self.get(relation.entity)
        spec = self._terminal(current, names)
        return ResolvedPath(
            path=path, hops=tuple(hops), name=names[-1], entity=current.entity, spec=spec
        )

    def _terminal(self, schema: EntitySchema, names: list[str]) -> FieldSpec:
        if len(names) == 2 and names[0] == "custom":
            return self._custom(schema.entity, names[1])
        if len(names) != 1:
            raise LookupError(f"{names[0]!r} is not a relation of {schema.entity}")
        name = names[0]
        found = schema.fields.get(name) or schema.facts.get(name)
        if found is None:
            raise LookupError(f"{name!r} is not a field, custom field or fact of {schema.entity}")
        return found

    def _custom(self, entity: str, name: str) -> FieldSpec:
        declared = self.custom_fields.fields_for(entity)
        for field in declared:
            if field.name == name:
                kind = _CUSTOM_TYPES[field.type]
                return FieldSpec(type=kind, choices=field.choices, source=Source.CUSTOM)
        raise LookupError(f"{name!r} is not a custom field of {entity}")


_CUSTOM_TYPES: Final = {
    CustomFieldType.TEXT: FieldType.TEXT,
    CustomFieldType.INTEGER: FieldType.INTEGER,
    CustomFieldType.DECIMAL: FieldType.DECIMAL,
    CustomFieldType.MONEY: FieldType.MONEY,
    CustomFieldType.DATE: FieldType.DATE,
    CustomFieldType.BOOLEAN: FieldType.BOOLEAN,
    CustomFieldType.CHOICE: FieldType.CHOICE,
    CustomFieldType.REFERENCE: FieldType.TEXT,
}
_SIMPLE: Final[tuple[tuple[type, FieldType], ...]] = (
    (bool, FieldType.BOOLEAN),
    (int, FieldType.INTEGER),
    (str, FieldType.TEXT),
    (Decimal, FieldType.DECIMAL),
    (Money, FieldType.MONEY),
    (datetime, FieldType.DATETIME),
    (date, FieldType.DATE),
    (EntityRef, FieldType.TEXT),
)


def _spec_of(hint: Any) -> FieldSpec | None:
    """The spec of a type hint, or ``None`` for nested models rules cannot compare."""
    origin = typing.get_origin(hint)
    if origin in (Union, types.UnionType):
        present = [arg for arg in typing.get_args(hint) if arg is not type(None)]
        return _spec_of(present[0]) if len(present) == 1 else None
    if origin in (tuple, frozenset):
        items = [arg for arg in typing.get_args(hint) if arg is not Ellipsis]
        simple = all(_spec_of(arg) is not None for arg in items)
        return FieldSpec(type=FieldType.LIST, writable=False) if simple else None
    supertype = getattr(hint, "__supertype__", None)
    if supertype is not None:
        return _spec_of(supertype)
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return FieldSpec(type=FieldType.CHOICE, choices=tuple(str(m.value) for m in hint))
    for cls, kind in _SIMPLE:
        if hint is cls:
            return FieldSpec(type=kind)
    return None


_READ_ONLY: Final = frozenset({"id", "version", "created_at"})


def schema_of(
    entity: str,
    model: type,
    *,
    relations: Mapping[str, Relation] | None = None,
    manager_field: str | None = None,
) -> EntitySchema:
    """The schema of an attrs ``model``: every field of a type conditions can compare.

    Nested models and the ``custom`` mapping are left out (custom fields are read as
    ``custom.<name>`` through the registry); ``id``, ``version`` and ``created_at`` are
    read-only for actions.
    """
    hints = typing.get_type_hints(model)
    fields: dict[str, FieldSpec] = {}
    for field in attrs.fields(model):
        spec = _spec_of(hints[field.name]) if field.name != "custom" else None
        if spec is not None:
            read_only = field.name in _READ_ONLY
            fields[field.name] = attrs.evolve(spec, writable=spec.writable and not read_only)
    return EntitySchema(
        entity=entity, fields=fields, relations=relations or {}, manager_field=manager_field
    )
