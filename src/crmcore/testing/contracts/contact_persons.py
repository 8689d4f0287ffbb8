"""The contract suite of :class:`~crmcore.partners.ContactPersonRepository`."""

from __future__ import annotations

from abc import ABC, abstractmethod
from datetime import date
from typing import Any

import attrs
import pytest

from crmcore.errors import (
    ConcurrencyConflictError,
    DomainValidationError,
    DuplicateEntityError,
    EntityNotFoundError,
)
from crmcore.ids import ContactPersonId, PartnerId
from crmcore.partners.contact_data import Email, Phone
from crmcore.partners.kinds import PhoneKind
from crmcore.partners.model import ContactPerson
from crmcore.partners.repository import ContactPersonRepository
from crmcore.testing.contracts._common import (
    CREATED_AT,
    PHONE_A,
    PHONE_B,
    PHONE_C,
    Contract,
    run_in_threads,
)

__all__ = ["ContactPersonRepositoryContract"]


class ContactPersonRepositoryContract(Contract, ABC):
    """The behaviour every :class:`~crmcore.partners.ContactPersonRepository` must show."""

    @abstractmethod
    def make_repository(self) -> ContactPersonRepository:
        """A new, empty repository."""

    def make_contact_person(
        self, contact_person_id: str = "c-1", partner_id: str = "p-1", **changes: Any
    ) -> ContactPerson:
        """A valid contact person of ``partner_id``; ``changes`` override fields."""
        person = ContactPerson(
            id=ContactPersonId(contact_person_id),
            partner_id=PartnerId(partner_id),
            name="Иван Петров",
            created_at=CREATED_AT,
        )
        return attrs.evolve(person, **changes)

    def make_full_contact_person(self, contact_person_id: str = "c-full") -> ContactPerson:
        """A valid contact person with every field set."""
        return self.make_contact_person(
            contact_person_id,
            name="Ольга Сергеевна Смирнова",
            position="Главный бухгалтер",
            phones=(Phone(number=PHONE_B, kind=PhoneKind.MOBILE), Phone(number=PHONE_A)),
            emails=(Email(address="Olga@romashka.ru"),),
            region="Приморский край",
            time_zone="Asia/Vladivostok",
            notes="Звонить после 10:00 по Владивостоку",
            custom={"birthday": date(1985, 3, 8), "languages": 2},
            version=2,
        )

    def test_get_returns_an_equal_contact_person(self) -> None:
        repository = self.make_repository()
        person = self.make_full_contact_person()
        repository.add(person)
        assert repository.get(person.id) == person

    def test_get_of_an_unknown_id_raises_not_found(self) -> None:
        repository = self.make_repository()
        with pytest.raises(EntityNotFoundError) as raised:
            repository.get(ContactPersonId("c-404"))
        assert (raised.value.entity_type, raised.value.entity_id) == ("contact_person", "c-404")

    def test_add_of_a_taken_id_raises_and_keeps_the_first(self) -> None:
        repository = self.make_repository()
        first = self.make_contact_person("c-1", "p-1")
        repository.add(first)
        second = self.make_contact_person("c-1", "p-2", phones=(Phone(number=PHONE_A),))
        with pytest.raises(DuplicateEntityError) as raised:
            repository.add(second)
        assert (raised.value.entity_id, raised.value.key) == ("c-1", "id")
        assert repository.get(ContactPersonId("c-1")) == first
        assert repository.of_partner(PartnerId("p-2")) == []
        assert repository.find_by_phone(PHONE_A) == []

    def test_save_stores_the_new_version(self) -> None:
        repository = self.make_repository()
        person = self.make_full_contact_person()
        repository.add(person)
        changed = attrs.evolve(person, position="Финансовый директор", version=3)
        repository.save(changed, expected_version=2)
        assert repository.get(person.id) == changed

    def test_save_at_a_stale_expected_version_raises_conflict(self) -> None:
        repository = self.make_repository()
        repository.add(self.make_contact_person("c-1"))
        current = self.make_contact_person("c-1", position="Директор", version=2)
        repository.save(current, expected_version=1)
        stale = self.make_contact_person("c-1", emails=(Email(address="x@romashka.ru"),), version=2)
        with pytest.raises(ConcurrencyConflictError) as raised:
            repository.save(stale, expected_version=1)
        assert (raised.value.expected_version, raised.value.actual_version) == (1, 2)
        assert repository.get(ContactPersonId("c-1")) == current
        assert repository.find_by_email("x@romashka.ru") == []

    def test_save_without_a_version_bump_is_rejected(self) -> None:
        repository = self.make_repository()
        person = self.make_contact_person("c-1")
        repository.add(person)
        with pytest.raises(DomainValidationError) as raised:
            repository.save(attrs.evolve(person, position="Директор"), expected_version=1)
        assert raised.value.field == "version"
        assert repository.get(ContactPersonId("c-1")) == person

    def test_save_of_an_unknown_contact_person_raises_not_found(self) -> None:
        repository = self.make_repository()
        with pytest.raises(EntityNotFoundError):
            repository.save(self.make_contact_person("c-1", version=2), expected_version=1)
        assert repository.of_partner(PartnerId("p-1")) == []

    def test_of_partner_lists_the_partners_persons_ordered_by_id(self) -> None:
        repository = self.make_repository()
        for person_id, partner_id in [("c-3", "p-1"), ("c-1", "p-1"), ("c-2", "p-2")]:
            repository.add(self.make_contact_person(person_id, partner_id))
        assert [c.id for c in repository.of_partner(PartnerId("p-1"))] == ["c-1", "c-3"]
        assert [c.id for c in repository.of_partner(PartnerId("p-2"))] == ["c-2"]
        assert repository.of_partner(PartnerId("p-3")) == []

    def test_iterate_lists_every_person_ordered_by_id(self) -> None:
        repository = self.make_repository()
        assert list(repository.iterate()) == []
        for person_id, partner_id in [("c-3", "p-1"), ("c-1", "p-2"), ("c-2", "p-1")]:
            repository.add(self.make_contact_person(person_id, partner_id))
        assert [c.id for c in repository.iterate()] == ["c-1", "c-2", "c-3"]

    def test_find_by_phone_and_email_order_by_id_and_email_ignores_case(self) -> None:
        repository = self.make_repository()
        shared_phone = (Phone(number=PHONE_A),)
        repository.add(
            self.make_contact_person(
                "c-2", phones=shared_phone, emails=(Email(address="Ольга@почта.рф"),)
            )
        )
        repository.add(
            self.make_contact_person(
                "c-1", phones=shared_phone, emails=(Email(address="ОЛЬГА@почта.рф"),)
            )
        )
        repository.add(self.make_contact_person("c-3", phones=(Phone(number=PHONE_B),)))
        assert [c.id for c in repository.find_by_phone(PHONE_A)] == ["c-1", "c-2"]
        assert [c.id for c in repository.find_by_email("ольга@ПОЧТА.РФ")] == ["c-1", "c-2"]
        assert repository.find_by_phone(PHONE_C) == []
        assert repository.find_by_email("olga@pochta.rf") == []

    def test_save_moves_every_index_key(self) -> None:
        repository = self.make_repository()
        old = self.make_contact_person(
            "c-1", "p-1", phones=(Phone(number=PHONE_A),), emails=(Email(address="a@old.ru"),)
        )
        repository.add(old)
        new = attrs.evolve(
            old,
            partner_id=PartnerId("p-2"),
            phones=(Phone(number=PHONE_B),),
            emails=(Email(address="b@new.ru"),),
            version=2,
        )
        repository.save(new, expected_version=1)
        assert repository.of_partner(PartnerId("p-1")) == []
        assert repository.find_by_phone(PHONE_A) == []
        assert repository.find_by_email("a@old.ru") == []
        assert repository.of_partner(PartnerId("p-2")) == [new]
        assert repository.find_by_phone(PHONE_B) == [new]
        assert repository.find_by_email("B@NEW.RU") == [new]

    def test_concurrent_adds_of_distinct_ids_keep_them_all(self) -> None:
        self.require_concurrency()
        repository = self.make_repository()

        def worker(number: int) -> None:
            for item in range(5):
                repository.add(self.make_contact_person(f"c-{number}-{item}", "p-1"))

        run_in_threads(worker, count=self.thread_count)
        assert len(repository.of_partner(PartnerId("p-1"))) == 5 * self.thread_count
