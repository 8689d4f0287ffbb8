"""The marketing contract suites run against the in-memory reference repositories."""

from crmcore.marketing import (
    CampaignRepository,
    ConsentRepository,
    PurchaseHistory,
    SegmentRepository,
    SurveyRepository,
)
from crmcore.memory.marketing import (
    MemoryCampaignRepository,
    MemoryConsentRepository,
    MemoryPurchaseHistory,
    MemorySegmentRepository,
    MemorySurveyRepository,
)
from crmcore.testing.contracts.marketing import (
    CampaignRepositoryContract,
    ConsentRepositoryContract,
    PurchaseHistoryContract,
    SegmentRepositoryContract,
    SurveyRepositoryContract,
)


class TestMemorySegments(SegmentRepositoryContract):
    def make_repository(self) -> SegmentRepository:
        return MemorySegmentRepository()


class TestMemoryConsents(ConsentRepositoryContract):
    def make_repository(self) -> ConsentRepository:
        return MemoryConsentRepository()


class TestMemoryCampaigns(CampaignRepositoryContract):
    def make_repository(self) -> CampaignRepository:
        return MemoryCampaignRepository()


class TestMemoryPurchases(PurchaseHistoryContract):
    def make_repository(self) -> PurchaseHistory:
        return MemoryPurchaseHistory()


class TestMemorySurveys(SurveyRepositoryContract):
    def make_repository(self) -> SurveyRepository:
        return MemorySurveyRepository()
