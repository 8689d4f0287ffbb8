"""Column types that behave the same on SQLite and PostgreSQL.

Ids and lookup keys compare and sort by code point, as Python's ``str`` does, so that an
``ORDER BY id`` gives the order of the reference repositories: PostgreSQL columns get the
``"C"`` collation, SQLite's default ``BINARY`` collation already is one. Moments are stored
as instants: ``timestamp with time zone`` on PostgreSQL, UTC ISO text with microseconds on
SQLite (which sorts as the instants do), and read back as aware UTC datetimes.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Final

from sqlalchemy import String, Text
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine

__all__ = ["KEY", "Moment", "utc_text"]

KEY: Final[TypeEngine[str]] = Text().with_variant(Text(collation="C"), "postgresql")
"""An id or a lookup key: text compared and ordered by code point."""


def utc_text(moment: datetime) -> str:
    """``moment`` as UTC ISO text with microseconds: what an SQLite moment column holds."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


class Moment(TypeDecorator[datetime]):
    """An aware datetime stored as an instant and read back in UTC."""

    impl = String(32)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        """``timestamp with time zone`` on PostgreSQL, fixed-width text elsewhere."""
        if dialect.name == "postgresql":
            return dialect.type_descriptor(postgresql.TIMESTAMP(timezone=True))
        return dialect.type_descriptor(String(32))

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        """The instant in the column's form."""
        if value is None:
            return None
        if dialect.name == "postgresql":
            return value.astimezone(UTC)
        return utc_text(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        """The stored instant as an aware UTC datetime."""
        if value is None:
            return None
        if isinstance(value, str):
            return datetime.fromisoformat(value)
        moment: datetime = value.astimezone(UTC)
        return moment
