"""Only crmcore's errors leave the SQL store: a database failure becomes a StorageError, a
conflict between concurrent transactions a TransactionConflictError."""

from __future__ import annotations

import pickle
import sqlite3
from pathlib import Path
from types import SimpleNamespace
from typing import cast

import attrs
import pytest
from sql_backends import BACKENDS, postgres_url
from sqlalchemy import create_engine
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, OperationalError

from crmcore.errors import ConcurrencyConflictError, RepositoryError
from crmcore.serialization import make_converter
from crmcore.sql import Database, SqlStore, StorageError, TransactionConflictError
from crmcore.sql.database import translated
from crmcore.testing.contracts import DealRepositoryContract


class _Deals(DealRepositoryContract):
    def make_repository(self) -> None:
        raise NotImplementedError


DEAL = _Deals().make_deal("d-1")
(POSTGRES,) = (backend for backend in BACKENDS if backend.name == "Postgres")


class _DriverError(Exception):
    def __init__(self, message: str, *, sqlstate: str | None = None) -> None:
        super().__init__(message)
        self.sqlstate = sqlstate


def _raised_inside(error: Exception) -> RepositoryError:
    with pytest.raises(RepositoryError) as raised, translated("save a deal"):
        raise error
    return raised.value


@pytest.mark.parametrize("sqlstate", ["40001", "40P01", "23505"])
def test_conflicts_between_postgresql_transactions_are_concurrency_conflicts(
    sqlstate: str,
) -> None:
    original = _DriverError("could not serialize access\nDETAIL: more", sqlstate=sqlstate)
    error = _raised_inside(DBAPIError("UPDATE deals", {}, original))
    assert isinstance(error, TransactionConflictError)
    assert isinstance(error, ConcurrencyConflictError)
    assert (error.entity_type, error.entity_id, error.code) == (
        "transaction",
        "save a deal",
        sqlstate,
    )
    assert error.detail == "could not serialize access"
    assert "repeat the unit of work" in str(error)


def test_other_driver_errors_are_storage_errors_with_their_code() -> None:
    error = _raised_inside(DBAPIError("SELECT", {}, _DriverError("", sqlstate="42P01")))
    assert isinstance(error, StorageError)
    assert (error.operation, error.code, error.detail) == ("save a deal", "42P01", "_DriverError")
    assert str(error) == "the database could not save a deal [42P01]: _DriverError"
    plain = _raised_inside(UnicodeEncodeError("utf-8", "\ud800", 0, 1, "surrogates not allowed"))
    assert isinstance(plain, StorageError)
    assert plain.code is None


def test_the_errors_survive_pickling_between_processes() -> None:
    conflict = TransactionConflictError("save a deal", code="40001", detail="serialization")
    storage = StorageError("read a deal", code=None, detail="gone")
    for error in (conflict, storage):
        copy = pickle.loads(pickle.dumps(error))
        assert (type(copy), str(copy), copy.code) == (type(error), str(error), error.code)


def test_a_store_without_its_schema_raises_a_storage_error() -> None:
    store = SqlStore.sqlite(":memory:", upgrade=False)
    try:
        with pytest.raises(StorageError) as raised:
            store.repositories.deals.get("d-1")
        assert raised.value.code == "SQLITE_ERROR"
        assert isinstance(raised.value.__cause__, OperationalError)
    finally:
        store.close()


def test_an_sqlite_file_locked_past_the_timeout_is_a_transaction_conflict(
    tmp_path: Path,
) -> None:
    path = tmp_path / "locked.db"
    SqlStore.sqlite(path).close()
    engine = create_engine(f"sqlite:///{path}", connect_args={"timeout": 0.05})
    store = SqlStore(engine)
    holder = sqlite3.connect(path, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        with pytest.raises(TransactionConflictError) as raised:
            store.repositories.deals.add(DEAL)
        assert raised.value.code == "SQLITE_BUSY"
        holder.execute("ROLLBACK")
        store.repositories.deals.add(DEAL)
        assert store.repositories.deals.get("d-1") == DEAL
    finally:
        holder.close()
        store.close()


def _interleave(first: SqlStore, second: SqlStore) -> None:
    """Read a deal in ``first``, let ``second`` save it and commit, then save it in ``first``."""
    with first.unit_of_work() as mine:
        read = mine.deals.get("d-1")
        with second.unit_of_work() as theirs:
            theirs.deals.save(attrs.evolve(read, version=2), expected_version=1)
        mine.deals.save(attrs.evolve(read, version=3), expected_version=1)


def test_a_serialization_failure_on_postgresql_is_a_transaction_conflict() -> None:
    POSTGRES.store().repositories.deals.add(DEAL)
    first = SqlStore.from_url(postgres_url(), isolation_level="REPEATABLE READ")
    second = SqlStore.from_url(postgres_url(), isolation_level="REPEATABLE READ")
    try:
        with pytest.raises(TransactionConflictError) as raised:
            _interleave(first, second)
        assert raised.value.code == "40001"
        assert first.repositories.deals.get("d-1").version == 2
    finally:
        first.close()
        second.close()


def test_an_engine_of_another_database_is_refused() -> None:
    engine = cast(Engine, SimpleNamespace(dialect=SimpleNamespace(name="oracle")))
    with pytest.raises(StorageError, match="oracle dialect is not supported"):
        Database(engine)


def test_a_database_accepts_a_converter_of_its_own() -> None:
    converter = make_converter()
    store = SqlStore.sqlite(":memory:", converter=converter)
    try:
        assert store.database.converter is converter
        store.repositories.deals.add(DEAL)
        assert store.repositories.deals.get("d-1") == DEAL
    finally:
        store.close()
