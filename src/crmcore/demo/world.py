"""The shared world of the demo's chapters, the ledger a chapter keeps its entities in, and
its text table."""

from __future__ import annotations

from typing import Any, Generic, Protocol, TypeVar

import attrs

from crmcore.events import DomainEvent, Outcome
from crmcore.memory import (
    MemoryContactPersonRepository,
    MemoryPartnerRepository,
    MemoryRelationshipRepository,
)
from crmcore.tables import text_table as table

__all__ = ["Ledger", "World", "table"]


@attrs.define
class World:
    """The partners' repositories every chapter reads, and the events published so far.

    Chapters of other areas keep their own repositories and read the partners from here.
    """

    partners: MemoryPartnerRepository = attrs.field(factory=MemoryPartnerRepository)
    contacts: MemoryContactPersonRepository = attrs.field(factory=MemoryContactPersonRepository)
    relationships: MemoryRelationshipRepository = attrs.field(factory=MemoryRelationshipRepository)
    events: list[DomainEvent] = attrs.field(factory=list)


class _Versioned(Protocol):
    @property
    def version(self) -> int: ...


V = TypeVar("V", bound=_Versioned)


class _Repository(Protocol):
    def add(self, entity: Any, /) -> None: ...

    def save(self, entity: Any, /, *, expected_version: int) -> None: ...


R = TypeVar("R", bound=_Repository)


class Ledger(Generic[R]):
    """A chapter's own repository and the events its services returned."""

    def __init__(self, repository: R) -> None:
        self.repository = repository
        self.events: list[DomainEvent] = []

    def keep(self, outcome: Outcome[V]) -> V:
        """Store what a service returned, as a host does: a first version is added, a later
        one saved over the version before it; keep its events."""
        entity = outcome.entity
        if entity.version == 1:
            self.repository.add(entity)
        else:
            self.repository.save(entity, expected_version=entity.version - 1)
        self.events.extend(outcome.events)
        return entity
