"""Services of the claims area: register a claim and move it through its workflow.

Each service is a pure function returning an :class:`~crmcore.events.Outcome`; a refused
command raises a typed error and changes nothing. Every move is logged on the claim as a
:class:`~crmcore.claims.model.WorkflowStep` (who, when, comment) and announced by an event.

>>> from datetime import datetime, timezone
>>> from crmcore.claims.model import Claimant
>>> from crmcore.partners import PartnerRole
>>> now = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
>>> registered = register_claim(
...     ClaimDraft(claimant=Claimant(role=PartnerRole.CLIENT, name="Anna"),
...                essence="Crate arrived broken"),
...     claim_id=ClaimId("c-1"), now=now, settings=ClaimSettings())
>>> registered.entity.response_due.isoformat(), registered.events[0].name
('2026-03-02T17:00:00+00:00', 'claim.registered')
>>> moved = investigate(registered.entity, now=now, actor=UserId("u-1"))
>>> moved.entity.status.value, moved.entity.history[-1].actor
('under_investigation', 'u-1')
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime, timedelta
from typing import Any

import attrs

from crmcore.claims.events import ClaimDecided, ClaimRegistered, ClaimStatusChanged
from crmcore.claims.kinds import ClaimChannel, ClaimPriority, ClaimResult, ClaimStatus
from crmcore.claims.lifecycle import CLAIM_WORKFLOW
from crmcore.claims.model import (
    CLAIM,
    Attachment,
    Claim,
    Claimant,
    LinkedDocument,
    Pause,
    WorkflowStep,
)
from crmcore.claims.settings import ClaimSettings
from crmcore.errors import ClaimNotDecidableError, DomainValidationError, Violation
from crmcore.events import Outcome, changes_between
from crmcore.ids import ClaimId, UserId
from crmcore.repository_checks import instant
from crmcore.validation import check_now, enum_member, raise_violations, read_collection
from crmcore.workcalendar import check_not_before

__all__ = [
    "ClaimDraft",
    "await_claimant",
    "cancel",
    "close",
    "decide",
    "investigate",
    "overdue_claims",
    "register_claim",
    "reopen",
    "resume",
]

_UNLOGGED = frozenset({"version", "history"})


@attrs.frozen(kw_only=True)
class ClaimDraft:
    """A new claim as entered, before any check: kinds may be given as their string values."""

    claimant: Claimant
    essence: str
    channel: ClaimChannel | str = ClaimChannel.MANUAL
    claim_type: str | None = None
    priority: ClaimPriority | str = ClaimPriority.NORMAL
    department: str | None = None
    employee: UserId | None = None
    responsible_manager: UserId | None = None
    reasons: Sequence[str] = ()
    linked_documents: Sequence[LinkedDocument] = ()
    attachments: Sequence[Attachment] = ()
    requested_outcome: str | None = None


def draft_violations(draft: ClaimDraft, settings: ClaimSettings) -> Iterator[Violation]:
    """What ``settings`` find wrong with ``draft``: unknown reasons and claim types."""
    reasons = read_collection("reasons", draft.reasons, []) or ()
    for index, code in enumerate(reasons):
        if isinstance(code, str) and settings.reasons.unknown([code]):
            message = "is not a reason of the classifier"
            yield Violation(field=f"reasons[{index}]", message=message, value=code)
    kinds = settings.claim_types
    claim_type = draft.claim_type
    if isinstance(claim_type, str) and kinds and claim_type not in kinds:
        allowed = ", ".join(sorted(kinds))
        message = f"must be one of {allowed}"
        yield Violation(field="claim_type", message=message, value=draft.claim_type)


def register_claim(
    draft: ClaimDraft,
    *,
    claim_id: ClaimId,
    now: datetime,
    settings: ClaimSettings,
    actor: UserId | None = None,
) -> Outcome[Claim]:
    """A new claim from ``draft``, registered at ``now`` with due dates on the calendar.

    Raises :class:`DomainValidationError` naming every problem of the draft.
    """
    check_now(now)
    found = list(draft_violations(draft, settings))
    channel = enum_member(ClaimChannel, "channel", draft.channel, found)
    priority = enum_member(ClaimPriority, "priority", draft.priority, found) or ClaimPriority.NORMAL
    # Lists are read as lists (a string is not a list of its characters) within the limits.
    lists = {
        name: read_collection(name, getattr(draft, name), found) or ()
        for name in ("reasons", "linked_documents", "attachments")
    }
    claim_type = draft.claim_type if isinstance(draft.claim_type, str) else None
    policy = settings.deadlines.policy_for(claim_type=claim_type, priority=priority)
    calendar = settings.calendar
    step = WorkflowStep(
        event="register", source=ClaimStatus.REGISTERED, target=ClaimStatus.REGISTERED,
        at=now, actor=actor,
    )  # fmt: skip
    try:
        claim = Claim(
            id=claim_id, claimant=draft.claimant, registered_at=now,
            channel=channel or ClaimChannel.MANUAL, essence=draft.essence,
            response_due=policy.response_due(calendar, now),
            resolution_due=policy.resolution_due(calendar, now),
            claim_type=draft.claim_type, priority=priority, department=draft.department,
            employee=draft.employee, responsible_manager=draft.responsible_manager,
            reasons=lists["reasons"], linked_documents=lists["linked_documents"],
            attachments=lists["attachments"], requested_outcome=draft.requested_outcome,
            history=(step,),
        )  # fmt: skip
    except DomainValidationError as error:
        found.extend(error.violations)
    raise_violations(found)
    event = ClaimRegistered(
        entity_id=claim.id, occurred_at=now, changes=changes_between(None, claim), actor=actor
    )
    return Outcome(entity=claim, events=(event,))


def _move(
    claim: Claim,
    event: str,
    *,
    now: datetime,
    actor: UserId | None,
    comment: str | None,
    **changes: Any,
) -> Outcome[Claim]:
    """``claim`` moved by ``event``, logged and announced; ``changes`` go with the move."""
    check_now(now)
    target = ClaimStatus(CLAIM_WORKFLOW.target(claim.status.value, event, entity=(CLAIM, claim.id)))
    check_not_before(now, claim.last_changed_at, entity=f"claim {claim.id!r}")
    step = WorkflowStep(
        event=event, source=claim.status, target=target, at=now, actor=actor, comment=comment
    )
    moved = attrs.evolve(
        claim, status=target, history=(*claim.history, step), version=claim.version + 1,
        **_breaches_recorded(claim, now), **changes,
    )  # fmt: skip
    announced = ClaimStatusChanged(
        entity_id=claim.id,
        occurred_at=now,
        changes=changes_between(claim, moved, ignore=_UNLOGGED),
        actor=actor,
        step=event,
    )
    return Outcome(entity=moved, events=(announced,))


def _required_comment(comment: str | None, what: str) -> None:
    if comment is None or not isinstance(comment, str) or not comment.strip():
        raise DomainValidationError.single("comment", f"must say why the claim is {what}")


def investigate(
    claim: Claim,
    *,
    now: datetime,
    actor: UserId | None = None,
    comment: str | None = None,
    responsible_manager: UserId | None = None,
) -> Outcome[Claim]:
    """Start the investigation, the claim's first response; may name the responsible manager."""
    return _move(
        claim, "investigate", now=now, actor=actor, comment=comment,
        responded_at=claim.responded_at or now,
        responsible_manager=responsible_manager or claim.responsible_manager,
    )  # fmt: skip


