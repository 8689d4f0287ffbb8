"""The SQL store's unit of work on every backend: one transaction, committed whole or not at
all; and the store's ways of opening a database."""

from __future__ import annotations

import sqlite3
import threading
from datetime import timedelta
from pathlib import Path

import attrs
import pytest
from sql_backends import BACKENDS, Backend
from sqlalchemy import create_engine, text

from crmcore.app import OutboxStatus, Repositories
from crmcore.deals import DealStatus
from crmcore.errors import DuplicateEntityError, EntityNotFoundError
from crmcore.sql import SqlStore
from crmcore.testing.contracts import (
    DealRepositoryContract,
    OutboxRepositoryContract,
    PartnerRepositoryContract,
)
from crmcore.testing.contracts._common import CREATED_AT


class _Samples(PartnerRepositoryContract, DealRepositoryContract, OutboxRepositoryContract):
    """The sample entities of the contract suites."""

    def make_repository(self) -> None:
        raise NotImplementedError


SAMPLES = _Samples()


class CommandFailedError(Exception):
    """What the commands below raise to make their unit of work fail."""


@pytest.fixture(params=BACKENDS, ids=[backend.name for backend in BACKENDS])
def store(request: pytest.FixtureRequest) -> SqlStore:
    backend: Backend = request.param
    return backend.store()


def _write_three(repositories: Repositories) -> None:
    repositories.partners.add(SAMPLES.make_partner("p-1"))
    repositories.deals.add(SAMPLES.make_deal("d-1"))
    repositories.outbox.add(SAMPLES.make_message("m-1"))


def _nothing_stored(repositories: Repositories) -> bool:
    return (
        repositories.partners.count() == 0
        and repositories.deals.count() == 0
        and repositories.outbox.find() == []
        and repositories.partners.find_by_phone("+74951234567") == []
    )


def test_a_unit_of_work_commits_every_write_together(store: SqlStore) -> None:
    with store.unit_of_work() as repositories:
        _write_three(repositories)
    with store.unit_of_work() as repositories:
        assert repositories.partners.get("p-1") == SAMPLES.make_partner("p-1")
        assert [deal.id for deal in repositories.deals.iterate()] == ["d-1"]
        assert [m.id for m in repositories.outbox.find(status=OutboxStatus.PENDING)] == ["m-1"]


def test_a_unit_of_work_that_fails_after_its_third_write_leaves_nothing(
    store: SqlStore,
) -> None:
    def command() -> None:
        with store.unit_of_work() as repositories:
            _write_three(repositories)
            assert repositories.deals.count() == 1
            raise CommandFailedError

    with pytest.raises(CommandFailedError):
        command()
    assert _nothing_stored(store.repositories)
    with pytest.raises(EntityNotFoundError):
        store.repositories.outbox.get("m-1")


def test_a_save_rolled_back_leaves_the_version_that_was_stored(store: SqlStore) -> None:
    deal = SAMPLES.make_deal("d-1")
    store.repositories.deals.add(deal)

    def command() -> None:
        with store.unit_of_work() as repositories:
            won = attrs.evolve(deal, status=DealStatus.WON, closed_at=CREATED_AT, version=2)
            repositories.deals.save(won, expected_version=1)
            repositories.ticks.advance(CREATED_AT)
            repositories.ticks.record("due:d-1", at=CREATED_AT)
            raise CommandFailedError

    with pytest.raises(CommandFailedError):
        command()
    assert store.repositories.deals.get("d-1") == deal
    assert store.repositories.deals.find(status=DealStatus.WON) == []
    assert store.repositories.ticks.watermark() is None
    assert not store.repositories.ticks.fired("due:d-1")


def test_a_unit_of_work_inside_another_is_part_of_it(store: SqlStore) -> None:
    def command() -> None:
        with store.unit_of_work() as outer:
            outer.partners.add(SAMPLES.make_partner("p-1"))
            with store.unit_of_work() as inner:
                assert inner is outer
                inner.deals.add(SAMPLES.make_deal("d-1"))
            assert store.repositories.deals.count() == 1
            raise CommandFailedError

    with pytest.raises(CommandFailedError):
        command()
    assert _nothing_stored(store.repositories)


def test_a_failed_call_leaves_the_unit_of_work_usable(store: SqlStore) -> None:
    with store.unit_of_work() as repositories:
        repositories.outbox.add(SAMPLES.make_message("m-1"))
        with pytest.raises(DuplicateEntityError):
            repositories.outbox.add(SAMPLES.make_message("m-1", attempts=3))
        repositories.outbox.add(SAMPLES.make_message("m-2"))
    assert [m.attempts for m in store.repositories.outbox.find()] == [0, 0]


@pytest.mark.parametrize(
    "backend", [b for b in BACKENDS if b.name != "SqliteMemory"], ids=lambda b: b.name
)
def test_writes_stay_unseen_by_others_until_the_unit_of_work_commits(backend: Backend) -> None:
    store = backend.store()
    seen: list[int] = []

    def count_elsewhere() -> None:
        seen.append(store.repositories.partners.count())

    with store.unit_of_work() as repositories:
        repositories.partners.add(SAMPLES.make_partner("p-1"))
        reader = threading.Thread(target=count_elsewhere)
        reader.start()
        reader.join()
    count_elsewhere()
    assert seen == [0, 1]


def test_an_sqlite_file_keeps_its_data_for_the_next_store(tmp_path: Path) -> None:
    path = tmp_path / "crm.db"
    first = SqlStore.sqlite(path)
    with first.unit_of_work() as repositories:
        repositories.partners.add(SAMPLES.make_partner("p-1"))
    first.close()
    second = SqlStore.sqlite(str(path))
    try:
        assert second.repositories.partners.get("p-1") == SAMPLES.make_partner("p-1")
        with second.database.begin("read the settings") as connection:
            mode = connection.execute(text("PRAGMA journal_mode")).scalar_one()
            foreign_keys = connection.execute(text("PRAGMA foreign_keys")).scalar_one()
        assert (mode, foreign_keys) == ("wal", 1)
    finally:
        second.close()


def test_a_store_on_an_engine_of_the_host_serves_every_repository(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'host.db'}")
    store = SqlStore(engine)
    store.upgrade()
    try:
        later = CREATED_AT + timedelta(hours=1)
        with store.unit_of_work() as repositories:
            repositories.ticks.advance(later)
        assert store.repositories.ticks.watermark() == later
    finally:
        store.close()


def test_from_url_opens_a_database_and_upgrades_it_when_asked(tmp_path: Path) -> None:
    store = SqlStore.from_url(f"sqlite:///{tmp_path / 'url.db'}", upgrade=True)
    try:
        assert store.repositories.rules.list() == ()
    finally:
        store.close()
    with sqlite3.connect(tmp_path / "url.db") as connection:
        (revision,) = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    assert revision == "0007"
