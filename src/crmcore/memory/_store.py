"""The building blocks of the in-memory repositories: a versioned store and its indexes.

:class:`GuardedStore` holds one re-entrant lock around every call, so that a store and its
indexes always change together; the other classes do not lock and are used only behind it.
"""

from __future__ import annotations

import threading
from bisect import bisect_left, insort
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Generic, Protocol, TypeVar

from crmcore.errors import (
    ConcurrencyConflictError,
    DuplicateEntityError,
    EntityNotFoundError,
)
from crmcore.repository_checks import require_version_bump

__all__ = [
    "GuardedStore",
    "Identified",
    "Journal",
    "KeyIndex",
    "PrefixIndex",
    "VersionedStore",
    "journaled",
    "require_version_bump",
]


class Journal:
    """The undo steps of the writes made while it is open, so that a unit of work of
    :class:`crmcore.memory.MemoryStore` can take back every write of a failed command.

    Every reference repository notes, through :func:`journaled`, how to undo each write it
    makes; a write made while no journal is open notes nothing.
    """

    def __init__(self) -> None:
        self._undo: list[Callable[[], object]] = []

    @contextmanager
    def recording(self) -> Iterator[None]:
        """Note the undo steps of the writes made in this thread until the block ends."""
        token = _JOURNAL.set(self)
        try:
            yield
        finally:
            _JOURNAL.reset(token)

    @staticmethod
    def open_here() -> bool:
        """Whether a journal is recording in this thread (a unit of work is running)."""
        return _JOURNAL.get() is not None

    def note(self, undo: Callable[[], object]) -> None:
        """Remember how to take back one write."""
        self._undo.append(undo)

    def rollback(self) -> None:
        """Undo every noted write, the latest first."""
        while self._undo:
            self._undo.pop()()

    def forget(self) -> None:
        """Keep every write: the unit of work committed."""
        self._undo.clear()


_JOURNAL: ContextVar[Journal | None] = ContextVar("crmcore_memory_journal", default=None)


def journaled(undo: Callable[[], object]) -> None:
    """Note ``undo`` in the journal open in this thread, if any (what it returns is dropped)."""
    journal = _JOURNAL.get()
    if journal is not None:
        journal.note(undo)


class Identified(Protocol):
    """An entity with a text id."""

    @property
    def id(self) -> str:
        """The id of the entity."""
        ...


class Versioned(Identified, Protocol):
    """An entity with a text id and a version bumped by every change."""

    @property
    def version(self) -> int:
        """The version of the entity."""
        ...


E = TypeVar("E", bound=Identified)
E_contra = TypeVar("E_contra", bound=Identified, contravariant=True)
V = TypeVar("V", bound=Versioned)


class Index(Protocol[E_contra]):
    """A secondary index that follows every entity put into or taken out of a store."""

    def insert(self, entity: E_contra) -> None:
        """Index ``entity`` under its keys."""
        ...

    def delete(self, entity: E_contra) -> None:
        """Forget ``entity`` under its keys."""
        ...


class KeyIndex(Generic[E]):
    """The ids of the entities under each key that ``keys(entity)`` yields (phone, email...)."""

    def __init__(self, keys: Callable[[E], Iterable[Hashable]]) -> None:
        self._keys = keys
        self._ids: dict[Hashable, set[str]] = {}

    def insert(self, entity: E) -> None:
        """Index ``entity`` under its keys."""
        for key in self._keys(entity):
            self._ids.setdefault(key, set()).add(entity.id)

    def delete(self, entity: E) -> None:
        """Forget ``entity`` under its keys; a key left without ids disappears."""
        for key in self._keys(entity):
            ids = self._ids[key]
            ids.discard(entity.id)
            if not ids:
                del self._ids[key]

    def lookup(self, key: Hashable) -> set[str]:
        """The ids under ``key`` (a copy)."""
        return set(self._ids.get(key, ()))


class PrefixIndex(Generic[E]):
    """Ids by text keys kept sorted, so that the keys starting with a prefix are one range."""

    def __init__(self, keys: Callable[[E], Iterable[str]]) -> None:
        self._keys = keys
        self._entries: list[tuple[str, str]] = []

    def insert(self, entity: E) -> None:
        """Index ``entity`` under each of its distinct keys."""
        for key in set(self._keys(entity)):
            insort(self._entries, (key, entity.id))

    def delete(self, entity: E) -> None:
        """Forget ``entity`` under each of its distinct keys."""
        for key in set(self._keys(entity)):
            del self._entries[bisect_left(self._entries, (key, entity.id))]

    def lookup(self, prefix: str) -> set[str]:
        """The ids with a key that starts with ``prefix``."""
        found: set[str] = set()
        position = bisect_left(self._entries, (prefix, ""))
        while position < len(self._entries) and self._entries[position][0].startswith(prefix):
            found.add(self._entries[position][1])
            position += 1
        return found


