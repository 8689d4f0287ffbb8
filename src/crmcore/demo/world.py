"""The shared world of the demo's chapters and its text table."""

from __future__ import annotations

import attrs

from crmcore.events import DomainEvent
from crmcore.memory import (
    MemoryContactPersonRepository,
    MemoryPartnerRepository,
    MemoryRelationshipRepository,
)
from crmcore.tables import text_table as table

__all__ = ["World", "table"]


@attrs.define
class World:
    """The partners' repositories every chapter reads, and the events published so far.

    Chapters of other areas keep their own repositories and read the partners from here.
    """

    partners: MemoryPartnerRepository = attrs.field(factory=MemoryPartnerRepository)
    contacts: MemoryContactPersonRepository = attrs.field(factory=MemoryContactPersonRepository)
    relationships: MemoryRelationshipRepository = attrs.field(factory=MemoryRelationshipRepository)
    events: list[DomainEvent] = attrs.field(factory=list)
