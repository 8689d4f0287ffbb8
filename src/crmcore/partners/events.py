"""Events of the partners area."""

from __future__ import annotations

from typing import ClassVar

import attrs

from crmcore.events import DomainEvent

__all__ = [
    "ContactPersonAdded",
    "ContactPersonChanged",
    "PartnerChanged",
    "PartnerRegistered",
    "RelationshipLinked",
    "RelationshipUnlinked",
]


@attrs.frozen(kw_only=True)
class PartnerRegistered(DomainEvent):
    """A partner was created; ``changes`` holds every field of it.

    ``duplicate_check_overridden`` is true when a person registered it although the duplicate
    check had found candidates.
    """

    name: ClassVar[str] = "partner.registered"
    entity_type: ClassVar[str] = "partner"
    action: ClassVar[str] = "created"

    duplicate_check_overridden: bool = False


@attrs.frozen(kw_only=True)
class PartnerChanged(DomainEvent):
    """Fields of a partner changed; ``changes`` holds old and new values of each."""

    name: ClassVar[str] = "partner.changed"
    entity_type: ClassVar[str] = "partner"
    action: ClassVar[str] = "changed"


@attrs.frozen(kw_only=True)
class ContactPersonAdded(DomainEvent):
    """A contact person was added to a partner."""

    name: ClassVar[str] = "contact_person.added"
    entity_type: ClassVar[str] = "contact_person"
    action: ClassVar[str] = "created"


@attrs.frozen(kw_only=True)
class ContactPersonChanged(DomainEvent):
    """Fields of a contact person changed."""

    name: ClassVar[str] = "contact_person.changed"
    entity_type: ClassVar[str] = "contact_person"
    action: ClassVar[str] = "changed"


@attrs.frozen(kw_only=True)
class RelationshipLinked(DomainEvent):
    """Two partners or two contact persons were linked."""

    name: ClassVar[str] = "relationship.linked"
    entity_type: ClassVar[str] = "relationship"
    action: ClassVar[str] = "created"


@attrs.frozen(kw_only=True)
class RelationshipUnlinked(DomainEvent):
    """A link between two partners or two contact persons was removed."""

    name: ClassVar[str] = "relationship.unlinked"
    entity_type: ClassVar[str] = "relationship"
    action: ClassVar[str] = "deleted"
