"""Strategies for the marketing area: consents, segments, campaigns, purchases, surveys."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, Final

from hypothesis import strategies as st

from crmcore.events import DomainEvent
from crmcore.ids import ContactPersonId, DealId, PartnerId
from crmcore.marketing import events
from crmcore.marketing.mailings import CampaignEmail, CampaignSms, MailingThrottle
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
from crmcore.marketing.segments import segment_schemas
from crmcore.testing.strategies._common import (
    _IDS,
    _NAMES,
    _WORD,
    Choices,
    _free_text,
    _optional,
    _strategy,
    aware_datetimes,
)
from crmcore.testing.strategies.automation import conditions
from crmcore.testing.strategies.kernel import domain_events, money

__all__ = [
    "MARKETING_EVENTS",
    "campaign_costs",
    "campaigns",
    "consents",
    "materials",
    "purchases",
    "questions",
    "segments",
    "survey_responses",
    "surveys",
]

MARKETING_EVENTS: Final[tuple[type[DomainEvent], ...]] = tuple(
    getattr(events, name) for name in events.__all__
)
"""The event classes of the marketing area: every name :mod:`crmcore.marketing.events`
exports, so that a new event is drawn without being listed here too."""
_CURRENCIES: Final = ("RUB", "JPY", "KWD", "USD")
_TITLE: Final = _free_text(max_size=60).filter(lambda text: text.strip() != "")


def channel_consents() -> st.SearchStrategy[ChannelConsent]:
    """One channel's consent."""
    return st.builds(
        ChannelConsent, channel=st.sampled_from(Channel), status=st.sampled_from(ConsentStatus),
        changed_at=aware_datetimes(), source=_optional(_TITLE),
    )  # fmt: skip


@st.composite
def consents(draw: st.DrawFn, *, ids: Choices[str] = _IDS) -> Consent:
    """A contact person's consents, at most one per channel."""
    chosen = draw(st.lists(channel_consents(), max_size=2, unique_by=lambda c: c.channel))
    return Consent(
        id=ContactPersonId(draw(_strategy(ids))), partner_id=PartnerId(draw(_IDS)),
        channels=tuple(chosen), version=draw(st.integers(min_value=1, max_value=50)),
    )  # fmt: skip


@st.composite
def segments(draw: st.DrawFn, *, ids: Choices[str] = _IDS) -> Segment:
    """Dynamic segments with a condition over partners, or static ones with a list."""
    dynamic = draw(st.booleans())
    condition = (
        draw(conditions(entity="partner", schemas=segment_schemas(), max_leaves=4))
        if dynamic
        else None
    )
    members = () if dynamic else tuple(draw(st.lists(_IDS, max_size=5, unique=True)))
    return Segment(
        id=SegmentId(draw(_strategy(ids))), name=draw(_TITLE),
        audience=draw(st.sampled_from(Audience)),
        kind=SegmentKind.DYNAMIC if dynamic else SegmentKind.STATIC, condition=condition,
        members=members, currency=draw(st.sampled_from(_CURRENCIES)),
        created_at=draw(aware_datetimes()),
    )  # fmt: skip


def campaign_costs(*, currency: str = "RUB") -> st.SearchStrategy[CampaignCost]:
    """A cost of ``currency``."""
    return st.builds(CampaignCost, item=_TITLE, amount=money(currencies=(currency,), min_value=0))


def materials() -> st.SearchStrategy[Material]:
    """A template for a channel."""
    return st.builds(
        Material, code=_NAMES, channel=st.sampled_from(Channel), template=_IDS,
        title=_optional(_TITLE),
    )  # fmt: skip


def mailing_runs() -> st.SearchStrategy[MailingRun]:
    """A mailing's run."""
    return st.builds(
        MailingRun, id=_IDS.map(MailingId), material=_NAMES, at=aware_datetimes(),
        reached=st.lists(_IDS.map(ContactPersonId), max_size=3).map(tuple),
        skipped=st.integers(min_value=0, max_value=100),
    )  # fmt: skip


