"""Claims: who complains about what, what it is linked to, where it stands and what came of it.

A claim holds references only: the claimant's partner, the documents it is about, and its
attachments as name, media type and size (the file itself stays with the host).

>>> from datetime import datetime, timezone
>>> from crmcore.partners import PartnerRole
>>> at = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
>>> claim = Claim(id=ClaimId("c-1"), claimant=Claimant(role=PartnerRole.CLIENT, name="Anna"),
...     registered_at=at, channel=ClaimChannel.CALL, essence="  Crate arrived broken ",
...     response_due=at, resolution_due=at)
>>> claim.essence, claim.status.value, claim.is_open
('Crate arrived broken', 'registered', True)
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from typing import Final

import attrs

from crmcore.claims.investigation import InvestigationPlan
from crmcore.claims.kinds import (
    ClaimChannel,
    ClaimPriority,
    ClaimResult,
    ClaimStatus,
    DocumentKind,
    SlaState,
)
from crmcore.errors import Violation
from crmcore.ids import ClaimId, PartnerId, UserId
from crmcore.partners import Email, PartnerRole, Phone
from crmcore.repository_checks import instant
from crmcore.validation import (
    Model,
    aware_datetime,
    bounded_text,
    checks,
    clean_optional_text,
    clean_text,
    each,
    identifier,
    instance_of,
    invariant,
    non_negative_int,
    optional,
    unique,
)
from crmcore.workcalendar import latest

__all__ = [
    "CLAIM",
    "Attachment",
    "Claim",
    "Claimant",
    "LinkedDocument",
    "Pause",
    "SlaOutcome",
    "WorkflowStep",
]

CLAIM: Final = "claim"
_MEDIA_TYPE: Final = re.compile(
    r"^[a-z0-9][a-z0-9!#$&^_.+-]{0,63}/[a-z0-9][a-z0-9!#$&^_.+-]{0,63}$"
)
_TEXT: Final = 5000


def valid_media_type(field: str, value: object) -> Iterator[Violation]:
    """A media type in lower case, ``type/subtype`` (``image/jpeg``)."""
    if not isinstance(value, str) or not _MEDIA_TYPE.match(value):
        yield Violation(field=field, message="must be a media type like 'image/jpeg'", value=value)


def _lower(value: object) -> object:
    if isinstance(value, str):
        return clean_text(value).lower()
    return value


@attrs.frozen(kw_only=True)
class Claimant(Model):
    """Who raised a claim: a known partner in one of its roles, or a person known by name."""

    role: PartnerRole = attrs.field(metadata=checks(instance_of(PartnerRole)))
    partner_id: PartnerId | None = attrs.field(default=None, metadata=checks(optional(identifier)))
    name: str | None = attrs.field(
        default=None, converter=clean_optional_text, metadata=checks(optional(bounded_text(200)))
    )
    email: Email | None = attrs.field(default=None, metadata=checks(optional(instance_of(Email))))
    phone: Phone | None = attrs.field(default=None, metadata=checks(optional(instance_of(Phone))))

    @invariant("partner_id", "name")
    def _named(self) -> Iterator[Violation]:
        if self.partner_id is None and self.name is None:
            yield Violation(field="name", message="is required when no partner is given")


@attrs.frozen(kw_only=True)
class LinkedDocument(Model):
    """A document a claim is about: an order, invoice, shipment, deal or interaction, by its
    id in the host's records or by the number the claimant knows it by (or both)."""

    kind: DocumentKind = attrs.field(metadata=checks(instance_of(DocumentKind)))
    document_id: str | None = attrs.field(default=None, metadata=checks(optional(identifier)))
    number: str | None = attrs.field(
        default=None, converter=clean_optional_text, metadata=checks(optional(bounded_text(64)))
    )

    @invariant("document_id", "number")
    def _identified(self) -> Iterator[Violation]:
        if self.document_id is None and self.number is None:
            yield Violation(field="number", message="is required when no document_id is given")

    def __str__(self) -> str:
        return f"{self.kind.value} {self.number or self.document_id}"


@attrs.frozen(kw_only=True)
class Attachment(Model):
    """A file attached to a claim, by reference: its name, media type and size in bytes."""

    name: str = attrs.field(converter=clean_text, metadata=checks(bounded_text(255)))
    media_type: str = attrs.field(converter=_lower, metadata=checks(valid_media_type))
    size: int = attrs.field(metadata=checks(non_negative_int))


