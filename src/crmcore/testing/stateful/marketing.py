"""Comparisons of the marketing repositories: segments, consents, campaigns, purchases and
surveys with their responses."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Final

from hypothesis import settings as Settings  # noqa: N812 - the class, beside the argument name
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from crmcore.conditions.model import AllOf, Condition, FieldCondition, Not
from crmcore.ids import ContactPersonId, DealId, PartnerId
from crmcore.marketing.model import (
    Audience,
    Campaign,
    CampaignCost,
    CampaignId,
    CampaignStatus,
    Channel,
    ChannelConsent,
    Consent,
    ConsentStatus,
    MailingId,
    MailingRun,
    Material,
    Purchase,
    Question,
    QuestionKind,
    Segment,
    SegmentId,
    SegmentKind,
    Survey,
    SurveyId,
    SurveyResponse,
)
from crmcore.marketing.repository import (
    CampaignRepository,
    ConsentRepository,
    PurchaseHistory,
    SegmentRepository,
    SurveyRepository,
)
from crmcore.memory import (
    MemoryCampaignRepository,
    MemoryConsentRepository,
    MemoryPurchaseHistory,
    MemorySegmentRepository,
    MemorySurveyRepository,
)
from crmcore.money import Money
from crmcore.testing.stateful._common import (
    _CREATED_AT,
    _IDS,
    _NAMES,
    _Comparison,
    _comparison,
    _ids,
    _unknown_or_known_ids,
    _VersionedCalls,
    _zoned,
)

__all__ = [
    "campaign_repository_comparison",
    "consent_repository_comparison",
    "purchase_history_comparison",
    "segment_repository_comparison",
    "survey_repository_comparison",
]

_PARTNERS: Final = ("p-1", "P-1", "p-2")
_SEGMENTS: Final = ("s-1", "S-1", "s-2")
_HOURS: Final = (0, 3, 30, 80)
_CONDITIONS: Final[tuple[Condition, ...]] = (
    FieldCondition(field="purchases_last_year", op="gt", value="50000"),
    AllOf(
        all=(
            FieldCondition(field="custom.car_brand", op="eq", value="Audi"),
            Not(condition=FieldCondition(field="region", op="in", value=("Москва", "Казань"))),
        )
    ),
)
_DAYS: Final = (date(2026, 3, 1), date(2026, 3, 2), date(2026, 4, 1))


def _hours_later(hours: int) -> datetime:
    return _CREATED_AT + timedelta(hours=hours)


_moments = _zoned(st.sampled_from(_HOURS).map(_hours_later))
# Bounds that also fall before, between and after the moments drawn.
_bounds = _zoned(st.sampled_from((-1, *_HOURS, 2, 90)).map(_hours_later))
_partners = st.sampled_from(_PARTNERS).map(PartnerId)
_versions = st.integers(min_value=1, max_value=3)


@st.composite
def _pooled_segments(draw: st.DrawFn) -> Segment:
    dynamic = draw(st.booleans())
    members = st.lists(st.sampled_from(_PARTNERS), max_size=3, unique=True).map(tuple)
    return Segment(
        id=SegmentId(draw(_ids)), name=draw(st.sampled_from(_NAMES)),
        audience=draw(st.sampled_from(tuple(Audience))),
        kind=SegmentKind.DYNAMIC if dynamic else SegmentKind.STATIC,
        condition=draw(st.sampled_from(_CONDITIONS)) if dynamic else None,
        members=() if dynamic else draw(members),
        currency=draw(st.sampled_from(("RUB", "KWD"))), created_at=draw(_moments),
        version=draw(_versions),
    )  # fmt: skip


class _SegmentRepositoryCalls(
    _VersionedCalls[SegmentRepository], entities=_pooled_segments(), entity_id=SegmentId
):
    """The calls compared on the reference and the subject segment repository."""

    @invariant()
    def same_segments(self) -> None:
        self.compare(lambda repository: repository.list())


_channel_consents = st.builds(
    ChannelConsent, channel=st.sampled_from(tuple(Channel)),
    status=st.sampled_from(tuple(ConsentStatus)), changed_at=_moments,
    source=st.sampled_from((None, "web form", "Звонок")),
)  # fmt: skip


@st.composite
def _pooled_consents(draw: st.DrawFn) -> Consent:
    channels = st.lists(_channel_consents, max_size=2, unique_by=lambda c: c.channel)
    return Consent(
        id=ContactPersonId(draw(_ids)), partner_id=draw(_partners),
        channels=tuple(draw(channels)), version=draw(_versions),
    )  # fmt: skip


class _ConsentRepositoryCalls(
    _VersionedCalls[ConsentRepository], entities=_pooled_consents(), entity_id=ContactPersonId
):
    """The calls compared on the reference and the subject consent repository."""

    @rule(partner_id=_partners)
    def of_partner(self, partner_id: PartnerId) -> None:
        self.compare(lambda repository: repository.of_partner(partner_id))

    @invariant()
    def same_consents(self) -> None:
        self.compare(lambda repository: [repository.of_partner(PartnerId(p)) for p in _PARTNERS])


def _costs(currency: str) -> st.SearchStrategy[tuple[CampaignCost, ...]]:
    amounts = st.sampled_from(("0", "1500.50", "20000")).map(lambda a: Money.of(a, currency))
    line = st.builds(CampaignCost, item=st.sampled_from(_NAMES), amount=amounts)
    return st.lists(line, max_size=2).map(tuple)


_materials = st.lists(
    st.builds(
        Material, code=st.sampled_from(("letter", "sms_1")), channel=st.sampled_from(Channel),
        template=st.sampled_from(("tpl-1", "tpl-2")), title=st.sampled_from((None, "Весна")),
    ),
    max_size=2, unique_by=lambda m: m.code,
).map(tuple)  # fmt: skip
_runs = st.lists(
    st.builds(
        MailingRun, id=st.sampled_from(("m-1", "m-2")).map(MailingId),
        material=st.just("letter"), at=_moments,
        reached=st.lists(_ids.map(ContactPersonId), max_size=2).map(tuple),
        skipped=st.integers(min_value=0, max_value=3),
    ),
    max_size=2,
).map(tuple)  # fmt: skip


@st.composite
def _pooled_campaigns(draw: st.DrawFn) -> Campaign:
    currency = draw(st.sampled_from(("RUB", "KWD")))
    starts = draw(st.sampled_from(_DAYS))
    segment = draw(st.none() | st.sampled_from(_SEGMENTS))
    return Campaign(
        id=CampaignId(draw(_ids)), name=draw(st.sampled_from(_NAMES)), starts_on=starts,
        ends_on=starts + timedelta(days=draw(st.sampled_from((0, 30)))),
        budget=Money.of(draw(st.sampled_from(("0", "100000.000"))), currency),
        segment_id=None if segment is None else SegmentId(segment),
        planned_costs=draw(_costs(currency)), actual_costs=draw(_costs(currency)),
        materials=draw(_materials), status=draw(st.sampled_from(tuple(CampaignStatus))),
        mailings=draw(_runs), created_at=draw(_moments), version=draw(_versions),
    )  # fmt: skip


class _CampaignRepositoryCalls(
    _VersionedCalls[CampaignRepository], entities=_pooled_campaigns(), entity_id=CampaignId
):
    """The calls compared on the reference and the subject campaign repository."""

    @rule(
        status=st.none() | st.sampled_from(tuple(CampaignStatus)),
        segment=st.none() | st.sampled_from(_SEGMENTS),
    )
    def find(self, status: CampaignStatus | None, segment: str | None) -> None:
        segment_id = None if segment is None else SegmentId(segment)
        self.compare(lambda repository: repository.find(status=status, segment_id=segment_id))

    @invariant()
    def same_campaigns(self) -> None:
        self.compare(lambda repository: repository.find())


_purchases = st.builds(
    Purchase, id=_ids, deal_id=st.sampled_from(("d-1", "D-1", "d-2")).map(DealId),
    partner_id=_partners, product_id=st.sampled_from(("oil", "Oil", "filter")),
    amount=st.sampled_from(("10", "10.00", "0.5")).map(lambda a: Money.of(a, "RUB")),
    won_at=_moments, version=_versions,
)  # fmt: skip


class _PurchaseHistoryCalls(_Comparison[PurchaseHistory]):
    """The calls compared on the reference and the subject purchase history."""

    @rule(purchase=_purchases)
    def add(self, purchase: Purchase) -> None:
        self.compare(lambda history: history.add(purchase))

    @rule(
        partner_id=st.none() | _partners,
        won_from=st.none() | _bounds,
        won_to=st.none() | _bounds,
    )
    def find(
        self, partner_id: PartnerId | None, won_from: datetime | None, won_to: datetime | None
    ) -> None:
        self.compare(
            lambda history: history.find(partner_id=partner_id, won_from=won_from, won_to=won_to)
        )

    @invariant()
    def same_purchases(self) -> None:
        self.compare(lambda history: (history.count(), history.find()))


_QUESTIONS: Final = (
    Question(code="score", text="Как вам сервис?", kind=QuestionKind.SCALE, scale_max=10),
    Question(
        code="car", text="Ваша машина?", kind=QuestionKind.CHOICE, choices=("Audi", "BMW"),
        required=False,
    ),
    Question(code="comment", text="Комментарий", kind=QuestionKind.TEXT, required=False),
)  # fmt: skip
_questions = st.sampled_from(_QUESTIONS)


@st.composite
def _pooled_surveys(draw: st.DrawFn) -> Survey:
    chosen = draw(st.lists(_questions, min_size=1, max_size=3, unique_by=lambda q: q.code))
    campaign = draw(st.none() | st.sampled_from(("c-1", "C-1")))
    return Survey(
        id=SurveyId(draw(_ids)), title=draw(st.sampled_from(_NAMES)), questions=tuple(chosen),
        campaign_id=None if campaign is None else CampaignId(campaign),
        created_at=draw(_moments), version=draw(_versions),
    )  # fmt: skip


_answers = st.dictionaries(
    st.sampled_from(("score", "car", "comment")),
    st.sampled_from((7, 0, "Audi", "Всё хорошо", "")),
    max_size=3,
)
_responses = st.builds(
    SurveyResponse, id=st.sampled_from(("r-1", "R-1", "r-2", "r-3")),
    survey_id=st.sampled_from((*_IDS[:3], "x-404")).map(SurveyId),
    contact_person_id=_ids.map(ContactPersonId), partner_id=_partners, answers=_answers,
    answered_at=_moments, version=_versions,
)  # fmt: skip


class _SurveyRepositoryCalls(
    _VersionedCalls[SurveyRepository], entities=_pooled_surveys(), entity_id=SurveyId
):
    """The calls compared on the reference and the subject survey repository."""

    @rule(response=_responses)
    def add_response(self, response: SurveyResponse) -> None:
        self.compare(lambda repository: repository.add_response(response))

    @rule(survey_id=_unknown_or_known_ids)
    def responses(self, survey_id: str) -> None:
        self.compare(lambda repository: repository.responses(SurveyId(survey_id)))

    @invariant()
    def same_responses(self) -> None:
        self.compare(lambda repository: [repository.responses(SurveyId(s)) for s in _IDS])


def segment_repository_comparison(
    make_repository: Callable[[], SegmentRepository], *, settings: Settings | None = None
) -> type[RuleBasedStateMachine]:
    """A state machine comparing ``make_repository()`` with ``MemorySegmentRepository``."""
    return _comparison(_SegmentRepositoryCalls, MemorySegmentRepository, make_repository, settings)


def consent_repository_comparison(
    make_repository: Callable[[], ConsentRepository], *, settings: Settings | None = None
) -> type[RuleBasedStateMachine]:
    """A state machine comparing ``make_repository()`` with ``MemoryConsentRepository``."""
    return _comparison(_ConsentRepositoryCalls, MemoryConsentRepository, make_repository, settings)


def campaign_repository_comparison(
    make_repository: Callable[[], CampaignRepository], *, settings: Settings | None = None
) -> type[RuleBasedStateMachine]:
    """A state machine comparing ``make_repository()`` with ``MemoryCampaignRepository``."""
    return _comparison(
        _CampaignRepositoryCalls, MemoryCampaignRepository, make_repository, settings
    )


def purchase_history_comparison(
    make_repository: Callable[[], PurchaseHistory], *, settings: Settings | None = None
) -> type[RuleBasedStateMachine]:
    """A state machine comparing ``make_repository()`` with ``MemoryPurchaseHistory``."""
    return _comparison(_PurchaseHistoryCalls, MemoryPurchaseHistory, make_repository, settings)


def survey_repository_comparison(
    make_repository: Callable[[], SurveyRepository], *, settings: Settings | None = None
) -> type[RuleBasedStateMachine]:
    """A state machine comparing ``make_repository()`` with ``MemorySurveyRepository``."""
    return _comparison(_SurveyRepositoryCalls, MemorySurveyRepository, make_repository, settings)
