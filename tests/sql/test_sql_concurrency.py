"""Several processes read, change and save the same deal on one database, repeating their
conflicts: no update is lost and only crmcore's errors are seen (SQLite file, PostgreSQL)."""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator
from pathlib import Path

import pytest
from sql_backends import BACKENDS
from sql_workers import add_to_deal, wait_for

from crmcore.money import Money
from crmcore.sql import SqlStore
from crmcore.testing.contracts import DealRepositoryContract

PROCESSES = 8
TIMES = 50


class _Deals(DealRepositoryContract):
    def make_repository(self) -> None:
        raise NotImplementedError


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of a migrated database holding deal ``d-1`` at version 1."""
    if request.param == "sqlite":
        path = tmp_path / "shared.db"
        store = SqlStore.sqlite(path)
        url = f"sqlite:///{path}"
    else:
        (postgres,) = (backend for backend in BACKENDS if backend.name == "Postgres")
        store = postgres.store()
        url = store.database.engine.url.render_as_string(hide_password=False)
    store.repositories.deals.add(_Deals().make_deal("d-1"))
    yield url
    if request.param == "sqlite":
        store.close()


def test_concurrent_read_modify_saves_lose_no_update(database_url: str) -> None:
    # Forked workers start in a moment, spawned ones import everything again; each opens a
    # store of its own either way, so nothing of the parent's connections is used.
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    jobs = [(database_url, "d-1", TIMES, number % 2 == 0) for number in range(PROCESSES)]
    barrier = context.Barrier(PROCESSES)
    with context.Pool(PROCESSES, initializer=wait_for, initargs=(barrier,)) as pool:
        results = pool.starmap(add_to_deal, jobs)
    assert [escaped for _, escaped in results] == [[]] * PROCESSES
    store = SqlStore.from_url(database_url)
    try:
        deal = store.repositories.deals.get("d-1")
    finally:
        store.close()
    assert deal.version == 1 + PROCESSES * TIMES
    assert deal.amount == Money.of(PROCESSES * TIMES, "RUB")
    assert sum(conflicts for conflicts, _ in results) > 0
