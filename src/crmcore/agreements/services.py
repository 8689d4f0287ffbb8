"""Services of the agreements area: drafting, editing and the approval lifecycle.

Pure functions returning an :class:`~crmcore.events.Outcome`; a refused call raises and
changes nothing. Every change of status is written to the agreement's ``history`` and
announced by an :class:`~crmcore.agreements.events.AgreementStatusChanged` event.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import date, datetime
from typing import Any, Final, cast

import attrs

from crmcore.agreements.conditions import (
    Audience,
    ConditionOverrides,
    EffectiveConditions,
    OverrideLimits,
    SalesConditions,
    merge_conditions,
)
from crmcore.agreements.events import (
    AgreementApproved,
    AgreementChanged,
    AgreementClosed,
    AgreementCreated,
    AgreementExpired,
    AgreementRejected,
    AgreementStatusChanged,
    AgreementSubmitted,
)
from crmcore.agreements.kinds import AgreementKind, AgreementStatus, ConditionSource
from crmcore.agreements.lifecycle import APPROVAL
from crmcore.agreements.model import AGREEMENT, Agreement, StatusChange
from crmcore.errors import (
    AgreementTermsError,
    DomainValidationError,
    InvalidTransitionError,
    OverlappingValidityError,
    Violation,
)
from crmcore.events import Outcome, changes_between
from crmcore.ids import AgreementId, UserId, new_id
from crmcore.partners.model import Partner
from crmcore.validation import check_now, raise_violations, read_changes
from crmcore.workcalendar import check_not_before

__all__ = [
    "approve",
    "close",
    "create_individual_agreement",
    "create_typical_agreement",
    "edit_agreement",
    "effective_conditions",
    "expire",
    "reject",
    "submit_for_approval",
]

_EDITABLE: Final = (
    "name",
    "valid_from",
    "valid_to",
    "conditions",
    "audience",
    "limits",
    "overrides",
    "manager",
)


def create_typical_agreement(
    *,
    name: str,
    conditions: SalesConditions,
    valid_from: date,
    now: datetime,
    valid_to: date | None = None,
    audience: Audience | None = None,
    limits: OverrideLimits | None = None,
    agreement_id: AgreementId | None = None,
    manager: UserId | None = None,
    actor: UserId | None = None,
) -> Outcome[Agreement]:
    """A draft typical agreement for the partners of ``audience`` (everyone by default);
    ``limits`` say what its individual agreements may change (the defaults of
    :class:`OverrideLimits` when not given)."""
    check_now(now)
    agreement = Agreement(
        id=agreement_id or AgreementId(new_id()),
        kind=AgreementKind.TYPICAL,
        name=name,
        valid_from=valid_from,
        valid_to=valid_to,
        conditions=conditions,
        audience=audience or Audience(),
        limits=limits or OverrideLimits(),
        manager=manager,
        created_at=now,
    )
    return _created(agreement, now=now, actor=actor)


def create_individual_agreement(
    *,
    name: str,
    partner: Partner,
    base: Agreement,
    now: datetime,
    overrides: ConditionOverrides | None = None,
    valid_from: date | None = None,
    valid_to: date | None = None,
    agreement_id: AgreementId | None = None,
    manager: UserId | None = None,
    actor: UserId | None = None,
) -> Outcome[Agreement]:
    """A draft individual agreement for ``partner`` based on the typical ``base``: it inherits
    the base's conditions and validity except what ``overrides`` and the dates set.

    Raises :class:`AgreementTermsError` listing every problem: a base that is not typical, a
    partner outside its audience, overrides beyond its limits, dates outside its validity.
    """
    check_now(now)
    agreement = Agreement(
        id=agreement_id or AgreementId(new_id()),
        kind=AgreementKind.INDIVIDUAL,
        name=name,
        valid_from=valid_from or base.valid_from,
        valid_to=valid_to if valid_to is not None else base.valid_to,
        partner_id=partner.id,
        base_id=base.id,
        overrides=overrides or ConditionOverrides(),
        manager=manager,
        created_at=now,
    )
    _, problems = _terms(agreement, base, require_approved=False)
    if not base.covers(partner):
        message = "is not in the audience of the typical agreement"
        problems.append(Violation(field="partner_id", message=message, value=partner.id))
    if problems:
        raise AgreementTermsError(agreement.id, problems=problems)
    return _created(agreement, now=now, actor=actor)


def _created(agreement: Agreement, *, now: datetime, actor: UserId | None) -> Outcome[Agreement]:
    changes = changes_between(None, agreement)
    event = AgreementCreated(entity_id=agreement.id, occurred_at=now, changes=changes, actor=actor)
    return Outcome(entity=agreement, events=(event,))


def effective_conditions(agreement: Agreement, *, base: Agreement | None) -> EffectiveConditions:
    """The conditions of ``agreement`` with the source of each: a typical agreement's own, or
    an individual one's overrides over its typical ``base``.

    Raises :class:`AgreementTermsError` listing every reason the terms do not resolve.
    """
    if agreement.kind is AgreementKind.TYPICAL:
        assert agreement.conditions is not None  # a typical agreement always has them
        names = attrs.fields(SalesConditions)
        sources = {field.name: ConditionSource.TYPICAL for field in names}
        return EffectiveConditions(conditions=agreement.conditions, sources=sources)
    return _resolve(agreement, base, require_approved=False)


def _resolve(
    agreement: Agreement, base: Agreement | None, *, require_approved: bool
) -> EffectiveConditions:
    merged, problems = _terms(agreement, base, require_approved=require_approved)
    if problems:
        raise AgreementTermsError(agreement.id, problems=problems)
    assert merged is not None  # no problems means the overrides merged over the base
    return merged


def _terms(
    agreement: Agreement, base: Agreement | None, *, require_approved: bool
) -> tuple[EffectiveConditions | None, list[Violation]]:
    """The effective conditions of an individual agreement over ``base``, merged once, and
    everything that keeps its terms from resolving."""
    if base is None:
        return None, [Violation(field="base_id", message="the typical agreement is not given")]
    if base.id != agreement.base_id:
        message = f"names {agreement.base_id!r}, but {base.id!r} was given as the base"
        return None, [Violation(field="base_id", message=message, value=base.id)]
    if base.kind is not AgreementKind.TYPICAL or base.conditions is None:
        message = "must name a typical agreement"
        return None, [Violation(field="base_id", message=message, value=base.id)]
    problems: list[Violation] = []
    if require_approved and base.status is not AgreementStatus.APPROVED:
        message = f"the typical agreement is {base.status.value}, not approved"
        problems.append(Violation(field="base_id", message=message, value=base.id))
    problems.extend(_outside_validity(agreement, base))
    assert agreement.overrides is not None  # an individual agreement always has them
    merged, unmet = merge_conditions(
        base.conditions, agreement.overrides, base.limits or OverrideLimits()
    )
    return merged, [*problems, *unmet]


def _outside_validity(agreement: Agreement, base: Agreement) -> Iterator[Violation]:
    if not base.is_valid_on(agreement.valid_from):
        message = f"must lie within the typical agreement's validity {base.validity_text()}"
        yield Violation(field="valid_from", message=message, value=agreement.valid_from)
    if base.valid_to is not None and (
        agreement.valid_to is None or agreement.valid_to > base.valid_to
    ):
        message = f"must lie within the typical agreement's validity {base.validity_text()}"
        yield Violation(field="valid_to", message=message, value=agreement.valid_to)


def edit_agreement(
    agreement: Agreement,
    *,
    changes: Mapping[str, object],
    now: datetime,
    actor: UserId | None = None,
) -> Outcome[Agreement]:
    """``agreement`` with ``changes`` applied (field name to new value), only while it is a
    draft: an agreement on approval or in force is changed by rejecting or replacing it.
    Changing nothing returns the agreement as it was, with no event."""
    check_now(now)
    check_not_before(now, agreement.last_changed_at, entity=f"agreement {agreement.id!r}")
    if agreement.status is not AgreementStatus.DRAFT:
        raise InvalidTransitionError(
            AGREEMENT,
            agreement.id,
            state=agreement.status.value,
            event="edit",
            allowed=APPROVAL.allowed_events(agreement.status.value),
        )
    fields, found = read_changes(changes, editable=_EDITABLE)
    try:
        changed = attrs.evolve(agreement, **cast("dict[str, Any]", fields))
    except DomainValidationError as error:
        raise DomainValidationError([*found, *error.violations]) from None
    raise_violations(found)
    differences = changes_between(agreement, changed)
    if not differences:
        return Outcome(entity=agreement)
    changed = attrs.evolve(changed, version=agreement.version + 1)
    event = AgreementChanged(
        entity_id=agreement.id, occurred_at=now, changes=differences, actor=actor
    )
    return Outcome(entity=changed, events=(event,))


def _moved(
    agreement: Agreement,
    lifecycle_event: str,
    event_class: type[AgreementStatusChanged],
    *,
    now: datetime,
    actor: UserId | None,
    reason: str | None = None,
    **fields: Any,
) -> Outcome[Agreement]:
    """``agreement`` moved by ``lifecycle_event``, logged in its history, with its event."""
    status = agreement.status
    target = AgreementStatus(
        APPROVAL.target(status.value, lifecycle_event, entity=(AGREEMENT, agreement.id))
    )
    check_not_before(now, agreement.last_changed_at, entity=f"agreement {agreement.id!r}")
    entry = StatusChange(
        event=lifecycle_event, status_from=status, status_to=target, at=now, actor=actor,
        reason=reason,
    )  # fmt: skip
    moved = attrs.evolve(
        agreement,
        status=target,
        history=(*agreement.history, entry),
        version=agreement.version + 1,
        **fields,
    )
    changes = changes_between(agreement, moved, ignore=frozenset({"version", "history"}))
    event = event_class(
        entity_id=agreement.id, occurred_at=now, changes=changes, actor=actor,
        reason=entry.reason,
    )  # fmt: skip
    return Outcome(entity=moved, events=(event,))


def _require(agreement: Agreement, lifecycle_event: str) -> None:
    """Raise :class:`InvalidTransitionError` now if the status does not allow the event, so
    that it is reported before any other problem."""
    APPROVAL.target(agreement.status.value, lifecycle_event, entity=(AGREEMENT, agreement.id))


def submit_for_approval(
    agreement: Agreement,
    *,
    now: datetime,
    base: Agreement | None = None,
    actor: UserId | None = None,
) -> Outcome[Agreement]:
    """Send a draft for approval. An individual agreement needs its approved typical ``base``
    so that what the approver sees resolves (:class:`AgreementTermsError` otherwise)."""
    check_now(now)
    _require(agreement, "submit")
    if agreement.kind is AgreementKind.INDIVIDUAL:
        _resolve(agreement, base, require_approved=True)
    return _moved(agreement, "submit", AgreementSubmitted, now=now, actor=actor)


def approve(
    agreement: Agreement,
    *,
    now: datetime,
    base: Agreement | None = None,
    others: Iterable[Agreement] = (),
    actor: UserId | None = None,
) -> Outcome[Agreement]:
    """Approve an agreement on approval; it is then in force within its validity period.

    An individual agreement needs its approved typical ``base``: its effective conditions are
    resolved and fixed in ``conditions`` (:class:`AgreementTermsError` if they do not resolve).
    ``others`` are the partner's other agreements: one approved on the same base with an
    overlapping validity raises :class:`OverlappingValidityError`.
    """
    check_now(now)
    _require(agreement, "approve")
    if agreement.kind is AgreementKind.TYPICAL:
        return _moved(agreement, "approve", AgreementApproved, now=now, actor=actor)
    effective = _resolve(agreement, base, require_approved=True)
    for other in others:
        if _competes(agreement, other):
            raise OverlappingValidityError(
                agreement.id, other_id=other.id, partner_id=str(agreement.partner_id)
            )
    return _moved(
        agreement,
        "approve",
        AgreementApproved,
        now=now,
        actor=actor,
        conditions=effective.conditions,
    )


def _competes(agreement: Agreement, other: Agreement) -> bool:
    return (
        other.id != agreement.id
        and other.status is AgreementStatus.APPROVED
        and other.kind is AgreementKind.INDIVIDUAL
        and other.partner_id == agreement.partner_id
        and other.base_id == agreement.base_id
        and agreement.overlaps(other)
    )


def reject(
    agreement: Agreement, *, reason: str, now: datetime, actor: UserId | None = None
) -> Outcome[Agreement]:
    """Return an agreement on approval to draft; ``reason`` (not blank) says what to fix."""
    check_now(now)
    _require(agreement, "reject")
    if not isinstance(reason, str) or not reason.strip():
        raise DomainValidationError.single("reason", "must say why", value=reason)
    return _moved(agreement, "reject", AgreementRejected, now=now, actor=actor, reason=reason)


def expire(
    agreement: Agreement, *, now: datetime, actor: UserId | None = None
) -> Outcome[Agreement]:
    """Mark an approved agreement expired once its validity ended before the date of ``now``;
    before that it is returned unchanged, with no event (hosts may call this daily)."""
    check_now(now)
    _require(agreement, "expire")
    if agreement.valid_to is None or agreement.valid_to >= now.date():
        return Outcome(entity=agreement)
    return _moved(agreement, "expire", AgreementExpired, now=now, actor=actor)


def close(
    agreement: Agreement,
    *,
    now: datetime,
    reason: str | None = None,
    actor: UserId | None = None,
) -> Outcome[Agreement]:
    """Close an agreement for good, from any status but closed."""
    check_now(now)
    _require(agreement, "close")
    return _moved(agreement, "close", AgreementClosed, now=now, actor=actor, reason=reason)
