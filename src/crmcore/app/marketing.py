"""Marketing over a store: who is in a segment, attribution, cross-sell and suggestions,
survey results, read in one unit of work.

Purchases are the won deals' line items together with the purchases the host recorded
(:class:`~crmcore.app.commands.RecordPurchases`), one per line id.

Under an access policy each report takes ``actor=`` and reads only what the actor may read:
segments are evaluated over the partners, contact persons and deals they may read, and the
reports that count deals (attribution, cross-sell, top products, suggestions) need the right
to run reports on deals and count only the readable deals, requests and recorded purchases
(of readable partners); a survey's results count the answers of readable partners' people.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from decimal import Decimal
from typing import Any

from crmcore.app.guard import Guard, loader
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


Visible = Callable[[str, Iterable[Any]], list[Any]]
"""The records of a kind (``"partner"``, ``"deal"``, ...) that the reader may read."""


def everything(kind: str, records: Iterable[Any]) -> list[Any]:
    """Every record: the :data:`Visible` of a reader without restrictions."""
    return list(records)


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


def purchases_of(repositories: Repositories, visible: Visible = everything) -> list[Purchase]:
    """The won deals' lines and the recorded purchases, one per line id (of the deals and
    the partners ``visible`` lets through)."""
    history: PurchaseHistory | None = repositories.purchases
    deals = visible("deal", repositories.deals.iterate())
    found = {p.id: p for p in purchases_from_deals(deals)}
    if history is not None:
        recorded = history.find()
        if visible is not everything:
            partners = {p.id for p in visible("partner", repositories.partners.iterate())}
            recorded = [p for p in recorded if p.partner_id in partners]
        found.update((p.id, p) for p in recorded)
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
    visible: Visible = everything,
) -> SegmentMembership:
    """Who is in ``segment`` in the store at ``now`` (among the records ``visible`` lets
    through)."""
    contacts = segment.audience is Audience.CONTACT_PERSONS
    people = visible("contact_person", _people(repositories)) if contacts else []
    population = SegmentPopulation(
        partners=visible("partner", repositories.partners.iterate()), contact_persons=people,
        purchases=purchases_of(repositories, visible),
        deals=visible("deal", repositories.deals.iterate()),
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

    def __init__(
        self,
        store: Store,
        settings: Settings,
        *,
        guard: Guard | None = None,
        reader: Callable[[str | None], str] | None = None,
    ) -> None:
        self._store = store
        self._settings = settings
        self._guard = guard or Guard(None)
        self._reader = reader or (lambda actor: actor or "system")

    def _visible(self, reader: str, repositories: Repositories) -> Visible:
        guard = self._guard
        if guard.exempt(reader):
            return everything
        load = loader(repositories)

        def visible(kind: str, records: Iterable[Any]) -> list[Any]:
            return guard.visible(reader, kind, records, load)

        return visible

    def _reporting(self, actor: str | None) -> str:
        """The reader of a report that counts deals (refused without the right to)."""
        reader = self._reader(actor)
        self._guard.report(reader, "deal")
        return reader

    def segment(
        self, segment_id: str, *, now: datetime, actor: str | None = None
    ) -> SegmentMembership:
        """The members of segment ``segment_id`` at ``now``, each with its explanation."""
        check_now(now)
        reader = self._reader(actor)
        with self._store.unit_of_work() as repositories:
            segment = segments_of(repositories).get(SegmentId(segment_id))
            visible = self._visible(reader, repositories)
            return evaluate(
                repositories, segment, self._settings, now, explain=True, visible=visible
            )

    def attribution(
        self, *, start: datetime, end: datetime, actor: str | None = None
    ) -> AttributionReport:
        """Leads, converted requests, won deals, revenue and cost per lead by campaign over
        ``[start, end)``."""
        reader = self._reporting(actor)
        guard = self._guard
        with self._store.unit_of_work() as repositories:
            requests = repositories.requests.find(scope=guard.scope(reader, "request"))
            deals = repositories.deals.find(scope=guard.scope(reader, "deal"))
            return attribution_report(
                campaigns=campaigns_of(repositories).find(), requests=requests, deals=deals,
                start=start, end=end,
            )  # fmt: skip

    def cross_sell(
        self, *, min_together: int = 2, limit: int | None = None, actor: str | None = None
    ) -> CrossSell:
        """The products bought together in the won deals."""
        reader = self._reporting(actor)
        with self._store.unit_of_work() as repositories:
            purchases = purchases_of(repositories, self._visible(reader, repositories))
        return cross_sell(purchases, min_together=min_together, limit=limit)

    def top_products(
        self,
        segment_id: str,
        *,
        now: datetime,
        currency: str = "RUB",
        limit: int = 10,
        actor: str | None = None,
    ) -> tuple[ProductRank, ...]:
        """The products bought by most of the partners of segment ``segment_id``."""
        check_now(now)
        reader = self._reporting(actor)
        with self._store.unit_of_work() as repositories:
            segment = segments_of(repositories).get(SegmentId(segment_id))
            visible = self._visible(reader, repositories)
            members = evaluate(
                repositories, segment, self._settings, now, explain=False, visible=visible
            )
            return top_products(
                purchases_of(repositories, visible), partner_ids=members.partner_ids,
                currency=currency, limit=limit,
            )  # fmt: skip

    def suggestions(
        self, partner_id: str, *, limit: int = 5, min_together: int = 2, actor: str | None = None
    ) -> tuple[Suggestion, ...]:
        """What to offer partner ``partner_id`` next, each with the reason."""
        reader = self._reporting(actor)
        with self._store.unit_of_work() as repositories:
            partner = repositories.partners.get(PartnerId(partner_id))
            self._guard.read(reader, "partner", partner)
            purchases = purchases_of(repositories, self._visible(reader, repositories))
        found = cross_sell(purchases, min_together=min_together)
        return suggest_products(partner_id, purchases, found, limit=limit, min_lift=Decimal(1))

    def survey(
        self,
        survey_id: str,
        *,
        segments: tuple[str, ...] = (),
        now: datetime,
        actor: str | None = None,
    ) -> SurveyResults:
        """The results of survey ``survey_id`` for everyone and for each of ``segments``
        (by segment id) at ``now``."""
        check_now(now)
        reader = self._reader(actor)
        with self._store.unit_of_work() as repositories:
            surveys = surveys_of(repositories)
            survey = surveys.get(SurveyId(survey_id))
            visible = self._visible(reader, repositories)
            groups: dict[str, frozenset[str]] = {}
            for segment_id in segments:
                segment = segments_of(repositories).get(SegmentId(segment_id))
                found = evaluate(
                    repositories, segment, self._settings, now, explain=False, visible=visible
                )
                groups[segment_id] = found.ids
            responses = surveys.responses(survey.id)
            if visible is not everything:
                partners = {p.id for p in visible("partner", repositories.partners.iterate())}
                responses = [r for r in responses if r.partner_id in partners]
            return survey_results(survey, responses, segments=groups)
