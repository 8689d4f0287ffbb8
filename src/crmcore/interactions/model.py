"""Interactions, their participants and reminders.

An interaction has a ``topic`` (the line a person reads in a calendar or an email's subject
line) and may belong to a chain through its ``subject``: a typed reference to what the chain
is about (a deal, a claim, a partner, an agreement, or the first interaction of the chain).
An interaction without a subject starts a chain of its own.

>>> from datetime import datetime, timezone
>>> at = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
>>> call = Interaction(id=InteractionId("i-1"), kind=InteractionKind.CALL,
...     topic=" Price for crates ", start=at, end=at, author=UserId("u-1"),
...     responsible=UserId("u-1"), direction=Direction.INCOMING, created_at=at)
>>> call.topic, call.status.value, str(call.chain)
('Price for crates', 'planned', 'interaction:i-1')
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Final

import attrs

from crmcore.errors import Violation
from crmcore.ids import EntityRef, InteractionId, PartnerId, UserId
from crmcore.interactions.kinds import Direction, InteractionKind, InteractionStatus
from crmcore.repository_checks import instant
from crmcore.validation import (
    Check,
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
)
from crmcore.workcalendar import instant_after, latest

__all__ = [
    "INTERACTION",
    "PARTICIPANT_TYPES",
    "SUBJECT_TYPES",
    "Interaction",
    "Participant",
    "Reminder",
]

INTERACTION: Final = "interaction"
SUBJECT_TYPES: Final = frozenset({"deal", "claim", "partner", "agreement", INTERACTION})
"""What a chain of interactions may be about."""
PARTICIPANT_TYPES: Final = frozenset({"partner", "contact_person", "user"})
"""What a participant may be linked to."""

_TEXT: Final = 5000
_OPTIONAL_LINE = checks(optional(bounded_text(200)))


def _ref_of(types: frozenset[str]) -> Check:
    allowed = ", ".join(sorted(types))

    def check(field: str, value: object) -> Iterator[Violation]:
        if value is None:
            return
        if not isinstance(value, EntityRef):
            yield Violation(field=field, message="must be an EntityRef", value=value)
        elif value.entity_type not in types:
            message = f"must reference one of {allowed}"
            yield Violation(field=f"{field}.entity_type", message=message, value=value.entity_type)

    return check


def _non_negative_duration(field: str, value: object) -> Iterator[Violation]:
    if value is None:
        return
    if not isinstance(value, timedelta):
        yield Violation(field=field, message="must be a timedelta", value=value)
    elif value < timedelta(0):
        yield Violation(field=field, message="must not be negative", value=str(value))


@attrs.frozen(kw_only=True)
class Participant(Model):
    """Who takes part: a name and how to reach them as written, and/or a link to a partner,
    contact person or user. Linking a text-only participant later keeps the text as written."""

    name: str | None = attrs.field(
        default=None, converter=clean_optional_text, metadata=_OPTIONAL_LINE
    )
    reach: str | None = attrs.field(
        default=None, converter=clean_optional_text, metadata=_OPTIONAL_LINE
    )
    ref: EntityRef | None = attrs.field(default=None, metadata=checks(_ref_of(PARTICIPANT_TYPES)))

    @invariant("name", "ref")
    def _named(self) -> Iterator[Violation]:
        if self.name is None and self.ref is None:
            yield Violation(field="name", message="is required when no ref is given")

    @property
    def linked(self) -> bool:
        """Whether the participant is linked to a known partner, contact person or user."""
        return self.ref is not None


@attrs.frozen(kw_only=True)
class Reminder(Model):
    """A reminder to the responsible user: ``before`` the start, or at a set moment ``at``."""

    before: timedelta | None = attrs.field(default=None, metadata=checks(_non_negative_duration))
    at: datetime | None = attrs.field(default=None, metadata=checks(optional(aware_datetime)))

    @invariant("before", "at")
    def _one_moment(self) -> Iterator[Violation]:
        if (self.before is None) == (self.at is None):
            yield Violation(field="before", message="give exactly one of before and at")

    def moment(self, start: datetime) -> datetime:
        """When the reminder fires for an interaction starting at ``start``: ``before`` is
        real time, so the same start written in any zone reminds at the same instant."""
        if self.at is not None:
            return self.at
        return instant_after(start, -(self.before or timedelta(0)))


@attrs.frozen(kw_only=True)
class Interaction(Model):
    """A meeting, planned interaction, call, email or SMS; change it through the services.

    ``direction`` is set exactly for calls, emails and SMS; ``reviewed`` marks an incoming one
    as seen. ``duration`` belongs to calls, ``body_ref`` (where the host keeps the body) to
    emails, ``location`` to meetings; ``result`` says what came of a meeting or call.
    ``completed_at`` is set exactly when the interaction is done.
    """

    id: InteractionId = attrs.field(metadata=checks(identifier))
    kind: InteractionKind = attrs.field(metadata=checks(instance_of(InteractionKind)))
    topic: str = attrs.field(converter=clean_text, metadata=checks(bounded_text(500)))
    subject: EntityRef | None = attrs.field(default=None, metadata=checks(_ref_of(SUBJECT_TYPES)))
    start: datetime = attrs.field(metadata=checks(aware_datetime))
    end: datetime = attrs.field(metadata=checks(aware_datetime))
    author: UserId = attrs.field(metadata=checks(identifier))
    responsible: UserId = attrs.field(metadata=checks(identifier))
    status: InteractionStatus = attrs.field(
        default=InteractionStatus.PLANNED, metadata=checks(instance_of(InteractionStatus))
    )
    direction: Direction | None = attrs.field(
        default=None, metadata=checks(optional(instance_of(Direction)))
    )
    reviewed: bool = attrs.field(default=False, metadata=checks(instance_of(bool)))
    partner_id: PartnerId | None = attrs.field(default=None, metadata=checks(optional(identifier)))
    participants: tuple[Participant, ...] = attrs.field(
        default=(), metadata=checks(each(instance_of(Participant)))
    )
    location: str | None = attrs.field(
        default=None, converter=clean_optional_text, metadata=checks(optional(bounded_text(500)))
    )
    duration: timedelta | None = attrs.field(default=None, metadata=checks(_non_negative_duration))
    body_ref: str | None = attrs.field(default=None, metadata=checks(optional(identifier)))
    result: str | None = attrs.field(
        default=None,
        converter=clean_optional_text,
        metadata=checks(optional(bounded_text(_TEXT, multiline=True))),
    )
    reminders: tuple[Reminder, ...] = attrs.field(
        default=(), metadata=checks(each(instance_of(Reminder)))
    )
    completed_at: datetime | None = attrs.field(
        default=None, metadata=checks(optional(aware_datetime))
    )
    created_at: datetime = attrs.field(metadata=checks(aware_datetime))
    version: int = attrs.field(default=1, metadata=checks(non_negative_int))

    @property
    def last_changed_at(self) -> datetime:
        """The latest moment recorded on the interaction: its creation or completion; no
        command may be dated before it."""
        return latest(self.created_at, self.completed_at)

    @invariant("start", "end")
    def _ends_after_start(self) -> Iterator[Violation]:
        if instant(self.end) < instant(self.start):
            yield Violation(field="end", message="must not be before start")

    @invariant("status", "completed_at")
    def _completed_when_done(self) -> Iterator[Violation]:
        if (self.status is InteractionStatus.DONE) != (self.completed_at is not None):
            yield Violation(field="completed_at", message="is set exactly when the status is done")

    @invariant("id", "subject")
    def _not_its_own_subject(self) -> Iterator[Violation]:
        if self.subject == self.ref:
            message = "must be empty for the first interaction of a chain, not itself"
            yield Violation(field="subject", message=message, value=str(self.subject))

    # Reported beside a blank topic or a bad start: it reads only these fields.
    @invariant("kind", "direction", "reviewed", "duration", "body_ref")
    def _kind_violations(self) -> Iterator[Violation]:
        kind = self.kind.value
        if self.kind.directed and self.direction is None:
            yield Violation(field="direction", message=f"is required for a {kind}")
        if not self.kind.directed and self.direction is not None:
            yield Violation(field="direction", message=f"a {kind} has no direction")
        if self.reviewed and self.direction is not Direction.INCOMING:
            yield Violation(field="reviewed", message="only incoming interactions are reviewed")
        if self.duration is not None and self.kind is not InteractionKind.CALL:
            yield Violation(field="duration", message="only calls have a duration")
        if self.body_ref is not None and self.kind is not InteractionKind.EMAIL:
            yield Violation(field="body_ref", message="only emails have a body")

    @property
    def ref(self) -> EntityRef:
        """This interaction as a typed reference."""
        return EntityRef(entity_type=INTERACTION, entity_id=self.id)

    @property
    def chain(self) -> EntityRef:
        """What the chain of this interaction is about: its subject, or itself if it starts one."""
        return self.subject if self.subject is not None else self.ref

    def is_overdue(self, now: datetime) -> bool:
        """Whether the interaction should have ended by ``now`` and is not done or cancelled."""
        return self.status.pending and instant(self.end) < instant(now)

    def reminder_moments(self) -> Iterator[datetime]:
        """When each reminder of the interaction fires."""
        return (reminder.moment(self.start) for reminder in self.reminders)
