"""The reference outbox and tick log pass their contract suites."""

from __future__ import annotations

from crmcore.app import OutboxRepository, TickLog
from crmcore.memory.app import MemoryOutbox, MemoryTickLog
from crmcore.testing.contracts import OutboxRepositoryContract, TickLogContract


class TestMemoryOutbox(OutboxRepositoryContract):
    def make_repository(self) -> OutboxRepository:
        return MemoryOutbox()


class TestMemoryTickLog(TickLogContract):
    def make_repository(self) -> TickLog:
        return MemoryTickLog()