@attrs.frozen(kw_only=True)
class WorkflowStep(Model):
    """One move of a claim through its workflow: what, from where to where, when, who, why."""

    event: str = attrs.field(metadata=checks(identifier))
    source: ClaimStatus = attrs.field(metadata=checks(instance_of(ClaimStatus)))
    target: ClaimStatus = attrs.field(metadata=checks(instance_of(ClaimStatus)))
    at: datetime = attrs.field(metadata=checks(aware_datetime))
    actor: UserId | None = attrs.field(default=None, metadata=checks(optional(identifier)))
    comment: str | None = attrs.field(
        default=None,
        converter=clean_optional_text,
        metadata=checks(optional(bounded_text(2000, multiline=True))),
    )


@attrs.frozen(kw_only=True)
class Pause(Model):
    """A time the claim waited for the claimant; its working time extends the resolution due."""

    started_at: datetime = attrs.field(metadata=checks(aware_datetime))
    ended_at: datetime | None = attrs.field(default=None, metadata=checks(optional(aware_datetime)))

    @invariant("started_at", "ended_at")
    def _ends_after_start(self) -> Iterator[Violation]:
        if self.ended_at is not None and instant(self.ended_at) < instant(self.started_at):
            yield Violation(field="ended_at", message="must not be before started_at")


@attrs.frozen(kw_only=True)
class SlaOutcome:
    """A claim against one ``deadline`` (``"response"`` or ``"resolution"``) due at
    ``due``: its ``state``, and ``at`` when it was met or breached."""

    deadline: str
    due: datetime
    state: SlaState
    at: datetime | None = None


def _after(moment: datetime, due: datetime) -> bool:
    """Whether ``moment`` is past ``due`` as an instant, whatever zones they are written in."""
    return instant(moment) > instant(due)


def _outcome(
    deadline: str, due: datetime, done: datetime | None, broken: dict[str, datetime]
) -> SlaOutcome:
    if deadline in broken:
        return SlaOutcome(deadline=deadline, due=due, state=SlaState.BREACHED, at=broken[deadline])
    if done is not None:
        return SlaOutcome(deadline=deadline, due=due, state=SlaState.MET, at=done)
    return SlaOutcome(deadline=deadline, due=due, state=SlaState.PENDING)


