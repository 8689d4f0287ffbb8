"""The reference rotation pointers and partner change log against their contracts, and the
undo of both when a unit of work fails."""

from __future__ import annotations

from collections.abc import Callable

import attrs
import pytest

from crmcore.app import Repositories
from crmcore.ids import UserId
from crmcore.memory import (
    MemoryContactPersonRepository,
    MemoryPartnerChangeLog,
    MemoryPartnerRepository,
    MemoryRotationPointers,
    MemoryStore,
)
from crmcore.rules import RotationPointers
from crmcore.testing.contracts import (
    LoggedRepositories,
    PartnerChangeLogContract,
    RotationPointersContract,
)


class TestMemoryRotationPointers(RotationPointersContract):
    def make_pointers(self) -> RotationPointers:
        return MemoryRotationPointers()


class TestMemoryPartnerChangeLog(PartnerChangeLogContract):
    def make_logged(self) -> LoggedRepositories:
        changes = MemoryPartnerChangeLog()
        return LoggedRepositories(
            partners=MemoryPartnerRepository(changes=changes),
            contact_persons=MemoryContactPersonRepository(changes=changes),
            changes=changes,
        )


def _write_then_fail(store: MemoryStore, write: Callable[[Repositories], None]) -> None:
    with store.unit_of_work() as repositories:
        write(repositories)
        raise RuntimeError("the command failed")


def test_a_failed_unit_of_work_takes_its_moves_and_changes_back() -> None:
    store = MemoryStore()
    contract = TestMemoryPartnerChangeLog()
    with store.unit_of_work() as repositories:
        assert repositories.rotation is not None
        repositories.rotation.move("sales", UserId("anna"), expected=None)
        repositories.partners.add(contract.make_partner("p-0"))

    def write(repositories: Repositories) -> None:
        assert repositories.rotation is not None
        repositories.rotation.move("sales", UserId("boris"), expected=UserId("anna"))
        repositories.rotation.move("support", UserId("vera"), expected=None)
        repositories.partners.add(contract.make_partner())
        repositories.contact_persons.add(contract.make_contact_person())

    with pytest.raises(RuntimeError):
        _write_then_fail(store, write)
    with store.unit_of_work() as repositories:
        assert repositories.rotation is not None
        assert repositories.partner_changes is not None
        assert dict(repositories.rotation.pointers()) == {"sales": "anna"}
        assert [c.record_id for c in repositories.partner_changes.since(0)] == ["p-0"]
        assert repositories.partner_changes.latest() == 1
        repositories.partners.add(contract.make_partner("p-2"))
        assert [c.sequence for c in repositories.partner_changes.since(0)] == [1, 2]


def test_a_failed_save_of_a_logged_record_restores_its_earlier_number() -> None:
    store = MemoryStore()
    contract = TestMemoryPartnerChangeLog()
    partner = contract.make_partner()
    with store.unit_of_work() as repositories:
        repositories.partners.add(partner)
        repositories.partners.add(contract.make_partner("p-2"))

    def write(repositories: Repositories) -> None:
        repositories.partners.save(attrs.evolve(partner, version=2), expected_version=1)

    with pytest.raises(RuntimeError):
        _write_then_fail(store, write)
    assert store.repositories.partner_changes is not None
    found = store.repositories.partner_changes.since(0)
    assert [(c.record_id, c.sequence) for c in found] == [("p-1", 1), ("p-2", 2)]
