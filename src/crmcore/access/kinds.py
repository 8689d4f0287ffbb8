"""The kinds of record the access policy knows, each with a small adapter: who is
responsible for a record, who works on it as a co-executor, which department it belongs to.

A new area plugs in by data: :func:`register_kind` with its kind name and adapter. The
stores read :func:`record_keys` when they write a record, so that a query filtered by an
:class:`~crmcore.visibility.AccessScope` reads only the keys.

A record that has no people of its own follows another record's scope: a contact person
its partner's, a relationship its source's, a deal's commercial offers, supplier orders and
business plan their deal's, a contact's consent, a purchase and a survey answer their
partner's. Its kind names that record
(:attr:`RecordKind.follows`); the application layer loads it and reads its keys, since the
policy never loads anything. A pipeline, the catalog (products, product groups, price types)
and marketing's segments, campaigns and surveys follow no one: only a scope of ``all``
reaches them.

>>> from crmcore.visibility import responsible_key
>>> sorted(kind.name for kind in record_kinds())[:3]
['agreement', 'business_plan', 'campaign']
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Final

import attrs

from crmcore.agreements.model import Agreement
from crmcore.catalog.model import PriceType, Product, ProductGroup
from crmcore.claims.model import Claim
from crmcore.deals.documents import BusinessPlan, CommercialOffer, SupplierOrder
from crmcore.deals.model import Deal
from crmcore.deals.pipeline import Pipeline
from crmcore.errors import DomainValidationError
from crmcore.ids import EntityRef
from crmcore.interactions.model import Interaction
from crmcore.marketing.model import Campaign, Consent, Purchase, Segment, Survey, SurveyResponse
from crmcore.partners.model import ContactPerson, Partner, Relationship
from crmcore.requests.model import Request
from crmcore.rules.model import Rule
from crmcore.tasks.model import Task
from crmcore.tasks.projects import Project
from crmcore.visibility import co_executor_key, department_key, responsible_key

__all__ = ["RecordKind", "record_keys", "record_kind", "record_kinds", "register_kind"]


def _nobody(record: Any) -> str | None:
    return None


def _no_one(record: Any) -> Iterable[str]:
    return ()


@attrs.frozen(kw_only=True)
class RecordKind:
    """One kind of record and how to read its access facts.

    ``model`` is the record's class (sensitive fields are checked against its fields);
    ``responsible``, ``co_executors`` and ``department`` read a record's facts;
    ``follows``, for a record without people of its own, names the record whose access
    keys it has (a contact person's partner); ``hidden_with`` names, per field, the fields
    that tell it and are hidden with it (a deal's line items tell its amount).
    """

    name: str
    model: type
    responsible: Callable[[Any], str | None] = _nobody
    co_executors: Callable[[Any], Iterable[str]] = _no_one
    department: Callable[[Any], str | None] = _nobody
    follows: Callable[[Any], EntityRef] | None = None
    hidden_with: Mapping[str, tuple[str, ...]] = attrs.field(factory=dict)

    def keys(self, record: Any) -> frozenset[str]:
        """The access keys of ``record``."""
        keys = {co_executor_key(user) for user in self.co_executors(record)}
        responsible = self.responsible(record)
        if responsible is not None:
            keys.add(responsible_key(responsible))
        department = self.department(record)
        if department is not None:
            keys.add(department_key(department))
        return frozenset(keys)

    def field_names(self) -> frozenset[str]:
        """The fields of the record's model."""
        return frozenset(field.name for field in attrs.fields(self.model))


_LOCK: Final = threading.Lock()
_KINDS: Final[dict[str, RecordKind]] = {}


def register_kind(kind: RecordKind) -> None:
    """Make ``kind`` known to the policy and the stores (a kind of the same name is
    replaced)."""
    if not attrs.has(kind.model):
        raise DomainValidationError.single("model", "must be an attrs class", value=kind.model)
    with _LOCK:
        _KINDS[kind.name] = kind


def record_kind(name: str) -> RecordKind | None:
    """The kind of record called ``name``, if it is known."""
    return _KINDS.get(name)


def record_kinds() -> tuple[RecordKind, ...]:
    """Every known kind of record."""
    with _LOCK:
        return tuple(_KINDS.values())


def record_keys(kind: str, record: Any) -> frozenset[str]:
    """The access keys of ``record`` of ``kind``; a kind no one registered has none."""
    found = _KINDS.get(kind)
    return frozenset() if found is None else found.keys(record)


def _partner_of(record: Any) -> EntityRef:
    """The partner a record of a partner's (a contact person, a consent, ...) follows."""
    return EntityRef(entity_type="partner", entity_id=record.partner_id)


for _builtin in (
    RecordKind(name="partner", model=Partner, responsible=lambda r: r.responsible_manager),
    RecordKind(name="contact_person", model=ContactPerson, follows=_partner_of),
    RecordKind(
        name="deal",
        model=Deal,
        responsible=lambda r: r.responsible_manager,
        co_executors=lambda r: r.co_executors,
        hidden_with={"amount": ("line_items",)},
    ),
    RecordKind(name="interaction", model=Interaction, responsible=lambda r: r.responsible),
    RecordKind(name="agreement", model=Agreement, responsible=lambda r: r.manager),
    RecordKind(
        name="claim",
        model=Claim,
        responsible=lambda r: r.responsible_manager,
        department=lambda r: r.department,
    ),
    RecordKind(name="request", model=Request, responsible=lambda r: r.responsible_manager),
    RecordKind(name="rule", model=Rule, responsible=lambda r: r.author),
    RecordKind(
        name="task",
        model=Task,
        responsible=lambda r: r.assignee,
        co_executors=lambda r: r.co_executors,
    ),
    RecordKind(name="project", model=Project, responsible=lambda r: r.manager),
    RecordKind(name="relationship", model=Relationship, follows=lambda r: r.source),
    RecordKind(name="pipeline", model=Pipeline),
    RecordKind(name="product", model=Product),
    RecordKind(name="product_group", model=ProductGroup),
    RecordKind(name="price_type", model=PriceType),
    RecordKind(name="segment", model=Segment),
    RecordKind(name="campaign", model=Campaign),
    RecordKind(name="survey", model=Survey),
    RecordKind(name="consent", model=Consent, follows=_partner_of),
    RecordKind(name="purchase", model=Purchase, follows=_partner_of),
    RecordKind(name="survey_response", model=SurveyResponse, follows=_partner_of),
    RecordKind(
        name="commercial_offer",
        model=CommercialOffer,
        follows=lambda r: EntityRef(entity_type="deal", entity_id=r.deal_id),
    ),
    RecordKind(
        name="supplier_order",
        model=SupplierOrder,
        follows=lambda r: EntityRef(entity_type="deal", entity_id=r.deal_id),
    ),
    RecordKind(
        name="business_plan",
        model=BusinessPlan,
        follows=lambda r: EntityRef(entity_type="deal", entity_id=r.id),
    ),
):
    register_kind(_builtin)
