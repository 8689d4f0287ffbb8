"""The contract suite of :class:`~crmcore.partners.PartnerRepository`."""

from __future__ import annotations

from abc import ABC, abstractmethod
from datetime import date
from decimal import Decimal
from typing import Any

import attrs
import pytest

from crmcore.errors import (
    ConcurrencyConflictError,
    DomainValidationError,
    DuplicateEntityError,
    EntityNotFoundError,
)
from crmcore.ids import EntityRef, PartnerId, UserId
from crmcore.money import Money
from crmcore.partners.contact_data import Address, BankAccount, Email, Phone
from crmcore.partners.kinds import EmailKind, PartnerKind, PartnerRole, PhoneKind
from crmcore.partners.model import LegalData, Partner
from crmcore.partners.repository import PartnerRepository
from crmcore.testing.contracts._common import (
    CREATED_AT,
    INN_A,
    INN_B,
    INN_C,
    KPP_A,
    KPP_B,
    PHONE_A,
    PHONE_B,
    PHONE_C,
    Contract,
    run_in_threads,
)

__all__ = ["PartnerRepositoryContract"]


class PartnerRepositoryContract(Contract, ABC):
    """The behaviour every :class:`~crmcore.partners.PartnerRepository` must show."""

    @abstractmethod
    def make_repository(self) -> PartnerRepository:
        """A new, empty repository."""

    def make_partner(self, partner_id: str = "p-1", **changes: Any) -> Partner:
        """A valid partner with few fields set; ``changes`` override fields."""
        partner = Partner(
            id=PartnerId(partner_id),
            kind=PartnerKind.LEGAL_ENTITY,
            roles=frozenset({PartnerRole.CLIENT}),
            short_name="Ромашка",
            created_at=CREATED_AT,
        )
        return attrs.evolve(partner, **changes)

    def make_full_partner(self, partner_id: str = "p-full") -> Partner:
        """A valid partner with every field set, to check that nothing is lost in storage."""
        return self.make_partner(
            partner_id,
            roles=frozenset({PartnerRole.CLIENT, PartnerRole.DEALER}),
            short_name="Ромашка",
            full_name='ООО "Ромашка"',
            legal=LegalData(tax_id=INN_A, kpp=KPP_A, registration_number="1027700132195"),
            addresses=(Address(text="Москва, ул. Тверская, 1", country="RU", city="Москва"),),
            phones=(
                Phone(number=PHONE_A, extension="123"),
                Phone(number=PHONE_C, kind=PhoneKind.MOBILE),
            ),
            emails=(
                Email(address="Info@romashka.ru"),
                Email(address="buh@romashka.ru", kind=EmailKind.BILLING),
            ),
            bank_accounts=(
                BankAccount(
                    account_number="40702810200000000001", bank_name="Банк", bic="044525225"
                ),
            ),
            responsible_manager=UserId("u-7"),
            segment="A",
            region="Москва",
            time_zone="Europe/Moscow",
            notes="Первая строка\nвторая строка",
            custom={
                "employees": 120,
                "vip": True,
                "brand": "Audi",
                "rating": Decimal("4.50"),
                "credit_limit": Money.of("1500.00", "RUB"),
                "founded": date(1998, 5, 1),
                "parent": EntityRef(entity_type="partner", entity_id="p-9"),
            },
            version=3,
        )

    def with_legal(self, partner_id: str, tax_id: str, kpp: str | None = None) -> Partner:
        """A partner with this tax id and KPP."""
        return self.make_partner(partner_id, legal=LegalData(tax_id=tax_id, kpp=kpp))

    def test_get_returns_an_equal_partner(self) -> None:
        repository = self.make_repository()
        partner = self.make_full_partner()
        repository.add(partner)
        assert repository.get(partner.id) == partner

    def test_get_of_an_unknown_id_raises_not_found(self) -> None:
        repository = self.make_repository()
        repository.add(self.make_partner("p-1"))
        with pytest.raises(EntityNotFoundError) as raised:
            repository.get(PartnerId("p-2"))
        assert (raised.value.entity_type, raised.value.entity_id) == ("partner", "p-2")

    def test_add_of_a_taken_id_raises_and_keeps_the_first(self) -> None:
        repository = self.make_repository()
        first = self.make_partner("p-1", phones=(Phone(number=PHONE_A),))
        repository.add(first)
        with pytest.raises(DuplicateEntityError) as raised:
            repository.add(
                self.make_partner("p-1", short_name="Другой", phones=(Phone(number=PHONE_B),))
            )
        assert (raised.value.entity_id, raised.value.key) == ("p-1", "id")
        assert repository.get(PartnerId("p-1")) == first
        assert repository.find_by_phone(PHONE_B) == []
        assert repository.find_by_name_prefix("Друг") == []
        assert repository.count() == 1

    def test_save_stores_the_new_version(self) -> None:
        repository = self.make_repository()
        partner = self.make_full_partner()
        repository.add(partner)
        changed = attrs.evolve(partner, notes="Перезвонить", version=partner.version + 1)
        repository.save(changed, expected_version=partner.version)
        assert repository.get(partner.id) == changed
        assert repository.count() == 1

    def test_save_may_move_the_version_by_more_than_one(self) -> None:
        repository = self.make_repository()
        repository.add(self.make_partner("p-1"))
        changed = self.make_partner("p-1", segment="B", version=4)
        repository.save(changed, expected_version=1)
        assert repository.get(PartnerId("p-1")) == changed

    @pytest.mark.parametrize("expected_version", [0, 2, 5])
    def test_save_at_a_wrong_expected_version_raises_conflict(self, expected_version: int) -> None:
        repository = self.make_repository()
        stored = self.make_partner("p-1", version=2)
        repository.add(stored)
        changed = self.make_partner("p-1", phones=(Phone(number=PHONE_B),), version=9)
        if expected_version == 2:
            repository.save(self.make_partner("p-1", version=3), expected_version=2)
            stored = repository.get(PartnerId("p-1"))
        with pytest.raises(ConcurrencyConflictError) as raised:
            repository.save(changed, expected_version=expected_version)
        error = raised.value
        assert (error.entity_type, error.entity_id) == ("partner", "p-1")
        assert (error.expected_version, error.actual_version) == (expected_version, stored.version)
        assert repository.get(PartnerId("p-1")) == stored
        assert repository.find_by_phone(PHONE_B) == []

    @pytest.mark.parametrize("version", [1, 2])
    def test_save_without_a_version_bump_is_rejected(self, version: int) -> None:
        repository = self.make_repository()
        stored = self.make_partner("p-1", version=2)
        repository.add(stored)
        with pytest.raises(DomainValidationError) as raised:
            repository.save(
                self.make_partner("p-1", segment="B", version=version), expected_version=2
            )
        assert raised.value.field == "version"
        assert repository.get(PartnerId("p-1")) == stored

    def test_save_of_an_unknown_partner_raises_not_found(self) -> None:
        repository = self.make_repository()
        repository.add(self.make_partner("p-1"))
        with pytest.raises(EntityNotFoundError) as raised:
            repository.save(self.make_partner("p-2", version=2), expected_version=1)
        assert raised.value.entity_id == "p-2"
        assert [p.id for p in repository.iterate()] == ["p-1"]

    def test_find_by_tax_id_filters_by_kpp_and_orders_by_id(self) -> None:
        repository = self.make_repository()
        for partner in (
            self.with_legal("p-3", INN_A, KPP_B),
            self.with_legal("p-1", INN_A, KPP_A),
            self.with_legal("p-2", INN_A),
            self.with_legal("p-4", INN_B, KPP_A),
            self.make_partner("p-5"),
        ):
            repository.add(partner)
        assert [p.id for p in repository.find_by_tax_id(INN_A)] == ["p-1", "p-2", "p-3"]
        assert [p.id for p in repository.find_by_tax_id(INN_A, kpp=KPP_A)] == ["p-1"]
        assert [p.id for p in repository.find_by_tax_id(INN_B, kpp=KPP_B)] == []
        assert repository.find_by_tax_id(INN_C) == []

    def test_find_by_phone_orders_by_id(self) -> None:
        repository = self.make_repository()
        repository.add(self.make_partner("p-2", phones=(Phone(number=PHONE_A),)))
        repository.add(
            self.make_partner("p-1", phones=(Phone(number=PHONE_B), Phone(number=PHONE_A)))
        )
        repository.add(self.make_partner("p-3", phones=(Phone(number=PHONE_C),)))
        assert [p.id for p in repository.find_by_phone(PHONE_A)] == ["p-1", "p-2"]
        assert [p.id for p in repository.find_by_phone(PHONE_B)] == ["p-1"]
        assert repository.find_by_phone("+78123456789") == []

    def test_find_by_email_ignores_case_also_in_cyrillic(self) -> None:
        repository = self.make_repository()
        repository.add(self.make_partner("p-2", emails=(Email(address="Иван.Петров@почта.рф"),)))
        repository.add(self.make_partner("p-1", emails=(Email(address="иван.петров@почта.рф"),)))
        repository.add(self.make_partner("p-3", emails=(Email(address="info@romashka.ru"),)))
        found = repository.find_by_email("ИВАН.ПЕТРОВ@ПОЧТА.РФ")
        assert [p.id for p in found] == ["p-1", "p-2"]
        assert [p.id for p in repository.find_by_email("INFO@Romashka.RU")] == ["p-3"]
        assert repository.find_by_email("info@romashka.com") == []

    def test_find_by_name_prefix_ignores_case_and_searches_full_names(self) -> None:
        repository = self.make_repository()
        repository.add(self.make_partner("p-1", short_name="Ромашка"))
        repository.add(self.make_partner("p-2", short_name="Лютик", full_name="РОМАШКА-ЮГ ООО"))
        repository.add(self.make_partner("p-3", short_name="Straße GmbH"))
        repository.add(self.make_partner("p-4", short_name="Роза"))
        assert [p.id for p in repository.find_by_name_prefix("ромаш")] == ["p-2", "p-1"]
        assert [p.id for p in repository.find_by_name_prefix("РО")] == ["p-2", "p-4", "p-1"]
        assert [p.id for p in repository.find_by_name_prefix("STRASSE")] == ["p-3"]
        assert repository.find_by_name_prefix("омашка") == []

    def test_find_by_name_prefix_orders_by_folded_short_name_then_id(self) -> None:
        repository = self.make_repository()
        for partner_id, name in [
            ("p-4", "альфа"),
            ("p-2", "Бета"),
            ("p-3", "АЛЬФА"),
            ("p-1", "Альфа-2"),
            ("p-5", "Zeta"),
        ]:
            repository.add(self.make_partner(partner_id, short_name=name))
        # Code point order, as Python compares strings: Latin before Cyrillic.
        found = repository.find_by_name_prefix("")
        assert [p.id for p in found] == ["p-5", "p-3", "p-4", "p-1", "p-2"]

    def test_find_by_name_prefix_stops_at_the_limit(self) -> None:
        repository = self.make_repository()
        for number in range(1, 61):
            repository.add(self.make_partner(f"p-{number:02}", short_name=f"Альфа {number:02}"))
        assert len(repository.find_by_name_prefix("альфа")) == 50
        assert [p.id for p in repository.find_by_name_prefix("альфа", limit=3)] == [
            "p-01",
            "p-02",
            "p-03",
        ]
        assert repository.find_by_name_prefix("альфа", limit=0) == []
        with pytest.raises(DomainValidationError) as raised:
            repository.find_by_name_prefix("альфа", limit=-1)
        assert raised.value.field == "limit"

    def test_save_moves_every_index_key(self) -> None:
        repository = self.make_repository()
        old = self.make_partner(
            "p-1",
            short_name="Ромашка",
            legal=LegalData(tax_id=INN_A, kpp=KPP_A),
            phones=(Phone(number=PHONE_A),),
            emails=(Email(address="old@romashka.ru"),),
        )
        repository.add(old)
        new = attrs.evolve(
            old,
            short_name="Лютик",
            legal=LegalData(tax_id=INN_B, kpp=KPP_B),
            phones=(Phone(number=PHONE_B),),
            emails=(Email(address="new@lutik.ru"),),
            version=2,
        )
        repository.save(new, expected_version=1)
        assert repository.find_by_tax_id(INN_A) == []
        assert repository.find_by_phone(PHONE_A) == []
        assert repository.find_by_email("old@romashka.ru") == []
        assert repository.find_by_name_prefix("Ром") == []
        assert repository.find_by_tax_id(INN_B, kpp=KPP_B) == [new]
        assert repository.find_by_phone(PHONE_B) == [new]
        assert repository.find_by_email("NEW@lutik.ru") == [new]
        assert repository.find_by_name_prefix("лют") == [new]

    def test_save_that_drops_legal_data_and_contacts_unindexes_them(self) -> None:
        repository = self.make_repository()
        old = self.make_full_partner("p-1")
        repository.add(old)
        repository.save(self.make_partner("p-1", short_name="Лютик", version=4), expected_version=3)
        assert repository.find_by_tax_id(INN_A) == []
        assert repository.find_by_phone(PHONE_A) == []
        assert repository.find_by_email("info@romashka.ru") == []
        assert repository.find_by_name_prefix('ООО "Ром') == []

    def test_iterate_and_count_see_every_partner_ordered_by_id(self) -> None:
        repository = self.make_repository()
        assert list(repository.iterate()) == []
        assert repository.count() == 0
        for partner_id in ("p-9", "p-10", "P-2", "p-1"):
            repository.add(self.make_partner(partner_id))
        # Ids compare by code point: no case-insensitive or natural collation.
        assert [p.id for p in repository.iterate()] == ["P-2", "p-1", "p-10", "p-9"]
        assert repository.count() == 4

    def test_concurrent_readers_never_see_a_half_saved_partner(self) -> None:
        self.require_concurrency()
        repository = self.make_repository()
        phones = {PHONE_A: (Phone(number=PHONE_A),), PHONE_B: (Phone(number=PHONE_B),)}
        repository.add(self.make_partner("p-1", phones=phones[PHONE_A]))
        seen: list[Partner] = []

        def worker(number: int) -> None:
            for round_number in range(20):
                if number % 2:
                    current = PHONE_B if round_number % 2 else PHONE_A
                    _save_with_retry(repository, PartnerId("p-1"), phones=phones[current])
                else:
                    for key, expected in phones.items():
                        found = repository.find_by_phone(key)
                        seen.extend(found)
                        assert all(p.phones == expected for p in found)

        run_in_threads(worker, count=self.thread_count)
        assert seen

    def test_concurrent_saves_lose_no_update(self) -> None:
        self.require_concurrency()
        repository = self.make_repository()
        repository.add(self.make_partner("p-1"))
        rounds = 5

        def worker(number: int) -> None:
            for _ in range(rounds):
                _save_with_retry(repository, PartnerId("p-1"), notes=f"поток {number}")

        run_in_threads(worker, count=self.thread_count)
        assert repository.get(PartnerId("p-1")).version == 1 + rounds * self.thread_count

    def test_concurrent_adds_of_one_id_store_it_once(self) -> None:
        self.require_concurrency()
        repository = self.make_repository()
        added: list[int] = []

        def worker(number: int) -> None:
            try:
                repository.add(self.make_partner("p-1", short_name=f"Поток {number}"))
            except DuplicateEntityError:
                return
            added.append(number)

        run_in_threads(worker, count=self.thread_count)
        assert len(added) == 1
        assert repository.get(PartnerId("p-1")).short_name == f"Поток {added[0]}"
        assert [p.id for p in repository.find_by_name_prefix("поток")] == ["p-1"]


def _save_with_retry(repository: PartnerRepository, partner_id: PartnerId, **changes: Any) -> None:
    """Read, change and save a partner until no one else saved it in between."""
    while True:
        partner = repository.get(partner_id)
        changed = attrs.evolve(partner, **changes, version=partner.version + 1)
        try:
            repository.save(changed, expected_version=partner.version)
        except ConcurrencyConflictError:
            continue
        return
