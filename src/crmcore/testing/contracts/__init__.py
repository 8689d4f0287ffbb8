"""Contract suites that every implementation of the repository protocols must pass.

Subclass a contract in a test module, name the class ``Test...`` and implement
``make_repository()`` to return a new, empty repository; pytest then runs every test of the
contract against it::

    class TestSqlPartners(PartnerRepositoryContract):
        def make_repository(self) -> PartnerRepository:
            return SqlPartnerRepository(connect(":memory:"))

Every test carries the ``crmcore_contract`` marker. A backend that legitimately lacks a
capability turns its flag off (``supports_concurrent_access = False``) and the tests that
need it are skipped, not failed. Sample entities come from ``make_partner`` and friends;
override them when a backend needs other valid data.
"""

from crmcore.testing._extra import require_testing_extra

require_testing_extra("crmcore.testing.contracts", "pytest")

from crmcore.testing.contracts.agreements import AgreementRepositoryContract
from crmcore.testing.contracts.app import OutboxRepositoryContract, TickLogContract
from crmcore.testing.contracts.audit import AuditTrailContract
from crmcore.testing.contracts.catalog import CatalogRepositoryContract
from crmcore.testing.contracts.claims import ClaimRepositoryContract
from crmcore.testing.contracts.contact_persons import ContactPersonRepositoryContract
from crmcore.testing.contracts.deal_documents import (
    BusinessPlanRepositoryContract,
    CommercialOfferRepositoryContract,
    SupplierOrderRepositoryContract,
)
from crmcore.testing.contracts.deals import (
    DealRepositoryContract,
    PipelineRepositoryContract,
    StageLogContract,
)
from crmcore.testing.contracts.interactions import InteractionRepositoryContract
from crmcore.testing.contracts.marketing import (
    CampaignRepositoryContract,
    ConsentRepositoryContract,
    PurchaseHistoryContract,
    SegmentRepositoryContract,
    SurveyRepositoryContract,
)
from crmcore.testing.contracts.partner_changes import LoggedRepositories, PartnerChangeLogContract
from crmcore.testing.contracts.partners import PartnerRepositoryContract
from crmcore.testing.contracts.pending_steps import PendingStepsContract
from crmcore.testing.contracts.relationships import RelationshipRepositoryContract
from crmcore.testing.contracts.requests import RequestRepositoryContract
from crmcore.testing.contracts.rotation import RotationPointersContract
from crmcore.testing.contracts.rule_ledger import RuleLedgerContract
from crmcore.testing.contracts.rules import RuleRepositoryContract
from crmcore.testing.contracts.tasks import ProjectRepositoryContract, TaskRepositoryContract

__all__ = [
    "AgreementRepositoryContract",
    "AuditTrailContract",
    "BusinessPlanRepositoryContract",
    "CampaignRepositoryContract",
    "CatalogRepositoryContract",
    "ClaimRepositoryContract",
    "CommercialOfferRepositoryContract",
    "ConsentRepositoryContract",
    "ContactPersonRepositoryContract",
    "DealRepositoryContract",
    "InteractionRepositoryContract",
    "LoggedRepositories",
    "OutboxRepositoryContract",
    "PartnerChangeLogContract",
    "PartnerRepositoryContract",
    "PendingStepsContract",
    "PipelineRepositoryContract",
    "ProjectRepositoryContract",
    "PurchaseHistoryContract",
    "RelationshipRepositoryContract",
    "RequestRepositoryContract",
    "RotationPointersContract",
    "RuleLedgerContract",
    "RuleRepositoryContract",
    "SegmentRepositoryContract",
    "StageLogContract",
    "SupplierOrderRepositoryContract",
    "SurveyRepositoryContract",
    "TaskRepositoryContract",
    "TickLogContract",
]
