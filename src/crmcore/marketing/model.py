"""Marketing's models: consents, segments, campaigns with their materials and mailings,
purchases (won deals' lines) and surveys with their responses.

>>> from datetime import date, datetime, timezone
>>> from crmcore.money import Money
>>> at = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
>>> campaign = Campaign(id=CampaignId("spring"), name="Spring service", starts_on=date(2026, 3, 1),
...     ends_on=date(2026, 3, 31), budget=Money.of("100000", "RUB"),
...     segment_id=SegmentId("audi-owners"), created_at=at,
...     planned_costs=(CampaignCost(item="Printing", amount=Money.of("20000", "RUB")),))
>>> str(campaign.planned_total), campaign.status.value
('20000 RUB', 'planned')
"""

from __future__ import annotations

import enum
from collections.abc import Iterator, Mapping
from datetime import date, datetime
from typing import Final, NewType

import attrs

from crmcore.conditions.model import AllOf, AnyOf, Condition, FieldCondition, Not
from crmcore.deals.pipeline import code
from crmcore.errors import Violation
from crmcore.ids import ContactPersonId, DealId, PartnerId
from crmcore.money import Money
from crmcore.validation import (
    FrozenMap,
    Model,
    aware_datetime,
    bounded_text,
    checks,
    clean_optional_text,
    clean_text,
    each,
    freeze,
    identifier,
    instance_of,
    invariant,
    non_negative_int,
    optional,
    plain_date,
    positive_int,
    unique,
)

__all__ = [
    "CAMPAIGN",
    "CONSENT",
    "PURCHASE",
    "SEGMENT",
    "SURVEY",
    "SURVEY_RESPONSE",
    "Answer",
    "Audience",
    "Campaign",
    "CampaignCost",
    "CampaignId",
    "CampaignStatus",
    "Channel",
    "ChannelConsent",
    "Consent",
    "ConsentStatus",
    "MailingId",
    "MailingRun",
    "Material",
    "Purchase",
    "Question",
    "QuestionKind",
    "Segment",
    "SegmentId",
    "SegmentKind",
    "Survey",
    "SurveyId",
    "SurveyResponse",
]

SegmentId = NewType("SegmentId", str)
CampaignId = NewType("CampaignId", str)
MailingId = NewType("MailingId", str)
SurveyId = NewType("SurveyId", str)

CONSENT: Final = "consent"
SEGMENT: Final = "segment"
CAMPAIGN: Final = "campaign"
PURCHASE: Final = "purchase"
SURVEY: Final = "survey"
SURVEY_RESPONSE: Final = "survey_response"
_NAME: Final = checks(bounded_text(200))
_MAX_MEMBERS: Final = 100_000
_MAX_LINES: Final = 500


class Channel(enum.Enum):
    """How a contact person is written to."""

    EMAIL = "email"
    SMS = "sms"


class ConsentStatus(enum.Enum):
    """A contact person's word on a channel: agreed to be written to, or opted out."""

    GRANTED = "granted"
    OPTED_OUT = "opted_out"


@attrs.frozen(kw_only=True)
class ChannelConsent(Model):
    """The consent on one channel: its status, since when, and where it was given."""

    channel: Channel = attrs.field(metadata=checks(instance_of(Channel)))
    status: ConsentStatus = attrs.field(metadata=checks(instance_of(ConsentStatus)))
    changed_at: datetime = attrs.field(metadata=checks(aware_datetime))
    source: str | None = attrs.field(
        default=None, converter=clean_optional_text, metadata=checks(optional(bounded_text(200)))
    )


