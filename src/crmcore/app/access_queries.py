"""The access policy over the application layer's composite reads: the price form and a
deal's documents as an actor may see them, and the export of a kind of record.

A price form is the client's: it is shown to those who may read the partner and the
agreement it prices by. The lowest price is a sensitive field of the ``product`` kind
(``min_price``): to an actor without its right the form shows no product minimum and, as the
lowest price, the recommended one. A deal's documents are the deal's: read with it, each with
the sensitive fields of its own kind hidden (a business plan's costs, say, hide its margin).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Final

import attrs

from crmcore.access import Action
from crmcore.app.catalog_queries import DealDocuments
from crmcore.app.guard import Guard, loader
from crmcore.app.store import Repositories
from crmcore.catalog import PriceForm, PriceFormLine
from crmcore.errors import DomainValidationError
from crmcore.serialization import Converter, make_converter
from crmcore.visibility import AccessScope

__all__ = ["EXPORTED", "deal_documents_as", "export", "price_form_as"]

_MINIMUM: Final = "min_price"


def price_form_as(guard: Guard, actor: str, form: PriceForm) -> PriceForm:
    """``form`` with the lowest prices hidden unless ``actor`` holds their right."""
    if _MINIMUM not in guard.hidden(actor, "product"):
        return form
    return attrs.evolve(form, lines=tuple(_without_minimum(line) for line in form.lines))


def _without_minimum(line: PriceFormLine) -> PriceFormLine:
    product = attrs.evolve(line.product, min_price=None)
    price = line.price
    if price is not None:
        price = attrs.evolve(price, minimum=price.recommended)
    return attrs.evolve(line, product=product, price=price)


def deal_documents_as(guard: Guard, actor: str, documents: DealDocuments) -> DealDocuments:
    """``documents`` (of a deal ``actor`` may read) with their sensitive fields hidden."""
    plan = documents.business_plan
    return attrs.evolve(
        documents,
        offers=tuple(guard.redacted(actor, "commercial_offer", documents.offers)),
        supplier_orders=tuple(guard.redacted(actor, "supplier_order", documents.supplier_orders)),
        business_plan=None if plan is None else guard.redacted(actor, "business_plan", [plan])[0],
    )


Lister = Callable[[Repositories, AccessScope | None], Iterable[Any]]


def _needed(repositories: Repositories, name: str) -> Any:
    found = getattr(repositories, name)
    if found is None:
        raise DomainValidationError.single("store", f"keeps no {name}")
    return found


def _persons(repositories: Repositories, scope: AccessScope | None) -> Iterable[Any]:
    for partner in repositories.partners.iterate():
        yield from repositories.contact_persons.of_partner(partner.id)


EXPORTED: Final[Mapping[str, Lister]] = {
    "partner": lambda r, s: r.partners.iterate(),
    "contact_person": _persons,
    "deal": lambda r, s: r.deals.find(scope=s),
    "agreement": lambda r, s: r.agreements.iterate(),
    "claim": lambda r, s: r.claims.find(scope=s),
    "request": lambda r, s: r.requests.find(scope=s),
    "rule": lambda r, s: r.rules.list(),
    "pipeline": lambda r, s: r.pipelines.iterate(),
    "task": lambda r, s: _needed(r, "tasks").find(),
    "project": lambda r, s: _needed(r, "projects").find(),
}
"""The kinds of record :func:`export` lists, and how to list them (within a scope where the
store filters by one)."""


@functools.cache
def _converter() -> Converter:
    return make_converter()


def export(guard: Guard, actor: str, kind: str, repositories: Repositories) -> list[dict[str, Any]]:
    """The records of ``kind`` that ``actor`` may export, as JSON-ready mappings with the
    sensitive fields hidden from them at their defaults; an actor who may export none is
    refused with :class:`~crmcore.errors.AccessDeniedError`, a kind that cannot be exported
    is a :class:`~crmcore.errors.DomainValidationError` naming ``kind``."""
    lister = EXPORTED.get(kind)
    if lister is None:
        known = ", ".join(sorted(EXPORTED))
        raise DomainValidationError.single("kind", f"is not one of: {known}", value=kind)
    scope = guard.export(actor, kind)
    records = guard.visible(
        actor, kind, lister(repositories, scope), loader(repositories), action=Action.EXPORT
    )
    converter = _converter()
    return [converter.unstructure(record) for record in records]
