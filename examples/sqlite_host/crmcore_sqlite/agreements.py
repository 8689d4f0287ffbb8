"""The agreements repository of crmcore over SQLite, in tables of its own.

Like the partners' repositories, agreements are stored whole as JSON beside the columns the
queries look up (kind, status, partner, base, start of validity), and each ``save`` is one
optimistic ``UPDATE ... WHERE id = ? AND version = ?``. ISO dates sort as text, so
``of_partner`` orders by ``valid_from`` in SQL.

>>> from crmcore_sqlite import Database
>>> from crmcore_sqlite.agreements import SqliteAgreementRepository
>>> SqliteAgreementRepository(Database(":memory:")).count()
0
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from typing import Final

from crmcore.agreements import Agreement, AgreementKind, AgreementStatus
from crmcore.errors import DuplicateEntityError, EntityNotFoundError
from crmcore.ids import AgreementId, PartnerId
from crmcore_sqlite.database import Database
from crmcore_sqlite.repositories import raise_update_failure, require_version_bump

__all__ = ["SqliteAgreementRepository"]

AGREEMENT: Final = "agreement"
SCHEMA: Final = (
    """CREATE TABLE IF NOT EXISTS agreements (
        id TEXT PRIMARY KEY,
        version INTEGER NOT NULL,
        kind TEXT NOT NULL,
        status TEXT NOT NULL,
        partner_id TEXT,
        base_id TEXT,
        valid_from TEXT NOT NULL,
        body TEXT NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS agreements_by_partner ON agreements (partner_id, valid_from, id)",
    "CREATE INDEX IF NOT EXISTS agreements_by_base ON agreements (base_id, id)",
    "CREATE INDEX IF NOT EXISTS agreements_by_kind ON agreements (kind, status, id)",
)


def _columns(agreement: Agreement) -> tuple[str, str, str | None, str | None, str]:
    return (
        agreement.kind.value,
        agreement.status.value,
        agreement.partner_id,
        agreement.base_id,
        agreement.valid_from.isoformat(),
    )


class SqliteAgreementRepository:
    """Agreements in SQLite: an :class:`~crmcore.agreements.AgreementRepository`."""

    def __init__(self, database: Database) -> None:
        self._db = database
        # One statement at a time: executescript would commit the open transaction.
        with database.transaction("create the agreements tables") as connection:
            for statement in SCHEMA:
                connection.execute(statement)

    def get(self, agreement_id: AgreementId) -> Agreement:
        """The agreement with this id, else ``EntityNotFoundError``."""
        found = self._agreements("SELECT body FROM agreements WHERE id = ?", agreement_id)
        if not found:
            raise EntityNotFoundError(AGREEMENT, agreement_id)
        return found[0]

    def add(self, agreement: Agreement) -> None:
        """Store a new agreement, else ``DuplicateEntityError``."""
        body = self._db.dump(agreement)
        with self._db.transaction("add an agreement") as connection:
            try:
                connection.execute(
                    "INSERT INTO agreements (id, version, kind, status, partner_id, base_id,"
                    " valid_from, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (agreement.id, agreement.version, *_columns(agreement), body),
                )
            except sqlite3.IntegrityError:
                raise DuplicateEntityError(AGREEMENT, agreement.id) from None

    def save(self, agreement: Agreement, *, expected_version: int) -> None:
        """Store a changed agreement if the stored one is at ``expected_version``."""
        require_version_bump(agreement.version, expected_version)
        body = self._db.dump(agreement)
        with self._db.transaction("save an agreement") as connection:
            updated = connection.execute(
                "UPDATE agreements SET version = ?, kind = ?, status = ?, partner_id = ?,"
                " base_id = ?, valid_from = ?, body = ? WHERE id = ? AND version = ?",
                (agreement.version, *_columns(agreement), body, agreement.id, expected_version),
            )
            if updated.rowcount != 1:
                raise_update_failure(
                    connection, "agreements", AGREEMENT, agreement.id, expected_version
                )

    def of_partner(
        self, partner_id: PartnerId, *, status: AgreementStatus | None = None
    ) -> list[Agreement]:
        """The partner's individual agreements (with ``status`` when given), ordered by
        ``valid_from``, then id."""
        sql = "SELECT body FROM agreements WHERE partner_id = ?"
        if status is None:
            return self._agreements(f"{sql} ORDER BY valid_from, id", partner_id)
        return self._agreements(
            f"{sql} AND status = ? ORDER BY valid_from, id", partner_id, status.value
        )

    def based_on(self, base_id: AgreementId) -> list[Agreement]:
        """The individual agreements based on ``base_id``, ordered by id."""
        return self._agreements(
            "SELECT body FROM agreements WHERE base_id = ? ORDER BY id", base_id
        )

    def of_kind(
        self, kind: AgreementKind, *, status: AgreementStatus | None = None
    ) -> list[Agreement]:
        """The agreements of ``kind`` (with ``status`` when given), ordered by id."""
        if status is None:
            return self._agreements(
                "SELECT body FROM agreements WHERE kind = ? ORDER BY id", kind.value
            )
        return self._agreements(
            "SELECT body FROM agreements WHERE kind = ? AND status = ? ORDER BY id",
            kind.value,
            status.value,
        )

    def iterate(self) -> Iterator[Agreement]:
        """Every agreement, ordered by id (read when called)."""
        return iter(self._agreements("SELECT body FROM agreements ORDER BY id"))

    def count(self) -> int:
        """How many agreements are stored."""
        count: int = self._db.query("count agreements", "SELECT count(*) FROM agreements")[0][0]
        return count

    def _agreements(self, sql: str, *parameters: object) -> list[Agreement]:
        rows = self._db.query("find agreements", sql, parameters)
        return [self._db.load(body, Agreement) for (body,) in rows]
