"""What the deal commands share: their outcome, the checks of their common inputs, and the
stage log entry and event changes they build from two valid deals."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final, cast

import attrs

from crmcore.deals._checked import evolved, maker, trusted
from crmcore.deals.model import Deal, StageChange
from crmcore.deals.pipeline import Pipeline
from crmcore.errors import DomainValidationError, Violation
from crmcore.events import Change, DomainEvent, Outcome, primitive
from crmcore.ids import UserId
from crmcore.validation import (
    FrozenMap,
    bounded_text,
    check_now,
    clean_optional_text,
    identifier,
    optional,
    raise_violations,
)
from crmcore.workcalendar import check_not_before

__all__ = [
    "DealOutcome",
    "changed_fields",
    "check_command",
    "log_entry",
    "status_changed",
]


@attrs.frozen(kw_only=True)
class DealOutcome(Outcome[Deal]):
    """A service's result: the deal, its events, the stage log entry if the stage or status
    changed, and the advisory gates a manual move did not meet."""

    stage_change: StageChange | None = None
    warnings: tuple[Violation, ...] = ()


_ACTOR: Final = optional(identifier)
_REASON: Final = optional(bounded_text(2000, multiline=True))
_CHANGE: Final = maker(Change)
_STAGE_CHANGE: Final = maker(StageChange)


def check_command(deal: Deal, pipeline: Pipeline, now: object, actor: object) -> None:
    """Check the inputs every stage and status command shares; ``now`` must not be before
    the deal's last change."""
    check_now(now)
    check_not_before(cast("datetime", now), deal.last_changed_at, entity=f"deal {deal.id!r}")
    if actor is not None:
        raise_violations(_ACTOR("actor", actor))
    if deal.pipeline_id != pipeline.id:
        message = f"is {pipeline.id!r}, but deal {deal.id!r} follows pipeline {deal.pipeline_id!r}"
        raise DomainValidationError.single("pipeline", message, value=pipeline.id)


def changed_fields(deal: Deal, changed: Deal, names: tuple[str, ...]) -> FrozenMap[str, Change]:
    """The :class:`Change` of each of ``names`` that differs, as ``changes_between`` makes,
    frozen as an event's converter would freeze it."""
    return FrozenMap(
        {
            name: _CHANGE(old=primitive(getattr(deal, name)), new=primitive(getattr(changed, name)))
            for name in names
            if getattr(deal, name) != getattr(changed, name)
        }
    )


def log_entry(
    deal: Deal | None, changed: Deal, now: datetime, actor: UserId | None, reason: str | None = None
) -> StageChange:
    """The stage log entry of a change of ``deal`` into ``changed``: made of two valid deals
    and the checked ``now`` and ``actor``; ``reason`` is checked and cleaned here, as the
    entry's own field would check and clean it, for every command."""
    if reason is not None:
        raise_violations(_REASON("reason", reason))
        reason = clean_optional_text(reason)
    return _STAGE_CHANGE(
        deal_id=changed.id,
        pipeline_id=changed.pipeline_id,
        from_stage=None if deal is None else deal.stage,
        to_stage=changed.stage,
        from_status=None if deal is None else deal.status,
        status=changed.status,
        at=now,
        by=actor,
        reason=reason,
        amount=changed.amount,
        version=changed.version,
    )


def status_changed(
    deal: Deal,
    *,
    event: type[DomainEvent],
    now: datetime,
    actor: UserId | None,
    reason: str | None,
    **fields: Any,
) -> DealOutcome:
    changed = evolved(deal, version=deal.version + 1, **fields)
    names = (*fields, "stage_entered_at")
    happened = trusted(
        event,
        entity_id=deal.id,
        occurred_at=now,
        changes=changed_fields(deal, changed, names),
        actor=actor,
    )
    change = log_entry(deal, changed, now, actor, reason)
    return DealOutcome(entity=changed, events=(happened,), stage_change=change)
