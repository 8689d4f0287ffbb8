"""One SQLite database for the crmcore repositories: the schema, the connection, transactions.

Models are stored whole as JSON made by ``crmcore.serialization.make_converter()``; beside the
JSON, plain columns and side tables hold the keys the queries look up (tax id, phones, emails
case-folded, names case-folded). The keys are computed in Python, because SQLite's ``lower()``
and ``LIKE`` fold ASCII only and would miss "Ромашка" for "РОМАШКА".
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Final, TypeVar

from crmcore.errors import RepositoryError
from crmcore.serialization import Converter, make_converter

__all__ = ["Database", "StorageError"]

T = TypeVar("T")

SCHEMA: Final = """
CREATE TABLE IF NOT EXISTS partners (
    id TEXT PRIMARY KEY,
    version INTEGER NOT NULL,
    short_name_key TEXT NOT NULL,
    tax_id TEXT,
    kpp TEXT,
    body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS partners_by_tax_id ON partners (tax_id, kpp);
CREATE TABLE IF NOT EXISTS partner_phones (
    number TEXT NOT NULL,
    partner_id TEXT NOT NULL REFERENCES partners (id) ON DELETE CASCADE,
    PRIMARY KEY (number, partner_id)
);
CREATE TABLE IF NOT EXISTS partner_emails (
    email_key TEXT NOT NULL,
    partner_id TEXT NOT NULL REFERENCES partners (id) ON DELETE CASCADE,
    PRIMARY KEY (email_key, partner_id)
);
CREATE TABLE IF NOT EXISTS partner_names (
    name_key TEXT NOT NULL,
    partner_id TEXT NOT NULL REFERENCES partners (id) ON DELETE CASCADE,
    PRIMARY KEY (name_key, partner_id)
);
CREATE TABLE IF NOT EXISTS contact_persons (
    id TEXT PRIMARY KEY,
    version INTEGER NOT NULL,
    partner_id TEXT NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS contact_persons_by_partner ON contact_persons (partner_id, id);
CREATE TABLE IF NOT EXISTS contact_person_phones (
    number TEXT NOT NULL,
    contact_person_id TEXT NOT NULL REFERENCES contact_persons (id) ON DELETE CASCADE,
    PRIMARY KEY (number, contact_person_id)
);
CREATE TABLE IF NOT EXISTS contact_person_emails (
    email_key TEXT NOT NULL,
    contact_person_id TEXT NOT NULL REFERENCES contact_persons (id) ON DELETE CASCADE,
    PRIMARY KEY (email_key, contact_person_id)
);
CREATE TABLE IF NOT EXISTS relationships (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    source_type TEXT NOT NULL,
    source_id TEXT NOT NULL,
    target_type TEXT NOT NULL,
    target_id TEXT NOT NULL,
    -- The ends in a canonical order (sorted for symmetric kinds), so that one unique
    -- constraint rejects "B competitor of A" beside "A competitor of B".
    first_type TEXT NOT NULL,
    first_id TEXT NOT NULL,
    second_type TEXT NOT NULL,
    second_id TEXT NOT NULL,
    body TEXT NOT NULL,
    UNIQUE (kind, first_type, first_id, second_type, second_id)
);
CREATE INDEX IF NOT EXISTS relationships_by_source ON relationships (source_type, source_id);
CREATE INDEX IF NOT EXISTS relationships_by_target ON relationships (target_type, target_id);
"""


class StorageError(RepositoryError):
    """SQLite failed for a reason that is not a crmcore condition (disk full, locked, text
    that UTF-8 cannot encode, ...).

    The original error is the ``__cause__``; ``sqlite_error`` names its kind.
    """

    def __init__(self, operation: str, error: sqlite3.Error | UnicodeEncodeError) -> None:
        self.operation = operation
        self.sqlite_error = getattr(error, "sqlite_errorname", type(error).__name__)
        super().__init__(f"SQLite could not {operation}: {error}")


class Database:
    """An SQLite database file (or ``":memory:"``) holding the crmcore tables.

    One connection serves every thread, one at a time under a lock; writes run in
    ``BEGIN IMMEDIATE`` transactions, so that two ``Database`` objects on one file (two
    processes, say) also serialize their writes and optimistic locking holds between them.
    Pass ``converter`` to share one between databases: configuring one takes a moment.
    """

    def __init__(
        self, path: str | os.PathLike[str] = ":memory:", *, converter: Converter | None = None
    ) -> None:
        self.converter = converter or make_converter()
        self._lock = threading.RLock()
        try:
            self._connection = sqlite3.connect(
                path, isolation_level=None, check_same_thread=False, timeout=30
            )
            self._connection.execute("PRAGMA foreign_keys = ON")
            self._connection.executescript(SCHEMA)
        except sqlite3.Error as error:
            raise StorageError("open the database", error) from error

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self._connection.close()

    @contextmanager
    def transaction(self, operation: str) -> Iterator[sqlite3.Connection]:
        """A write transaction: committed if the block ends normally, else rolled back.

        ``sqlite3`` errors the block lets through become :class:`StorageError`; crmcore errors
        pass unchanged (after the rollback). So does text with lone surrogates, which Python
        strings may hold but UTF-8, and so SQLite, cannot.
        """
        with self._lock, self._translated(operation):
            self._connection.execute("BEGIN IMMEDIATE")
            try:
                yield self._connection
            except BaseException:
                self._connection.execute("ROLLBACK")
                raise
            self._connection.execute("COMMIT")

    def query(self, operation: str, sql: str, parameters: tuple[Any, ...] = ()) -> list[Any]:
        """The rows of one read statement."""
        with self._lock, self._translated(operation):
            return self._connection.execute(sql, parameters).fetchall()

    def dump(self, entity: object) -> str:
        """The JSON text of a model."""
        return json.dumps(self.converter.unstructure(entity), ensure_ascii=False)

    def load(self, body: str, cls: type[T]) -> T:
        """The model of type ``cls`` stored as ``body``."""
        loaded: T = self.converter.structure(json.loads(body), cls)
        return loaded

    @contextmanager
    def _translated(self, operation: str) -> Iterator[None]:
        try:
            yield
        except (sqlite3.Error, UnicodeEncodeError) as error:
            raise StorageError(operation, error) from error
