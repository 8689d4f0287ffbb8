"""Investigation plans: the activities that find a claim's causes, tracked like project tasks.

>>> from datetime import datetime, timezone
>>> day = lambda d: datetime(2026, 3, d, 9, 0, tzinfo=timezone.utc)
>>> plan = InvestigationPlan(activities=(
...     Activity(id="a-1", name="Inspect the batch", planned_start=day(2), planned_finish=day(3),
...              status=ActivityStatus.DONE, result="Crates stacked too high"),
...     Activity(id="a-2", name="Interview the carrier", planned_start=day(3),
...              planned_finish=day(4)),
... ))
>>> plan.progress, [a.id for a in plan.overdue(day(5))], [a.id for a in plan.open_mandatory()]
(Decimal('0.5'), ['a-2'], ['a-2'])
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal

import attrs

from crmcore.claims.kinds import ActivityStatus
from crmcore.errors import Violation
from crmcore.ids import UserId
from crmcore.repository_checks import instant
from crmcore.validation import (
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
    optional,
    unique,
)

__all__ = ["Activity", "InvestigationPlan"]


@attrs.frozen(kw_only=True)
class Activity(Model):
    """One task of an investigation: who does what by when, and what it found.

    A ``mandatory`` activity must be done or cancelled before the claim can be decided.
    """

    id: str = attrs.field(metadata=checks(identifier))
    name: str = attrs.field(converter=clean_text, metadata=checks(bounded_text(300)))
    planned_start: datetime = attrs.field(metadata=checks(aware_datetime))
    planned_finish: datetime = attrs.field(metadata=checks(aware_datetime))
    assignee: UserId | None = attrs.field(default=None, metadata=checks(optional(identifier)))
    status: ActivityStatus = attrs.field(
        default=ActivityStatus.PLANNED, metadata=checks(instance_of(ActivityStatus))
    )
    result: str | None = attrs.field(
        default=None,
        converter=clean_optional_text,
        metadata=checks(optional(bounded_text(5000, multiline=True))),
    )
    mandatory: bool = attrs.field(default=True, metadata=checks(instance_of(bool)))

    @invariant("planned_start", "planned_finish")
    def _finish_after_start(self) -> Iterator[Violation]:
        if instant(self.planned_finish) < instant(self.planned_start):
            yield Violation(field="planned_finish", message="must not be before planned_start")

    def is_overdue(self, now: datetime) -> bool:
        """Whether the activity is still open after its planned finish."""
        return self.status.is_open and instant(now) > instant(self.planned_finish)


@attrs.frozen(kw_only=True)
class InvestigationPlan(Model):
    """The activities of a claim's investigation, in the order they were planned."""

    activities: tuple[Activity, ...] = attrs.field(
        default=(),
        metadata=checks(each(instance_of(Activity)), unique(lambda a: a.id, what="activity id")),
    )

    @property
    def progress(self) -> Decimal:
        """The share of activities done, cancelled ones left out (1 for an empty plan)."""
        counted = [a for a in self.activities if a.status is not ActivityStatus.CANCELLED]
        if not counted:
            return Decimal(1)
        done = sum(1 for a in counted if a.status is ActivityStatus.DONE)
        return Decimal(done) / Decimal(len(counted))

    def overdue(self, now: datetime) -> tuple[Activity, ...]:
        """The open activities past their planned finish at ``now``."""
        return tuple(a for a in self.activities if a.is_overdue(now))

    def open_mandatory(self) -> tuple[Activity, ...]:
        """The mandatory activities not yet done or cancelled: they block a decision."""
        return tuple(a for a in self.activities if a.mandatory and a.status.is_open)

    def find(self, activity_id: str) -> Activity | None:
        """The activity with ``activity_id``, if the plan has it."""
        return next((a for a in self.activities if a.id == activity_id), None)
