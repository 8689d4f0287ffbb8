"""The contract suite of :class:`~crmcore.partners.PartnerChangeLog`, the sequence of
changes the partner and contact person repositories write."""

from __future__ import annotations

from abc import ABC, abstractmethod

import attrs
import pytest

from crmcore.errors import ConcurrencyConflictError, DomainValidationError, DuplicateEntityError
from crmcore.ids import ContactPersonId, PartnerId
from crmcore.partners.kinds import PartnerKind, PartnerRole
from crmcore.partners.model import ContactPerson, Partner
from crmcore.partners.repository import (
    ContactPersonRepository,
    PartnerChangeLog,
    PartnerRepository,
)
from crmcore.testing.contracts._common import CREATED_AT, Contract

__all__ = ["PartnerChangeLogContract"]


@attrs.frozen(kw_only=True)
class LoggedRepositories:
    """A partner and a contact person repository writing to one change log."""

    partners: PartnerRepository
    contact_persons: ContactPersonRepository
    changes: PartnerChangeLog


class PartnerChangeLogContract(Contract, ABC):
    """The behaviour every :class:`~crmcore.partners.PartnerChangeLog` must show, with the
    repositories that write it."""

    @abstractmethod
    def make_logged(self) -> LoggedRepositories:
        """New, empty repositories sharing one new change log."""

    def make_partner(self, partner_id: str = "p-1") -> Partner:
        """A valid partner."""
        return Partner(
            id=PartnerId(partner_id),
            kind=PartnerKind.LEGAL_ENTITY,
            roles=frozenset({PartnerRole.CLIENT}),
            short_name="Ромашка",
            created_at=CREATED_AT,
        )

    def make_contact_person(self, person_id: str = "c-1") -> ContactPerson:
        """A valid contact person of partner ``p-1``."""
        return ContactPerson(
            id=ContactPersonId(person_id),
            partner_id=PartnerId("p-1"),
            name="Иван Петров",
            created_at=CREATED_AT,
        )

    def test_a_new_log_is_empty(self) -> None:
        logged = self.make_logged()
        assert logged.changes.latest() == 0
        assert logged.changes.since(0) == []

    def test_every_add_is_logged_in_order_of_writing(self) -> None:
        logged = self.make_logged()
        logged.partners.add(self.make_partner())
        logged.contact_persons.add(self.make_contact_person())
        logged.partners.add(self.make_partner("p-2"))
        found = logged.changes.since(0)
        assert [(c.kind, c.record_id) for c in found] == [
            ("partner", "p-1"),
            ("contact_person", "c-1"),
            ("partner", "p-2"),
        ]
        numbers = [c.sequence for c in found]
        assert numbers == sorted(set(numbers))
        assert numbers[0] > 0
        assert logged.changes.latest() == numbers[-1]

    def test_a_saved_record_moves_to_the_end_and_is_listed_once(self) -> None:
        logged = self.make_logged()
        first, person = self.make_partner(), self.make_contact_person()
        logged.partners.add(first)
        logged.partners.add(self.make_partner("p-2"))
        logged.contact_persons.add(person)
        seen = logged.changes.latest()
        logged.partners.save(attrs.evolve(first, version=2), expected_version=1)
        logged.contact_persons.save(attrs.evolve(person, version=2), expected_version=1)
        found = logged.changes.since(0)
        assert [c.record_id for c in found] == ["p-2", "p-1", "c-1"]
        assert [c.version for c in found] == [1, 2, 2]
        assert [c.record_id for c in logged.changes.since(seen)] == ["p-1", "c-1"]
        assert logged.changes.since(logged.changes.latest()) == []

    def test_a_refused_write_logs_nothing(self) -> None:
        logged = self.make_logged()
        partner = self.make_partner()
        logged.partners.add(partner)
        before = logged.changes.since(0)
        with pytest.raises(ConcurrencyConflictError):
            logged.partners.save(attrs.evolve(partner, version=3), expected_version=2)
        with pytest.raises(DuplicateEntityError):
            logged.partners.add(partner)
        person = self.make_contact_person()
        logged.contact_persons.add(person)
        with pytest.raises(ConcurrencyConflictError):
            logged.contact_persons.save(attrs.evolve(person, version=3), expected_version=2)
        after = logged.changes.since(0)
        assert after[0] == before[0]
        assert [c.record_id for c in after] == ["p-1", "c-1"]

    def test_limit_keeps_the_first_changes_and_refuses_a_negative_one(self) -> None:
        logged = self.make_logged()
        for number in range(3):
            logged.partners.add(self.make_partner(f"p-{number}"))
        assert [c.record_id for c in logged.changes.since(0, limit=2)] == ["p-0", "p-1"]
        assert logged.changes.since(0, limit=0) == []
        with pytest.raises(DomainValidationError):
            logged.changes.since(0, limit=-1)
