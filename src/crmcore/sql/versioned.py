"""What every SQL repository of versioned entities shares: ``get``, ``add`` and an
optimistic ``save``, with the side tables of an entity's keys kept in step.

Each ``save`` is one ``UPDATE ... WHERE id = :id AND version = :expected``: the database
itself decides whether the stored version is still the expected one, so two writers cannot
both win. A save that updates no row finds out why (no such id, or another version) and
raises the matching crmcore error.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, ClassVar, Generic, Protocol, TypeVar

from sqlalchemy import ColumnElement, Select, Table, func, select
from sqlalchemy.engine import Connection

from crmcore.errors import (
    ConcurrencyConflictError,
    DuplicateEntityError,
    EntityNotFoundError,
)
from crmcore.repository_checks import check_limit, require_version_bump
from crmcore.sql.access import scope_condition, write_keys
from crmcore.sql.database import Database
from crmcore.visibility import AccessScope

__all__ = ["SideRows", "VersionedTable", "check_limit", "require_version_bump"]


class _Versioned(Protocol):
    @property
    def id(self) -> str: ...

    @property
    def version(self) -> int: ...


V = TypeVar("V", bound=_Versioned)
SideRows = Mapping[Table, Iterable[Mapping[str, object]]]
"""The rows of an entity in each of its side tables."""


def raise_save_failure(
    connection: Connection,
    table: Table,
    entity_type: str,
    entity_id: str,
    expected_version: int,
) -> None:
    """Explain why an optimistic ``UPDATE`` changed no row: a missing id or another version."""
    stored = connection.execute(
        select(table.c.version).where(table.c.id == entity_id)
    ).scalar_one_or_none()
    if stored is None:
        raise EntityNotFoundError(entity_type, entity_id)
    raise ConcurrencyConflictError(
        entity_type, entity_id, expected_version=expected_version, actual_version=stored
    )


class VersionedTable(Generic[V]):
    """A table of versioned entities (``id``, ``version``, key columns, ``body``) and the side
    tables of their keys, each with a column naming the entity (:attr:`owner`)."""

    table: ClassVar[Table]
    entity_type: ClassVar[str]
    model: ClassVar[type[Any]]
    side_tables: ClassVar[Sequence[Table]] = ()
    owner: ClassVar[str] = ""
    access_kind: ClassVar[str | None] = None
    """The kind of record whose access keys the repository keeps, for queries by scope."""

    def __init__(self, database: Database) -> None:
        self._db = database

    def columns(self, entity: V) -> dict[str, object]:
        """The key columns of ``entity`` besides ``id``, ``version`` and ``body``."""
        raise NotImplementedError

    def side_rows(self, entity: V) -> SideRows:
        """The rows of ``entity`` in each side table."""
        return {}

    def get(self, entity_id: str) -> V:
        """The entity with this id, else ``EntityNotFoundError``."""
        found = self.select(self.table.c.id == entity_id)
        if not found:
            raise EntityNotFoundError(self.entity_type, entity_id)
        return found[0]

    def add(self, entity: V) -> None:
        """Store a new entity, else ``DuplicateEntityError``."""
        row = {"id": entity.id, "version": entity.version, **self.columns(entity)}
        body = self._db.dump(entity)
        with self._db.begin(f"add a {self.entity_type}", write=True) as connection:
            if not self._db.insert_new(connection, self.table, {**row, "body": body}):
                raise DuplicateEntityError(self.entity_type, entity.id)
            self._insert_side_rows(connection, entity)
            if self.access_kind is not None:
                write_keys(connection, self.access_kind, entity, replace=False)

    def save(self, entity: V, *, expected_version: int) -> None:
        """Replace the stored entity if it is at ``expected_version`` and ``entity`` is past it."""
        require_version_bump(version=entity.version, expected_version=expected_version)
        row = {"version": entity.version, **self.columns(entity), "body": self._db.dump(entity)}
        table = self.table
        with self._db.begin(f"save a {self.entity_type}", write=True) as connection:
            updated = connection.execute(
                table.update()
                .where(table.c.id == entity.id, table.c.version == expected_version)
                .values(row)
            )
            if updated.rowcount != 1:
                raise_save_failure(connection, table, self.entity_type, entity.id, expected_version)
            for side in self.side_tables:
                connection.execute(side.delete().where(side.c[self.owner] == entity.id))
            self._insert_side_rows(connection, entity)
            if self.access_kind is not None:
                write_keys(connection, self.access_kind, entity, replace=True)

    def within(self, scope: AccessScope | None) -> list[ColumnElement[bool]]:
        """The condition that keeps the entities ``scope`` admits (none when ``None``)."""
        if self.access_kind is None:
            return []
        condition = scope_condition(self.access_kind, self.table.c.id, scope)
        return [] if condition is None else [condition]

    def count(self) -> int:
        """How many entities are stored."""
        with self._db.begin(f"count {self.entity_type} rows") as connection:
            counted: int = connection.execute(
                select(func.count()).select_from(self.table)
            ).scalar_one()
        return counted

    def select(
        self,
        *conditions: ColumnElement[bool],
        order_by: Sequence[Any] = (),
        limit: int | None = None,
    ) -> list[V]:
        """The entities meeting every condition, in ``order_by`` order (else by id)."""
        table = self.table
        query: Select[Any] = select(table.c.body).where(*conditions)
        query = query.order_by(*order_by) if order_by else query.order_by(table.c.id)
        if limit is not None:
            query = query.limit(limit)
        return self.read(query)

    def read(self, query: Select[Any]) -> list[V]:
        """The entities whose bodies ``query`` selects, in its order."""
        with self._db.begin(f"read {self.entity_type} rows") as connection:
            bodies = connection.execute(query).scalars().all()
        return [self._db.load(body, self.model) for body in bodies]

    def _insert_side_rows(self, connection: Connection, entity: V) -> None:
        for side, rows in self.side_rows(entity).items():
            chosen = [dict(row) for row in rows]
            if chosen:
                connection.execute(side.insert(), chosen)
