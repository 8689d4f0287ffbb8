"""Services of the interactions area: plan or record an interaction and move it along.

Each service is a pure function returning an :class:`~crmcore.events.Outcome`; a refused
command raises a typed error and changes nothing.

>>> from datetime import datetime, timedelta, timezone
>>> now = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
>>> planned = create_interaction(
...     InteractionDraft(kind="meeting", topic="Crates for spring", start=now + timedelta(days=1),
...                      reminders=[Reminder(before=timedelta(hours=1))]),
...     interaction_id=InteractionId("i-1"), author=UserId("u-1"), now=now)
>>> planned.entity.status.value, planned.events[0].name
('planned', 'interaction.created')
>>> done = complete(planned.entity, now=now + timedelta(days=1, hours=1), result="Agreed on 300")
>>> done.entity.status.value, done.entity.result
('done', 'Agreed on 300')
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, Final

import attrs

from crmcore.errors import DomainValidationError, InvalidTransitionError, Violation
from crmcore.events import Outcome, changes_between
from crmcore.ids import EntityRef, InteractionId, PartnerId, UserId
from crmcore.interactions.events import (
    InteractionChanged,
    InteractionCreated,
    InteractionStatusChanged,
)
from crmcore.interactions.kinds import Direction, InteractionKind, InteractionStatus
from crmcore.interactions.lifecycle import INTERACTION_LIFECYCLE
from crmcore.interactions.model import INTERACTION, Interaction, Participant, Reminder
from crmcore.validation import (
    aware_datetime,
    check_now,
    enum_member,
    raise_violations,
    read_collection,
)
from crmcore.workcalendar import check_not_before, elapsed, instant_after

__all__ = [
    "InteractionDraft",
    "add_participant",
    "cancel",
    "change_subject",
    "complete",
    "create_interaction",
    "link_participant",
    "mark_reviewed",
    "record_interaction",
    "reschedule",
    "start",
]

_UNLOGGED: Final = frozenset({"version"})
_KIND_DEPENDENT: Final = frozenset({"direction", "reviewed", "duration", "body_ref"})


@attrs.frozen(kw_only=True)
class InteractionDraft:
    """A new interaction as entered: kinds and directions may be their string values;
    ``end`` defaults to ``start`` and ``responsible`` to the author."""

    kind: InteractionKind | str
    topic: str
    start: datetime
    end: datetime | None = None
    responsible: UserId | None = None
    subject: EntityRef | None = None
    direction: Direction | str | None = None
    partner_id: PartnerId | None = None
    participants: Sequence[Participant] = ()
    location: str | None = None
    body_ref: str | None = None
    reminders: Sequence[Reminder] = ()


def _build(
    draft: InteractionDraft,
    *,
    interaction_id: InteractionId,
    author: UserId,
    now: datetime,
    **settled: Any,
) -> Interaction:
    check_now(now)
    found: list[Violation] = []
    kind = enum_member(InteractionKind, "kind", draft.kind, found)
    direction = None
    if draft.direction is not None:
        direction = enum_member(Direction, "direction", draft.direction, found)
    try:
        interaction = Interaction(
            id=interaction_id, kind=kind or InteractionKind.PLANNED, topic=draft.topic,
            subject=draft.subject, start=draft.start,
            end=draft.start if draft.end is None else draft.end, author=author,
            responsible=author if draft.responsible is None else draft.responsible,
            direction=direction, partner_id=draft.partner_id,
            participants=read_collection("participants", draft.participants, found) or (),
            location=draft.location, body_ref=draft.body_ref, created_at=now,
            reminders=read_collection("reminders", draft.reminders, found) or (),
            **settled,
        )  # fmt: skip
    except DomainValidationError as error:
        # A kind that could not be read leaves the kind-dependent fields unjudged, and a
        # field reported already is not reported again.
        unjudged = {v.field for v in found} | (_KIND_DEPENDENT if kind is None else set())
        found.extend(v for v in error.violations if v.field not in unjudged)
    raise_violations(found)
    return interaction


def _created(interaction: Interaction, *, now: datetime, actor: UserId) -> Outcome[Interaction]:
    event = InteractionCreated(
        entity_id=interaction.id, occurred_at=now, actor=actor,
        changes=changes_between(None, interaction),
    )  # fmt: skip
    return Outcome(entity=interaction, events=(event,))


def create_interaction(
    draft: InteractionDraft, *, interaction_id: InteractionId, author: UserId, now: datetime
) -> Outcome[Interaction]:
    """A new planned interaction from ``draft``.

    Raises :class:`DomainValidationError` naming every problem of the draft.
    """
    interaction = _build(draft, interaction_id=interaction_id, author=author, now=now)
    return _created(interaction, now=now, actor=author)


def record_interaction(
    draft: InteractionDraft,
    *,
    interaction_id: InteractionId,
    author: UserId,
    now: datetime,
    result: str | None = None,
    duration: timedelta | None = None,
) -> Outcome[Interaction]:
    """An interaction that has happened already (a call taken, an email received), done at
    ``now``; an incoming one waits to be reviewed."""
    interaction = _build(
        draft, interaction_id=interaction_id, author=author, now=now,
        status=InteractionStatus.DONE, completed_at=now, result=result, duration=duration,
    )  # fmt: skip
    return _created(interaction, now=now, actor=author)


def _changed(
    interaction: Interaction, *, now: datetime, actor: UserId | None, **changes: Any
) -> Outcome[Interaction]:
    check_now(now)
    check_not_before(now, interaction.last_changed_at, entity=f"interaction {interaction.id!r}")
    changed = attrs.evolve(interaction, **changes)
    differences = changes_between(interaction, changed, ignore=_UNLOGGED)
    if not differences:
        return Outcome(entity=interaction)
    changed = attrs.evolve(changed, version=interaction.version + 1)
    event = InteractionChanged(
        entity_id=interaction.id, occurred_at=now, actor=actor, changes=differences
    )
    return Outcome(entity=changed, events=(event,))


def _move(
    interaction: Interaction, step: str, *, now: datetime, actor: UserId | None, **changes: Any
) -> Outcome[Interaction]:
    check_now(now)
    target = INTERACTION_LIFECYCLE.target(
        interaction.status.value, step, entity=(INTERACTION, interaction.id)
    )
    check_not_before(now, interaction.last_changed_at, entity=f"interaction {interaction.id!r}")
    moved = attrs.evolve(
        interaction, status=InteractionStatus(target), version=interaction.version + 1, **changes
    )
    event = InteractionStatusChanged(
        entity_id=interaction.id, occurred_at=now, actor=actor, step=step,
        changes=changes_between(interaction, moved, ignore=_UNLOGGED),
    )  # fmt: skip
    return Outcome(entity=moved, events=(event,))


def start(
    interaction: Interaction, *, now: datetime, actor: UserId | None = None
) -> Outcome[Interaction]:
    """The interaction has begun (a meeting started, a call is under way)."""
    return _move(interaction, "start", now=now, actor=actor)


def complete(
    interaction: Interaction,
    *,
    now: datetime,
    actor: UserId | None = None,
    result: str | None = None,
    duration: timedelta | None = None,
) -> Outcome[Interaction]:
    """The interaction is done at ``now``; ``result`` says what came of it, ``duration`` how
    long a call took."""
    return _move(
        interaction, "complete", now=now, actor=actor, completed_at=now,
        result=interaction.result if result is None else result,
        duration=interaction.duration if duration is None else duration,
    )  # fmt: skip


def cancel(
    interaction: Interaction, *, now: datetime, actor: UserId | None = None
) -> Outcome[Interaction]:
    """The interaction will not take place."""
    return _move(interaction, "cancel", now=now, actor=actor)


def _require_pending(interaction: Interaction, action: str) -> None:
    if not interaction.status.pending:
        raise InvalidTransitionError(
            INTERACTION, interaction.id, state=interaction.status.value, event=action,
            allowed=INTERACTION_LIFECYCLE.allowed_events(interaction.status.value),
        )  # fmt: skip


def reschedule(
    interaction: Interaction,
    *,
    start: datetime,
    end: datetime | None = None,
    now: datetime,
    actor: UserId | None = None,
) -> Outcome[Interaction]:
    """Move a pending interaction to ``start``; ``end`` defaults to keeping its length."""
    _require_pending(interaction, "reschedule")
    raise_violations(aware_datetime("start", start))
    if end is None:
        end = instant_after(start, elapsed(interaction.start, interaction.end))
    return _changed(interaction, now=now, actor=actor, start=start, end=end)


def change_subject(
    interaction: Interaction,
    subject: EntityRef,
    *,
    now: datetime,
    actor: UserId | None = None,
    partner_id: PartnerId | None = None,
) -> Outcome[Interaction]:
    """Move the interaction into the chain of ``subject`` (the deal a request became, say);
    ``partner_id`` fills in its partner if it has none. Its own subject changes nothing."""
    if interaction.subject == subject:
        return Outcome(entity=interaction)
    partner = interaction.partner_id or partner_id
    return _changed(interaction, now=now, actor=actor, subject=subject, partner_id=partner)


def mark_reviewed(
    interaction: Interaction, *, now: datetime, actor: UserId | None = None
) -> Outcome[Interaction]:
    """An incoming call, email or SMS has been seen; marking twice changes nothing more."""
    if interaction.reviewed:
        return Outcome(entity=interaction)
    return _changed(interaction, now=now, actor=actor, reviewed=True)


def add_participant(
    interaction: Interaction,
    participant: Participant,
    *,
    now: datetime,
    actor: UserId | None = None,
) -> Outcome[Interaction]:
    """One more participant of the interaction."""
    participants = (*interaction.participants, participant)
    return _changed(interaction, now=now, actor=actor, participants=participants)


def link_participant(
    interaction: Interaction,
    index: int,
    ref: EntityRef,
    *,
    now: datetime,
    actor: UserId | None = None,
) -> Outcome[Interaction]:
    """Link participant number ``index`` to a partner, contact person or user; the name and
    reach typed earlier stay as written."""
    count = len(interaction.participants)
    if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < count:
        message = f"must be the number of a participant, 0 to {count - 1}"
        raise DomainValidationError.single("index", message, value=index)
    participants = list(interaction.participants)
    try:
        participants[index] = attrs.evolve(participants[index], ref=ref)
    except DomainValidationError as error:
        raise error.under(f"participants[{index}]") from None
    return _changed(interaction, now=now, actor=actor, participants=tuple(participants))
