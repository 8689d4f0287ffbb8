"""Investigation activities as tasks: the task an activity of a claim's plan becomes, and the
activity status a task's status gives.

>>> from datetime import datetime, timezone
>>> from crmcore.claims.kinds import ClaimChannel
>>> from crmcore.claims.model import Claim, Claimant
>>> from crmcore.ids import ClaimId
>>> from crmcore.partners import PartnerRole
>>> at = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
>>> claim = Claim(id=ClaimId("c-1"), claimant=Claimant(role=PartnerRole.CLIENT, name="Anna"),
...     registered_at=at, channel=ClaimChannel.CALL, essence="Crate arrived broken",
...     response_due=at, resolution_due=at, responsible_manager=UserId("olga"))
>>> activity = Activity(id="a-1", name="Inspect the batch", planned_start=at, planned_finish=at)
>>> draft = activity_task(claim, activity, default_assignee=UserId("anna"))
>>> draft.assignee, draft.plan_step, [str(ref) for ref in draft.links]
('olga', 'a-1', ['claim:c-1'])
"""

from __future__ import annotations

from typing import Final

from crmcore.claims.investigation import Activity
from crmcore.claims.kinds import ActivityStatus, ClaimPriority
from crmcore.claims.model import CLAIM, Claim
from crmcore.ids import ClaimId, EntityRef, UserId
from crmcore.tasks import Task, TaskDraft, TaskPriority, TaskStatus

__all__ = ["ACTIVITY_STATUS_OF_TASK", "activity_of", "activity_task"]

ACTIVITY_STATUS_OF_TASK: Final = {
    TaskStatus.OPEN: ActivityStatus.PLANNED,
    TaskStatus.IN_PROGRESS: ActivityStatus.IN_PROGRESS,
    TaskStatus.DONE: ActivityStatus.DONE,
    TaskStatus.CANCELLED: ActivityStatus.CANCELLED,
}
"""The status an activity takes from the status of its task."""

_PRIORITY: Final = {
    ClaimPriority.LOW: TaskPriority.LOW,
    ClaimPriority.NORMAL: TaskPriority.NORMAL,
    ClaimPriority.HIGH: TaskPriority.HIGH,
    ClaimPriority.CRITICAL: TaskPriority.URGENT,
}


def activity_task(claim: Claim, activity: Activity, *, default_assignee: UserId) -> TaskDraft:
    """The task ``activity`` of ``claim`` becomes: its name, due at its planned finish, for
    its assignee (else the claim's responsible manager, else ``default_assignee``), as
    urgent as the claim, linked to the claim and naming the activity as its plan step."""
    return TaskDraft(
        title=activity.name,
        assignee=activity.assignee or claim.responsible_manager or default_assignee,
        due=activity.planned_finish,
        priority=_PRIORITY[claim.priority],
        links=(EntityRef(entity_type=CLAIM, entity_id=claim.id),),
        plan_step=activity.id,
    )


def activity_of(task: Task) -> tuple[ClaimId, str] | None:
    """The claim and activity id ``task`` was made from, if it was made from one: a task
    outside any project that names a plan step and links to exactly one claim."""
    claims = [ref for ref in task.links if ref.entity_type == CLAIM]
    if task.project_id is not None or task.plan_step is None or len(claims) != 1:
        return None
    return ClaimId(claims[0].entity_id), task.plan_step
