"""One database for every SQL repository: the engine, the transactions, the JSON bodies.

A repository call made inside a unit of work runs on the unit's connection; a call made
outside one runs in a transaction of its own. Driver errors never leave this module as they
are: :meth:`Database.begin` translates them into :mod:`crmcore.sql.errors`.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager, nullcontext
from contextvars import ContextVar
from functools import cache
from typing import Any, Final, TypeVar

from sqlalchemy import Table, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.pool import StaticPool

from crmcore.errors import CRMError
from crmcore.serialization import Converter, make_converter
from crmcore.sql.errors import StorageError, TransactionConflictError

__all__ = ["Database"]

T = TypeVar("T")

# PostgreSQL: serialization failure, deadlock, and a unique key taken by a concurrent
# transaction that committed while this one waited (a conflict between writers, not a bug).
_CONFLICT_STATES: Final = frozenset({"40001", "40P01", "23505"})
_SQLITE_BUSY: Final = frozenset({"SQLITE_BUSY", "SQLITE_LOCKED", "SQLITE_BUSY_SNAPSHOT"})
_OPEN: ContextVar[Mapping[int, Connection] | None] = ContextVar("crmcore_sql_open", default=None)


@cache
def shared_converter() -> Converter:
    """One converter for every database of the process: configuring one takes a moment."""
    return make_converter()


class Database:
    """An engine on SQLite or PostgreSQL and the conventions of the store over it.

    On SQLite, the engine's connections are set up as the store needs them (foreign keys on,
    transactions begun by the store: ``BEGIN IMMEDIATE`` for writes, so that two processes on
    one file serialize their writes; a writer waits for another up to the driver's
    ``timeout``). An in-memory SQLite database has one connection, used by one thread at a
    time.
    """

    def __init__(self, engine: Engine, *, converter: Converter | None = None) -> None:
        if engine.dialect.name not in {"sqlite", "postgresql"}:
            raise StorageError(
                "open the store",
                code=None,
                detail=f"the {engine.dialect.name} dialect is not supported:"
                " use SQLite or PostgreSQL",
            )
        self.engine = engine
        self.converter = converter or shared_converter()
        self.is_sqlite = engine.dialect.name == "sqlite"
        shared = self.is_sqlite and isinstance(engine.pool, StaticPool)
        self._lock: AbstractContextManager[Any] = threading.RLock() if shared else nullcontext()
        if self.is_sqlite and not event.contains(engine, "connect", _prepare_sqlite):
            event.listen(engine, "connect", _prepare_sqlite)
            event.listen(engine, "begin", _begin_sqlite)

    def dump(self, entity: object) -> str:
        """The JSON text of a model."""
        return json.dumps(self.converter.unstructure(entity), ensure_ascii=False)

    def load(self, body: str, cls: type[T]) -> T:
        """The model of type ``cls`` stored as ``body``."""
        loaded: T = self.converter.structure(json.loads(body), cls)
        return loaded

    def insert_new(self, connection: Connection, table: Table, row: Mapping[str, Any]) -> bool:
        """Insert ``row`` unless a unique key of it is taken; whether it was inserted.

        A taken key skips the row instead of failing the statement, so that the transaction
        stays usable (PostgreSQL aborts one on an error) and a concurrent insert of the same
        key waits for the other transaction, then skips.
        """
        dialect = sqlite if self.is_sqlite else postgresql
        statement = dialect.insert(table).on_conflict_do_nothing()
        returned = connection.execute(statement.returning(*table.primary_key.columns), row)
        return returned.first() is not None

    def open_here(self) -> bool:
        """Whether a unit of work on this database is open in this context."""
        return id(self) in (_OPEN.get() or {})

    @contextmanager
    def begin(self, operation: str, *, write: bool = False) -> Iterator[Connection]:
        """A connection in a transaction: the open unit of work's, else a new one committed
        when the block ends normally and rolled back when it raises.

        Driver errors become :class:`~crmcore.sql.errors.StorageError` or
        :class:`~crmcore.sql.errors.TransactionConflictError`; crmcore errors pass unchanged.
        """
        joined = (_OPEN.get() or {}).get(id(self))
        if joined is not None:
            with translated(operation):
                yield joined
            return
        with self._lock, translated(operation), self.engine.connect() as connection:
            if write:
                connection.execution_options(crmcore_begin="IMMEDIATE")
            with connection.begin():
                yield connection

    @contextmanager
    def unit_of_work(self) -> Iterator[None]:
        """Make every call of this database in this context share one write transaction
        until the block ends; a unit of work opened inside another is part of it."""
        if self.open_here():
            yield
            return
        with self.begin("run a unit of work", write=True) as connection:
            token = _OPEN.set({**(_OPEN.get() or {}), id(self): connection})
            try:
                yield
            finally:
                _OPEN.reset(token)

    def dispose(self) -> None:
        """Close the engine's pooled connections."""
        self.engine.dispose()


@contextmanager
def translated(operation: str) -> Iterator[None]:
    """Let crmcore errors through and turn driver errors into the store's own."""
    try:
        yield
    except CRMError:
        raise
    except DBAPIError as error:
        raise _translation(operation, error) from error
    except (SQLAlchemyError, sqlite3.Error, UnicodeEncodeError) as error:
        raise StorageError(operation, code=None, detail=str(error)) from error


def _translation(operation: str, error: DBAPIError) -> StorageError | TransactionConflictError:
    original = error.orig
    code = getattr(original, "sqlstate", None) or getattr(original, "sqlite_errorname", None)
    lines = str(original).strip().splitlines()
    detail = lines[0] if lines else type(original).__name__
    if code in _CONFLICT_STATES or code in _SQLITE_BUSY:
        return TransactionConflictError(operation, code=code, detail=detail)
    return StorageError(operation, code=code, detail=detail)


def _prepare_sqlite(dbapi_connection: Any, _record: object) -> None:
    # The store begins its transactions itself (see _begin_sqlite): pysqlite's own implicit
    # BEGIN would neither be IMMEDIATE nor cover the reads before the first write.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA synchronous = NORMAL")
    finally:
        cursor.close()


def _begin_sqlite(connection: Connection) -> None:
    mode = connection.get_execution_options().get("crmcore_begin", "DEFERRED")
    connection.exec_driver_sql(f"BEGIN {mode}")
