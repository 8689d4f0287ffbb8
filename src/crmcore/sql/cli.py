"""The ``db`` commands of ``python -m crmcore``: the schema of an SQL store.

:mod:`crmcore.cli` imports this module only for those commands, so that the rest of the
command line works without the ``sql`` extra; it prints what :func:`db_lines` returns.
"""

from __future__ import annotations

from alembic.migration import MigrationContext
from sqlalchemy.engine import make_url

from crmcore.sql.database import translated
from crmcore.sql.store import SqlStore

__all__ = ["DB_ACTIONS", "db_lines"]

DB_ACTIONS = ("upgrade",)
"""What ``python -m crmcore db`` can do: ``upgrade`` runs the migrations up to the latest."""


def db_lines(action: str, url: str) -> list[str]:
    """Do ``action`` (one of :data:`DB_ACTIONS`) on the database at ``url``; what to print.

    Failures raise :class:`~crmcore.sql.errors.StorageError`.
    """
    if action not in DB_ACTIONS:
        raise ValueError(f"unknown db action {action!r}: choose one of {', '.join(DB_ACTIONS)}")
    with translated("read the database URL"):
        shown = make_url(url).render_as_string(hide_password=True)
    store = SqlStore.from_url(url)
    try:
        store.upgrade()
        with store.database.begin("read the schema revision") as connection:
            revision = MigrationContext.configure(connection).get_current_revision()
    finally:
        store.close()
    return [f"{shown}: schema at revision {revision} (the latest)"]
