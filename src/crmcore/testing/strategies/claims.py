"""Strategies for the claims area: claims, their investigation, settings and form limits."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, Final

from hypothesis import strategies as st

from crmcore.claims.events import (
    ClaimChanged,
    ClaimDecided,
    ClaimPlanChanged,
    ClaimRegistered,
    ClaimStatusChanged,
)
from crmcore.claims.investigation import Activity, InvestigationPlan
from crmcore.claims.kinds import (
    ActivityStatus,
    ClaimChannel,
    ClaimPriority,
    ClaimResult,
    ClaimStatus,
)
from crmcore.claims.kinds import DocumentKind as ClaimDocumentKind
from crmcore.claims.model import Attachment, Claim, Claimant, LinkedDocument, Pause, WorkflowStep
from crmcore.claims.selfservice import ClaimFormLimits
from crmcore.claims.settings import (
    ClaimReason,
    ClaimSettings,
    DeadlinePolicy,
    DeadlineRules,
    ReasonClassifier,
)
from crmcore.events import DomainEvent
from crmcore.ids import ClaimId, PartnerId, UserId
from crmcore.partners.kinds import PartnerRole
from crmcore.testing.strategies._common import (
    _IDS,
    _PERSON_NAMES,
    _WORD,
    Choices,
    _after,
    _free_text,
    _optional,
    _strategy,
    aware_datetimes,
)
from crmcore.testing.strategies.calendars import working_calendars
from crmcore.testing.strategies.contacts import emails, phones
from crmcore.testing.strategies.kernel import domain_events

__all__ = [
    "CLAIM_EVENTS",
    "activities",
    "attachments",
    "claim_form_limits",
    "claim_settings",
    "claimants",
    "claims",
    "deadline_policies",
    "investigation_plans",
    "linked_documents",
    "pauses",
    "workflow_steps",
]

CLAIM_EVENTS: Final[tuple[type[DomainEvent], ...]] = (
    ClaimRegistered,
    ClaimChanged,
    ClaimStatusChanged,
    ClaimDecided,
    ClaimPlanChanged,
)
"""The event classes of the claims area."""

_DEPARTMENT_NAMES: Final = ("Склад", "Отдел продаж", "Доставка", "Quality")
_REASON_CODES: Final = ("packaging", "delivery", "quality", "price", "service")
_MEDIA: Final = ("image/jpeg", "image/png", "application/pdf", "video/mp4")
_HOURS: Final = st.integers(min_value=0, max_value=24 * 60).map(lambda h: timedelta(hours=h))


@st.composite
def claimants(draw: st.DrawFn, *, roles: Choices[PartnerRole] = tuple(PartnerRole)) -> Claimant:
    """Claimants: a known partner, a person known by name, or both, with contact data."""
    partner_id = draw(_optional(_IDS.map(PartnerId)))
    name = draw(_PERSON_NAMES if partner_id is None else st.none() | _PERSON_NAMES)
    return Claimant(
        role=draw(_strategy(roles)), partner_id=partner_id, name=name,
        email=draw(st.none() | emails()), phone=draw(st.none() | phones()),
    )  # fmt: skip


def _all_claimants() -> st.SearchStrategy[Claimant]:
    """:func:`claims` takes a parameter named like :func:`claimants`; this reaches the function."""
    return claimants()


def linked_documents() -> st.SearchStrategy[LinkedDocument]:
    """Documents by id, by number, or both."""
    numbers = st.from_regex(r"[A-Z0-9][A-Z0-9/-]{0,15}", fullmatch=True)
    return st.one_of(
        st.builds(LinkedDocument, kind=st.sampled_from(ClaimDocumentKind), document_id=_IDS,
                  number=st.none() | numbers),
        st.builds(LinkedDocument, kind=st.sampled_from(ClaimDocumentKind), number=numbers),
    )  # fmt: skip


def attachments() -> st.SearchStrategy[Attachment]:
    """Attachments as references: a file name, a media type and a size in bytes."""
    return st.builds(
        Attachment,
        name=st.builds("{}.{}".format, _WORD, st.sampled_from(("jpg", "pdf", "png", "mp4"))),
        media_type=st.sampled_from(_MEDIA),
        size=st.integers(min_value=0, max_value=2**31),
    )


def pauses(*, start: datetime = datetime(2026, 1, 1, tzinfo=UTC)) -> st.SearchStrategy[Pause]:
    """Finished pauses from ``start`` on."""
    return st.builds(
        lambda begin, length: Pause(
            started_at=_after(start, begin), ended_at=_after(start, begin + length)
        ),
        _HOURS, _HOURS,
    )  # fmt: skip


def activities(
    *, start: datetime = datetime(2026, 1, 1, tzinfo=UTC)
) -> st.SearchStrategy[Activity]:
    """Investigation activities planned from ``start`` on, in any status."""
    return st.builds(
        lambda activity_id, name, begin, length, status, mandatory, assignee: Activity(
            id=activity_id, name=name, planned_start=_after(start, begin),
            planned_finish=_after(start, begin + length), status=status, mandatory=mandatory,
            assignee=assignee, result="Причина найдена" if status is ActivityStatus.DONE else None,
        ),
        _IDS, _WORD, _HOURS, _HOURS, st.sampled_from(ActivityStatus), st.booleans(),
        st.none() | _IDS,
    )  # fmt: skip


def investigation_plans(*, max_activities: int = 4) -> st.SearchStrategy[InvestigationPlan]:
    """Plans of up to ``max_activities`` activities with distinct ids."""
    return st.lists(activities(), max_size=max_activities, unique_by=lambda a: a.id).map(
        lambda found: InvestigationPlan(activities=tuple(found))
    )


def workflow_steps() -> st.SearchStrategy[WorkflowStep]:
    """Workflow steps between any two statuses (the log keeps what happened)."""
    return st.builds(
        WorkflowStep, event=st.sampled_from(("investigate", "decide", "close", "reopen")),
        source=st.sampled_from(ClaimStatus), target=st.sampled_from(ClaimStatus),
        at=aware_datetimes(), actor=st.none() | _IDS,
        comment=st.none() | _free_text(max_size=40, multiline=True),
    )  # fmt: skip


@st.composite
def claims(
    draw: st.DrawFn,
    *,
    statuses: Choices[ClaimStatus] = tuple(ClaimStatus),
    departments: Choices[str | None] = (None, *_DEPARTMENT_NAMES),
    reasons: Sequence[str] = _REASON_CODES,
    claimants: Choices[Claimant] | None = None,
    plans: Choices[InvestigationPlan] | None = None,
) -> Claim:
    """Claims in any status of ``statuses``, consistent with it (a decided claim has a
    result, a waiting one an open pause), about ``departments`` with ``reasons``, raised by
    ``claimants`` with investigation ``plans`` (drawn freely by default; fixed ones are
    quicker for tests that only count)."""
    status = draw(_strategy(statuses))
    registered = draw(
        aware_datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2027, 1, 1))
    )
    response = _after(registered, draw(_HOURS))
    decided = status in {ClaimStatus.DECIDED, ClaimStatus.CLOSED}
    finished = tuple(draw(st.lists(pauses(start=registered), max_size=2)))
    waiting = (Pause(started_at=_after(registered, draw(_HOURS))),)
    return Claim(
        id=ClaimId(draw(_IDS)), registered_at=registered,
        claimant=draw(_strategy(claimants) if claimants is not None else _all_claimants()),
        channel=draw(st.sampled_from(ClaimChannel)),
        essence=draw(_free_text(max_size=200, multiline=True)),
        response_due=response, resolution_due=_after(response, draw(_HOURS)),
        claim_type=draw(st.none() | st.sampled_from(("quality", "delivery"))),
        priority=draw(st.sampled_from(ClaimPriority)), department=draw(_strategy(departments)),
        employee=draw(_optional(_IDS.map(UserId))),
        responsible_manager=draw(_optional(_IDS.map(UserId))),
        reasons=tuple(draw(st.lists(st.sampled_from(reasons), unique=True, max_size=3))),
        linked_documents=tuple(draw(st.lists(linked_documents(), max_size=2))),
        attachments=tuple(draw(st.lists(attachments(), max_size=2))),
        requested_outcome=draw(st.none() | _free_text(max_size=80)),
        status=status, result=draw(st.sampled_from(ClaimResult)) if decided else None,
        responded_at=draw(st.none() | st.just(registered)),
        decided_at=_after(registered, draw(_HOURS)) if decided else None,
        pauses=finished + waiting if status is ClaimStatus.WAITING_FOR_CLAIMANT else finished,
        plan=draw(_strategy(plans) if plans is not None else investigation_plans()),
        history=tuple(draw(st.lists(workflow_steps(), max_size=3))),
        version=draw(st.integers(min_value=1, max_value=50)),
    )  # fmt: skip


def deadline_policies() -> st.SearchStrategy[DeadlinePolicy]:
    """Response and resolution allowances, the resolution never the shorter."""
    positive = st.integers(min_value=1, max_value=24 * 30).map(lambda h: timedelta(hours=h))
    return st.builds(
        lambda a, b: DeadlinePolicy(response=min(a, b), resolution=max(a, b)), positive, positive
    )


def claim_settings() -> st.SearchStrategy[ClaimSettings]:
    """Claim settings: reasons, deadline rules by priority and type, and a working calendar."""
    classifier = st.lists(st.sampled_from(_REASON_CODES), unique=True).map(
        lambda codes: ReasonClassifier(
            reasons=tuple(ClaimReason(code=c, name=c.capitalize()) for c in codes)
        )
    )
    policies = deadline_policies()
    rules = st.builds(
        DeadlineRules, default=deadline_policies(),
        by_priority=st.dictionaries(st.sampled_from(ClaimPriority), policies, max_size=2),
        by_type=st.dictionaries(st.sampled_from(("quality", "delivery")), policies, max_size=2),
    )  # fmt: skip
    return st.builds(
        ClaimSettings, reasons=classifier, deadlines=rules, calendar=working_calendars(),
        claim_types=st.frozensets(st.sampled_from(("quality", "delivery"))),
    )  # fmt: skip


def claim_form_limits() -> st.SearchStrategy[ClaimFormLimits]:
    """Limits of the public claim form, within what a claim can hold."""
    return st.builds(
        ClaimFormLimits, name=st.integers(1, 200), essence=st.integers(1, 5000),
        requested_outcome=st.integers(1, 5000), reasons=st.integers(0, 100),
        documents=st.integers(0, 100), attachments=st.integers(0, 100),
        attachment_size=st.integers(0, 2**40), media_types=st.frozensets(st.sampled_from(_MEDIA)),
    )  # fmt: skip


def _claim_strategies() -> dict[type[Any], st.SearchStrategy[Any]]:
    """The claims area's models and their strategies, for :func:`_hypothesis_setup_hook`."""
    settings = claim_settings()
    registered: dict[type[Any], st.SearchStrategy[Any]] = {
        Claimant: claimants(),
        LinkedDocument: linked_documents(),
        Attachment: attachments(),
        Pause: pauses(),
        Activity: activities(),
        InvestigationPlan: investigation_plans(),
        WorkflowStep: workflow_steps(),
        Claim: claims(),
        DeadlinePolicy: deadline_policies(),
        DeadlineRules: settings.map(lambda found: found.deadlines),
        ClaimReason: st.sampled_from(_REASON_CODES).map(lambda c: ClaimReason(code=c, name=c)),
        ReasonClassifier: settings.map(lambda found: found.reasons),
        ClaimSettings: settings,
        ClaimFormLimits: claim_form_limits(),
    }
    registered.update({cls: domain_events(classes=(cls,)) for cls in CLAIM_EVENTS})
    return registered