class VersionedStore(Generic[V]):
    """Entities by id with optimistic versioning and secondary indexes kept in step."""

    def __init__(self, entity_type: str, indexes: Sequence[Index[V]]) -> None:
        self.entity_type = entity_type
        self._entities: dict[str, V] = {}
        self._indexes = tuple(indexes)

    def __len__(self) -> int:
        return len(self._entities)

    def get(self, entity_id: str) -> V:
        """The entity with ``entity_id``, else ``EntityNotFoundError``."""
        try:
            return self._entities[entity_id]
        except KeyError:
            raise EntityNotFoundError(self.entity_type, entity_id) from None

    def add(self, entity: V) -> None:
        """Store a new entity, else ``DuplicateEntityError``."""
        if entity.id in self._entities:
            raise DuplicateEntityError(self.entity_type, entity.id)
        self._put(entity)
        journaled(lambda: self._replace(entity, None))

    def save(self, entity: V, *, expected_version: int) -> None:
        """Replace the stored entity if it is at ``expected_version`` and ``entity`` is past it."""
        require_version_bump(version=entity.version, expected_version=expected_version)
        stored = self.get(entity.id)
        if stored.version != expected_version:
            raise ConcurrencyConflictError(
                self.entity_type,
                entity.id,
                expected_version=expected_version,
                actual_version=stored.version,
            )
        self._replace(stored, entity)
        journaled(lambda: self._replace(entity, stored))

    def ordered(self, ids: Iterable[str] | None = None) -> list[V]:
        """The entities with ``ids`` (every entity when ``None``), ordered by id."""
        chosen = self._entities if ids is None else ids
        return [self._entities[entity_id] for entity_id in sorted(chosen)]

    def _put(self, entity: V) -> None:
        self._entities[entity.id] = entity
        for index in self._indexes:
            index.insert(entity)

    def _replace(self, stored: V, entity: V | None) -> None:
        """Put ``entity`` where ``stored`` is (take ``stored`` out when ``None``)."""
        for index in self._indexes:
            index.delete(stored)
        if entity is None:
            del self._entities[stored.id]
        else:
            self._put(entity)


class GuardedStore(Generic[V]):
    """A :class:`VersionedStore` behind one re-entrant lock: what a reference repository of
    versioned entities holds, so that each call sees and changes store and indexes whole.

    A query that reads several indexes at once holds :attr:`lock` around them itself.
    """

    def __init__(self, entity_type: str, indexes: Sequence[Index[V]]) -> None:
        self.lock = threading.RLock()
        self._store = VersionedStore(entity_type, indexes)

    def __len__(self) -> int:
        with self.lock:
            return len(self._store)

    def get(self, entity_id: str) -> V:
        """The entity with ``entity_id``, else ``EntityNotFoundError``."""
        with self.lock:
            return self._store.get(entity_id)

    def add(self, entity: V) -> None:
        """Store a new entity, else ``DuplicateEntityError``."""
        with self.lock:
            self._store.add(entity)

    def save(self, entity: V, *, expected_version: int) -> None:
        """Replace the stored entity if it is at ``expected_version`` and ``entity`` is past it."""
        with self.lock:
            self._store.save(entity, expected_version=expected_version)

    def ordered(self, ids: Iterable[str] | None = None) -> list[V]:
        """The entities with ``ids`` (every entity when ``None``), ordered by id."""
        with self.lock:
            return self._store.ordered(ids)

    def matching(self, filters: Iterable[tuple[KeyIndex[V], Hashable | None]]) -> list[V]:
        """The entities under every ``(index, key)`` given, ordered by id; a ``None`` key
        does not filter, so that a query's optional filters pass straight through."""
        with self.lock:
            chosen: set[str] | None = None
            for index, key in filters:
                if key is not None:
                    found = index.lookup(key)
                    chosen = found if chosen is None else chosen & found
            return self._store.ordered(chosen)

    def under_any(self, index: KeyIndex[V], keys: Iterable[Hashable]) -> list[V]:
        """The entities under at least one of ``keys`` in ``index``, ordered by id."""
        with self.lock:
            return self._store.ordered(set().union(*(index.lookup(key) for key in keys)))
