"""The storage protocol of the audit trail, implemented by the host.

The trail is append-only: entries are never changed or removed. ``append`` raises
:class:`~crmcore.errors.DuplicateEntityError` for an id it holds already.
"""

from __future__ import annotations

from typing import Protocol

from crmcore.access.audit import AuditEntry

__all__ = ["AuditTrail"]


class AuditTrail(Protocol):
    """Where the host keeps the audit trail of every stored change."""

    def append(self, entry: AuditEntry) -> None:
        """Store a new entry, else ``DuplicateEntityError``."""
        ...

    def of_record(self, entity_type: str, entity_id: str) -> list[AuditEntry]:
        """The entries of one record, in the order they were appended."""
        ...

    def count(self) -> int:
        """How many entries are stored."""
        ...
