"""The reference in-memory repositories pass the contract suites."""

from __future__ import annotations

import doctest

import crmcore.memory.partners
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


def test_the_docstring_examples_hold() -> None:
    results = doctest.testmod(crmcore.memory.partners)
    assert results.failed == 0
    assert results.attempted > 0


def test_iterate_is_a_snapshot_that_later_adds_do_not_change() -> None:
    repository = MemoryPartnerRepository()
    sample = TestMemoryPartnerRepository()
    repository.add(sample.make_partner("p-1"))
    iterator = repository.iterate()
    repository.add(sample.make_partner("p-2"))
    assert [partner.id for partner in iterator] == ["p-1"]
