"""Reference in-memory repositories: complete, thread-safe implementations of every
repository protocol, for tests, demos and small hosts, and the yardstick that
:mod:`crmcore.testing.stateful` compares other implementations with."""

from crmcore.memory.agreements import (
    MemoryAgreementRepository,
    MemoryPriceList,
    MemorySalesHistory,
)
from crmcore.memory.app import MemoryOutbox, MemoryStore, MemoryTickLog, memory_repositories
from crmcore.memory.catalog import MemoryCatalog
from crmcore.memory.claims import MemoryClaimRepository
from crmcore.memory.deal_documents import (
    MemoryBusinessPlanRepository,
    MemoryCommercialOfferRepository,
    MemorySupplierOrderRepository,
)
from crmcore.memory.deals import MemoryDealRepository, MemoryPipelineRepository, MemoryStageLog
from crmcore.memory.interactions import MemoryInteractionRepository
from crmcore.memory.marketing import (
    MemoryCampaignRepository,
    MemoryConsentRepository,
    MemoryPurchaseHistory,
    MemorySegmentRepository,
    MemorySurveyRepository,
)
from crmcore.memory.partners import (
    MemoryContactPersonRepository,
    MemoryPartnerChangeLog,
    MemoryPartnerRepository,
    MemoryRelationshipRepository,
)
from crmcore.memory.pending_steps import MemoryPendingSteps
from crmcore.memory.requests import MemoryRequestRepository
from crmcore.memory.rotation import MemoryRotationPointers
from crmcore.memory.rule_ledger import MemoryRuleLedger
from crmcore.memory.rules import MemoryFacts, MemoryRuleRepository
from crmcore.memory.sales import MemorySalesFacts
from crmcore.memory.tasks import MemoryProjectRepository, MemoryTaskRepository

__all__ = [
    "MemoryAgreementRepository",
    "MemoryBusinessPlanRepository",
    "MemoryCampaignRepository",
    "MemoryCatalog",
    "MemoryClaimRepository",
    "MemoryCommercialOfferRepository",
    "MemoryConsentRepository",
    "MemoryContactPersonRepository",
    "MemoryDealRepository",
    "MemoryFacts",
    "MemoryInteractionRepository",
    "MemoryOutbox",
    "MemoryPartnerChangeLog",
    "MemoryPartnerRepository",
    "MemoryPendingSteps",
    "MemoryPipelineRepository",
    "MemoryPriceList",
    "MemoryProjectRepository",
    "MemoryPurchaseHistory",
    "MemoryRelationshipRepository",
    "MemoryRequestRepository",
    "MemoryRotationPointers",
    "MemoryRuleLedger",
    "MemoryRuleRepository",
    "MemorySalesFacts",
    "MemorySalesHistory",
    "MemorySegmentRepository",
    "MemoryStageLog",
    "MemoryStore",
    "MemorySupplierOrderRepository",
    "MemorySurveyRepository",
    "MemoryTaskRepository",
    "MemoryTickLog",
    "memory_repositories",
]
