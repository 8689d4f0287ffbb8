"""The access scope in the SQL store: every record's access keys in one table, so that a
query filtered by an :class:`~crmcore.visibility.AccessScope` becomes part of its ``WHERE``
clause (``id IN (SELECT entity_id FROM access_keys WHERE ...)``), read by the database."""

from __future__ import annotations

import json
from typing import Any, Final

from sqlalchemy import ColumnElement, Table, func, select
from sqlalchemy.engine import Connection

from crmcore.access.audit import AuditEntry
from crmcore.access.kinds import record_keys
from crmcore.claims.model import Claim
from crmcore.deals.model import Deal
from crmcore.errors import DomainValidationError, DuplicateEntityError
from crmcore.interactions.model import Interaction
from crmcore.requests.model import Request
from crmcore.serialization import Converter
from crmcore.sql import metadata as m
from crmcore.sql.database import Database
from crmcore.visibility import AccessScope

__all__ = ["SCOPED_TABLES", "SqlAuditTrail", "backfill_keys", "scope_condition", "write_keys"]

AUDIT_ENTRY: Final = "audit_entry"

SCOPED_TABLES: Final[dict[str, tuple[Table, type]]] = {
    "deal": (m.deals, Deal),
    "claim": (m.claims, Claim),
    "request": (m.requests, Request),
    "interaction": (m.interactions, Interaction),
}
"""The kinds of record whose queries take a scope: their table and model."""


def write_keys(connection: Connection, kind: str, entity: Any, *, replace: bool) -> None:
    """Store the access keys of ``entity`` (in place of those it had when ``replace``)."""
    keys = m.access_keys
    if replace:
        connection.execute(
            keys.delete().where(keys.c.entity_type == kind, keys.c.entity_id == entity.id)
        )
    rows = [
        {"entity_type": kind, "key": key, "entity_id": entity.id}
        for key in sorted(record_keys(kind, entity))
    ]
    if rows:
        connection.execute(keys.insert(), rows)


def scope_condition(
    kind: str, column: ColumnElement[Any], scope: AccessScope | None
) -> ColumnElement[bool] | None:
    """The condition that keeps the records of ``kind`` (their id in ``column``) that
    ``scope`` admits; ``None`` when ``scope`` is, as it does not restrict."""
    if scope is None:
        return None
    keys = m.access_keys.c
    admitted = select(keys.entity_id).where(
        keys.entity_type == kind, keys.key.in_(sorted(scope.keys))
    )
    return column.in_(admitted)


def backfill_keys(connection: Connection, converter: Converter) -> None:
    """Write the access keys of every stored record of the scoped kinds (a store that kept
    records before it kept their keys)."""
    for kind, (table, model) in SCOPED_TABLES.items():
        for body in connection.execute(select(table.c.body)).scalars():
            entity = converter.structure(json.loads(body), model)
            write_keys(connection, kind, entity, replace=True)


class SqlAuditTrail:
    """The audit trail in SQL, an append-only table: a :class:`~crmcore.access.AuditTrail`."""

    def __init__(self, database: Database) -> None:
        self._db = database

    def append(self, entry: AuditEntry) -> None:
        """Store a new entry, else ``DuplicateEntityError``."""
        if not isinstance(entry, AuditEntry):
            raise DomainValidationError.single("entry", "must be an AuditEntry", value=entry)
        row = {
            "id": entry.id,
            "entity_type": entry.entity_type,
            "entity_id": entry.entity_id,
            "at": entry.at,
            "body": self._db.dump(entry),
        }
        with self._db.begin("append to the audit trail", write=True) as connection:
            if not self._db.insert_new(connection, m.audit_entries, row):
                raise DuplicateEntityError(AUDIT_ENTRY, entry.id)

    def of_record(self, entity_type: str, entity_id: str) -> list[AuditEntry]:
        """The entries of one record, in the order they were appended."""
        c = m.audit_entries.c
        query = (
            select(c.body)
            .where(c.entity_type == entity_type, c.entity_id == entity_id)
            .order_by(c.seq)
        )
        with self._db.begin("read the audit trail") as connection:
            bodies = connection.execute(query).scalars().all()
        return [self._db.load(body, AuditEntry) for body in bodies]

    def count(self) -> int:
        """How many entries are stored."""
        with self._db.begin("count the audit trail") as connection:
            counted: int = connection.execute(
                select(func.count()).select_from(m.audit_entries)
            ).scalar_one()
        return counted
