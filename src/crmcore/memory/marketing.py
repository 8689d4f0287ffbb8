"""The reference in-memory repositories of the marketing area.

Complete implementations of :mod:`crmcore.marketing.repository`: indexes follow every
``add`` and ``save``; one re-entrant lock guards each repository; a failing call raises
before it changes anything; writes inside a unit of work are undone when it fails.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from crmcore.ids import ContactPersonId, PartnerId
from crmcore.marketing.model import (
    CAMPAIGN,
    CONSENT,
    PURCHASE,
    SEGMENT,
    SURVEY,
    SURVEY_RESPONSE,
    Campaign,
    CampaignId,
    CampaignStatus,
    Consent,
    Purchase,
    Segment,
    SegmentId,
    Survey,
    SurveyId,
    SurveyResponse,
)
from crmcore.memory._store import GuardedStore, KeyIndex
from crmcore.repository_checks import instant
from crmcore.validation import aware_datetime, optional, raise_violations

__all__ = [
    "MemoryCampaignRepository",
    "MemoryConsentRepository",
    "MemoryPurchaseHistory",
    "MemorySegmentRepository",
    "MemorySurveyRepository",
]


class MemorySegmentRepository:
    """Segments in memory: the reference :class:`~crmcore.marketing.SegmentRepository`."""

    def __init__(self) -> None:
        self._store: GuardedStore[Segment] = GuardedStore(SEGMENT, [])

    def get(self, segment_id: SegmentId) -> Segment:
        """The segment with this id, else ``EntityNotFoundError``."""
        return self._store.get(segment_id)

    def add(self, segment: Segment) -> None:
        """Store a new segment, else ``DuplicateEntityError``."""
        self._store.add(segment)

    def save(self, segment: Segment, *, expected_version: int) -> None:
        """Store a changed segment if the stored one is at ``expected_version``."""
        self._store.save(segment, expected_version=expected_version)

    def list(self) -> list[Segment]:
        """Every segment, by id."""
        return self._store.ordered()


class MemoryConsentRepository:
    """Consents in memory: the reference :class:`~crmcore.marketing.ConsentRepository`."""

    def __init__(self) -> None:
        self._by_partner: KeyIndex[Consent] = KeyIndex(lambda consent: [consent.partner_id])
        self._store: GuardedStore[Consent] = GuardedStore(CONSENT, [self._by_partner])

    def get(self, contact_person_id: ContactPersonId) -> Consent:
        """The consent of this contact person, else ``EntityNotFoundError``."""
        return self._store.get(contact_person_id)

    def add(self, consent: Consent) -> None:
        """Store the first consent of a contact person, else ``DuplicateEntityError``."""
        self._store.add(consent)

    def save(self, consent: Consent, *, expected_version: int) -> None:
        """Store a changed consent if the stored one is at ``expected_version``."""
        self._store.save(consent, expected_version=expected_version)

    def of_partner(self, partner_id: PartnerId) -> list[Consent]:
        """The consents of the contact persons of ``partner_id``, by contact person id."""
        return self._store.matching([(self._by_partner, partner_id)])


class MemoryCampaignRepository:
    """Campaigns in memory: the reference :class:`~crmcore.marketing.CampaignRepository`."""

    def __init__(self) -> None:
        self._by_status: KeyIndex[Campaign] = KeyIndex(lambda campaign: [campaign.status])
        self._by_segment: KeyIndex[Campaign] = KeyIndex(lambda campaign: [campaign.segment_id])
        indexes = [self._by_status, self._by_segment]
        self._store: GuardedStore[Campaign] = GuardedStore(CAMPAIGN, indexes)

    def get(self, campaign_id: CampaignId) -> Campaign:
        """The campaign with this id, else ``EntityNotFoundError``."""
        return self._store.get(campaign_id)

    def add(self, campaign: Campaign) -> None:
        """Store a new campaign, else ``DuplicateEntityError``."""
        self._store.add(campaign)

    def save(self, campaign: Campaign, *, expected_version: int) -> None:
        """Store a changed campaign if the stored one is at ``expected_version``."""
        self._store.save(campaign, expected_version=expected_version)

    def find(
        self, *, status: CampaignStatus | None = None, segment_id: SegmentId | None = None
    ) -> list[Campaign]:
        """Campaigns with ``status`` and of ``segment_id``, by start date, then id."""
        found = self._store.matching([(self._by_status, status), (self._by_segment, segment_id)])
        found.sort(key=lambda campaign: campaign.starts_on)
        return found


class MemoryPurchaseHistory:
    """Purchases in memory: the reference :class:`~crmcore.marketing.PurchaseHistory`."""

    def __init__(self) -> None:
        self._by_partner: KeyIndex[Purchase] = KeyIndex(lambda purchase: [purchase.partner_id])
        self._store: GuardedStore[Purchase] = GuardedStore(PURCHASE, [self._by_partner])

    def add(self, purchase: Purchase) -> None:
        """Record a purchase, else ``DuplicateEntityError``."""
        self._store.add(purchase)

    def find(
        self,
        *,
        partner_id: PartnerId | None = None,
        won_from: datetime | None = None,
        won_to: datetime | None = None,
    ) -> list[Purchase]:
        """Purchases of ``partner_id`` won in ``[won_from, won_to)``, by moment won, then id."""
        raise_violations(
            [
                *optional(aware_datetime)("won_from", won_from),
                *optional(aware_datetime)("won_to", won_to),
            ]
        )
        found = [
            purchase
            for purchase in self._store.matching([(self._by_partner, partner_id)])
            if (won_from is None or instant(purchase.won_at) >= instant(won_from))
            and (won_to is None or instant(purchase.won_at) < instant(won_to))
        ]
        found.sort(key=lambda purchase: instant(purchase.won_at))
        return found

    def count(self) -> int:
        """How many purchases are recorded."""
        return len(self._store)


class MemorySurveyRepository:
    """Surveys in memory: the reference :class:`~crmcore.marketing.SurveyRepository`."""

    def __init__(self) -> None:
        self._store: GuardedStore[Survey] = GuardedStore(SURVEY, [])
        self._by_survey: KeyIndex[SurveyResponse] = KeyIndex(lambda r: [r.survey_id])
        self._responses: GuardedStore[SurveyResponse] = GuardedStore(
            SURVEY_RESPONSE, [self._by_survey]
        )

    def get(self, survey_id: SurveyId) -> Survey:
        """The survey with this id, else ``EntityNotFoundError``."""
        return self._store.get(survey_id)

    def add(self, survey: Survey) -> None:
        """Store a new survey, else ``DuplicateEntityError``."""
        self._store.add(survey)

    def save(self, survey: Survey, *, expected_version: int) -> None:
        """Store a changed survey if the stored one is at ``expected_version``."""
        self._store.save(survey, expected_version=expected_version)

    def add_response(self, response: SurveyResponse) -> None:
        """Record a response to a stored survey, else ``EntityNotFoundError`` or
        ``DuplicateEntityError``."""
        with self._store.lock:
            self._store.get(response.survey_id)
            self._responses.add(response)

    def responses(self, survey_id: SurveyId) -> list[SurveyResponse]:
        """The responses to ``survey_id``, by moment answered, then id."""
        found = self._responses.matching([(self._by_survey, survey_id)])
        found.sort(key=lambda response: instant(response.answered_at))
        return found


if TYPE_CHECKING:
    from crmcore.marketing.repository import (
        CampaignRepository,
        ConsentRepository,
        PurchaseHistory,
        SegmentRepository,
        SurveyRepository,
    )

    def _conforms(
        segments: MemorySegmentRepository,
        consents: MemoryConsentRepository,
        campaigns: MemoryCampaignRepository,
        purchases: MemoryPurchaseHistory,
        surveys: MemorySurveyRepository,
    ) -> tuple[
        SegmentRepository, ConsentRepository, CampaignRepository, PurchaseHistory,
        SurveyRepository,
    ]:  # fmt: skip
        return segments, consents, campaigns, purchases, surveys
