"""The SQL store: every repository protocol on SQLAlchemy 2 Core, SQLite embedded by default
and PostgreSQL in production (extra ``crmcore[sql]``).

>>> from crmcore.sql import SqlStore
>>> store = SqlStore.sqlite(":memory:")
>>> store.repositories.deals.count()
0
>>> store.close()

Nothing in the domain imports this package, and ``import crmcore`` does not import
SQLAlchemy: a host that wants the store imports it.
"""

from crmcore.sql.agreements import SqlAgreementRepository, SqlPriceList, SqlSalesHistory
from crmcore.sql.app import SqlOutbox, SqlTickLog
from crmcore.sql.catalog import SqlCatalog
from crmcore.sql.claims import SqlClaimRepository
from crmcore.sql.database import Database
from crmcore.sql.deal_documents import (
    SqlBusinessPlanRepository,
    SqlCommercialOfferRepository,
    SqlSupplierOrderRepository,
)
from crmcore.sql.deals import SqlDealRepository, SqlPipelineRepository, SqlStageLog
from crmcore.sql.errors import StorageError, TransactionConflictError
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
from crmcore.sql.store import SqlStore, migrations_config, sql_repositories
from crmcore.sql.tasks import SqlProjectRepository, SqlTaskRepository

__all__ = [
    "Database",
    "SqlAgreementRepository",
    "SqlBusinessPlanRepository",
    "SqlCampaignRepository",
    "SqlCatalog",
    "SqlClaimRepository",
    "SqlCommercialOfferRepository",
    "SqlConsentRepository",
    "SqlContactPersonRepository",
    "SqlDealRepository",
    "SqlInteractionRepository",
    "SqlOutbox",
    "SqlPartnerChangeLog",
    "SqlPartnerRepository",
    "SqlPendingSteps",
    "SqlPipelineRepository",
    "SqlPriceList",
    "SqlProjectRepository",
    "SqlPurchaseHistory",
    "SqlRelationshipRepository",
    "SqlRequestRepository",
    "SqlRotationPointers",
    "SqlRuleLedger",
    "SqlRuleRepository",
    "SqlSalesHistory",
    "SqlSegmentRepository",
    "SqlStageLog",
    "SqlStore",
    "SqlSupplierOrderRepository",
    "SqlSurveyRepository",
    "SqlTaskRepository",
    "SqlTickLog",
    "StorageError",
    "TransactionConflictError",
    "migrations_config",
    "sql_repositories",
]
