"""The application layer's own records over SQL: the outbox and the tick log."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Final

from sqlalchemy import select
from sqlalchemy.engine import Connection

from crmcore.app.model import OutboxMessage, OutboxStatus
from crmcore.errors import DomainValidationError, DuplicateEntityError
from crmcore.sql import metadata as m
from crmcore.sql.database import Database
from crmcore.sql.versioned import VersionedTable, check_limit
from crmcore.validation import aware_datetime, raise_violations

__all__ = ["SqlOutbox", "SqlTickLog"]

FIRED: Final = "fired"
_WATERMARK_ROW: Final = 1


class SqlOutbox(VersionedTable[OutboxMessage]):
    """Outbox messages in SQL: an :class:`~crmcore.app.OutboxRepository`."""

    table = m.outbox
    entity_type = "outbox_message"
    model = OutboxMessage

    def columns(self, entity: OutboxMessage) -> dict[str, object]:
        """Status and creation time."""
        return {"status": entity.status.value, "created_at": entity.created_at}

    def find(
        self, *, status: OutboxStatus | None = None, limit: int | None = None
    ) -> list[OutboxMessage]:
        """Up to ``limit`` messages with ``status``, ordered by creation time, then id."""
        if limit is not None:
            check_limit(limit)
        c = self.table.c
        conditions = [] if status is None else [c.status == status.value]
        return self.select(*conditions, order_by=(c.created_at, c.id), limit=limit)


class SqlTickLog:
    """What the ticks fired, in SQL: a :class:`~crmcore.app.TickLog`."""

    def __init__(self, database: Database) -> None:
        self._db = database

    def fired(self, key: str) -> bool:
        """Whether ``key`` has been recorded."""
        c = m.tick_fired.c
        with self._db.begin("read the tick log") as connection:
            return connection.execute(select(c.key).where(c.key == key)).first() is not None

    def record(self, key: str, *, at: datetime) -> None:
        """Record ``key`` as fired at ``at``, else ``DuplicateEntityError``."""
        raise_violations(aware_datetime("at", at))
        with self._db.begin("record a fired key", write=True) as connection:
            if not self._db.insert_new(connection, m.tick_fired, {"key": key, "at": at}):
                raise DuplicateEntityError(FIRED, key)

    def watermark(self) -> datetime | None:
        """The moment up to which the last tick looked."""
        with self._db.begin("read the watermark") as connection:
            return self._read(connection)

    def advance(self, to: datetime) -> None:
        """Move the watermark forward to ``to``."""
        raise_violations(aware_datetime("to", to))
        table = m.tick_watermark
        with self._db.begin("advance the watermark", write=True) as connection:
            before = self._read(connection)
            if before is None:
                connection.execute(table.insert(), {"id": _WATERMARK_ROW, "at": to})
                return
            if to < before:
                raise DomainValidationError.single(
                    "to", f"must not be before the watermark {before.isoformat()}", value=to
                )
            connection.execute(table.update().where(table.c.id == _WATERMARK_ROW).values(at=to))

    @staticmethod
    def _read(connection: Connection) -> datetime | None:
        c = m.tick_watermark.c
        moment: datetime | None = connection.execute(
            select(c.at).where(c.id == _WATERMARK_ROW)
        ).scalar_one_or_none()
        return moment


if TYPE_CHECKING:
    from crmcore.app.repository import OutboxRepository, TickLog

    def _conforms(outbox: SqlOutbox, ticks: SqlTickLog) -> tuple[OutboxRepository, TickLog]:
        return outbox, ticks