def await_claimant(
    claim: Claim, *, now: datetime, actor: UserId | None = None, comment: str | None = None
) -> Outcome[Claim]:
    """Pause the claim while waiting for the claimant: its resolution clock stops."""
    check_now(now)
    pauses = (*claim.pauses, Pause(started_at=now))
    return _move(claim, "await_claimant", now=now, actor=actor, comment=comment, pauses=pauses)


def _breaches_recorded(claim: Claim, now: datetime) -> dict[str, Any]:
    """The due dates ``claim`` has broken by ``now``, to keep on it through the move: a pause
    or a reopening must not make a breach that has happened disappear."""
    broken = claim.breaches(now)
    return {f"{name}_breached_at": at for name, at in broken.items()}


def resume(
    claim: Claim,
    *,
    now: datetime,
    settings: ClaimSettings,
    actor: UserId | None = None,
    comment: str | None = None,
) -> Outcome[Claim]:
    """Resume the investigation; the resolution due date moves by the paused working time."""
    check_now(now)
    if claim.status is not ClaimStatus.WAITING_FOR_CLAIMANT or not claim.pauses:
        return _move(claim, "resume", now=now, actor=actor, comment=comment)
    check_not_before(now, claim.last_changed_at, entity=f"claim {claim.id!r}")
    pause = claim.pauses[-1]
    paused = settings.calendar.working_time_between(pause.started_at, now)
    due = claim.resolution_due
    if paused > timedelta(0):
        due = settings.calendar.add_working_time(due, paused)
    return _move(
        claim, "resume", now=now, actor=actor, comment=comment, resolution_due=due,
        pauses=(*claim.pauses[:-1], attrs.evolve(pause, ended_at=now)),
    )  # fmt: skip


