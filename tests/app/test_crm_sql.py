"""CRM on the SQL store: SQLite in memory, an SQLite file, and the PostgreSQL server named by
``CRMCORE_TEST_POSTGRES_URL`` (skipped without one, failed under CI). Commands run end to end,
rules reach the outbox, a failed command leaves the database as it was, ticks fire once across
a restart, and a conflict is retried, then surfaced."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import attrs
import pytest
from app_samples import NOW, romashka, rule, settings, snapshot

from crmcore.app import CRM, OutboxStatus, Repositories, Store
from crmcore.app.commands import (
    ConvertRequest,
    EditDeal,
    MoveDeal,
    OpenDeal,
    QualifyRequest,
    ReceiveWebForm,
    RegisterPartner,
    TakeRequest,
    WinDeal,
)
from crmcore.deals import DealDraft, DealStatus
from crmcore.errors import ConcurrencyConflictError
from crmcore.partners import Partner
from crmcore.requests import Conversion, RequestStatus
from crmcore.rules import Rule
from crmcore.sql import SqlStore
from crmcore.sql.metadata import metadata

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "sql"))
from sql_backends import postgres_url  # importable once the path is set

_RULES = (
    {"id": "assign", "name": "Requests to the sales team",
     "trigger": {"entity": "request", "on": "created"},
     "then": [{"action": "assign_manager", "strategy": {"kind": "round_robin", "team": "sales"}}]},
    {"id": "won-sms", "name": "Thank the client",
     "trigger": {"entity": "deal", "on": "status_set", "to_value": "won"},
     "then": [{"action": "sms_client", "text": "Спасибо, {{ partner.short_name }}!"}]},
    {"id": "close-soon", "name": "A task three days before the expected close",
     "trigger": {"entity": "deal", "on": "date", "field": "expected_close", "offset": 3},
     "then": [{"action": "create_task", "title": "Закрыть «{{ title }}»", "due_in": "P1D"}]},
)  # fmt: skip
_FORM = {"name": "Пётр", "company": "Север", "phone": "+7 912 000-11-22",
         "email": "petr@sever.example", "message": "Нужны ящики"}  # fmt: skip


def _rules() -> list[Rule]:
    return [rule(data) for data in _RULES]


class _Stores:
    """Opens the test's stores of one kind and closes them at its end."""

    def __init__(self, kind: str, folder: Path) -> None:
        self.kind = kind
        self.path = folder / "crm.db"
        self.opened: list[SqlStore] = []

    def store(self) -> SqlStore:
        """A store of the kind; for a file or PostgreSQL, another on the same database."""
        if self.kind == "sqlite_memory":
            store = SqlStore.sqlite(":memory:")
        elif self.kind == "sqlite_file":
            store = SqlStore.sqlite(self.path)
        else:
            store = SqlStore.from_url(postgres_url(), upgrade=not self.opened)
            if not self.opened:
                _empty(store)
        self.opened.append(store)
        return store

    def crm(self, store: Store | None = None, **changes: Any) -> CRM:
        return CRM(store or self.store(), settings=settings(**changes), rules=_rules())

    def close(self) -> None:
        for store in self.opened:
            store.close()


def _empty(store: SqlStore) -> None:
    with store.database.begin("empty the test database", write=True) as connection:
        for table in reversed(metadata.sorted_tables):
            connection.execute(table.delete())


