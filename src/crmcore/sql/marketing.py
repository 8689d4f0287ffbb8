"""The marketing area's repositories over SQL: segments, consents, campaigns, purchases and
surveys with their responses."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from crmcore.errors import DuplicateEntityError
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
from crmcore.sql import metadata as m
from crmcore.sql.database import Database
from crmcore.sql.versioned import VersionedTable
from crmcore.validation import aware_datetime, optional, raise_violations

__all__ = [
    "SqlCampaignRepository",
    "SqlConsentRepository",
    "SqlPurchaseHistory",
    "SqlSegmentRepository",
    "SqlSurveyRepository",
]


class SqlSegmentRepository(VersionedTable[Segment]):
    """Segments in SQL: a :class:`~crmcore.marketing.SegmentRepository`."""

    table = m.segments
    entity_type = "segment"
    model = Segment

    def columns(self, entity: Segment) -> dict[str, object]:
        """None besides the body: segments are read by id."""
        return {}

    def get(self, entity_id: str) -> Segment:
        """The segment with this id, else ``EntityNotFoundError``."""
        return super().get(SegmentId(entity_id))

    def list(self) -> list[Segment]:
        """Every segment, by id."""
        return self.select()


class SqlConsentRepository(VersionedTable[Consent]):
    """Consents in SQL: a :class:`~crmcore.marketing.ConsentRepository`."""

    table = m.consents
    entity_type = "consent"
    model = Consent

    def columns(self, entity: Consent) -> dict[str, object]:
        """The partner of the contact person."""
        return {"partner_id": entity.partner_id}

    def get(self, entity_id: str) -> Consent:
        """The consent of this contact person, else ``EntityNotFoundError``."""
        return super().get(ContactPersonId(entity_id))

    def of_partner(self, partner_id: PartnerId) -> list[Consent]:
        """The consents of the contact persons of ``partner_id``, by contact person id."""
        return self.select(self.table.c.partner_id == partner_id)


class SqlCampaignRepository(VersionedTable[Campaign]):
    """Campaigns in SQL: a :class:`~crmcore.marketing.CampaignRepository`."""

    table = m.campaigns
    entity_type = "campaign"
    model = Campaign

    def columns(self, entity: Campaign) -> dict[str, object]:
        """Status, segment and start date."""
        return {
            "status": entity.status.value,
            "segment_id": entity.segment_id,
            "starts_on": entity.starts_on,
        }

    def get(self, entity_id: str) -> Campaign:
        """The campaign with this id, else ``EntityNotFoundError``."""
        return super().get(CampaignId(entity_id))

    def find(
        self, *, status: CampaignStatus | None = None, segment_id: SegmentId | None = None
    ) -> list[Campaign]:
        """Campaigns with ``status`` and of ``segment_id``, by start date, then id."""
        c = self.table.c
        conditions = []
        if status is not None:
            conditions.append(c.status == status.value)
        if segment_id is not None:
            conditions.append(c.segment_id == segment_id)
        return self.select(*conditions, order_by=(c.starts_on, c.id))


class SqlPurchaseHistory(VersionedTable[Purchase]):
    """Purchases in SQL: a :class:`~crmcore.marketing.PurchaseHistory`."""

    table = m.purchases
    entity_type = "purchase"
    model = Purchase

    def columns(self, entity: Purchase) -> dict[str, object]:
        """Partner and the moment won."""
        return {"partner_id": entity.partner_id, "won_at": entity.won_at}

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
        c = self.table.c
        conditions = []
        if partner_id is not None:
            conditions.append(c.partner_id == partner_id)
        if won_from is not None:
            conditions.append(c.won_at >= won_from)
        if won_to is not None:
            conditions.append(c.won_at < won_to)
        return self.select(*conditions, order_by=(c.won_at, c.id))


class _SqlResponses(VersionedTable[SurveyResponse]):
    table = m.survey_responses
    entity_type = "survey_response"
    model = SurveyResponse

    def columns(self, entity: SurveyResponse) -> dict[str, object]:
        return {"survey_id": entity.survey_id, "answered_at": entity.answered_at}


class SqlSurveyRepository(VersionedTable[Survey]):
    """Surveys and their responses in SQL: a :class:`~crmcore.marketing.SurveyRepository`."""

    table = m.surveys
    entity_type = "survey"
    model = Survey

    def __init__(self, database: Database) -> None:
        super().__init__(database)
        self._responses = _SqlResponses(database)

    def columns(self, entity: Survey) -> dict[str, object]:
        """None besides the body: surveys are read by id."""
        return {}

    def get(self, entity_id: str) -> Survey:
        """The survey with this id, else ``EntityNotFoundError``."""
        return super().get(SurveyId(entity_id))

    def add_response(self, response: SurveyResponse) -> None:
        """Record a response to a stored survey, else ``EntityNotFoundError`` or
        ``DuplicateEntityError``."""
        self.get(response.survey_id)
        try:
            self._responses.add(response)
        except DuplicateEntityError:
            raise DuplicateEntityError("survey_response", response.id) from None

    def responses(self, survey_id: SurveyId) -> list[SurveyResponse]:
        """The responses to ``survey_id``, by moment answered, then id."""
        c = self._responses.table.c
        return self._responses.select(c.survey_id == survey_id, order_by=(c.answered_at, c.id))


if TYPE_CHECKING:
    from crmcore.marketing.repository import (
        CampaignRepository,
        ConsentRepository,
        PurchaseHistory,
        SegmentRepository,
        SurveyRepository,
    )

    def _conforms(
        segments: SqlSegmentRepository,
        consents: SqlConsentRepository,
        campaigns: SqlCampaignRepository,
        purchases: SqlPurchaseHistory,
        surveys: SqlSurveyRepository,
    ) -> tuple[
        SegmentRepository, ConsentRepository, CampaignRepository, PurchaseHistory,
        SurveyRepository,
    ]:  # fmt: skip
        return segments, consents, campaigns, purchases, surveys
