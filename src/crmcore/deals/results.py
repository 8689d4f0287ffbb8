"""Results of deals: won, lost, suspended, resumed and reopened, each logged.

>>> from datetime import datetime, timezone
>>> from crmcore.deals.builtin import TYPICAL_SALE
>>> from crmcore.deals.services import DealDraft, open_deal
>>> now = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
>>> deal = open_deal(DealDraft(title="Pipes", partner_id="p-1", responsible_manager="u-1"),
...                  pipeline=TYPICAL_SALE, now=now).entity
>>> lost = lose_deal(deal, pipeline=TYPICAL_SALE, reason="price", now=now, comment="Too dear")
>>> lost.entity.status.value, lost.stage_change.reason
('lost', 'price')
>>> reopen_deal(lost.entity, pipeline=TYPICAL_SALE, now=now, reason="New budget").entity.status
<DealStatus.OPEN: 'open'>
"""

from __future__ import annotations

from datetime import datetime

from crmcore.deals._commands import DealOutcome, check_command, status_changed
from crmcore.deals.events import DealLost, DealReopened, DealResumed, DealSuspended, DealWon
from crmcore.deals.kinds import DealStatus
from crmcore.deals.lifecycle import STATUS
from crmcore.deals.model import DEAL, Deal
from crmcore.deals.pipeline import Pipeline
from crmcore.errors import StageGateError, Violation
from crmcore.ids import PartnerId, UserId
from crmcore.validation import bounded_text, field_violations, raise_violations

__all__ = ["lose_deal", "reopen_deal", "resume_deal", "suspend_deal", "win_deal"]


def win_deal(
    deal: Deal,
    *,
    pipeline: Pipeline,
    now: datetime,
    actor: UserId | None = None,
    reason: str | None = None,
) -> DealOutcome:
    """``deal`` won. A staged deal is won at a final stage, unless its manual pipeline allows
    winning at any stage; otherwise :class:`~crmcore.errors.StageGateError` names
    ``final_stage``."""
    check_command(deal, pipeline, now, actor)
    STATUS.target(deal.status.value, "win", entity=(DEAL, deal.id))
    at_any = deal.stage is None or pipeline.win_at_any_stage
    if not at_any and not pipeline.stage(str(deal.stage)).final:
        finals = ", ".join(pipeline.final_stages)
        message = f"a {pipeline.kind.value} deal is won at a final stage ({finals})"
        unmet = [Violation(field="final_stage", message=message, value=deal.stage)]
        raise StageGateError(deal.id, stage=DealStatus.WON.value, unmet=unmet)
    status = DealStatus.WON
    return status_changed(
        deal, event=DealWon, now=now, actor=actor, reason=reason, status=status, closed_at=now
    )


def lose_deal(
    deal: Deal,
    *,
    pipeline: Pipeline,
    reason: str,
    now: datetime,
    competitor_id: PartnerId | None = None,
    comment: str | None = None,
    actor: UserId | None = None,
) -> DealOutcome:
    """``deal`` lost for ``reason``, one of the pipeline's ``lost_reasons``, with the winning
    competitor and a comment if known, or as the pipeline requires for that reason (the
    competitor of a deal lost for "competitor", by default). Every problem of the input is
    reported at once."""
    check_command(deal, pipeline, now, actor)
    STATUS.target(deal.status.value, "lose", entity=(DEAL, deal.id))
    problems = [
        *field_violations(Deal, "competitor_id", competitor_id),
        *field_violations(Deal, "lost_comment", comment),
    ]
    if reason not in pipeline.lost_reasons:
        message = "must be one of the pipeline's lost reasons: " + ", ".join(pipeline.lost_reasons)
        problems.insert(0, Violation(field="reason", message=message, value=reason))
    given = {"competitor_id": competitor_id, "comment": comment}
    problems.extend(
        Violation(field=name, message=f"is required when a deal is lost for {reason!r}")
        for name in pipeline.lost_requires(reason)
        if given[name] is None or not str(given[name]).strip()
    )
    raise_violations(problems)
    return status_changed(
        deal,
        event=DealLost,
        now=now,
        actor=actor,
        reason=reason,
        status=DealStatus.LOST,
        closed_at=now,
        lost_reason=reason,
        competitor_id=competitor_id,
        lost_comment=comment,
    )


def _required_reason(reason: object, why: str) -> str:
    raise_violations(
        Violation(field="reason", message=f"{v.message}: say why the deal is {why}", value=reason)
        for v in bounded_text(2000, multiline=True)("reason", reason)
    )
    return str(reason)


def reopen_deal(
    deal: Deal, *, pipeline: Pipeline, now: datetime, reason: str, actor: UserId | None = None
) -> DealOutcome:
    """A won or lost ``deal`` opened again at the stage where it closed; ``reason`` is
    required and logged, and the lost reason, competitor and comment are cleared."""
    check_command(deal, pipeline, now, actor)
    STATUS.target(deal.status.value, "reopen", entity=(DEAL, deal.id))
    text = _required_reason(reason, "reopened")
    return status_changed(
        deal,
        event=DealReopened,
        now=now,
        actor=actor,
        reason=text,
        status=DealStatus.OPEN,
        closed_at=None,
        lost_reason=None,
        competitor_id=None,
        lost_comment=None,
    )


def suspend_deal(
    deal: Deal, *, pipeline: Pipeline, now: datetime, reason: str, actor: UserId | None = None
) -> DealOutcome:
    """An open ``deal`` put on hold for ``reason``; it keeps its stage."""
    check_command(deal, pipeline, now, actor)
    STATUS.target(deal.status.value, "suspend", entity=(DEAL, deal.id))
    text = _required_reason(reason, "suspended")
    return status_changed(
        deal, event=DealSuspended, now=now, actor=actor, reason=text, status=DealStatus.SUSPENDED
    )


def resume_deal(
    deal: Deal,
    *,
    pipeline: Pipeline,
    now: datetime,
    actor: UserId | None = None,
    reason: str | None = None,
) -> DealOutcome:
    """A suspended ``deal`` open again at its stage."""
    check_command(deal, pipeline, now, actor)
    STATUS.target(deal.status.value, "resume", entity=(DEAL, deal.id))
    return status_changed(
        deal, event=DealResumed, now=now, actor=actor, reason=reason, status=DealStatus.OPEN
    )
