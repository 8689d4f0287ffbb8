"""Services on a claim's investigation plan: plan activities and record their progress.

>>> from datetime import datetime, timezone
>>> from crmcore.claims.kinds import ClaimChannel
>>> from crmcore.claims.model import Claim, Claimant
>>> from crmcore.ids import ClaimId
>>> from crmcore.partners import PartnerRole
>>> at = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
>>> claim = Claim(id=ClaimId("c-1"), claimant=Claimant(role=PartnerRole.CLIENT, name="Anna"),
...     registered_at=at, channel=ClaimChannel.CALL, essence="Crate arrived broken",
...     response_due=at, resolution_due=at)
>>> planned = plan_activity(claim, Activity(id="a-1", name="Inspect the batch",
...     planned_start=at, planned_finish=at), now=at).entity
>>> done = update_activity(planned, "a-1", status=ActivityStatus.DONE, result="Stacked too high",
...     now=at).entity
>>> done.plan.progress, done.version
(Decimal('1'), 3)
"""

from __future__ import annotations

from datetime import datetime

import attrs

from crmcore.claims.events import ClaimPlanChanged
from crmcore.claims.investigation import Activity, InvestigationPlan
from crmcore.claims.kinds import ActivityStatus
from crmcore.claims.model import Claim
from crmcore.errors import BusinessRuleError, DomainValidationError
from crmcore.events import Outcome, changes_between
from crmcore.ids import UserId
from crmcore.validation import check_now
from crmcore.workcalendar import check_not_before

__all__ = ["plan_activity", "update_activity"]


def _changed(
    claim: Claim, plan: InvestigationPlan, now: datetime, actor: UserId | None
) -> Outcome[Claim]:
    check_now(now)
    check_not_before(now, claim.last_changed_at, entity=f"claim {claim.id!r}")
    if not claim.is_open:
        raise BusinessRuleError(
            f"claim {claim.id!r} is {claim.status.value}: reopen it to change its plan"
        )
    if plan == claim.plan:
        return Outcome(entity=claim)
    changed = attrs.evolve(claim, plan=plan, version=claim.version + 1)
    event = ClaimPlanChanged(
        entity_id=claim.id, occurred_at=now, changes=changes_between(claim, changed), actor=actor
    )
    return Outcome(entity=changed, events=(event,))


def plan_activity(
    claim: Claim, activity: Activity, *, now: datetime, actor: UserId | None = None
) -> Outcome[Claim]:
    """Add ``activity`` to the investigation plan of an open claim."""
    if not isinstance(activity, Activity):
        raise DomainValidationError.single("activity", "must be an Activity", value=activity)
    try:
        plan = InvestigationPlan(activities=(*claim.plan.activities, activity))
    except DomainValidationError as error:
        raise error.under("plan") from None
    return _changed(claim, plan, now, actor)


def update_activity(
    claim: Claim,
    activity_id: str,
    *,
    now: datetime,
    status: ActivityStatus | None = None,
    result: str | None = None,
    assignee: UserId | None = None,
    planned_finish: datetime | None = None,
    actor: UserId | None = None,
) -> Outcome[Claim]:
    """Record progress of one activity: its status, result, assignee or planned finish; an
    update that changes nothing returns the claim as it was, with no new version and no event."""
    current = claim.plan.find(activity_id)
    if current is None:
        raise DomainValidationError.single(
            "activity_id", "is not an activity of the plan", value=activity_id
        )
    updated = attrs.evolve(
        current,
        status=current.status if status is None else status,
        result=current.result if result is None else result,
        assignee=current.assignee if assignee is None else assignee,
        planned_finish=current.planned_finish if planned_finish is None else planned_finish,
    )
    activities = tuple(updated if a.id == activity_id else a for a in claim.plan.activities)
    return _changed(claim, InvestigationPlan(activities=activities), now, actor)
