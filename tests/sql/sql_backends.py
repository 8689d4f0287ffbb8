"""The databases the SQL store is tested on: SQLite in memory, an SQLite file, and the
PostgreSQL server named by ``CRMCORE_TEST_POSTGRES_URL``.

Each backend hands out empty stores. SQLite ones are new databases (a file is a copy of one
migrated once); the PostgreSQL one is a single database, migrated once and emptied for each
store, so that the tests do not pay for a connection and a migration each.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from abc import ABC, abstractmethod
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar, Final, TypeVar

import pytest
from sqlalchemy import text

from crmcore.sql import (
    Database,
    SqlContactPersonRepository,
    SqlPartnerChangeLog,
    SqlPartnerRepository,
    SqlStore,
)
from crmcore.sql.metadata import metadata
from crmcore.testing.contracts import LoggedRepositories

__all__ = [
    "BACKENDS",
    "POSTGRES_URL_VARIABLE",
    "Backend",
    "close_stores",
    "logged_repositories",
    "postgres_url",
    "remove_files",
]

R = TypeVar("R")
POSTGRES_URL_VARIABLE: Final = "CRMCORE_TEST_POSTGRES_URL"
_OPENED: list[tuple[SqlStore, Path | None]] = []
_FOLDER: Final = Path(tempfile.mkdtemp(prefix="crmcore-sql-tests-"))


def postgres_url() -> str:
    """The URL of the test server; skips the test without one, fails it under CI."""
    url = os.environ.get(POSTGRES_URL_VARIABLE)
    if url:
        return url
    message = f"{POSTGRES_URL_VARIABLE} is not set: no PostgreSQL server to test on"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def close_stores() -> None:
    """Close every SQLite store opened since the last call and remove its files."""
    while _OPENED:
        store, path = _OPENED.pop()
        store.close()
        for suffix in ("", "-wal", "-shm"):
            if path is not None:
                Path(f"{path}{suffix}").unlink(missing_ok=True)


def logged_repositories(database: Database) -> LoggedRepositories:
    """A partner and a contact person repository over ``database``, with its change log."""
    return LoggedRepositories(
        partners=SqlPartnerRepository(database),
        contact_persons=SqlContactPersonRepository(database),
        changes=SqlPartnerChangeLog(database),
    )


def remove_files() -> None:
    """Remove the folder of the SQLite files."""
    shutil.rmtree(_FOLDER, ignore_errors=True)


class Backend(ABC):
    """A kind of database that hands out empty stores."""

    name: ClassVar[str]
    """A CamelCase name for test classes."""

    @abstractmethod
    def store(self) -> SqlStore:
        """An empty, migrated store."""

    def database(self) -> Database:
        """The database of an empty, migrated store."""
        return self.store().database

    def factory(self, repository: Callable[[Database], R]) -> Callable[[], R]:
        """A function that makes ``repository`` over a new empty database."""
        return lambda: repository(self.database())

    def suite(
        self, contract: type[Any], repository: Callable[[Database], object], *, module: str,
        method: str = "make_repository",
    ) -> type:  # fmt: skip
        """``contract``'s test class on this backend, its ``method`` making ``repository``
        over a new empty database, named ``Test<backend><contract>`` in ``module``."""
        make = self.factory(repository)

        def made(_: object) -> object:
            return make()

        name = f"Test{self.name}{contract.__name__.removesuffix('Contract')}"
        return type(name, (contract,), {method: made, "__module__": module})


class SqliteMemory(Backend):
    """A new in-memory SQLite database a store."""

    name = "SqliteMemory"

    def store(self) -> SqlStore:
        store = SqlStore.sqlite(":memory:")
        _OPENED.append((store, None))
        return store


class SqliteFile(Backend):
    """A new SQLite file a store, copied from one migrated once."""

    name = "SqliteFile"

    def __init__(self) -> None:
        self._template: Path | None = None
        self._count = 0

    def store(self) -> SqlStore:
        if self._template is None:
            self._template = _FOLDER / "template.db"
            SqlStore.sqlite(self._template).close()
        self._count += 1
        path = _FOLDER / f"store-{self._count}.db"
        shutil.copyfile(self._template, path)
        store = SqlStore.sqlite(path, upgrade=False)
        _OPENED.append((store, path))
        return store


class Postgres(Backend):
    """The one test database on the PostgreSQL server, emptied for each store."""

    name = "Postgres"

    def __init__(self) -> None:
        self._store: SqlStore | None = None

    def store(self) -> SqlStore:
        if self._store is None:
            store = SqlStore.from_url(postgres_url())
            with store.database.begin("reset the test database", write=True) as connection:
                metadata.drop_all(connection)
                connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
            store.upgrade()
            self._store = store
        with self._store.database.begin("empty the test database", write=True) as connection:
            for table in reversed(metadata.sorted_tables):
                connection.execute(table.delete())
        return self._store


BACKENDS: Final[tuple[Backend, ...]] = (SqliteMemory(), SqliteFile(), Postgres())
