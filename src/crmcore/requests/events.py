"""Events of the requests area."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar, Final

import attrs

from crmcore.events import Change, DomainEvent, changes_between
from crmcore.requests.model import Binding, Request
from crmcore.validation import checks, identifier, optional

__all__ = [
    "RequestBindingProposed",
    "RequestBound",
    "RequestChanged",
    "RequestConverted",
    "RequestRegistered",
    "RequestStatusChanged",
    "request_changes",
]

_SUMMARIZED: Final = frozenset({"version", "binding", "proposals"})


@attrs.frozen(kw_only=True)
class RequestRegistered(DomainEvent):
    """A request came in; ``changes`` holds every field of it.

    ``duplicate_of`` names the earlier request from the same contact, when one was found.
    """

    name: ClassVar[str] = "request.registered"
    entity_type: ClassVar[str] = "request"
    action: ClassVar[str] = "created"

    duplicate_of: str | None = attrs.field(default=None, metadata=checks(optional(identifier)))


@attrs.frozen(kw_only=True)
class RequestChanged(DomainEvent):
    """Fields of a request changed (its responsible manager, say)."""

    name: ClassVar[str] = "request.changed"
    entity_type: ClassVar[str] = "request"
    action: ClassVar[str] = "changed"


@attrs.frozen(kw_only=True)
class RequestStatusChanged(DomainEvent):
    """A request moved along its lifecycle by ``step`` (take, qualify, reject, reopen)."""

    name: ClassVar[str] = "request.status_changed"
    entity_type: ClassVar[str] = "request"
    action: ClassVar[str] = "status_changed"

    step: str = attrs.field(default="move", metadata=checks(identifier))


@attrs.frozen(kw_only=True)
class RequestBound(DomainEvent):
    """A request was bound to a client card, by the duplicate check or by a person."""

    name: ClassVar[str] = "request.bound"
    entity_type: ClassVar[str] = "request"
    action: ClassVar[str] = "bound"


@attrs.frozen(kw_only=True)
class RequestBindingProposed(DomainEvent):
    """The duplicate check found clients the request may come from, for a person to choose."""

    name: ClassVar[str] = "request.binding_proposed"
    entity_type: ClassVar[str] = "request"
    action: ClassVar[str] = "binding_proposed"


@attrs.frozen(kw_only=True)
class RequestConverted(DomainEvent):
    """A request was converted: ``deal_id`` is the deal opened for it."""

    name: ClassVar[str] = "request.converted"
    entity_type: ClassVar[str] = "request"
    action: ClassVar[str] = "converted"

    deal_id: str = attrs.field(metadata=checks(identifier))


def _probability(value: float | None) -> str | None:
    return None if value is None else str(round(Decimal(value), 4))


def _binding_primitive(binding: Binding | None) -> object:
    if binding is None:
        return None
    return {
        "partner_id": binding.partner_id,
        "contact_person_id": binding.contact_person_id,
        "method": binding.method.value,
        "probability": _probability(binding.probability),
    }


def request_changes(old: Request | None, new: Request) -> dict[str, Change]:
    """:func:`~crmcore.events.changes_between` for requests: a binding and proposals appear
    as the clients and probabilities (as decimal text), without the field evidence."""
    changes = changes_between(old, new, ignore=_SUMMARIZED)
    before_binding = None if old is None else old.binding
    if old is None or before_binding != new.binding:
        old_form = _binding_primitive(before_binding)
        changes["binding"] = Change(old=old_form, new=_binding_primitive(new.binding))
    before = () if old is None else old.proposals
    if old is None or before != new.proposals:
        forms = [
            [[p.partner_id, p.contact_person_id, _probability(p.probability)] for p in proposals]
            for proposals in (before, new.proposals)
        ]
        changes["proposals"] = Change(old=forms[0], new=forms[1])
    return changes
