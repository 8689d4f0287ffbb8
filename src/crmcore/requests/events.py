"""Events of the requests area."""

from __future__ import annotations

from typing import ClassVar

import attrs

from crmcore.events import DomainEvent
from crmcore.validation import checks, identifier, optional

__all__ = [
    "RequestBindingProposed",
    "RequestBound",
    "RequestChanged",
    "RequestConverted",
    "RequestRegistered",
    "RequestStatusChanged",
]


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
