"""The requests repository of crmcore over SQLite: a table of requests and one of their
contact keys.

Requests are stored whole as JSON beside the columns the queries look up: status, source,
manager, the bound partner and the time received as UTC ISO text with microseconds, which
sorts and compares as the instants do. Each phone number and case-folded email of a request
is a row of ``request_contacts``, so ``from_contact`` is one indexed join.

>>> from crmcore_sqlite import Database
>>> from crmcore_sqlite.requests import SqliteRequestRepository
>>> SqliteRequestRepository(Database(":memory:")).find()
[]
"""

from __future__ import annotations

import sqlite3
from collections.abc import Collection
from datetime import datetime
from typing import Final

from crmcore.errors import DuplicateEntityError, EntityNotFoundError
from crmcore.ids import PartnerId, RequestId, UserId
from crmcore.partners import Email, Phone
from crmcore.requests import Request, RequestStatus
from crmcore.validation import aware_datetime, each, instance_of, optional, raise_violations
from crmcore_sqlite.database import Database
from crmcore_sqlite.repositories import (
    instant,
    raise_update_failure,
    require_version_bump,
    where,
)

__all__ = ["SqliteRequestRepository"]

REQUEST: Final = "request"
SCHEMA: Final = (
    """CREATE TABLE IF NOT EXISTS requests (
        id TEXT PRIMARY KEY,
        version INTEGER NOT NULL,
        status TEXT NOT NULL,
        source TEXT NOT NULL,
        manager TEXT,
        partner_id TEXT,
        received_at TEXT NOT NULL,
        body TEXT NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS request_contacts (
        request_id TEXT NOT NULL REFERENCES requests (id),
        contact_key TEXT NOT NULL,
        PRIMARY KEY (contact_key, request_id)
    )""",
    "CREATE INDEX IF NOT EXISTS requests_by_time ON requests (received_at, id)",
    "CREATE INDEX IF NOT EXISTS requests_by_status ON requests (status, received_at, id)",
)


def _columns(request: Request) -> tuple[object, ...]:
    partner = None if request.binding is None else request.binding.partner_id
    return (
        request.status.value,
        request.source,
        request.responsible_manager,
        partner,
        instant(request.received_at),
    )


class SqliteRequestRepository:
    """Requests in SQLite: a :class:`~crmcore.requests.RequestRepository`."""

    def __init__(self, database: Database) -> None:
        self._db = database
        # One statement at a time: executescript would commit the open transaction.
        with database.transaction("create the requests tables") as connection:
            for statement in SCHEMA:
                connection.execute(statement)

    def get(self, request_id: RequestId) -> Request:
        """The request with this id, else ``EntityNotFoundError``."""
        found = self._requests("SELECT body FROM requests WHERE id = ?", (request_id,))
        if not found:
            raise EntityNotFoundError(REQUEST, request_id)
        return found[0]

    def add(self, request: Request) -> None:
        """Store a new request, else ``DuplicateEntityError``."""
        body = self._db.dump(request)
        with self._db.transaction("add a request") as connection:
            try:
                connection.execute(
                    "INSERT INTO requests (id, version, status, source, manager, partner_id,"
                    " received_at, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (request.id, request.version, *_columns(request), body),
                )
            except sqlite3.IntegrityError:
                raise DuplicateEntityError(REQUEST, request.id) from None
            self._file_contacts(connection, request)

    def save(self, request: Request, *, expected_version: int) -> None:
        """Store a changed request if the stored one is at ``expected_version``."""
        require_version_bump(request.version, expected_version)
        body = self._db.dump(request)
        with self._db.transaction("save a request") as connection:
            updated = connection.execute(
                "UPDATE requests SET version = ?, status = ?, source = ?, manager = ?,"
                " partner_id = ?, received_at = ?, body = ? WHERE id = ? AND version = ?",
                (request.version, *_columns(request), body, request.id, expected_version),
            )
            if updated.rowcount != 1:
                raise_update_failure(connection, "requests", REQUEST, request.id, expected_version)
            connection.execute("DELETE FROM request_contacts WHERE request_id = ?", (request.id,))
            self._file_contacts(connection, request)

    def find(
        self,
        *,
        status: RequestStatus | None = None,
        source: str | None = None,
        manager: UserId | None = None,
        partner_id: PartnerId | None = None,
        received_from: datetime | None = None,
        received_to: datetime | None = None,
    ) -> list[Request]:
        """Requests matching every filter given, ordered by time received, then id."""
        raise_violations(
            [
                *optional(aware_datetime)("received_from", received_from),
                *optional(aware_datetime)("received_to", received_to),
            ]
        )
        conditions = [
            ("status = ?", None if status is None else status.value),
            ("source = ?", source),
            ("manager = ?", manager),
            ("partner_id = ?", partner_id),
            ("received_at >= ?", None if received_from is None else instant(received_from)),
            ("received_at < ?", None if received_to is None else instant(received_to)),
        ]
        sql, parameters = where(conditions)
        return self._requests(
            f"SELECT body FROM requests WHERE {sql} ORDER BY received_at, id", parameters
        )

    def from_contact(
        self,
        *,
        phones: Collection[Phone] = (),
        emails: Collection[Email] = (),
        received_from: datetime,
    ) -> list[Request]:
        """Requests received at or after ``received_from`` sharing a phone or an email with
        those given, ordered by time received, then id."""
        raise_violations(
            [
                *aware_datetime("received_from", received_from),
                *each(instance_of(Phone), container=Collection)("phones", phones),
                *each(instance_of(Email), container=Collection)("emails", emails),
            ]
        )
        keys = sorted({f"phone:{p.number}" for p in phones} | {f"email:{e.key}" for e in emails})
        if not keys:
            return []
        marks = ", ".join("?" for _ in keys)
        return self._requests(
            "SELECT body FROM requests WHERE received_at >= ? AND id IN"
            f" (SELECT request_id FROM request_contacts WHERE contact_key IN ({marks}))"
            " ORDER BY received_at, id",
            (instant(received_from), *keys),
        )

    @staticmethod
    def _file_contacts(connection: sqlite3.Connection, request: Request) -> None:
        connection.executemany(
            "INSERT INTO request_contacts (request_id, contact_key) VALUES (?, ?)",
            [(request.id, key) for key in sorted(request.contact.keys)],
        )

    def _requests(self, sql: str, parameters: tuple[object, ...]) -> list[Request]:
        rows = self._db.query("find requests", sql, parameters)
        return [self._db.load(body, Request) for (body,) in rows]
