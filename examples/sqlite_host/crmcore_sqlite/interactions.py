"""The interactions repository of crmcore over SQLite, in tables of its own.

Interactions are stored whole as JSON beside the columns the queries look up: the responsible
user, the partner, the chain's subject, the status, and the start and end as UTC ISO text
with microseconds, which sorts and compares as the instants do. The moments the reminders
fire go to a side table, so that ``reminding`` is one indexed query.

>>> from crmcore_sqlite import Database
>>> from crmcore_sqlite.interactions import SqliteInteractionRepository
>>> SqliteInteractionRepository(Database(":memory:")).pending("u-1")
[]
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from typing import Final

from crmcore.errors import DuplicateEntityError, EntityNotFoundError
from crmcore.ids import EntityRef, InteractionId, PartnerId, UserId
from crmcore.interactions import Interaction, InteractionStatus
from crmcore.validation import aware_datetime, raise_violations
from crmcore_sqlite.database import Database
from crmcore_sqlite.repositories import (
    check_limit,
    instant,
    raise_update_failure,
    require_version_bump,
)

__all__ = ["SqliteInteractionRepository"]

INTERACTION: Final = "interaction"
SCHEMA: Final = (
    """CREATE TABLE IF NOT EXISTS interactions (
        id TEXT PRIMARY KEY,
        version INTEGER NOT NULL,
        responsible TEXT NOT NULL,
        partner_id TEXT,
        chain TEXT NOT NULL,
        status TEXT NOT NULL,
        start_at TEXT NOT NULL,
        end_at TEXT NOT NULL,
        body TEXT NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS interactions_by_user ON interactions (responsible, start_at)",
    "CREATE INDEX IF NOT EXISTS interactions_by_partner ON interactions (partner_id, start_at)",
    "CREATE INDEX IF NOT EXISTS interactions_by_chain ON interactions (chain, start_at)",
    "CREATE INDEX IF NOT EXISTS interactions_by_status ON interactions (status, end_at)",
    """CREATE TABLE IF NOT EXISTS interaction_reminders (
        interaction_id TEXT NOT NULL REFERENCES interactions (id) ON DELETE CASCADE,
        at TEXT NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS reminders_by_moment ON interaction_reminders (at)",
)
_PENDING: Final = (InteractionStatus.PLANNED.value, InteractionStatus.IN_PROGRESS.value)
_COLUMNS: Final = "responsible, partner_id, chain, status, start_at, end_at"


def _moments(**moments: datetime) -> None:
    raise_violations(v for name, value in moments.items() for v in aware_datetime(name, value))


def _columns(interaction: Interaction) -> tuple[object, ...]:
    return (
        interaction.responsible, interaction.partner_id, str(interaction.chain),
        interaction.status.value, instant(interaction.start), instant(interaction.end),
    )  # fmt: skip


class SqliteInteractionRepository:
    """Interactions in SQLite: an :class:`~crmcore.interactions.InteractionRepository`."""

    def __init__(self, database: Database) -> None:
        self._db = database
        # One statement at a time: executescript would commit the open transaction.
        with database.transaction("create the interactions tables") as connection:
            for statement in SCHEMA:
                connection.execute(statement)

    def get(self, interaction_id: InteractionId) -> Interaction:
        """The interaction with this id, else ``EntityNotFoundError``."""
        found = self._select("WHERE id = ?", (interaction_id,))
        if not found:
            raise EntityNotFoundError(INTERACTION, interaction_id)
        return found[0]

    def add(self, interaction: Interaction) -> None:
        """Store a new interaction, else ``DuplicateEntityError``."""
        body = self._db.dump(interaction)
        with self._db.transaction("add an interaction") as connection:
            try:
                connection.execute(
                    f"INSERT INTO interactions (id, version, {_COLUMNS}, body)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (interaction.id, interaction.version, *_columns(interaction), body),
                )
            except sqlite3.IntegrityError:
                raise DuplicateEntityError(INTERACTION, interaction.id) from None
            self._remember(connection, interaction)

    def save(self, interaction: Interaction, *, expected_version: int) -> None:
        """Store a changed interaction if the stored one is at ``expected_version``."""
        require_version_bump(interaction.version, expected_version)
        body = self._db.dump(interaction)
        with self._db.transaction("save an interaction") as connection:
            updated = connection.execute(
                "UPDATE interactions SET version = ?, responsible = ?, partner_id = ?,"
                " chain = ?, status = ?, start_at = ?, end_at = ?, body = ?"
                " WHERE id = ? AND version = ?",
                (interaction.version, *_columns(interaction), body, interaction.id,
                 expected_version),
            )  # fmt: skip
            if updated.rowcount != 1:
                raise_update_failure(
                    connection, "interactions", INTERACTION, interaction.id, expected_version
                )
            connection.execute(
                "DELETE FROM interaction_reminders WHERE interaction_id = ?", (interaction.id,)
            )
            self._remember(connection, interaction)

    def pending(self, user: UserId) -> list[Interaction]:
        """The pending interactions of ``user``, ordered by start, then id."""
        return self._select(
            "WHERE responsible = ? AND status IN (?, ?) ORDER BY start_at, id", (user, *_PENDING)
        )

    def overdue(self, now: datetime, *, user: UserId | None = None) -> list[Interaction]:
        """Pending interactions (of ``user``) that ended before ``now``, by end, then id."""
        _moments(now=now)
        mine = "" if user is None else " AND responsible = ?"
        return self._select(
            f"WHERE status IN (?, ?) AND end_at < ?{mine} ORDER BY end_at, id",
            (*_PENDING, instant(now), *(() if user is None else (user,))),
        )

    def of_user(self, user: UserId, *, start: datetime, end: datetime) -> list[Interaction]:
        """The interactions of ``user`` overlapping ``[start, end)``, by start, then id."""
        _moments(start=start, end=end)
        since, until = instant(start), instant(end)
        return self._select(
            "WHERE responsible = ? AND start_at < ? AND (end_at > ? OR start_at >= ?)"
            " ORDER BY start_at, id",
            (user, until, since, since),
        )

    def history(self, partner_id: PartnerId, *, limit: int | None = None) -> list[Interaction]:
        """The interactions with a partner by start descending, then id; up to ``limit``."""
        if limit is not None:
            check_limit(limit)
        return self._select(
            "WHERE partner_id = ? ORDER BY start_at DESC, id LIMIT ?",
            (partner_id, -1 if limit is None else limit),
        )

    def chain(self, subject: EntityRef) -> list[Interaction]:
        """The chain about ``subject``, by start, then id."""
        return self._select("WHERE chain = ? ORDER BY start_at, id", (str(subject),))

    def reminding(self, since: datetime, now: datetime) -> list[Interaction]:
        """Pending interactions with a reminder due in ``(since, now]``, by id."""
        _moments(since=since, now=now)
        return self._select(
            "WHERE status IN (?, ?) AND id IN (SELECT interaction_id FROM interaction_reminders"
            " WHERE at > ? AND at <= ?) ORDER BY id",
            (*_PENDING, instant(since), instant(now)),
        )

    @staticmethod
    def _remember(connection: sqlite3.Connection, interaction: Interaction) -> None:
        connection.executemany(
            "INSERT INTO interaction_reminders (interaction_id, at) VALUES (?, ?)",
            [(interaction.id, instant(at)) for at in interaction.reminder_moments()],
        )

    def _select(self, where: str, parameters: tuple[object, ...]) -> list[Interaction]:
        rows = self._db.query("find interactions", f"SELECT body FROM interactions {where}",
                              parameters)  # fmt: skip
        return [self._db.load(body, Interaction) for (body,) in rows]
