"""The claims repository of crmcore over SQLite, in a table of its own.

Claims are stored whole as JSON beside the columns the queries look up: status, department,
the claimant's partner, and the registration and due moments as UTC ISO text with
microseconds, which sorts and compares as the instants do. So ``find`` and ``overdue`` filter
and order in SQL.

>>> from crmcore_sqlite import Database
>>> from crmcore_sqlite.claims import SqliteClaimRepository
>>> SqliteClaimRepository(Database(":memory:")).find()
[]
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from typing import Final

from crmcore.claims import Claim, ClaimStatus
from crmcore.errors import DuplicateEntityError, EntityNotFoundError
from crmcore.ids import ClaimId, PartnerId
from crmcore.validation import aware_datetime, optional, raise_violations
from crmcore_sqlite.database import Database
from crmcore_sqlite.repositories import (
    instant,
    raise_update_failure,
    require_version_bump,
    where,
)

__all__ = ["SqliteClaimRepository"]

CLAIM: Final = "claim"
SCHEMA: Final = (
    """CREATE TABLE IF NOT EXISTS claims (
        id TEXT PRIMARY KEY,
        version INTEGER NOT NULL,
        status TEXT NOT NULL,
        department TEXT,
        partner_id TEXT,
        registered_at TEXT NOT NULL,
        responded INTEGER NOT NULL,
        response_due TEXT NOT NULL,
        resolution_due TEXT NOT NULL,
        body TEXT NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS claims_by_status ON claims (status, resolution_due, id)",
    "CREATE INDEX IF NOT EXISTS claims_by_registration ON claims (registered_at, id)",
)
_OPEN: Final = (ClaimStatus.REGISTERED.value, ClaimStatus.UNDER_INVESTIGATION.value)


def _columns(claim: Claim) -> tuple[object, ...]:
    return (
        claim.status.value,
        claim.department,
        claim.claimant.partner_id,
        instant(claim.registered_at),
        int(claim.responded_at is not None),
        instant(claim.response_due),
        instant(claim.resolution_due),
    )


class SqliteClaimRepository:
    """Claims in SQLite: a :class:`~crmcore.claims.ClaimRepository`."""

    def __init__(self, database: Database) -> None:
        self._db = database
        # One statement at a time: executescript would commit the open transaction.
        with database.transaction("create the claims table") as connection:
            for statement in SCHEMA:
                connection.execute(statement)

    def get(self, claim_id: ClaimId) -> Claim:
        """The claim with this id, else ``EntityNotFoundError``."""
        found = self._claims("SELECT body FROM claims WHERE id = ?", (claim_id,))
        if not found:
            raise EntityNotFoundError(CLAIM, claim_id)
        return found[0]

    def add(self, claim: Claim) -> None:
        """Store a new claim, else ``DuplicateEntityError``."""
        body = self._db.dump(claim)
        with self._db.transaction("add a claim") as connection:
            try:
                connection.execute(
                    "INSERT INTO claims (id, version, status, department, partner_id,"
                    " registered_at, responded, response_due, resolution_due, body)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (claim.id, claim.version, *_columns(claim), body),
                )
            except sqlite3.IntegrityError:
                raise DuplicateEntityError(CLAIM, claim.id) from None

    def save(self, claim: Claim, *, expected_version: int) -> None:
        """Store a changed claim if the stored one is at ``expected_version``."""
        require_version_bump(claim.version, expected_version)
        body = self._db.dump(claim)
        with self._db.transaction("save a claim") as connection:
            updated = connection.execute(
                "UPDATE claims SET version = ?, status = ?, department = ?, partner_id = ?,"
                " registered_at = ?, responded = ?, response_due = ?, resolution_due = ?,"
                " body = ? WHERE id = ? AND version = ?",
                (claim.version, *_columns(claim), body, claim.id, expected_version),
            )
            if updated.rowcount != 1:
                raise_update_failure(connection, "claims", CLAIM, claim.id, expected_version)

    def find(
        self,
        *,
        status: ClaimStatus | None = None,
        department: str | None = None,
        partner_id: PartnerId | None = None,
        registered_from: datetime | None = None,
        registered_to: datetime | None = None,
    ) -> list[Claim]:
        """Claims matching every filter given, ordered by registration time, then id."""
        raise_violations(
            [
                *optional(aware_datetime)("registered_from", registered_from),
                *optional(aware_datetime)("registered_to", registered_to),
            ]
        )
        conditions = [
            ("status = ?", None if status is None else status.value),
            ("department = ?", department),
            ("partner_id = ?", partner_id),
            ("registered_at >= ?", None if registered_from is None else instant(registered_from)),
            ("registered_at < ?", None if registered_to is None else instant(registered_to)),
        ]
        sql, parameters = where(conditions)
        return self._claims(
            f"SELECT body FROM claims WHERE {sql} ORDER BY registered_at, id", parameters
        )

    def overdue(self, now: datetime) -> list[Claim]:
        """Open claims not waiting for their claimant that have passed a due date at ``now``,
        ordered by resolution due date, then id."""
        raise_violations(aware_datetime("now", now))
        moment = instant(now)
        return self._claims(
            "SELECT body FROM claims WHERE status IN (?, ?)"
            " AND ((responded = 0 AND response_due < ?) OR resolution_due < ?)"
            " ORDER BY resolution_due, id",
            (*_OPEN, moment, moment),
        )

    def _claims(self, sql: str, parameters: tuple[object, ...]) -> list[Claim]:
        rows = self._db.query("find claims", sql, parameters)
        return [self._db.load(body, Claim) for (body,) in rows]
