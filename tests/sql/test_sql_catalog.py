"""The catalog and the deals' document repositories over SQL, on each backend: the
contract suites, and the comparisons with the reference on SQLite in memory."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, settings
from sql_backends import BACKENDS, SqliteMemory

from crmcore.sql import Database
from crmcore.sql.catalog import SqlCatalog
from crmcore.sql.deal_documents import (
    SqlBusinessPlanRepository,
    SqlCommercialOfferRepository,
    SqlSupplierOrderRepository,
)
from crmcore.testing.contracts.catalog import CatalogRepositoryContract
from crmcore.testing.contracts.deal_documents import (
    BusinessPlanRepositoryContract,
    CommercialOfferRepositoryContract,
    SupplierOrderRepositoryContract,
)
from crmcore.testing.stateful.catalog import (
    business_plan_repository_comparison,
    catalog_repository_comparison,
    commercial_offer_repository_comparison,
    supplier_order_repository_comparison,
)

SUITES: tuple[tuple[type[Any], Callable[[Database], object]], ...] = (
    (CatalogRepositoryContract, SqlCatalog),
    (CommercialOfferRepositoryContract, SqlCommercialOfferRepository),
    (SupplierOrderRepositoryContract, SqlSupplierOrderRepository),
    (BusinessPlanRepositoryContract, SqlBusinessPlanRepository),
)


for _backend in BACKENDS:
    for _contract, _repository in SUITES:
        _class = _backend.suite(_contract, _repository, module=__name__)
        globals()[_class.__name__] = _class
del _class

QUICK = settings(
    max_examples=10,
    stateful_step_count=15,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
_MEMORY = SqliteMemory()

TestSqlCatalogComparison = catalog_repository_comparison(
    _MEMORY.factory(SqlCatalog), settings=QUICK
).TestCase
TestSqlSupplierOrderComparison = supplier_order_repository_comparison(
    _MEMORY.factory(SqlSupplierOrderRepository), settings=QUICK
).TestCase
TestSqlOfferComparison = commercial_offer_repository_comparison(
    _MEMORY.factory(SqlCommercialOfferRepository), settings=QUICK
).TestCase
TestSqlBusinessPlanComparison = business_plan_repository_comparison(
    _MEMORY.factory(SqlBusinessPlanRepository), settings=QUICK
).TestCase