@attrs.frozen(kw_only=True)
class Consent(Model):
    """What one contact person (``id`` is the contact person's id) agreed to per channel.

    Marketing mailings need a granted consent; any message to the client (a rule's SMS or
    e-mail too) is held back on a channel the person opted out of.
    """

    id: ContactPersonId = attrs.field(metadata=checks(identifier))
    partner_id: PartnerId = attrs.field(metadata=checks(identifier))
    channels: tuple[ChannelConsent, ...] = attrs.field(
        default=(),
        metadata=checks(
            each(instance_of(ChannelConsent)), unique(lambda c: c.channel, what="channel")
        ),
    )
    version: int = attrs.field(default=1, metadata=checks(non_negative_int))

    def status(self, channel: Channel) -> ConsentStatus | None:
        """The status on ``channel``, ``None`` when the person never said."""
        for each_channel in self.channels:
            if each_channel.channel is channel:
                return each_channel.status
        return None

    def allows(self, channel: Channel, *, marketing: bool) -> bool:
        """Whether a message may go out on ``channel``: a mailing (``marketing``) needs a
        granted consent, any other message only the absence of an opt-out."""
        found = self.status(channel)
        if marketing:
            return found is ConsentStatus.GRANTED
        return found is not ConsentStatus.OPTED_OUT


class Audience(enum.Enum):
    """What a segment is made of."""

    PARTNERS = "partners"
    CONTACT_PERSONS = "contact_persons"

    @property
    def entity(self) -> str:
        """The entity the rules' conditions read for this audience."""
        return "partner" if self is Audience.PARTNERS else "contact_person"


class SegmentKind(enum.Enum):
    """Dynamic segments hold a condition evaluated over the store, static ones a list."""

    DYNAMIC = "dynamic"
    STATIC = "static"


def _condition(field: str, value: object) -> Iterator[Violation]:
    if not isinstance(value, FieldCondition | AllOf | AnyOf | Not):
        yield Violation(field=field, message="must be a condition")


@attrs.frozen(kw_only=True)
class Segment(Model):
    """A set of partners or contact persons: by a condition in the rules' condition
    language (dynamic) or by a list of ids (static).

    Amount facts (``purchases_last_year`` ...) sum purchases in ``currency``.
    """

    id: SegmentId = attrs.field(metadata=checks(identifier))
    name: str = attrs.field(converter=clean_text, metadata=_NAME)
    audience: Audience = attrs.field(
        default=Audience.PARTNERS, metadata=checks(instance_of(Audience))
    )
    kind: SegmentKind = attrs.field(metadata=checks(instance_of(SegmentKind)))
    condition: Condition | None = attrs.field(default=None, metadata=checks(optional(_condition)))
    members: tuple[str, ...] = attrs.field(
        default=(),
        metadata=checks(
            each(identifier, max_items=_MAX_MEMBERS), unique(lambda m: m, what="member")
        ),
    )
    currency: str = attrs.field(default="RUB", metadata=checks(bounded_text(3)))
    created_at: datetime = attrs.field(metadata=checks(aware_datetime))
    version: int = attrs.field(default=1, metadata=checks(non_negative_int))

    def _invariants(self) -> Iterator[Violation]:
        dynamic = self.kind is SegmentKind.DYNAMIC
        if dynamic != (self.condition is not None):
            yield Violation(field="condition", message="is set exactly for a dynamic segment")
        if dynamic and self.members:
            yield Violation(field="members", message="are listed for a static segment only")


@attrs.frozen(kw_only=True)
class CampaignCost(Model):
    """One planned or actual cost of a campaign."""

    item: str = attrs.field(converter=clean_text, metadata=_NAME)
    amount: Money = attrs.field(metadata=checks(instance_of(Money)))

    def _invariants(self) -> Iterator[Violation]:
        if self.amount.is_negative():
            yield Violation(field="amount", message="must not be negative", value=self.amount)


@attrs.frozen(kw_only=True)
class Material(Model):
    """A piece of a campaign's material: a template the host renders, for one channel."""

    code: str = attrs.field(metadata=checks(code))
    channel: Channel = attrs.field(metadata=checks(instance_of(Channel)))
    template: str = attrs.field(metadata=checks(identifier))
    title: str | None = attrs.field(
        default=None, converter=clean_optional_text, metadata=checks(optional(bounded_text(200)))
    )


class CampaignStatus(enum.Enum):
    """Where a campaign stands."""

    PLANNED = "planned"
    RUNNING = "running"
    FINISHED = "finished"
    CANCELLED = "cancelled"