@attrs.frozen(kw_only=True)
class Claim(Model):
    """A claim (complaint) and everything known about it; change it through the services."""

    id: ClaimId = attrs.field(metadata=checks(identifier))
    claimant: Claimant = attrs.field(metadata=checks(instance_of(Claimant)))
    registered_at: datetime = attrs.field(metadata=checks(aware_datetime))
    channel: ClaimChannel = attrs.field(metadata=checks(instance_of(ClaimChannel)))
    essence: str = attrs.field(
        converter=clean_text, metadata=checks(bounded_text(_TEXT, multiline=True))
    )
    response_due: datetime = attrs.field(metadata=checks(aware_datetime))
    resolution_due: datetime = attrs.field(metadata=checks(aware_datetime))
    claim_type: str | None = attrs.field(default=None, metadata=checks(optional(identifier)))
    priority: ClaimPriority = attrs.field(
        default=ClaimPriority.NORMAL, metadata=checks(instance_of(ClaimPriority))
    )
    department: str | None = attrs.field(
        default=None, converter=clean_optional_text, metadata=checks(optional(bounded_text(200)))
    )
    employee: UserId | None = attrs.field(default=None, metadata=checks(optional(identifier)))
    responsible_manager: UserId | None = attrs.field(
        default=None, metadata=checks(optional(identifier))
    )
    reasons: tuple[str, ...] = attrs.field(
        default=(), metadata=checks(each(identifier), unique(lambda code: code, what="reason"))
    )
    linked_documents: tuple[LinkedDocument, ...] = attrs.field(
        default=(), metadata=checks(each(instance_of(LinkedDocument)))
    )
    attachments: tuple[Attachment, ...] = attrs.field(
        default=(), metadata=checks(each(instance_of(Attachment)))
    )
    requested_outcome: str | None = attrs.field(
        default=None,
        converter=clean_optional_text,
        metadata=checks(optional(bounded_text(_TEXT, multiline=True))),
    )
    status: ClaimStatus = attrs.field(
        default=ClaimStatus.REGISTERED, metadata=checks(instance_of(ClaimStatus))
    )
    result: ClaimResult | None = attrs.field(
        default=None, metadata=checks(optional(instance_of(ClaimResult)))
    )
    responded_at: datetime | None = attrs.field(
        default=None, metadata=checks(optional(aware_datetime))
    )
    decided_at: datetime | None = attrs.field(
        default=None, metadata=checks(optional(aware_datetime))
    )
    pauses: tuple[Pause, ...] = attrs.field(default=(), metadata=checks(each(instance_of(Pause))))
    plan: InvestigationPlan = attrs.field(
        factory=InvestigationPlan, metadata=checks(instance_of(InvestigationPlan))
    )
    history: tuple[WorkflowStep, ...] = attrs.field(
        default=(), metadata=checks(each(instance_of(WorkflowStep)))
    )
    version: int = attrs.field(default=1, metadata=checks(non_negative_int))
    response_breached_at: datetime | None = attrs.field(
        default=None, metadata=checks(optional(aware_datetime))
    )
    resolution_breached_at: datetime | None = attrs.field(
        default=None, metadata=checks(optional(aware_datetime))
    )

    @property
    def last_changed_at(self) -> datetime:
        """The latest moment recorded on the claim: its registration, a step of its workflow,
        a pause, its response or decision; no command may be dated before it."""
        pauses = (moment for p in self.pauses for moment in (p.started_at, p.ended_at))
        steps = (step.at for step in self.history)
        return latest(self.registered_at, self.responded_at, self.decided_at, *pauses, *steps)

    @invariant("status", "result", "decided_at")
    def _decision(self) -> Iterator[Violation]:
        decided = self.status in {ClaimStatus.DECIDED, ClaimStatus.CLOSED}
        if decided != (self.result is not None):
            yield Violation(field="result", message="is set exactly when the claim is decided")
        if decided != (self.decided_at is not None):
            yield Violation(field="decided_at", message="is set exactly when the claim is decided")

    @invariant("status", "pauses")
    def _pauses(self) -> Iterator[Violation]:
        waiting = self.status is ClaimStatus.WAITING_FOR_CLAIMANT
        open_pauses = [index for index, p in enumerate(self.pauses) if p.ended_at is None]
        if open_pauses != ([len(self.pauses) - 1] if waiting else []):
            message = "only the last pause may be open, and only while waiting for the claimant"
            yield Violation(field="pauses", message=message)

    @invariant("response_due", "resolution_due")
    def _due_dates(self) -> Iterator[Violation]:
        if instant(self.resolution_due) < instant(self.response_due):
            yield Violation(field="resolution_due", message="must not be before response_due")

    @property
    def is_open(self) -> bool:
        """Whether the claim still needs work."""
        return self.status.is_open

    @property
    def clock_runs(self) -> bool:
        """Whether the claim's working time counts: open and not waiting for the claimant."""
        return self.is_open and self.status is not ClaimStatus.WAITING_FOR_CLAIMANT

    def breaches(self, now: datetime) -> dict[str, datetime]:
        """The due dates the claim has broken by ``now`` and when: those recorded (a breach,
        once it has happened, stays) and, while its clock runs, those passed since."""
        found: dict[str, datetime] = {}
        late_answer = self.responded_at is not None and _after(self.responded_at, self.response_due)
        if self.response_breached_at is not None or late_answer:
            found["response"] = self.response_breached_at or self.response_due
        elif self.clock_runs and self.responded_at is None and _after(now, self.response_due):
            found["response"] = self.response_due
        late_decision = self.decided_at is not None and _after(self.decided_at, self.resolution_due)
        if self.resolution_breached_at is not None or late_decision:
            found["resolution"] = self.resolution_breached_at or self.resolution_due
        elif self.clock_runs and _after(now, self.resolution_due):
            found["resolution"] = self.resolution_due
        return found

    def sla(self, now: datetime) -> tuple[SlaOutcome, SlaOutcome]:
        """The claim against its response and resolution due dates at ``now``: met (and
        when), breached (and when the due date passed) or still pending."""
        broken = self.breaches(now)
        return (
            _outcome("response", self.response_due, self.responded_at, broken),
            _outcome("resolution", self.resolution_due, self.decided_at, broken),
        )

    def missed_deadlines(self, now: datetime) -> tuple[str, ...]:
        """Which due dates an open claim has broken at ``now``: ``"response"``,
        ``"resolution"``.

        A claim waiting for its claimant misses nothing new, its clock is paused; but a due
        date it had passed before the pause stays missed.
        """
        if not self.is_open:
            return ()
        return tuple(self.breaches(now))

    def is_overdue(self, now: datetime) -> bool:
        """Whether the claim has passed a due date at ``now``."""
        return bool(self.missed_deadlines(now))
