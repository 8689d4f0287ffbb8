"""The access scope in the SQL store: every record's access keys in one table, so that a
query filtered by an :class:`~crmcore.visibility.AccessScope` becomes part of its ``WHERE``
clause (``id IN (SELECT entity_id FROM access_keys WHERE ...)``), read by the database."""

from __future__ import annotations

import json
from typing import Any, Final

from sqlalchemy import ColumnElement, Table, select
from sqlalchemy.engine import Connection

from crmcore.access.kinds import record_keys
from crmcore.claims.model import Claim
from crmcore.deals.model import Deal
from crmcore.interactions.model import Interaction
from crmcore.requests.model import Request
from crmcore.serialization import Converter
from crmcore.sql import metadata as m
from crmcore.visibility import AccessScope

__all__ = ["SCOPED_TABLES", "backfill_keys", "scope_condition", "write_keys"]

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