def decide(
    claim: Claim,
    *,
    result: ClaimResult | str,
    now: datetime,
    actor: UserId | None = None,
    comment: str | None = None,
) -> Outcome[Claim]:
    """Decide the claim: satisfied, partially satisfied or rejected.

    Raises :class:`ClaimNotDecidableError` listing every open mandatory activity.
    """
    found: list[Violation] = []
    decided = enum_member(ClaimResult, "result", result, found)
    if decided is None:
        raise DomainValidationError(found)
    CLAIM_WORKFLOW.target(claim.status.value, "decide", entity=(CLAIM, claim.id))
    blocking = claim.plan.open_mandatory()
    if blocking:
        open_activities = [
            Violation(field=a.id, message=f"is {a.status.value}", value=a.name) for a in blocking
        ]
        raise ClaimNotDecidableError(claim.id, open_activities=open_activities)
    outcome = _move(
        claim, "decide", now=now, actor=actor, comment=comment, result=decided, decided_at=now
    )
    verdict = ClaimDecided(entity_id=claim.id, occurred_at=now, actor=actor, result=decided)
    return Outcome(entity=outcome.entity, events=(*outcome.events, verdict))


def close(
    claim: Claim, *, now: datetime, actor: UserId | None = None, comment: str | None = None
) -> Outcome[Claim]:
    """Close a decided claim: the decision has been carried out."""
    return _move(claim, "close", now=now, actor=actor, comment=comment)


def reopen(
    claim: Claim, *, now: datetime, comment: str, actor: UserId | None = None
) -> Outcome[Claim]:
    """Reopen a decided or closed claim for further investigation; ``comment`` says why."""
    _required_comment(comment, "reopened")
    return _move(
        claim, "reopen", now=now, actor=actor, comment=comment, result=None, decided_at=None
    )


def cancel(
    claim: Claim, *, now: datetime, comment: str, actor: UserId | None = None
) -> Outcome[Claim]:
    """Cancel an open claim (registered by mistake, withdrawn); ``comment`` says why."""
    check_now(now)
    _required_comment(comment, "cancelled")
    pauses = claim.pauses
    if claim.status is ClaimStatus.WAITING_FOR_CLAIMANT and pauses:
        pauses = (
            *pauses[:-1],
            attrs.evolve(pauses[-1], ended_at=max(now, pauses[-1].started_at, key=instant)),
        )
    return _move(claim, "cancel", now=now, actor=actor, comment=comment, pauses=pauses)


def overdue_claims(claims: Iterable[Claim], now: datetime) -> Iterator[Claim]:
    """The claims of ``claims`` that have passed a due date at ``now``, streamed."""
    check_now(now)
    return (claim for claim in claims if claim.is_overdue(now))
