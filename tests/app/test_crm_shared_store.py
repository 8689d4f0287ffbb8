"""Several CRM objects on one database, as the web workers of one host are: the round-robin
rotation and the duplicate indexes are the store's, so every process continues the same turn
and sees every process's partners as duplicates, on the memory store, an SQLite file and
PostgreSQL (named by ``CRMCORE_TEST_POSTGRES_URL``)."""

from __future__ import annotations

import sys
import threading
from collections import Counter
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import attrs
import pytest
from app_samples import NOW, romashka, rule, settings

from crmcore.app import CRM, Repositories, Store
from crmcore.app.commands import (
    AddContactPerson,
    EditContactPerson,
    EditPartner,
    OpenDeal,
    ReceiveWebForm,
    RegisterPartner,
)
from crmcore.deals import DealDraft
from crmcore.errors import EntityNotFoundError
from crmcore.ids import UserId
from crmcore.memory import MemoryStore
from crmcore.partners import ContactPersonDraft, Partner, PartnerDraft, PossibleDuplicates
from crmcore.rules import RotationPointers
from crmcore.sql import SqlStore
from crmcore.sql.metadata import metadata

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "sql"))
from sql_backends import postgres_url  # importable once the path is set

_ASSIGN = {
    "id": "assign", "name": "Requests to the sales team in turn",
    "trigger": {"entity": "request", "on": "created"},
    "then": [{"action": "assign_manager", "strategy": {"kind": "round_robin", "team": "sales"}}],
}  # fmt: skip


class _Database:
    """One database of a kind, and a new store on it for each CRM object (a process)."""

    def __init__(self, kind: str, folder: Path) -> None:
        self.kind = kind
        self.path = folder / "crm.db"
        self.memory = MemoryStore()
        self.opened: list[SqlStore] = []

    def store(self) -> Store:
        if self.kind == "memory":
            return self.memory
        if self.kind == "sqlite_file":
            store = SqlStore.sqlite(self.path)
        else:
            store = SqlStore.from_url(postgres_url(), upgrade=not self.opened)
            if not self.opened:
                with store.database.begin("empty the test database", write=True) as c:
                    for table in reversed(metadata.sorted_tables):
                        c.execute(table.delete())
        self.opened.append(store)
        return store

    def crm(self, store: Store | None = None, **changes: Any) -> CRM:
        return CRM(store or self.store(), settings=settings(**changes), rules=[rule(_ASSIGN)])

    def close(self) -> None:
        for store in self.opened:
            store.close()


