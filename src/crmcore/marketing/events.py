"""Events of the marketing area."""

from __future__ import annotations

from typing import ClassVar

import attrs

from crmcore.events import DomainEvent
from crmcore.validation import checks, identifier, non_negative_int, optional

__all__ = [
    "CampaignChanged",
    "CampaignPlanned",
    "ConsentChanged",
    "MailingSent",
    "PurchaseRecorded",
    "SegmentChanged",
    "SegmentDefined",
    "SurveyAnswered",
    "SurveyCreated",
]


@attrs.frozen(kw_only=True)
class SegmentDefined(DomainEvent):
    """A segment was defined; ``changes`` holds every field of it."""

    name: ClassVar[str] = "segment.defined"
    entity_type: ClassVar[str] = "segment"
    action: ClassVar[str] = "created"


@attrs.frozen(kw_only=True)
class SegmentChanged(DomainEvent):
    """A segment's name, condition or list changed; ``changes`` holds old and new values."""

    name: ClassVar[str] = "segment.changed"
    entity_type: ClassVar[str] = "segment"
    action: ClassVar[str] = "changed"


@attrs.frozen(kw_only=True)
class ConsentChanged(DomainEvent):
    """A contact person granted or withdrew consent on a channel (``entity_id`` is the
    contact person's id)."""

    name: ClassVar[str] = "consent.changed"
    entity_type: ClassVar[str] = "consent"
    action: ClassVar[str] = "changed"


@attrs.frozen(kw_only=True)
class CampaignPlanned(DomainEvent):
    """A campaign was planned; ``changes`` holds every field of it."""

    name: ClassVar[str] = "campaign.planned"
    entity_type: ClassVar[str] = "campaign"
    action: ClassVar[str] = "created"


@attrs.frozen(kw_only=True)
class CampaignChanged(DomainEvent):
    """A campaign's costs, materials or status changed."""

    name: ClassVar[str] = "campaign.changed"
    entity_type: ClassVar[str] = "campaign"
    action: ClassVar[str] = "changed"


@attrs.frozen(kw_only=True)
class MailingSent(DomainEvent):
    """A mailing of a campaign ran: ``sent`` messages went to the outbox, ``skipped``
    members were held back."""

    name: ClassVar[str] = "campaign.mailing_sent"
    entity_type: ClassVar[str] = "campaign"
    action: ClassVar[str] = "mailing_sent"

    mailing_id: str = attrs.field(default="mailing", metadata=checks(identifier))
    sent: int = attrs.field(default=0, metadata=checks(non_negative_int))
    skipped: int = attrs.field(default=0, metadata=checks(non_negative_int))


@attrs.frozen(kw_only=True)
class PurchaseRecorded(DomainEvent):
    """A line of a won deal was recorded as a purchase."""

    name: ClassVar[str] = "purchase.recorded"
    entity_type: ClassVar[str] = "purchase"
    action: ClassVar[str] = "created"


@attrs.frozen(kw_only=True)
class SurveyCreated(DomainEvent):
    """A survey was created."""

    name: ClassVar[str] = "survey.created"
    entity_type: ClassVar[str] = "survey"
    action: ClassVar[str] = "created"


@attrs.frozen(kw_only=True)
class SurveyAnswered(DomainEvent):
    """A contact person answered a survey (``entity_id`` is the response's id)."""

    name: ClassVar[str] = "survey.answered"
    entity_type: ClassVar[str] = "survey_response"
    action: ClassVar[str] = "created"

    survey_id: str | None = attrs.field(default=None, metadata=checks(optional(identifier)))
