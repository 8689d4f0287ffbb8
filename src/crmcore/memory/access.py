"""The access scope in the reference store: an index of every record's access keys, so that
a query filtered by an :class:`~crmcore.visibility.AccessScope` looks up ids, not records."""

from __future__ import annotations

from typing import TypeVar

from crmcore.access.kinds import record_keys
from crmcore.memory._store import GuardedStore, Identified, KeyIndex, Versioned
from crmcore.visibility import AccessScope

__all__ = ["AccessIndex", "within"]

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
