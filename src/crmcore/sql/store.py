"""The SQL store: every repository over one database, behind one unit of work."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib import resources
from typing import TYPE_CHECKING, Any, Final

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine
from sqlalchemy.engine import Engine
from sqlalchemy.pool import StaticPool

from crmcore.app.store import Repositories
from crmcore.serialization import Converter
from crmcore.sql.access import SqlAuditTrail
from crmcore.sql.agreements import SqlAgreementRepository, SqlPriceList, SqlSalesHistory
from crmcore.sql.app import SqlOutbox, SqlTickLog
from crmcore.sql.catalog import SqlCatalog
from crmcore.sql.claims import SqlClaimRepository
from crmcore.sql.database import Database, translated
from crmcore.sql.deal_documents import (
    SqlBusinessPlanRepository,
    SqlCommercialOfferRepository,
    SqlSupplierOrderRepository,
)
from crmcore.sql.deals import SqlDealRepository, SqlPipelineRepository, SqlStageLog
from crmcore.sql.interactions import SqlInteractionRepository
from crmcore.sql.marketing import (
    SqlCampaignRepository,
    SqlConsentRepository,
    SqlPurchaseHistory,
    SqlSegmentRepository,
    SqlSurveyRepository,
)
from crmcore.sql.partners import (
    SqlContactPersonRepository,
    SqlPartnerChangeLog,
    SqlPartnerRepository,
    SqlRelationshipRepository,
)
from crmcore.sql.requests import SqlRequestRepository
from crmcore.sql.rotation import SqlRotationPointers
from crmcore.sql.rule_ledger import SqlPendingSteps, SqlRuleLedger
from crmcore.sql.rules import SqlRuleRepository
from crmcore.sql.tasks import SqlProjectRepository, SqlTaskRepository

__all__ = ["SqlStore", "migrations_config", "sql_repositories"]

MEMORY: Final = ":memory:"
BUSY_TIMEOUT: Final = 30.0
"""How many seconds a writer on an SQLite file waits for another before it gives up."""


def sql_repositories(database: Database) -> Repositories:
    """Every SQL repository over ``database``."""
    return Repositories(
        partners=SqlPartnerRepository(database),
        contact_persons=SqlContactPersonRepository(database),
        relationships=SqlRelationshipRepository(database),
        pipelines=SqlPipelineRepository(database),
        deals=SqlDealRepository(database),
        stage_log=SqlStageLog(database),
        interactions=SqlInteractionRepository(database),
        agreements=SqlAgreementRepository(database),
        prices=SqlPriceList(database),
        sales_history=SqlSalesHistory(database),
        claims=SqlClaimRepository(database),
        requests=SqlRequestRepository(database),
        rules=SqlRuleRepository(database),
        outbox=SqlOutbox(database),
        ticks=SqlTickLog(database),
        ledger=SqlRuleLedger(database),
        pending_steps=SqlPendingSteps(database),
        audit=SqlAuditTrail(database),
        tasks=SqlTaskRepository(database),
        projects=SqlProjectRepository(database),
        segments=SqlSegmentRepository(database),
        consents=SqlConsentRepository(database),
        campaigns=SqlCampaignRepository(database),
        purchases=SqlPurchaseHistory(database),
        surveys=SqlSurveyRepository(database),
        catalog=SqlCatalog(database),
        offers=SqlCommercialOfferRepository(database),
        supplier_orders=SqlSupplierOrderRepository(database),
        business_plans=SqlBusinessPlanRepository(database),
        rotation=SqlRotationPointers(database),
        partner_changes=SqlPartnerChangeLog(database),
    )


def migrations_config(url: str | None = None) -> Config:
    """The Alembic configuration of the migrations shipped in :mod:`crmcore.sql.migrations`
    (for ``alembic`` commands of a host's own tooling)."""
    config = Config()
    location = resources.files("crmcore.sql") / "migrations"
    config.set_main_option("script_location", str(location))
    if url is not None:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


class SqlStore:
    """Every crmcore repository on SQLite or PostgreSQL: a :class:`~crmcore.app.Store`.

    A unit of work is one database transaction: what its repositories write is committed
    when the block ends normally and rolled back when it raises. Calls made on
    :attr:`repositories` outside a unit of work each run in a transaction of their own;
    inside one (in the same thread), they are part of it.

    >>> from crmcore.sql import SqlStore
    >>> store = SqlStore.sqlite(":memory:")
    >>> with store.unit_of_work() as repositories:
    ...     repositories.partners.count()
    0
    >>> store.close()
    """

    def __init__(self, engine: Engine, *, converter: Converter | None = None) -> None:
        self.database = Database(engine, converter=converter)
        self.repositories = sql_repositories(self.database)

    @classmethod
    def sqlite(
        cls,
        path: str | os.PathLike[str] = MEMORY,
        *,
        upgrade: bool = True,
        converter: Converter | None = None,
    ) -> SqlStore:
        """The embedded store: one SQLite file (write-ahead log, foreign keys on), or an
        in-memory database for ``":memory:"``; its schema upgraded unless ``upgrade`` is
        false."""
        location = os.fspath(path)
        if location == MEMORY:
            engine = create_engine(
                "sqlite+pysqlite://",
                connect_args={"check_same_thread": False},
                poolclass=StaticPool,
            )
        else:
            engine = create_engine(
                f"sqlite+pysqlite:///{location}",
                connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT},
            )
        store = cls(engine, converter=converter)
        if location != MEMORY:
            store._use_write_ahead_log()
        if upgrade:
            store.upgrade()
        return store

    @classmethod
    def from_url(
        cls,
        url: str,
        *,
        upgrade: bool = False,
        converter: Converter | None = None,
        **engine_options: Any,
    ) -> SqlStore:
        """The store on the database at ``url`` (``postgresql+psycopg://user@host/db`` in
        production); ``engine_options`` go to :func:`sqlalchemy.create_engine`. The schema is
        upgraded only when ``upgrade`` is true: in production, migrations are a step of
        their own (``python -m crmcore db upgrade URL``)."""
        with translated("open the store"):
            engine = create_engine(url, **engine_options)
        store = cls(engine, converter=converter)
        if upgrade:
            store.upgrade()
        return store

    @contextmanager
    def unit_of_work(self) -> Iterator[Repositories]:
        """The repositories in one transaction; a unit of work opened inside another is part
        of it."""
        with self.database.unit_of_work():
            yield self.repositories

    def upgrade(self, revision: str = "heads") -> None:
        """Run the migrations up to ``revision`` (by default the latest of every branch: each
        area's tables come in a migration of their own, and areas added side by side branch
        from the same parent)."""
        self._migrate("upgrade the schema", command.upgrade, revision)

    def downgrade(self, revision: str) -> None:
        """Take the migrations back down to ``revision`` (``"base"``: an empty schema)."""
        self._migrate("downgrade the schema", command.downgrade, revision)

    def close(self) -> None:
        """Close the pooled connections."""
        self.database.dispose()

    def _migrate(self, operation: str, run: Callable[[Config, str], None], revision: str) -> None:
        with self.database.begin(operation, write=True) as connection:
            config = migrations_config()
            config.attributes["connection"] = connection
            run(config, revision)

    def _use_write_ahead_log(self) -> None:
        # Outside any transaction: SQLite changes the journal mode of a file only there.
        with translated("switch to the write-ahead log"):
            connection = self.database.engine.raw_connection()
            try:
                connection.cursor().execute("PRAGMA journal_mode=WAL")
            finally:
                connection.close()


if TYPE_CHECKING:
    from crmcore.app.store import Store

    def _conforms(store: SqlStore) -> Store:
        return store
