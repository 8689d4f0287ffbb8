"""The storage protocols of the marketing area, implemented by the host.

The conventions of :mod:`crmcore.partners.repository` hold: ``get`` raises
``EntityNotFoundError``, ``add`` ``DuplicateEntityError``, ``save`` checks
``expected_version`` (``ConcurrencyConflictError``); a failing call changes nothing; queries
return lists in a documented order. Every implementation must pass the contracts in
:mod:`crmcore.testing.contracts.marketing`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from crmcore.ids import ContactPersonId, PartnerId
from crmcore.marketing.model import (
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

__all__ = [
    "CampaignRepository",
    "ConsentRepository",
    "PurchaseHistory",
    "SegmentRepository",
    "SurveyRepository",
]


class SegmentRepository(Protocol):
    """Where the host keeps segments."""

    def get(self, segment_id: SegmentId) -> Segment:
        """The segment with this id."""
        ...

    def add(self, segment: Segment) -> None:
        """Store a new segment."""
        ...

    def save(self, segment: Segment, *, expected_version: int) -> None:
        """Store a changed segment if the stored one is at ``expected_version``."""
        ...

    def list(self) -> list[Segment]:
        """Every segment, by id."""
        ...


class ConsentRepository(Protocol):
    """Where the host keeps the consents of contact persons (one per contact person)."""

    def get(self, contact_person_id: ContactPersonId) -> Consent:
        """The consent of this contact person."""
        ...

    def add(self, consent: Consent) -> None:
        """Store the first consent of a contact person."""
        ...

    def save(self, consent: Consent, *, expected_version: int) -> None:
        """Store a changed consent if the stored one is at ``expected_version``."""
        ...

    def of_partner(self, partner_id: PartnerId) -> list[Consent]:
        """The consents of the contact persons of ``partner_id``, by contact person id."""
        ...


class CampaignRepository(Protocol):
    """Where the host keeps campaigns."""

    def get(self, campaign_id: CampaignId) -> Campaign:
        """The campaign with this id."""
        ...

    def add(self, campaign: Campaign) -> None:
        """Store a new campaign."""
        ...

    def save(self, campaign: Campaign, *, expected_version: int) -> None:
        """Store a changed campaign if the stored one is at ``expected_version``."""
        ...

    def find(
        self, *, status: CampaignStatus | None = None, segment_id: SegmentId | None = None
    ) -> list[Campaign]:
        """Campaigns with ``status`` and of ``segment_id`` (each if given), by start date,
        then id."""
        ...


class PurchaseHistory(Protocol):
    """The won deals' lines the host records as purchases."""

    def add(self, purchase: Purchase) -> None:
        """Record a purchase; ``DuplicateEntityError`` if its id is taken."""
        ...

    def find(
        self,
        *,
        partner_id: PartnerId | None = None,
        won_from: datetime | None = None,
        won_to: datetime | None = None,
    ) -> list[Purchase]:
        """Purchases of ``partner_id`` won in ``[won_from, won_to)`` (each if given), by the
        moment won (as instants), then id."""
        ...

    def count(self) -> int:
        """How many purchases are recorded."""
        ...


class SurveyRepository(Protocol):
    """Where the host keeps surveys and their responses."""

    def get(self, survey_id: SurveyId) -> Survey:
        """The survey with this id."""
        ...

    def add(self, survey: Survey) -> None:
        """Store a new survey."""
        ...

    def save(self, survey: Survey, *, expected_version: int) -> None:
        """Store a changed survey if the stored one is at ``expected_version``."""
        ...

    def add_response(self, response: SurveyResponse) -> None:
        """Record a response; ``EntityNotFoundError`` for an unknown survey,
        ``DuplicateEntityError`` if its id is taken."""
        ...

    def responses(self, survey_id: SurveyId) -> list[SurveyResponse]:
        """The responses to ``survey_id``, by the moment answered (as instants), then id."""
        ...