@attrs.frozen(kw_only=True)
class MailingRun(Model):
    """One run of a mailing: which material went out when, to whom, and how many were held
    back (no consent, no address, or over the throttle)."""

    id: MailingId = attrs.field(metadata=checks(identifier))
    material: str = attrs.field(metadata=checks(code))
    at: datetime = attrs.field(metadata=checks(aware_datetime))
    reached: tuple[ContactPersonId, ...] = attrs.field(
        default=(), metadata=checks(each(identifier, max_items=_MAX_MEMBERS))
    )
    skipped: int = attrs.field(default=0, metadata=checks(non_negative_int))


def _lines(field: str, value: object) -> Iterator[Violation]:
    yield from each(instance_of(CampaignCost), max_items=_MAX_LINES)(field, value)


@attrs.frozen(kw_only=True)
class Campaign(Model):
    """A marketing event: its dates, budget, planned and actual costs, target segment,
    materials and the mailings run so far.

    Requests and deals carry ``campaign_id`` to be attributed to it.
    """

    id: CampaignId = attrs.field(metadata=checks(identifier))
    name: str = attrs.field(converter=clean_text, metadata=_NAME)
    starts_on: date = attrs.field(metadata=checks(plain_date))
    ends_on: date = attrs.field(metadata=checks(plain_date))
    budget: Money = attrs.field(metadata=checks(instance_of(Money)))
    segment_id: SegmentId | None = attrs.field(default=None, metadata=checks(optional(identifier)))
    planned_costs: tuple[CampaignCost, ...] = attrs.field(default=(), metadata=checks(_lines))
    actual_costs: tuple[CampaignCost, ...] = attrs.field(default=(), metadata=checks(_lines))
    materials: tuple[Material, ...] = attrs.field(
        default=(),
        metadata=checks(each(instance_of(Material)), unique(lambda m: m.code, what="material")),
    )
    status: CampaignStatus = attrs.field(
        default=CampaignStatus.PLANNED, metadata=checks(instance_of(CampaignStatus))
    )
    mailings: tuple[MailingRun, ...] = attrs.field(
        default=(), metadata=checks(each(instance_of(MailingRun)))
    )
    created_at: datetime = attrs.field(metadata=checks(aware_datetime))
    version: int = attrs.field(default=1, metadata=checks(non_negative_int))

    def _invariants(self) -> Iterator[Violation]:
        if self.ends_on < self.starts_on:
            yield Violation(field="ends_on", message="must not be before starts_on")
        if self.budget.is_negative():
            yield Violation(field="budget", message="must not be negative", value=self.budget)
        for name in ("planned_costs", "actual_costs"):
            for index, line in enumerate(getattr(self, name)):
                if line.amount.currency != self.budget.currency:
                    message = f"must be in the budget's currency {self.budget.currency}"
                    yield Violation(field=f"{name}[{index}].amount", message=message)

    @property
    def planned_total(self) -> Money:
        """The sum of the planned costs."""
        return _total(self.planned_costs, self.budget.currency)

    @property
    def actual_total(self) -> Money:
        """The sum of the actual costs."""
        return _total(self.actual_costs, self.budget.currency)

    def material(self, material_code: str) -> Material | None:
        """The material with ``material_code``, if the campaign has it."""
        return next((m for m in self.materials if m.code == material_code), None)

    def sent_since(self, moment: datetime) -> int:
        """How many messages the mailings of the campaign sent after ``moment``."""
        return sum(len(run.reached) for run in self.mailings if run.at > moment)

    def reached_by(self, material_code: str) -> frozenset[ContactPersonId]:
        """The contact persons ``material_code`` went to in any run."""
        return frozenset(
            person
            for run in self.mailings
            if run.material == material_code
            for person in run.reached
        )


def _total(lines: tuple[CampaignCost, ...], currency: str) -> Money:
    total = Money.zero(currency)
    for line in lines:
        total = total + line.amount
    return total


