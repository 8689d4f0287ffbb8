"""The stores the access tests run on: the memory store, SQLite in memory, and the
PostgreSQL server named by ``CRMCORE_TEST_POSTGRES_URL`` when it is set."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Final

import pytest
from sqlalchemy import text

from crmcore.app.store import Store
from crmcore.memory import MemoryStore

__all__ = ["STORES", "store_ids"]

_POSTGRES: list[Store] = []


def _memory() -> Store:
    return MemoryStore()


def _sqlite() -> Store:
    from crmcore.sql import SqlStore  # noqa: PLC0415 - the sql extra only where it runs

    return SqlStore.sqlite(":memory:")


def _postgres() -> Store:
    from crmcore.sql import SqlStore  # noqa: PLC0415 - the sql extra only where it runs
    from crmcore.sql.metadata import metadata  # noqa: PLC0415

    url = os.environ.get("CRMCORE_TEST_POSTGRES_URL")
    if not url:
        pytest.skip("CRMCORE_TEST_POSTGRES_URL is not set: no PostgreSQL server to test on")
    if not _POSTGRES:
        store = SqlStore.from_url(url)
        with store.database.begin("reset the test database", write=True) as connection:
            metadata.drop_all(connection)
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
        store.upgrade()
        _POSTGRES.append(store)
    shared = _POSTGRES[0]
    assert isinstance(shared, SqlStore)
    with shared.database.begin("empty the test database", write=True) as connection:
        for table in reversed(metadata.sorted_tables):
            connection.execute(table.delete())
    return shared


STORES: Final[tuple[Callable[[], Store], ...]] = (_memory, _sqlite, _postgres)


def store_ids(factory: Callable[[], Store]) -> str:
    """The name of a store factory in a test id."""
    return factory.__name__.strip("_")
