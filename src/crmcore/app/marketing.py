"""Marketing over a store: who is in a segment, attribution, cross-sell and suggestions,
survey results, read in one unit of work.

Purchases are the won deals' line items together with the purchases the host recorded
(:class:`~crmcore.app.commands.RecordPurchases`), one per line id.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from typing import Any

from crmcore.app.settings import Settings
from crmcore.app.store import Repositories, Store
from crmcore.errors import DomainValidationError
from crmcore.ids import ContactPersonId, PartnerId
from crmcore.marketing import (
    AttributionReport,
    Audience,
    CampaignRepository,
    ConsentRepository,
    CrossSell,
    ProductRank,
    Purchase,
    PurchaseHistory,
    Segment,
    SegmentId,
    SegmentMembership,
    SegmentPopulation,
    SegmentRepository,
    Suggestion,
    SurveyId,
    SurveyRepository,
    SurveyResults,
    attribution_report,
    cross_sell,
    evaluate_segment,
    purchases_from_deals,
    segment_schemas,
    suggest_products,
    survey_results,
    top_products,
)
from crmcore.partners import ContactPerson
from crmcore.validation import check_now

__all__ = [
    "MarketingQueries",
    "campaigns_of",
    "consents_of",
    "members_of",
    "purchases_of",
    "segments_of",
    "surveys_of",
]


def _needed(repositories: Repositories, name: str) -> Any:
    found = getattr(repositories, name)
    if found is None:
        raise DomainValidationError.single("command", f"needs a store that keeps {name}")
    return found


def segments_of(repositories: Repositories) -> SegmentRepository:
    """The store's segments, else a ``DomainValidationError``."""
    found: SegmentRepository = _needed(repositories, "segments")
    return found


def consents_of(repositories: Repositories) -> ConsentRepository:
    """The store's consents, else a ``DomainValidationError``."""
    found: ConsentRepository = _needed(repositories, "consents")
    return found


def campaigns_of(repositories: Repositories) -> CampaignRepository:
    """The store's campaigns, else a ``DomainValidationError``."""
    found: CampaignRepository = _needed(repositories, "campaigns")
    return found


def surveys_of(repositories: Repositories) -> SurveyRepository:
    """The store's surveys, else a ``DomainValidationError``."""
    found: SurveyRepository = _needed(repositories, "surveys")
    return found


def purchases_of(repositories: Repositories) -> list[Purchase]:
    """The won deals' lines and the recorded purchases, one per line id."""
    history: PurchaseHistory | None = repositories.purchases
    found = {p.id: p for p in purchases_from_deals(repositories.deals.iterate())}
    if history is not None:
        found.update((p.id, p) for p in history.find())
    return list(found.values())


def _people(repositories: Repositories) -> Iterator[ContactPerson]:
    for partner in repositories.partners.iterate():
        yield from repositories.contact_persons.of_partner(partner.id)


def evaluate(
    repositories: Repositories,
    segment: Segment,
    settings: Settings,
    now: datetime,
    *,
    explain: bool,
) -> SegmentMembership:
    """Who is in ``segment`` in the store at ``now``."""
    people = list(_people(repositories)) if segment.audience is Audience.CONTACT_PERSONS else []
    population = SegmentPopulation(
        partners=list(repositories.partners.iterate()), contact_persons=people,
        purchases=purchases_of(repositories), deals=list(repositories.deals.iterate()),
    )  # fmt: skip
    schemas = segment_schemas(settings.custom_fields)
    return evaluate_segment(
        segment, population, now=now, schemas=schemas, explain=explain, calendar=settings.calendar
    )


def members_of(
    repositories: Repositories, segment: Segment, settings: Settings, now: datetime
) -> list[ContactPerson]:
    """The contact persons a mailing to ``segment`` goes to: its members, or the contact
    persons of its member partners."""
    membership = evaluate(repositories, segment, settings, now, explain=False)
    people = repositories.contact_persons
    if segment.audience is Audience.CONTACT_PERSONS:
        return [people.get(ContactPersonId(member)) for member in sorted(membership.ids)]
    return [
        person
        for partner in sorted(membership.partner_ids)
        for person in people.of_partner(PartnerId(partner))
    ]


class MarketingQueries:
    """The marketing reports of one CRM's store (``CRM.marketing``)."""

    def __init__(self, store: Store, settings: Settings) -> None:
        self._store = store
        self._settings = settings

    def segment(self, segment_id: str, *, now: datetime) -> SegmentMembership:
        """The members of segment ``segment_id`` at ``now``, each with its explanation."""
        check_now(now)
        with self._store.unit_of_work() as repositories:
            segment = segments_of(repositories).get(SegmentId(segment_id))
            return evaluate(repositories, segment, self._settings, now, explain=True)

    def attribution(self, *, start: datetime, end: datetime) -> AttributionReport:
        """Leads, converted requests, won deals, revenue and cost per lead by campaign over
        ``[start, end)``."""
        with self._store.unit_of_work() as repositories:
            return attribution_report(
                campaigns=campaigns_of(repositories).find(),
                requests=repositories.requests.find(), deals=repositories.deals.iterate(),
                start=start, end=end,
            )  # fmt: skip

    def cross_sell(self, *, min_together: int = 2, limit: int | None = None) -> CrossSell:
        """The products bought together in the won deals."""
        with self._store.unit_of_work() as repositories:
            return cross_sell(purchases_of(repositories), min_together=min_together, limit=limit)

    def top_products(
        self, segment_id: str, *, now: datetime, currency: str = "RUB", limit: int = 10
    ) -> tuple[ProductRank, ...]:
        """The products bought by most of the partners of segment ``segment_id``."""
        check_now(now)
        with self._store.unit_of_work() as repositories:
            segment = segments_of(repositories).get(SegmentId(segment_id))
            members = evaluate(repositories, segment, self._settings, now, explain=False)
            return top_products(
                purchases_of(repositories), partner_ids=members.partner_ids, currency=currency,
                limit=limit,
            )  # fmt: skip

    def suggestions(
        self, partner_id: str, *, limit: int = 5, min_together: int = 2
    ) -> tuple[Suggestion, ...]:
        """What to offer partner ``partner_id`` next, each with the reason."""
        with self._store.unit_of_work() as repositories:
            repositories.partners.get(PartnerId(partner_id))
            purchases = purchases_of(repositories)
        found = cross_sell(purchases, min_together=min_together)
        return suggest_products(partner_id, purchases, found, limit=limit, min_lift=Decimal(1))

    def survey(
        self, survey_id: str, *, segments: tuple[str, ...] = (), now: datetime
    ) -> SurveyResults:
        """The results of survey ``survey_id`` for everyone and for each of ``segments``
        (by segment id) at ``now``."""
        check_now(now)
        with self._store.unit_of_work() as repositories:
            surveys = surveys_of(repositories)
            survey = surveys.get(SurveyId(survey_id))
            groups: dict[str, frozenset[str]] = {}
            for segment_id in segments:
                segment = segments_of(repositories).get(SegmentId(segment_id))
                found = evaluate(repositories, segment, self._settings, now, explain=False)
                groups[segment_id] = found.ids
            return survey_results(survey, surveys.responses(survey.id), segments=groups)
