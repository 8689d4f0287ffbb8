"""The contract suites of the deals' document repositories and the comparison of supplier
orders, run against the in-memory references."""

from __future__ import annotations

from hypothesis import settings

from crmcore.deals import BusinessPlanRepository, CommercialOfferRepository, SupplierOrderRepository
from crmcore.memory.deal_documents import (
    MemoryBusinessPlanRepository,
    MemoryCommercialOfferRepository,
    MemorySupplierOrderRepository,
)
from crmcore.testing.contracts.deal_documents import (
    BusinessPlanRepositoryContract,
    CommercialOfferRepositoryContract,
    SupplierOrderRepositoryContract,
)
from crmcore.testing.stateful.catalog import (
    business_plan_repository_comparison,
    commercial_offer_repository_comparison,
    supplier_order_repository_comparison,
)


class TestMemoryCommercialOffers(CommercialOfferRepositoryContract):
    def make_repository(self) -> CommercialOfferRepository:
        return MemoryCommercialOfferRepository()


class TestMemorySupplierOrders(SupplierOrderRepositoryContract):
    def make_repository(self) -> SupplierOrderRepository:
        return MemorySupplierOrderRepository()


class TestMemoryBusinessPlans(BusinessPlanRepositoryContract):
    def make_repository(self) -> BusinessPlanRepository:
        return MemoryBusinessPlanRepository()


QUICK = settings(max_examples=20, stateful_step_count=15, database=None)

TestMemorySupplierOrderComparison = supplier_order_repository_comparison(
    MemorySupplierOrderRepository, settings=QUICK
).TestCase
TestMemoryOfferComparison = commercial_offer_repository_comparison(
    MemoryCommercialOfferRepository, settings=QUICK
).TestCase
TestMemoryBusinessPlanComparison = business_plan_repository_comparison(
    MemoryBusinessPlanRepository, settings=QUICK
).TestCase
