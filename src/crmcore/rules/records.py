"""Records as rules read them, for models whose fields rules want flat.

A request keeps its region in its contact data, its products in its items and its client in
its binding; a rule says ``region``, ``product`` and ``partner_id``. :func:`request_record`
gives that flat view, and the engine applies it to every :class:`~crmcore.requests.Request`
it is given as a record.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final

import attrs

from crmcore.conditions.schemas import FieldSpec, FieldType, Relation, schema_of
from crmcore.requests import Request

__all__ = ["FLATTENERS", "request_record", "request_schema"]


def request_record(request: Request) -> dict[str, Any]:
    """A request with its contact's region, company and name, its products, its estimated
    amount as ``amount``, its campaign's source and its bound partner at the top level."""
    record = {field.name: getattr(request, field.name) for field in attrs.fields(Request)}
    products = tuple(item.product for item in request.items)
    record.update(
        region=request.contact.region,
        company=request.contact.company,
        contact_name=request.contact.name,
        products=products,
        product=products[0] if products else None,
        amount=request.estimated_amount,
        campaign_source=request.campaign.source if request.campaign else None,
        partner_id=request.binding.partner_id if request.binding else None,
    )
    return record


def request_schema() -> Any:
    """The schema of requests: the model's fields and the flat ones of :func:`request_record`."""
    schema = schema_of(
        "request",
        Request,
        relations={"partner": Relation(field="partner_id", entity="partner")},
        manager_field="responsible_manager",
    )
    read_only = {
        name: FieldSpec(type=FieldType.TEXT, writable=False)
        for name in (
            "region",
            "company",
            "contact_name",
            "product",
            "campaign_source",
            "partner_id",
        )
    }
    flat = {
        **read_only,
        "products": FieldSpec(type=FieldType.LIST, writable=False),
        "amount": FieldSpec(type=FieldType.MONEY, writable=False),
    }
    return attrs.evolve(schema, fields={**schema.fields, **flat})


FLATTENERS: Final[Mapping[type, Callable[[Any], Mapping[str, Any]]]] = {Request: request_record}
"""How the engine turns each kind of model into the record rules read."""
