"""The reference in-memory repositories pass the contract suites."""

from __future__ import annotations

from crmcore.memory import (
    MemoryContactPersonRepository,
    MemoryPartnerRepository,
    MemoryRelationshipRepository,
)
from crmcore.partners import ContactPersonRepository, PartnerRepository, RelationshipRepository
from crmcore.testing.contracts import (
    ContactPersonRepositoryContract,
    PartnerRepositoryContract,
    RelationshipRepositoryContract,
)


class TestMemoryPartnerRepository(PartnerRepositoryContract):
    def make_repository(self) -> PartnerRepository:
        return MemoryPartnerRepository()


class TestMemoryContactPersonRepository(ContactPersonRepositoryContract):
    def make_repository(self) -> ContactPersonRepository:
        return MemoryContactPersonRepository()


class TestMemoryRelationshipRepository(RelationshipRepositoryContract):
    def make_repository(self) -> RelationshipRepository:
        return MemoryRelationshipRepository()