@st.composite
def campaigns(draw: st.DrawFn, *, ids: Choices[str] = _IDS) -> Campaign:
    """A campaign in one currency, with costs, materials and mailings."""
    currency = draw(st.sampled_from(_CURRENCIES))
    starts = draw(st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 1, 1)))
    lines = st.lists(campaign_costs(currency=currency), max_size=3).map(tuple)
    return Campaign(
        id=CampaignId(draw(_strategy(ids))), name=draw(_TITLE), starts_on=starts,
        ends_on=starts + timedelta(days=draw(st.integers(min_value=0, max_value=400))),
        budget=draw(money(currencies=(currency,), min_value=0)),
        segment_id=draw(_optional(_IDS.map(SegmentId))), planned_costs=draw(lines),
        actual_costs=draw(lines),
        materials=tuple(draw(st.lists(materials(), max_size=3, unique_by=lambda m: m.code))),
        status=draw(st.sampled_from(CampaignStatus)),
        mailings=tuple(draw(st.lists(mailing_runs(), max_size=2))),
        created_at=draw(aware_datetimes()), version=draw(st.integers(min_value=1, max_value=50)),
    )  # fmt: skip


def purchases() -> st.SearchStrategy[Purchase]:
    """A line of a won deal."""
    return st.builds(
        Purchase, id=_IDS, deal_id=_IDS.map(DealId), partner_id=_IDS.map(PartnerId),
        product_id=_IDS, amount=money(currencies=_CURRENCIES, min_value=0),
        won_at=aware_datetimes(),
    )  # fmt: skip


@st.composite
def questions(draw: st.DrawFn) -> Question:
    """A question of any kind."""
    kind = draw(st.sampled_from(QuestionKind))
    choices = (
        tuple(draw(st.lists(_WORD, min_size=1, max_size=4, unique=True)))
        if kind is QuestionKind.CHOICE
        else ()
    )
    return Question(
        code=draw(_NAMES), text=draw(_TITLE), kind=kind, choices=choices,
        scale_max=draw(st.integers(min_value=1, max_value=10)), required=draw(st.booleans()),
    )  # fmt: skip


def surveys() -> st.SearchStrategy[Survey]:
    """A survey of one to four questions."""
    return st.builds(
        Survey, id=_IDS.map(SurveyId), title=_TITLE,
        questions=st.lists(questions(), min_size=1, max_size=4, unique_by=lambda q: q.code).map(
            tuple
        ),
        campaign_id=_optional(_IDS.map(CampaignId)), created_at=aware_datetimes(),
    )  # fmt: skip


def survey_responses() -> st.SearchStrategy[SurveyResponse]:
    """Answers by question code: texts and scores."""
    answers = st.dictionaries(_NAMES, st.integers(min_value=1, max_value=10) | _WORD, max_size=4)
    return st.builds(
        SurveyResponse, id=_IDS, survey_id=_IDS.map(SurveyId),
        contact_person_id=_IDS.map(ContactPersonId), partner_id=_IDS.map(PartnerId),
        answers=answers, answered_at=aware_datetimes(),
    )  # fmt: skip


def _actions() -> dict[type[Any], st.SearchStrategy[Any]]:
    common = {"campaign_id": _IDS, "mailing_id": _IDS, "material": _IDS, "template": _IDS}
    return {
        CampaignEmail: st.builds(CampaignEmail, title=_optional(_TITLE), **common),
        CampaignSms: st.builds(CampaignSms, **common),
    }


def _marketing_strategies() -> dict[type[Any], st.SearchStrategy[Any]]:
    """The marketing area's models and their strategies, for the registration hook."""
    registered: dict[type[Any], st.SearchStrategy[Any]] = {
        ChannelConsent: channel_consents(),
        Consent: consents(),
        Segment: segments(),
        CampaignCost: campaign_costs(),
        Material: materials(),
        MailingRun: mailing_runs(),
        Campaign: campaigns(),
        Purchase: purchases(),
        Question: questions(),
        Survey: surveys(),
        SurveyResponse: survey_responses(),
        MailingThrottle: st.builds(
            MailingThrottle, limit=st.integers(min_value=1, max_value=10_000),
            window=st.integers(min_value=1, max_value=10_000).map(lambda m: timedelta(minutes=m)),
        ),
        **_actions(),
    }  # fmt: skip
    registered.update({cls: domain_events(classes=(cls,)) for cls in MARKETING_EVENTS})
    return registered