@pytest.fixture(params=["sqlite_memory", "sqlite_file", "postgres"])
def stores(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[_Stores]:
    found = _Stores(request.param, tmp_path)
    yield found
    found.close()


@pytest.fixture(params=["sqlite_file", "postgres"])
def shared(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[_Stores]:
    """Stores of a kind that two CRMs can open on the same database."""
    found = _Stores(request.param, tmp_path)
    yield found
    found.close()


def _partner(crm: CRM) -> Partner:
    found = crm.execute(RegisterPartner(draft=romashka()), actor="anna", now=NOW).result
    assert isinstance(found, Partner)
    return found


def _open(crm: CRM, partner: Partner, **changes: Any) -> str:
    draft = DealDraft(title="Поставка", partner_id=partner.id, responsible_manager="anna",
                      **changes)  # fmt: skip
    opened = crm.execute(OpenDeal(draft=draft, pipeline_id="manual_sale"), actor="anna", now=NOW)
    deal_id: str = opened.result.id
    return deal_id


def test_a_partner_is_registered_and_read_back(stores: _Stores) -> None:
    crm = stores.crm()
    partner = _partner(crm)
    assert crm.get("partner", partner.id) == partner
    assert crm.partner_view(partner.id).partner == partner
    again = crm.execute(RegisterPartner(draft=romashka()), actor="boris", now=NOW)
    assert not isinstance(again.result, Partner), "the duplicate check reads the database"


def test_a_deal_is_opened_moved_and_won_with_its_stage_log(stores: _Stores) -> None:
    crm = stores.crm()
    deal_id = _open(crm, _partner(crm))
    later = NOW + timedelta(hours=1)
    crm.execute(MoveDeal(deal_id=deal_id, stage="qualification"), actor="anna", now=later)
    won = crm.execute(WinDeal(deal_id=deal_id), actor="anna", now=later + timedelta(hours=1))
    stored = crm.get("deal", deal_id)
    assert stored == won.result
    assert stored.status is DealStatus.WON
    log = crm.stage_log(deal_id)
    assert [entry.version for entry in log] == [1, 2, 3]
    assert [entry.to_stage for entry in log[:2]] == ["first_contact", "qualification"]
    assert log[-1].status is DealStatus.WON


def test_a_request_from_a_web_form_is_assigned_by_a_rule_and_converted(stores: _Stores) -> None:
    crm = stores.crm()
    received = crm.execute(ReceiveWebForm(payload=_FORM), actor="system", now=NOW)
    request_id = received.result.id
    assert crm.get("request", request_id).responsible_manager == "anna"
    crm.execute(TakeRequest(request_id=request_id), actor="anna", now=NOW)
    crm.execute(QualifyRequest(request_id=request_id), actor="anna", now=NOW)
    command = ConvertRequest(request_id=request_id, pipeline_id="typical_sale")
    conversion = crm.execute(command, actor="anna", now=NOW + timedelta(hours=1)).result
    assert isinstance(conversion, Conversion)
    assert crm.get("request", request_id).status is RequestStatus.CONVERTED
    assert crm.get("partner", conversion.partner.id) == conversion.partner
    assert crm.get("deal", conversion.deal.id) == conversion.deal
    view = crm.partner_view(conversion.partner.id)
    assert [p.id for p in view.contact_persons] == [conversion.contact_person.id]
    assert len(crm.stage_log(conversion.deal.id)) == 1


def test_a_rule_puts_its_sms_in_the_outbox(stores: _Stores) -> None:
    crm = stores.crm()
    partner = _partner(crm)
    deal_id = _open(crm, partner)
    won = crm.execute(WinDeal(deal_id=deal_id), actor="anna", now=NOW + timedelta(hours=1))
    (message,) = won.outbox
    assert message.kind == "sms_client"
    assert [r.address for r in message.recipients] == ["+74951234567"]
    assert crm.outbox.pending() == [message]
    crm.outbox.mark_sent(message.id, now=NOW + timedelta(hours=2))
    assert crm.outbox.pending() == []


class _InjectedError(Exception):
    """The failure a test injects."""


class _Failing:
    """A store whose repositories raise at the ``fail_at``-th write of a unit of work."""

    _WRITES = frozenset({"add", "save", "append", "remove", "record", "advance", "set"})

    def __init__(self, inner: SqlStore) -> None:
        self.inner = inner
        self.fail_at: int | None = None
        self.writes = 0

    @contextmanager
    def unit_of_work(self) -> Iterator[Repositories]:
        with self.inner.unit_of_work() as repositories:
            self.writes = 0
            yield Repositories(
                **{
                    field.name: self._watched(getattr(repositories, field.name))
                    for field in attrs.fields(Repositories)
                }
            )

    def _watched(self, repository: Any) -> Any:
        if repository is None:  # a repository the store does not have
            return None
        failing = self

        class Watched:
            def __getattr__(self, name: str) -> Any:
                found = getattr(repository, name)
                if name not in failing._WRITES:
                    return found

                def write(*args: Any, **kwargs: Any) -> Any:
                    failing.writes += 1
                    if failing.writes == failing.fail_at:
                        raise _InjectedError(f"write {failing.writes}")
                    return found(*args, **kwargs)

                return write

        return Watched()


def test_a_command_that_fails_midway_leaves_the_database_unchanged(stores: _Stores) -> None:
    store = _Failing(stores.store())
    crm = stores.crm(store)
    request = crm.execute(ReceiveWebForm(payload=_FORM), actor="system", now=NOW).result
    crm.execute(TakeRequest(request_id=request.id), actor="anna", now=NOW)
    crm.execute(QualifyRequest(request_id=request.id), actor="anna", now=NOW)
    convert = ConvertRequest(request_id=request.id, pipeline_id="typical_sale")
    later = NOW + timedelta(hours=1)
    before = snapshot(store)  # type: ignore[arg-type]
    for position in (1, 3, 5):
        store.fail_at = position
        with pytest.raises(_InjectedError):
            crm.execute(convert, actor="anna", now=later)
        assert snapshot(store) == before, f"write {position} left a trace"  # type: ignore[arg-type]
    store.fail_at = None
    done = crm.execute(convert, actor="anna", now=later).result
    assert crm.get("deal", done.deal.id) == done.deal


def test_a_date_trigger_fires_once_across_two_crms_on_one_database(shared: _Stores) -> None:
    crm = shared.crm()
    deal_id = _open(crm, _partner(crm), expected_close=date(2026, 3, 10))
    crm.tick(NOW)
    later = NOW + timedelta(days=7)
    fired = crm.tick(later)
    assert len(fired.triggers) == 1
    assert [m.kind for m in fired.outbox] == ["create_task"]
    assert fired.outbox[0].command.entity_id == deal_id
    restarted = shared.crm()
    again = restarted.tick(later + timedelta(hours=1))
    assert again.triggers == ()
    assert again.outbox == ()
    assert [m.kind for m in restarted.outbox.pending()] == ["create_task"]
    assert [m.status for m in restarted.outbox.pending()] == [OutboxStatus.PENDING]


class _Conflicting:
    """A store whose next ``conflicts`` units of work each end in a lost race."""

    def __init__(self, inner: SqlStore) -> None:
        self.inner = inner
        self.conflicts = 0
        self.units = 0

    @contextmanager
    def unit_of_work(self) -> Iterator[Repositories]:
        with self.inner.unit_of_work() as repositories:
            self.units += 1
            yield repositories
            if self.conflicts:
                self.conflicts -= 1
                raise ConcurrencyConflictError("deal", "d-1", expected_version=1, actual_version=2)


def test_a_conflict_is_retried_then_surfaces_after_max_retries(stores: _Stores) -> None:
    store = _Conflicting(stores.store())
    crm = stores.crm(store, max_retries=2)
    crm.refresh_indexes()
    store.conflicts = 2
    executed = crm.execute(RegisterPartner(draft=romashka()), actor="anna", now=NOW)
    assert executed.attempts == 3, "each lost attempt rolled back, so the partner is new"
    assert crm.get("partner", executed.result.id) == executed.result
    store.conflicts = 3
    units = store.units
    draft = DealDraft(title="Поставка", partner_id=executed.result.id, responsible_manager="anna")
    with pytest.raises(ConcurrencyConflictError):
        crm.execute(OpenDeal(draft=draft, pipeline_id="manual_sale"), actor="anna", now=NOW)
    assert store.units - units == 3
    with store.inner.unit_of_work() as repositories:
        assert repositories.partners.count() == 1
        assert repositories.deals.count() == 0


def test_a_concurrent_writer_on_postgresql_is_retried(tmp_path: Path) -> None:
    stores = _Stores("postgres", tmp_path)
    try:
        _race(stores)
    finally:
        stores.close()


def _race(stores: _Stores) -> None:
    """A second CRM changes the deal after the first read it and before it saves."""
    first_store = stores.store()
    crm = stores.crm(first_store)
    other = stores.crm()
    deal_id = _open(crm, _partner(crm))
    raced: list[str] = []
    original = first_store.repositories.deals.get

    def get(found_id: Any) -> Any:
        deal = original(found_id)
        if not raced:
            raced.append(found_id)
            change = EditDeal(deal_id=deal_id, changes={"title": "Поставка труб"})
            other.execute(change, actor="boris", now=NOW + timedelta(minutes=1))
        return deal

    first_store.repositories.deals.get = get  # type: ignore[method-assign]
    moved = crm.execute(
        MoveDeal(deal_id=deal_id, stage="qualification"), actor="anna", now=NOW + timedelta(hours=1)
    )
    assert moved.attempts == 2
    stored = crm.get("deal", deal_id)
    assert (stored.title, stored.stage) == ("Поставка труб", "qualification")
