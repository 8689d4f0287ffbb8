"""Editing a claim after registration: reasons found by the investigation, the department
or employee it turned out to be about, a changed priority or type, more documents.

>>> from datetime import datetime, timedelta, timezone
>>> from crmcore.claims.model import Claimant
>>> from crmcore.claims.services import register_claim
>>> from crmcore.claims.settings import (
...     ClaimReason, DeadlinePolicy, DeadlineRules, ReasonClassifier)
>>> from crmcore.ids import ClaimId
>>> from crmcore.partners import PartnerRole
>>> urgent = DeadlinePolicy(response=timedelta(hours=1), resolution=timedelta(hours=8))
>>> settings = ClaimSettings(
...     reasons=ReasonClassifier(reasons=(ClaimReason(code="packaging", name="Packaging"),)),
...     deadlines=DeadlineRules(by_priority={ClaimPriority.CRITICAL: urgent}))
>>> now = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
>>> claim = register_claim(ClaimDraft(claimant=Claimant(role=PartnerRole.CLIENT, name="Anna"),
...     essence="Broken crates"), claim_id=ClaimId("c-1"), now=now, settings=settings).entity
>>> edited = edit_claim(claim, ClaimEdit(reasons=["packaging"], priority="critical"),
...     now=now, settings=settings)
>>> edited.entity.reasons, edited.entity.response_due.isoformat(), edited.events[0].name
(('packaging',), '2026-03-02T10:00:00+00:00', 'claim.changed')
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import attrs

from crmcore.claims.events import ClaimChanged
from crmcore.claims.kinds import ClaimPriority
from crmcore.claims.model import Attachment, Claim, LinkedDocument
from crmcore.claims.services import ClaimDraft, draft_violations
from crmcore.claims.settings import ClaimSettings
from crmcore.errors import BusinessRuleError, DomainValidationError, Violation
from crmcore.events import Outcome, changes_between
from crmcore.ids import UserId
from crmcore.validation import check_now, enum_member, raise_violations, read_collection
from crmcore.workcalendar import check_not_before

__all__ = ["ClaimEdit", "edit_claim"]


@attrs.frozen(kw_only=True)
class ClaimEdit:
    """The fields of a claim to change; a field left ``None`` keeps its value."""

    reasons: Sequence[str] | None = None
    claim_type: str | None = None
    priority: ClaimPriority | str | None = None
    department: str | None = None
    employee: UserId | None = None
    responsible_manager: UserId | None = None
    linked_documents: Sequence[LinkedDocument] | None = None
    attachments: Sequence[Attachment] | None = None
    requested_outcome: str | None = None


def edit_claim(
    claim: Claim,
    edit: ClaimEdit,
    *,
    now: datetime,
    settings: ClaimSettings,
    actor: UserId | None = None,
) -> Outcome[Claim]:
    """``claim`` with the fields of ``edit`` changed, checked against ``settings``.

    A new priority or type recomputes the due dates from the registration on the calendar,
    with the working time of finished pauses added. An edit that changes nothing returns the
    claim as it was, with no new version and no event. A claim that is decided, closed or
    cancelled must be reopened first (:class:`BusinessRuleError`).
    """
    check_now(now)
    check_not_before(now, claim.last_changed_at, entity=f"claim {claim.id!r}")
    if not claim.is_open:
        raise BusinessRuleError(f"claim {claim.id!r} is {claim.status.value}: reopen it to edit it")
    found: list[Violation] = []
    changes = _changes(edit, found)
    probe = ClaimDraft(
        claimant=claim.claimant, essence=claim.essence, reasons=changes.get("reasons", ()),
        claim_type=changes.get("claim_type"),
    )  # fmt: skip
    found.extend(draft_violations(probe, settings))
    raise_violations(found)
    try:
        edited = _with_due_dates(claim, attrs.evolve(claim, **changes), settings)
    except DomainValidationError as error:
        raise DomainValidationError(error.violations) from None
    differences = changes_between(claim, edited)
    if not differences:
        return Outcome(entity=claim)
    edited = attrs.evolve(edited, version=claim.version + 1)
    event = ClaimChanged(entity_id=claim.id, occurred_at=now, changes=differences, actor=actor)
    return Outcome(entity=edited, events=(event,))


def _changes(edit: ClaimEdit, found: list[Violation]) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    for field in attrs.fields(ClaimEdit):
        value = getattr(edit, field.name)
        if value is None:
            continue
        if field.name == "priority":
            value = enum_member(ClaimPriority, "priority", value, found)
        elif field.name in {"reasons", "linked_documents", "attachments"}:
            codes = field.name == "reasons"
            value = read_collection(field.name, value, found, hashable=codes)
            if value is None:
                continue
        changes[field.name] = value
    return changes


def _with_due_dates(before: Claim, after: Claim, settings: ClaimSettings) -> Claim:
    if (before.priority, before.claim_type) == (after.priority, after.claim_type):
        return after
    calendar = settings.calendar
    policy = settings.deadlines.policy_for(claim_type=after.claim_type, priority=after.priority)
    paused = sum(
        (calendar.working_time_between(p.started_at, p.ended_at) for p in after.pauses
         if p.ended_at is not None),
        timedelta(0),
    )  # fmt: skip
    return attrs.evolve(
        after,
        response_due=policy.response_due(calendar, after.registered_at),
        resolution_due=policy.resolution_due(calendar, after.registered_at, paused=paused),
    )