@attrs.frozen(kw_only=True)
class Purchase(Model):
    """One line of a won deal: what a partner bought, for how much, and when the deal was
    won; ``id`` is the line's id (unique across deals)."""

    id: str = attrs.field(metadata=checks(identifier))
    deal_id: DealId = attrs.field(metadata=checks(identifier))
    partner_id: PartnerId = attrs.field(metadata=checks(identifier))
    product_id: str = attrs.field(metadata=checks(identifier))
    amount: Money = attrs.field(metadata=checks(instance_of(Money)))
    won_at: datetime = attrs.field(metadata=checks(aware_datetime))
    version: int = attrs.field(default=1, metadata=checks(positive_int))


class QuestionKind(enum.Enum):
    """How a question is answered: one of its choices, a score, or free text."""

    CHOICE = "choice"
    SCALE = "scale"
    TEXT = "text"


def _choices(field: str, value: object) -> Iterator[Violation]:
    yield from each(bounded_text(100), max_items=50)(field, value)
    yield from unique(lambda c: c, what="choice")(field, value)


@attrs.frozen(kw_only=True)
class Question(Model):
    """A question of a survey; a scale question is scored from 1 to ``scale_max``."""

    code: str = attrs.field(metadata=checks(code))
    text: str = attrs.field(converter=clean_text, metadata=checks(bounded_text(500)))
    kind: QuestionKind = attrs.field(metadata=checks(instance_of(QuestionKind)))
    choices: tuple[str, ...] = attrs.field(default=(), metadata=checks(_choices))
    scale_max: int = attrs.field(default=5, metadata=checks(positive_int))
    required: bool = attrs.field(default=True, metadata=checks(instance_of(bool)))

    def _invariants(self) -> Iterator[Violation]:
        if (self.kind is QuestionKind.CHOICE) != bool(self.choices):
            yield Violation(field="choices", message="are listed exactly for a choice question")
        if self.scale_max > 100:
            yield Violation(field="scale_max", message="must be at most 100")


@attrs.frozen(kw_only=True)
class Survey(Model):
    """A survey: its questions, and the campaign it belongs to if any."""

    id: SurveyId = attrs.field(metadata=checks(identifier))
    title: str = attrs.field(converter=clean_text, metadata=_NAME)
    questions: tuple[Question, ...] = attrs.field(
        metadata=checks(
            each(instance_of(Question), max_items=100), unique(lambda q: q.code, what="question")
        )
    )
    campaign_id: CampaignId | None = attrs.field(
        default=None, metadata=checks(optional(identifier))
    )
    created_at: datetime = attrs.field(metadata=checks(aware_datetime))
    version: int = attrs.field(default=1, metadata=checks(non_negative_int))

    @invariant("questions")
    def _has_questions(self) -> Iterator[Violation]:
        if not self.questions:
            yield Violation(field="questions", message="must hold at least one question")


Answer = str | int


def _answers(field: str, value: object) -> Iterator[Violation]:
    if not isinstance(value, Mapping):
        yield Violation(field=field, message="must map question codes to answers")
        return
    for key, answer in value.items():
        yield from code(f"{field}.{key}", key)
        if not isinstance(answer, str | int) or isinstance(answer, bool):
            yield Violation(field=f"{field}.{key}", message="must be a text or a whole number")


@attrs.frozen(kw_only=True)
class SurveyResponse(Model):
    """The answers of one contact person to a survey, by question code."""

    id: str = attrs.field(metadata=checks(identifier))
    survey_id: SurveyId = attrs.field(metadata=checks(identifier))
    contact_person_id: ContactPersonId = attrs.field(metadata=checks(identifier))
    partner_id: PartnerId = attrs.field(metadata=checks(identifier))
    answers: Mapping[str, Answer] = attrs.field(
        factory=FrozenMap, converter=freeze, metadata=checks(_answers)
    )
    answered_at: datetime = attrs.field(metadata=checks(aware_datetime))
    version: int = attrs.field(default=1, metadata=checks(positive_int))
