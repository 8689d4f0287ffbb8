"""The contract suite of :class:`~crmcore.partners.RelationshipRepository`."""

from __future__ import annotations

from abc import ABC, abstractmethod
from datetime import date
from typing import Any

import attrs
import pytest

from crmcore.errors import DuplicateEntityError, EntityNotFoundError
from crmcore.ids import EntityRef, RelationshipId
from crmcore.partners.kinds import RelationshipKind
from crmcore.partners.model import Relationship
from crmcore.partners.repository import RelationshipRepository
from crmcore.testing.contracts._common import CREATED_AT, Contract, run_in_threads

__all__ = ["RelationshipRepositoryContract"]


class RelationshipRepositoryContract(Contract, ABC):
    """The behaviour every :class:`~crmcore.partners.RelationshipRepository` must show."""

    @abstractmethod
    def make_repository(self) -> RelationshipRepository:
        """A new, empty repository."""

    def make_relationship(
        self,
        relationship_id: str,
        kind: RelationshipKind,
        source: str,
        target: str,
        **changes: Any,
    ) -> Relationship:
        """A valid relationship ``source kind target`` between two entities of the kind's
        type; ``changes`` override fields."""
        relationship = Relationship(
            id=RelationshipId(relationship_id),
            kind=kind,
            source=EntityRef(entity_type=kind.between, entity_id=source),
            target=EntityRef(entity_type=kind.between, entity_id=target),
            created_at=CREATED_AT,
        )
        return attrs.evolve(relationship, **changes)

    def test_get_returns_an_equal_relationship(self) -> None:
        repository = self.make_repository()
        link = self.make_relationship(
            "r-1",
            RelationshipKind.PARENT_COMPANY_OF,
            "p-1",
            "p-2",
            since=date(2020, 2, 29),
            note="Холдинг «Цветы»",
        )
        repository.add(link)
        assert repository.get(link.id) == link

    def test_get_of_an_unknown_id_raises_not_found(self) -> None:
        repository = self.make_repository()
        with pytest.raises(EntityNotFoundError) as raised:
            repository.get(RelationshipId("r-404"))
        assert (raised.value.entity_type, raised.value.entity_id) == ("relationship", "r-404")

    def test_add_of_a_taken_id_raises_and_keeps_the_first(self) -> None:
        repository = self.make_repository()
        first = self.make_relationship("r-1", RelationshipKind.DEALER_OF, "p-1", "p-2")
        repository.add(first)
        with pytest.raises(DuplicateEntityError) as raised:
            repository.add(self.make_relationship("r-1", RelationshipKind.KNOWS, "c-1", "c-2"))
        assert (raised.value.entity_id, raised.value.key) == ("r-1", "id")
        assert repository.get(RelationshipId("r-1")) == first
        assert repository.of(EntityRef(entity_type="contact_person", entity_id="c-1")) == []

    def test_add_of_the_same_kind_between_the_same_ends_raises(self) -> None:
        repository = self.make_repository()
        repository.add(self.make_relationship("r-1", RelationshipKind.DEALER_OF, "p-1", "p-2"))
        twin = self.make_relationship("r-2", RelationshipKind.DEALER_OF, "p-1", "p-2")
        with pytest.raises(DuplicateEntityError) as raised:
            repository.add(twin)
        # The error names the relationship that holds the ends, so it can be read or removed.
        assert (raised.value.key, raised.value.entity_id) == ("ends", "r-1")
        with pytest.raises(EntityNotFoundError):
            repository.get(RelationshipId("r-2"))

    def test_add_of_a_symmetric_kind_reversed_raises(self) -> None:
        repository = self.make_repository()
        repository.add(self.make_relationship("r-1", RelationshipKind.COMPETITOR_OF, "p-2", "p-1"))
        reversed_twin = self.make_relationship("r-2", RelationshipKind.COMPETITOR_OF, "p-1", "p-2")
        with pytest.raises(DuplicateEntityError) as raised:
            repository.add(reversed_twin)
        assert (raised.value.key, raised.value.entity_id) == ("ends", "r-1")
        assert [r.id for r in repository.of(reversed_twin.source)] == ["r-1"]

    def test_add_accepts_a_directed_kind_reversed_and_other_kinds(self) -> None:
        repository = self.make_repository()
        repository.add(self.make_relationship("r-1", RelationshipKind.SUPPLIER_OF, "p-1", "p-2"))
        repository.add(self.make_relationship("r-2", RelationshipKind.SUPPLIER_OF, "p-2", "p-1"))
        repository.add(self.make_relationship("r-3", RelationshipKind.PARTNER_OF, "p-1", "p-2"))
        ref = EntityRef(entity_type="partner", entity_id="p-1")
        assert [r.id for r in repository.of(ref)] == ["r-1", "r-2", "r-3"]

    def test_of_finds_both_ends_ordered_by_id(self) -> None:
        repository = self.make_repository()
        repository.add(self.make_relationship("r-3", RelationshipKind.KNOWS, "c-1", "c-2"))
        repository.add(self.make_relationship("r-1", RelationshipKind.REPORTS_TO, "c-3", "c-1"))
        repository.add(self.make_relationship("r-2", RelationshipKind.COLLEAGUE_OF, "c-2", "c-3"))
        repository.add(self.make_relationship("r-4", RelationshipKind.PARTNER_OF, "c-1", "c-2"))
        person = EntityRef(entity_type="contact_person", entity_id="c-1")
        partner = EntityRef(entity_type="partner", entity_id="c-1")
        assert [r.id for r in repository.of(person)] == ["r-1", "r-3"]
        assert [r.id for r in repository.of(partner)] == ["r-4"]
        assert repository.of(EntityRef(entity_type="contact_person", entity_id="c-9")) == []

    def test_remove_deletes_and_frees_the_ends(self) -> None:
        repository = self.make_repository()
        link = self.make_relationship("r-1", RelationshipKind.RELATIVE_OF, "c-1", "c-2")
        repository.add(link)
        repository.add(self.make_relationship("r-2", RelationshipKind.KNOWS, "c-1", "c-2"))
        repository.remove(link.id)
        with pytest.raises(EntityNotFoundError):
            repository.get(link.id)
        assert [r.id for r in repository.of(link.source)] == ["r-2"]
        assert [r.id for r in repository.of(link.target)] == ["r-2"]
        again = self.make_relationship("r-3", RelationshipKind.RELATIVE_OF, "c-2", "c-1")
        repository.add(again)
        assert repository.get(again.id) == again

    def test_remove_of_an_unknown_id_raises_not_found(self) -> None:
        repository = self.make_repository()
        link = self.make_relationship("r-1", RelationshipKind.KNOWS, "c-1", "c-2")
        repository.add(link)
        with pytest.raises(EntityNotFoundError) as raised:
            repository.remove(RelationshipId("r-2"))
        assert raised.value.entity_id == "r-2"
        assert repository.of(link.source) == [link]

    def test_concurrent_adds_of_the_same_ends_store_one(self) -> None:
        self.require_concurrency()
        repository = self.make_repository()
        added: list[int] = []

        def worker(number: int) -> None:
            link = self.make_relationship(f"r-{number}", RelationshipKind.KNOWS, "c-1", "c-2")
            try:
                repository.add(link)
            except DuplicateEntityError:
                return
            added.append(number)

        run_in_threads(worker, count=self.thread_count)
        ref = EntityRef(entity_type="contact_person", entity_id="c-2")
        assert [r.id for r in repository.of(ref)] == [f"r-{number}" for number in added]
        assert len(added) == 1