@pytest.fixture(params=["memory", "sqlite_file", "postgres"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[_Database]:
    found = _Database(request.param, tmp_path)
    yield found
    found.close()


def _form(number: int, **changes: str) -> dict[str, str]:
    return {
        "name": f"Покупатель {number}",
        "company": f"Компания {number}",
        "phone": f"+7 912 000-{number // 100:02d}-{number % 100:02d}",
        "email": f"buyer{number}@example.org",
        "message": "Нужны ящики",
        **changes,
    }


def _assigned(crm: CRM, number: int) -> str:
    received = crm.execute(ReceiveWebForm(payload=_form(number)), actor="system", now=NOW)
    manager: str = crm.get("request", received.result.id).responsible_manager
    return manager


def test_two_crms_on_one_database_take_turns(database: _Database) -> None:
    first, second = database.crm(), database.crm()
    managers = [_assigned(crm, n) for n, crm in enumerate([first, second, first, second])]
    assert managers == ["anna", "boris", "anna", "boris"]


def test_a_new_crm_on_the_database_continues_the_turn(database: _Database) -> None:
    assert _assigned(database.crm(), 1) == "anna"
    restarted = database.crm()
    assert restarted.staff.rotation == {}, "nothing is read before a command"
    assert _assigned(restarted, 2) == "boris"
    assert restarted.staff.rotation == {"sales": "boris"}


def test_a_partner_registered_through_one_crm_is_a_duplicate_for_the_other(
    database: _Database,
) -> None:
    first, second = database.crm(), database.crm()
    second.execute(RegisterPartner(draft=romashka(short_name="Север", tax_id=None, kpp=None,
        phones=["+7 912 555-00-00"], emails=[])), actor="anna", now=NOW)  # fmt: skip
    partner = first.execute(RegisterPartner(draft=romashka()), actor="anna", now=NOW).result
    assert isinstance(partner, Partner)
    again = second.execute(RegisterPartner(draft=romashka()), actor="boris", now=NOW).result
    assert isinstance(again, PossibleDuplicates)
    assert [c.partner.id for c in again.candidates] == [partner.id]
    payload = _form(7, company="ООО «Ромашка»", phone="+7 495 123-45-67",
                    email="info@romashka.ru")  # fmt: skip
    request = second.execute(ReceiveWebForm(payload=payload), actor="system", now=NOW).result
    assert request.binding is not None
    assert request.binding.partner_id == partner.id


def test_a_partner_changed_through_one_crm_is_found_by_its_new_data_in_the_other(
    database: _Database,
) -> None:
    first, second = database.crm(), database.crm()
    partner = first.execute(RegisterPartner(draft=romashka()), actor="anna", now=NOW).result
    assert isinstance(second.execute(RegisterPartner(draft=romashka()), actor="boris",
                                     now=NOW).result, PossibleDuplicates)  # fmt: skip
    later = NOW + timedelta(hours=1)
    changes: dict[str, Any] = {
        "short_name": "ООО «Лютик»",
        "phones": [],
        "emails": [],
        "legal": None,
    }
    first.execute(EditPartner(partner_id=partner.id, changes=changes), actor="anna", now=later)
    draft = ContactPersonDraft(name="Ольга Смирнова", emails=["olga@lyutik.example"])
    person = first.execute(
        AddContactPerson(partner_id=partner.id, draft=draft), actor="anna", now=later
    ).result
    old = second.execute(RegisterPartner(draft=romashka()), actor="boris", now=later).result
    assert isinstance(old, Partner), "the old name, tax id and phone left the index"
    payload = _form(8, name="Ольга Смирнова", company="Лютик", email="olga@lyutik.example")
    request = second.execute(ReceiveWebForm(payload=payload), actor="system", now=later).result
    assert request.binding is not None
    assert request.binding.partner_id == partner.id
    assert request.binding.contact_person_id == person.id


def test_refresh_indexes_rebuilds_them_from_the_store(database: _Database) -> None:
    first, second = database.crm(), database.crm()
    partner = first.execute(RegisterPartner(draft=romashka()), actor="anna", now=NOW).result
    second.refresh_indexes()
    again = second.execute(RegisterPartner(draft=romashka()), actor="boris", now=NOW).result
    assert isinstance(again, PossibleDuplicates)
    assert [c.partner.id for c in again.candidates] == [partner.id]


class _StalePointers:
    """Rotation pointers whose first read is from before another process moved them."""

    def __init__(self, inner: RotationPointers) -> None:
        self.inner = inner
        self.stale = True

    def pointers(self) -> Mapping[str, UserId]:
        if self.stale:
            self.stale = False
            return {}
        return self.inner.pointers()

    def move(self, team: str, user: UserId, *, expected: UserId | None) -> None:
        self.inner.move(team, user, expected=expected)


class _Stale:
    """A store whose rotation is read stale in the first unit of work."""

    def __init__(self, inner: Store) -> None:
        self.inner = inner
        self.pointers: _StalePointers | None = None

    @contextmanager
    def unit_of_work(self) -> Iterator[Repositories]:
        with self.inner.unit_of_work() as repositories:
            assert repositories.rotation is not None
            if self.pointers is None:
                self.pointers = _StalePointers(repositories.rotation)
            yield attrs.evolve(repositories, rotation=self.pointers)


def test_a_turn_another_process_took_meanwhile_is_assigned_again(database: _Database) -> None:
    store = database.store()
    assert _assigned(database.crm(store), 1) == "anna"
    stale = _Stale(store)
    crm = database.crm(stale)
    received = crm.execute(ReceiveWebForm(payload=_form(2)), actor="system", now=NOW)
    assert received.attempts == 2, "the move from the stale pointer conflicted"
    assert crm.get("request", received.result.id).responsible_manager == "boris"


def test_concurrent_processes_on_postgresql_share_one_turn(tmp_path: Path) -> None:
    database = _Database("postgres", tmp_path)
    try:
        # Three workers assigning at once lose many races: each is assigned again.
        workers = [database.crm(max_retries=50) for _ in range(3)]
        managers: list[str] = []
        problems: list[BaseException] = []

        def work(crm: CRM, start: int) -> None:
            try:
                for number in range(start, start + 4):
                    managers.append(_assigned(crm, number))
            except BaseException as error:
                problems.append(error)

        threads = [
            threading.Thread(target=work, args=(crm, index * 10))
            for index, crm in enumerate(workers)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert problems == []
        assert Counter(managers) == {"anna": 6, "boris": 6}
    finally:
        database.close()


def _untaxed() -> PartnerDraft:
    """Romashka without a tax id: found by the index only, not by the exact check."""
    return romashka(tax_id=None, kpp=None)


class _Hidden:
    """Repositories of one kind whose ``get`` no longer finds the records of ``gone``, as
    for a partner deleted or merged into another."""

    def __init__(self, inner: Any, gone: set[str]) -> None:
        self._inner = inner
        self._gone = gone

    def get(self, record_id: str) -> Any:
        if record_id in self._gone:
            raise EntityNotFoundError("record", record_id)
        return self._inner.get(record_id)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


class _Forgetting:
    """A memory store on which the records of ``gone`` are gone for one reader, or whose
    change log that reader does not see (``log``)."""

    def __init__(self, inner: MemoryStore, *, log: bool = True) -> None:
        self.inner = inner
        self.gone: set[str] = set()
        self.log = log

    @contextmanager
    def unit_of_work(self) -> Iterator[Repositories]:
        with self.inner.unit_of_work() as repositories:
            yield attrs.evolve(
                repositories,
                partners=_Hidden(repositories.partners, self.gone),
                contact_persons=_Hidden(repositories.contact_persons, self.gone),
                partner_changes=repositories.partner_changes if self.log else None,
            )


def test_a_partner_gone_from_the_store_leaves_the_other_crm_s_index() -> None:
    shared = MemoryStore()
    writer = CRM(shared, settings=settings())
    forgetting = _Forgetting(shared)
    reader = CRM(forgetting, settings=settings())
    partner = writer.execute(RegisterPartner(draft=_untaxed()), actor="anna", now=NOW).result
    draft = ContactPersonDraft(name="Ольга Смирнова", emails=["olga@romashka.ru"])
    person = writer.execute(
        AddContactPerson(partner_id=partner.id, draft=draft), actor="anna", now=NOW
    ).result
    reader.refresh_indexes()
    forgetting.gone.update({partner.id, person.id})
    later = NOW + timedelta(hours=1)
    writer.execute(
        EditPartner(partner_id=partner.id, changes={"segment": "B"}), actor="anna", now=later
    )
    writer.execute(
        EditContactPerson(contact_person_id=person.id, changes={"position": "Бухгалтер"}),
        actor="anna",
        now=later,
    )
    again = reader.execute(RegisterPartner(draft=_untaxed()), actor="boris", now=later).result
    assert isinstance(again, Partner), "the partner that is gone is no duplicate"
    payload = _form(9, name="Ольга Смирнова", email="olga@romashka.ru")
    request = reader.execute(ReceiveWebForm(payload=payload), actor="system", now=later).result
    assert request.binding is None or request.binding.contact_person_id != person.id


def test_without_a_change_log_another_crm_s_partners_need_a_rebuild() -> None:
    shared = MemoryStore()
    writer = CRM(shared, settings=settings())
    reader = CRM(_Forgetting(shared, log=False), settings=settings())
    reader.refresh_indexes()
    partner = writer.execute(RegisterPartner(draft=_untaxed()), actor="anna", now=NOW).result
    unseen = reader.execute(RegisterPartner(draft=_untaxed(), partner_id="p-unseen"),
                            actor="boris", now=NOW).result  # fmt: skip
    assert isinstance(unseen, Partner), "the index was not caught up"
    reader.refresh_indexes()
    seen = reader.execute(RegisterPartner(draft=_untaxed()), actor="boris", now=NOW).result
    assert isinstance(seen, PossibleDuplicates)
    assert {c.partner.id for c in seen.candidates} == {partner.id, "p-unseen"}


_REASSIGN = {
    "id": "reassign", "name": "Deals closing soon to the sales team in turn",
    "trigger": {"entity": "deal", "on": "date", "field": "expected_close", "offset": 3},
    "then": [{"action": "assign_manager", "strategy": {"kind": "round_robin", "team": "sales"}}],
}  # fmt: skip


def test_a_tick_s_turn_another_process_took_meanwhile_is_assigned_again() -> None:
    shared = MemoryStore()
    with shared.unit_of_work() as repositories:
        assert repositories.rotation is not None
        repositories.rotation.move("sales", UserId("anna"), expected=None)
    stale = _Stale(shared)
    crm = CRM(stale, settings=settings(), rules=[rule(_REASSIGN)])
    partner = crm.execute(RegisterPartner(draft=romashka()), actor="anna", now=NOW).result
    draft = DealDraft(title="Поставка", partner_id=partner.id, responsible_manager="olga",
                      expected_close=date(2026, 3, 10))  # fmt: skip
    crm.execute(OpenDeal(draft=draft, pipeline_id="manual_sale"), actor="anna", now=NOW)
    stale.pointers = None
    crm.tick(NOW)
    ticked = crm.tick(NOW + timedelta(days=7))
    assert len(ticked.triggers) == 1
    (deal,) = crm.partner_view(partner.id).deals
    assert deal.responsible_manager == "boris", "the turn after anna, read again"
    with shared.unit_of_work() as repositories:
        assert repositories.rotation is not None
        assert dict(repositories.rotation.pointers()) == {"sales": "boris"}
