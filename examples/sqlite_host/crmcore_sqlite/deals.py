"""The deals repositories of crmcore over SQLite: pipelines, deals and the stage log.

Models are stored whole as JSON beside the columns the queries look up. Times are UTC ISO
text with microseconds, which sorts and compares as the instants do; the stage log's primary
key (deal, version) keeps each entry once.

>>> from crmcore_sqlite import Database
>>> from crmcore_sqlite.deals import SqliteDealRepository
>>> SqliteDealRepository(Database(":memory:")).count()
0
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import date, datetime
from typing import Final

from crmcore.deals import Deal, DealKind, DealStatus, Pipeline, StageChange
from crmcore.errors import DomainValidationError, DuplicateEntityError, EntityNotFoundError
from crmcore.ids import DealId, PartnerId, PipelineId, UserId
from crmcore.validation import aware_datetime, plain_date, raise_violations
from crmcore_sqlite.database import Database
from crmcore_sqlite.repositories import (
    instant,
    raise_update_failure,
    require_version_bump,
    where,
)

__all__ = ["SqliteDealRepository", "SqlitePipelineRepository", "SqliteStageLog"]

PIPELINE: Final = "pipeline"
DEAL: Final = "deal"
STAGE_CHANGE: Final = "stage_change"
SCHEMA: Final = (
    """CREATE TABLE IF NOT EXISTS pipelines (
        id TEXT PRIMARY KEY, version INTEGER NOT NULL, kind TEXT NOT NULL, body TEXT NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS deals (
        id TEXT PRIMARY KEY,
        version INTEGER NOT NULL,
        partner_id TEXT NOT NULL,
        pipeline_id TEXT NOT NULL,
        status TEXT NOT NULL,
        manager TEXT NOT NULL,
        expected_close TEXT,
        body TEXT NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS deals_by_close ON deals (status, expected_close, id)",
    """CREATE TABLE IF NOT EXISTS stage_log (
        deal_id TEXT NOT NULL,
        version INTEGER NOT NULL,
        pipeline_id TEXT NOT NULL,
        at TEXT NOT NULL,
        body TEXT NOT NULL,
        PRIMARY KEY (deal_id, version)
    )""",
    "CREATE INDEX IF NOT EXISTS stage_log_by_time ON stage_log (at, deal_id, version)",
)


def _create(database: Database) -> None:
    # One statement at a time: executescript would commit the open transaction.
    with database.transaction("create the deals tables") as connection:
        for statement in SCHEMA:
            connection.execute(statement)


class SqlitePipelineRepository:
    """Pipelines in SQLite: a :class:`~crmcore.deals.PipelineRepository`."""

    def __init__(self, database: Database) -> None:
        self._db = database
        _create(database)

    def get(self, pipeline_id: PipelineId) -> Pipeline:
        """The pipeline with this id, else ``EntityNotFoundError``."""
        found = self._pipelines("SELECT body FROM pipelines WHERE id = ?", (pipeline_id,))
        if not found:
            raise EntityNotFoundError(PIPELINE, pipeline_id)
        return found[0]

    def add(self, pipeline: Pipeline) -> None:
        """Store a new pipeline, else ``DuplicateEntityError``."""
        body = self._db.dump(pipeline)
        with self._db.transaction("add a pipeline") as connection:
            try:
                connection.execute(
                    "INSERT INTO pipelines (id, version, kind, body) VALUES (?, ?, ?, ?)",
                    (pipeline.id, pipeline.version, pipeline.kind.value, body),
                )
            except sqlite3.IntegrityError:
                raise DuplicateEntityError(PIPELINE, pipeline.id) from None

    def save(self, pipeline: Pipeline, *, expected_version: int) -> None:
        """Store a changed pipeline if the stored one is at ``expected_version``."""
        require_version_bump(pipeline.version, expected_version)
        body = self._db.dump(pipeline)
        with self._db.transaction("save a pipeline") as connection:
            updated = connection.execute(
                "UPDATE pipelines SET version = ?, kind = ?, body = ? WHERE id = ? AND version = ?",
                (pipeline.version, pipeline.kind.value, body, pipeline.id, expected_version),
            )
            if updated.rowcount != 1:
                raise_update_failure(
                    connection, "pipelines", PIPELINE, pipeline.id, expected_version
                )

    def of_kind(self, kind: DealKind) -> list[Pipeline]:
        """The pipelines of ``kind``, ordered by id."""
        sql = "SELECT body FROM pipelines WHERE kind = ? ORDER BY id"
        return self._pipelines(sql, (kind.value,))

    def iterate(self) -> Iterator[Pipeline]:
        """Every pipeline, ordered by id."""
        return iter(self._pipelines("SELECT body FROM pipelines ORDER BY id", ()))

    def _pipelines(self, sql: str, parameters: tuple[object, ...]) -> list[Pipeline]:
        rows = self._db.query("find pipelines", sql, parameters)
        return [self._db.load(body, Pipeline) for (body,) in rows]


def _deal_columns(deal: Deal) -> tuple[object, ...]:
    close = None if deal.expected_close is None else deal.expected_close.isoformat()
    return (deal.partner_id, deal.pipeline_id, deal.status.value, deal.responsible_manager, close)


class SqliteDealRepository:
    """Deals in SQLite: a :class:`~crmcore.deals.DealRepository`."""

    def __init__(self, database: Database) -> None:
        self._db = database
        _create(database)

    def get(self, deal_id: DealId) -> Deal:
        """The deal with this id, else ``EntityNotFoundError``."""
        found = self._deals("SELECT body FROM deals WHERE id = ?", (deal_id,))
        if not found:
            raise EntityNotFoundError(DEAL, deal_id)
        return found[0]

    def add(self, deal: Deal) -> None:
        """Store a new deal, else ``DuplicateEntityError``."""
        body = self._db.dump(deal)
        with self._db.transaction("add a deal") as connection:
            try:
                connection.execute(
                    "INSERT INTO deals (id, version, partner_id, pipeline_id, status, manager,"
                    " expected_close, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (deal.id, deal.version, *_deal_columns(deal), body),
                )
            except sqlite3.IntegrityError:
                raise DuplicateEntityError(DEAL, deal.id) from None

    def save(self, deal: Deal, *, expected_version: int) -> None:
        """Store a changed deal if the stored one is at ``expected_version``."""
        require_version_bump(deal.version, expected_version)
        body = self._db.dump(deal)
        with self._db.transaction("save a deal") as connection:
            updated = connection.execute(
                "UPDATE deals SET version = ?, partner_id = ?, pipeline_id = ?, status = ?,"
                " manager = ?, expected_close = ?, body = ? WHERE id = ? AND version = ?",
                (deal.version, *_deal_columns(deal), body, deal.id, expected_version),
            )
            if updated.rowcount != 1:
                raise_update_failure(connection, "deals", DEAL, deal.id, expected_version)

    def find(
        self,
        *,
        partner_id: PartnerId | None = None,
        pipeline_id: PipelineId | None = None,
        status: DealStatus | None = None,
        responsible_manager: UserId | None = None,
    ) -> list[Deal]:
        """The deals matching every filter given, ordered by id."""
        conditions = [
            ("partner_id = ?", partner_id),
            ("pipeline_id = ?", pipeline_id),
            ("status = ?", None if status is None else status.value),
            ("manager = ?", responsible_manager),
        ]
        sql, parameters = where(conditions)
        return self._deals(f"SELECT body FROM deals WHERE {sql} ORDER BY id", parameters)

    def closing_between(self, start: date, end: date) -> list[Deal]:
        """Open deals expected to close on or after ``start`` and before ``end``, ordered by
        expected close, then id."""
        raise_violations([*plain_date("start", start), *plain_date("end", end)])
        return self._deals(
            "SELECT body FROM deals WHERE status = ? AND expected_close >= ?"
            " AND expected_close < ? ORDER BY expected_close, id",
            (DealStatus.OPEN.value, start.isoformat(), end.isoformat()),
        )

    def iterate(self) -> Iterator[Deal]:
        """Every deal, ordered by id."""
        return iter(self._deals("SELECT body FROM deals ORDER BY id", ()))

    def count(self) -> int:
        """How many deals are stored."""
        rows = self._db.query("count deals", "SELECT COUNT(*) FROM deals")
        count: int = rows[0][0]
        return count

    def _deals(self, sql: str, parameters: tuple[object, ...]) -> list[Deal]:
        rows = self._db.query("find deals", sql, parameters)
        return [self._db.load(body, Deal) for (body,) in rows]


class SqliteStageLog:
    """The stage log in SQLite: a :class:`~crmcore.deals.StageLog`."""

    def __init__(self, database: Database) -> None:
        self._db = database
        _create(database)

    def append(self, change: StageChange) -> None:
        """Store a new entry, else ``DuplicateEntityError`` with key ``"version"``."""
        if not isinstance(change, StageChange):
            raise DomainValidationError.single("change", "must be a StageChange", value=change)
        body = self._db.dump(change)
        with self._db.transaction("append to the stage log") as connection:
            try:
                connection.execute(
                    "INSERT INTO stage_log (deal_id, version, pipeline_id, at, body)"
                    " VALUES (?, ?, ?, ?, ?)",
                    (change.deal_id, change.version, change.pipeline_id, instant(change.at), body),
                )
            except sqlite3.IntegrityError:
                entry_id = f"{change.deal_id}@{change.version}"
                raise DuplicateEntityError(STAGE_CHANGE, entry_id, key="version") from None

    def of_deal(self, deal_id: DealId) -> list[StageChange]:
        """The entries of one deal, ordered by version."""
        sql = "SELECT body FROM stage_log WHERE deal_id = ? ORDER BY version"
        return self._entries(sql, (deal_id,))

    def between(
        self, start: datetime, end: datetime, *, pipeline_id: PipelineId | None = None
    ) -> Iterator[StageChange]:
        """Entries made in ``[start, end)`` (of one pipeline if given), ordered by time, then
        deal id, then version."""
        return self._made(start, end, pipeline_id, "at, deal_id, version")

    def by_deal(
        self, start: datetime, end: datetime, *, pipeline_id: PipelineId | None = None
    ) -> Iterator[StageChange]:
        """Entries made in ``[start, end)`` (of one pipeline if given), ordered by deal id,
        then version (the order of the table's primary key)."""
        return self._made(start, end, pipeline_id, "deal_id, version")

    def _made(
        self, start: datetime, end: datetime, pipeline_id: PipelineId | None, order: str
    ) -> Iterator[StageChange]:
        raise_violations([*aware_datetime("start", start), *aware_datetime("end", end)])
        sql = "SELECT body FROM stage_log WHERE at >= ? AND at < ?"
        parameters: tuple[object, ...] = (instant(start), instant(end))
        if pipeline_id is not None:
            sql += " AND pipeline_id = ?"
            parameters = (*parameters, pipeline_id)
        return iter(self._entries(f"{sql} ORDER BY {order}", parameters))

    def count(self) -> int:
        """How many entries are stored."""
        rows = self._db.query("count the stage log", "SELECT COUNT(*) FROM stage_log")
        count: int = rows[0][0]
        return count

    def _entries(self, sql: str, parameters: tuple[object, ...]) -> list[StageChange]:
        rows = self._db.query("read the stage log", sql, parameters)
        return [self._db.load(body, StageChange) for (body,) in rows]
