"""The protocols of the application layer's own records: the outbox and the tick log.

Like every area's repositories, these are small synchronous protocols that a store
implements; :mod:`crmcore.memory` holds the reference implementation and
:mod:`crmcore.testing.contracts` the contract suite.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from crmcore.app.model import OutboxMessage, OutboxStatus

__all__ = ["OutboxRepository", "TickLog"]


class OutboxRepository(Protocol):
    """Where commands for the outside world wait to be delivered."""

    def get(self, message_id: str) -> OutboxMessage:
        """The message with this id, else ``EntityNotFoundError``."""
        ...

    def add(self, message: OutboxMessage) -> None:
        """Store a new message, else ``DuplicateEntityError`` (the id is the idempotency key)."""
        ...

    def save(self, message: OutboxMessage, *, expected_version: int) -> None:
        """Store a changed message if the stored one is at ``expected_version``."""
        ...

    def find(
        self, *, status: OutboxStatus | None = None, limit: int | None = None
    ) -> list[OutboxMessage]:
        """Up to ``limit`` messages with ``status`` (every status when ``None``), ordered by
        creation time, then id."""
        ...


class TickLog(Protocol):
    """What :meth:`crmcore.app.CRM.tick` has fired, so that nothing fires twice, also across
    restarts, and the moment up to which it has looked."""

    def fired(self, key: str) -> bool:
        """Whether ``key`` (a due trigger or reminder) has been recorded."""
        ...

    def record(self, key: str, *, at: datetime) -> None:
        """Record ``key`` as fired at ``at``, else ``DuplicateEntityError``."""
        ...

    def watermark(self) -> datetime | None:
        """The moment up to which the last tick looked, or ``None`` before the first."""
        ...

    def advance(self, to: datetime) -> None:
        """Set the watermark to ``to``; a moment before the current one is a
        ``DomainValidationError``."""
        ...
