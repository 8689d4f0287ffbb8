"""The Alembic migrations of the SQL store's schema (:mod:`crmcore.sql.metadata`).

Run them with :meth:`crmcore.sql.SqlStore.upgrade` or ``python -m crmcore db upgrade URL``;
a host's own Alembic tooling finds them through :func:`crmcore.sql.migrations_config`.
"""
