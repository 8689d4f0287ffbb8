"""The access scope in the reference store: an index of every record's access keys, so that
a query filtered by an :class:`~crmcore.visibility.AccessScope` looks up ids, not records;
and :class:`MemoryAuditTrail`, the reference audit trail."""

from __future__ import annotations

import threading
from typing import Final, TypeVar

from crmcore.access.audit import AuditEntry
from crmcore.access.kinds import record_keys
from crmcore.errors import DomainValidationError, DuplicateEntityError
from crmcore.memory._store import GuardedStore, Identified, KeyIndex, Versioned, journaled
from crmcore.visibility import AccessScope

__all__ = ["AccessIndex", "MemoryAuditTrail", "within"]

AUDIT_ENTRY: Final = "audit_entry"

E = TypeVar("E", bound=Identified)
V = TypeVar("V", bound=Versioned)


class AccessIndex(KeyIndex[E]):
    """The ids of the records of one kind under each of their access keys."""

    def __init__(self, kind: str) -> None:
        super().__init__(lambda entity: record_keys(kind, entity))
        self.kind = kind

    def visible(self, scope: AccessScope) -> set[str]:
        """The ids of the records ``scope`` admits."""
        found: set[str] = set()
        for key in scope.keys:
            found |= self.lookup(key)
        return found


def within(
    store: GuardedStore[V], index: AccessIndex[V], entities: list[V], scope: AccessScope | None
) -> list[V]:
    """``entities`` of ``store`` that ``scope`` admits, in their order (all when ``None``)."""
    if scope is None:
        return entities
    with store.lock:
        ids = index.visible(scope)
    return [entity for entity in entities if entity.id in ids]


class MemoryAuditTrail:
    """The audit trail in memory: the reference :class:`~crmcore.access.AuditTrail`."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._ids: set[str] = set()
        self._of_record: dict[tuple[str, str], list[AuditEntry]] = {}

    def append(self, entry: AuditEntry) -> None:
        """Store a new entry, else ``DuplicateEntityError``."""
        if not isinstance(entry, AuditEntry):
            raise DomainValidationError.single("entry", "must be an AuditEntry", value=entry)
        with self._lock:
            if entry.id in self._ids:
                raise DuplicateEntityError(AUDIT_ENTRY, entry.id)
            self._ids.add(entry.id)
            self._of_record.setdefault((entry.entity_type, entry.entity_id), []).append(entry)
            journaled(lambda: self._take_back(entry))

    def _take_back(self, entry: AuditEntry) -> None:
        with self._lock:
            self._ids.discard(entry.id)
            self._of_record[(entry.entity_type, entry.entity_id)].remove(entry)

    def of_record(self, entity_type: str, entity_id: str) -> list[AuditEntry]:
        """The entries of one record, in the order they were appended."""
        with self._lock:
            return list(self._of_record.get((entity_type, entity_id), ()))

    def count(self) -> int:
        """How many entries are stored."""
        with self._lock:
            return len(self._ids)
