"""The marketing contract suites and stateful comparisons run against the in-memory
reference repositories; the comparisons catch a repository that differs from them."""

from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from hypothesis import Phase, settings

from crmcore.ids import PartnerId
from crmcore.marketing import (
    Campaign,
    CampaignRepository,
    CampaignStatus,
    ConsentRepository,
    Purchase,
    PurchaseHistory,
    SegmentId,
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
from crmcore.repository_checks import instant
from crmcore.testing.contracts.marketing import (
    CampaignRepositoryContract,
    ConsentRepositoryContract,
    PurchaseHistoryContract,
    SegmentRepositoryContract,
    SurveyRepositoryContract,
)
from crmcore.testing.stateful import (
    campaign_repository_comparison,
    consent_repository_comparison,
    purchase_history_comparison,
    segment_repository_comparison,
    survey_repository_comparison,
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


QUICK = settings(max_examples=25, stateful_step_count=20, database=None, deadline=None)

TestMemorySegmentComparison = segment_repository_comparison(
    MemorySegmentRepository, settings=QUICK
).TestCase
TestMemoryConsentComparison = consent_repository_comparison(
    MemoryConsentRepository, settings=QUICK
).TestCase
TestMemoryCampaignComparison = campaign_repository_comparison(
    MemoryCampaignRepository, settings=QUICK
).TestCase
TestMemoryPurchaseComparison = purchase_history_comparison(
    MemoryPurchaseHistory, settings=QUICK
).TestCase
TestMemorySurveyComparison = survey_repository_comparison(
    MemorySurveyRepository, settings=QUICK
).TestCase


class PurchasesUpToTheEnd(MemoryPurchaseHistory):
    """A history with a plausible bug: a purchase won at ``won_to`` counts as inside."""

    def find(
        self,
        *,
        partner_id: PartnerId | None = None,
        won_from: datetime | None = None,
        won_to: datetime | None = None,
    ) -> list[Purchase]:
        found = super().find(partner_id=partner_id, won_from=won_from)
        return [p for p in found if won_to is None or instant(p.won_at) <= instant(won_to)]


class CampaignsOfAnySegment(MemoryCampaignRepository):
    """A repository with a plausible bug: the segment filter is ignored."""

    def find(
        self, *, status: CampaignStatus | None = None, segment_id: SegmentId | None = None
    ) -> list[Campaign]:
        return super().find(status=status)


@pytest.mark.parametrize(
    ("comparison", "repository"),
    [
        (purchase_history_comparison, PurchasesUpToTheEnd),
        (campaign_repository_comparison, CampaignsOfAnySegment),
    ],
)
def test_the_comparisons_catch_a_repository_that_differs(
    comparison: Callable[..., Any], repository: Callable[[], object]
) -> None:
    machine = comparison(
        repository,
        settings=settings(
            max_examples=1000,
            stateful_step_count=30,
            database=None,
            deadline=None,
            phases=[Phase.generate],
        ),
    )
    with pytest.raises(AssertionError, match="reference gave"):
        machine.TestCase().runTest()
