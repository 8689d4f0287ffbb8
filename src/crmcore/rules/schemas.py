"""Entity schemas: which fields of which entity a rule may read or write, and their types.

A rule never reaches into a record by a name it chooses: every path it uses
(``amount``, ``partner.region``, ``custom.car_brand``, ``partner.last_purchase_amount``) must
resolve through a schema here to a typed field of the record, a custom field declared in the
:class:`~crmcore.customfields.CustomFieldRegistry`, or a fact the host provides through a
:class:`~crmcore.rules.FactSource`. Schemas of the areas' models are derived from their attrs
fields; the host adds its facts with :meth:`SchemaRegistry.with_fact`.

>>> schemas = default_schemas().with_fact("partner", "last_purchase_amount", FieldType.DECIMAL)
>>> schemas.resolve("deal", "partner.last_purchase_amount").spec.type
<FieldType.DECIMAL: 'decimal'>
>>> schemas.resolve("deal", "partner.colour")
Traceback (most recent call last):
...
LookupError: 'colour' is not a field, custom field or fact of partner
"""

from __future__ import annotations

from collections.abc import Mapping

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
from crmcore.customfields import CustomFieldRegistry

__all__ = [
    "EntitySchema",
    "FieldSpec",
    "FieldType",
    "Relation",
    "ResolvedPath",
    "SchemaRegistry",
    "Source",
    "default_schemas",
    "schema_of",
]


def _text(*names: str) -> dict[str, FieldSpec]:
    return {name: FieldSpec(type=FieldType.TEXT) for name in names}


def _declared(entity: str, fields: Mapping[str, FieldSpec], **links: str) -> EntitySchema:
    relations = {
        name: Relation(field=f"{name}_id", entity=target) for name, target in links.items()
    }
    return EntitySchema(
        entity=entity, fields=fields, relations=relations, manager_field="responsible_manager"
    )


def _invoices() -> EntitySchema:
    """Invoices, which live in the host's accounting; rules may react to them."""
    fields = {
        **_text("id", "number", "status", "partner_id", "deal_id", "responsible_manager"),
        "amount": FieldSpec(type=FieldType.MONEY),
        "due_date": FieldSpec(type=FieldType.DATE),
        "paid": FieldSpec(type=FieldType.BOOLEAN),
        "created_at": FieldSpec(type=FieldType.DATETIME, writable=False),
    }
    return _declared("invoice", fields, partner="partner", deal="deal")


def default_schemas(custom_fields: CustomFieldRegistry | None = None) -> SchemaRegistry:
    """Schemas of the areas' entities: partners, contact persons, deals, interactions,
    agreements, claims and requests from their models, invoices as hosts record them."""
    from crmcore.agreements import Agreement  # noqa: PLC0415 - keeps import of rules light
    from crmcore.claims import Claim  # noqa: PLC0415
    from crmcore.deals import Deal  # noqa: PLC0415
    from crmcore.interactions import Interaction  # noqa: PLC0415
    from crmcore.partners import ContactPerson, Partner  # noqa: PLC0415
    from crmcore.rules.records import request_schema  # noqa: PLC0415

    partner = Relation(field="partner_id", entity="partner")
    schemas = (
        schema_of("partner", Partner, manager_field="responsible_manager"),
        schema_of("contact_person", ContactPerson, relations={"partner": partner}),
        schema_of(
            "deal", Deal, relations={"partner": partner}, manager_field="responsible_manager"
        ),
        schema_of(
            "interaction", Interaction, relations={"partner": partner}, manager_field="responsible"
        ),
        schema_of("agreement", Agreement, relations={"partner": partner}, manager_field="manager"),
        schema_of("claim", Claim, manager_field="handler"),
        request_schema(),
        _invoices(),
    )
    return SchemaRegistry(
        schemas={schema.entity: schema for schema in schemas},
        custom_fields=custom_fields or CustomFieldRegistry(),
    )
