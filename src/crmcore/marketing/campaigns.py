"""Campaigns (marketing events): plan one with its dates, budget, costs, segment and
materials, record its actual costs, and move it from planned to running to finished.

>>> from datetime import date, datetime, timezone
>>> from crmcore.money import Money
>>> at = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
>>> draft = CampaignDraft(name="Spring service", starts_on=date(2026, 3, 1),
...     ends_on=date(2026, 3, 31), budget=Money.of("100000", "RUB"))
>>> campaign = plan_campaign(draft, campaign_id=CampaignId("spring"), now=at).entity
>>> cost = CampaignCost(item="Banner", amount=Money.of("15000", "RUB"))
>>> campaign = record_cost(campaign, cost, now=at).entity
>>> str(campaign.actual_total), start_campaign(campaign, now=at).entity.status.value
('15000 RUB', 'running')
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Final

import attrs

from crmcore.errors import DomainValidationError, Violation
from crmcore.events import Outcome, changes_between
from crmcore.marketing.events import CampaignChanged, CampaignPlanned
from crmcore.marketing.model import (
    Campaign,
    CampaignCost,
    CampaignId,
    CampaignStatus,
    Material,
    SegmentId,
)
from crmcore.money import Money
from crmcore.validation import check_now, raise_violations

__all__ = [
    "CampaignDraft",
    "add_material",
    "cancel_campaign",
    "finish_campaign",
    "plan_campaign",
    "record_cost",
    "start_campaign",
]

_MOVES: Final = {
    "start": ((CampaignStatus.PLANNED,), CampaignStatus.RUNNING),
    "finish": ((CampaignStatus.RUNNING,), CampaignStatus.FINISHED),
    "cancel": ((CampaignStatus.PLANNED, CampaignStatus.RUNNING), CampaignStatus.CANCELLED),
}
_UNLOGGED: Final = frozenset({"version", "mailings"})


@attrs.frozen(kw_only=True)
class CampaignDraft:
    """A new campaign as entered."""

    name: str
    starts_on: date
    ends_on: date
    budget: Money
    segment_id: SegmentId | None = None
    planned_costs: Sequence[CampaignCost] = ()
    materials: Sequence[Material] = ()


def plan_campaign(
    draft: CampaignDraft, *, campaign_id: CampaignId, now: datetime, actor: str | None = None
) -> Outcome[Campaign]:
    """A new planned campaign from ``draft``; every problem is reported at once."""
    check_now(now)
    campaign = Campaign(
        id=campaign_id, name=draft.name, starts_on=draft.starts_on, ends_on=draft.ends_on,
        budget=draft.budget, segment_id=draft.segment_id,
        planned_costs=tuple(draft.planned_costs), materials=tuple(draft.materials),
        created_at=now,
    )  # fmt: skip
    changes = changes_between(None, campaign, ignore=_UNLOGGED)
    event = CampaignPlanned(entity_id=campaign.id, occurred_at=now, changes=changes, actor=actor)
    return Outcome(entity=campaign, events=(event,))


def record_cost(
    campaign: Campaign,
    cost: CampaignCost,
    *,
    now: datetime,
    planned: bool = False,
    actor: str | None = None,
) -> Outcome[Campaign]:
    """``campaign`` with ``cost`` added to its actual costs (or, if ``planned``, to its plan);
    a cancelled or finished campaign takes no planned costs."""
    check_now(now)
    closed = campaign.status in {CampaignStatus.CANCELLED, CampaignStatus.FINISHED}
    if planned and closed:
        raise DomainValidationError.single(
            "planned", f"a {campaign.status.value} campaign takes actual costs only"
        )
    if planned:
        changed = attrs.evolve(campaign, planned_costs=(*campaign.planned_costs, cost))
    else:
        changed = attrs.evolve(campaign, actual_costs=(*campaign.actual_costs, cost))
    return _changed(campaign, changed, now, actor)


def add_material(
    campaign: Campaign, material: Material, *, now: datetime, actor: str | None = None
) -> Outcome[Campaign]:
    """``campaign`` with one more piece of material (a template for a channel)."""
    check_now(now)
    return _changed(
        campaign, attrs.evolve(campaign, materials=(*campaign.materials, material)), now, actor
    )


def start_campaign(
    campaign: Campaign, *, now: datetime, actor: str | None = None
) -> Outcome[Campaign]:
    """A planned campaign running: its mailings may go out."""
    return _moved(campaign, "start", now, actor)


def finish_campaign(
    campaign: Campaign, *, now: datetime, actor: str | None = None
) -> Outcome[Campaign]:
    """A running campaign finished."""
    return _moved(campaign, "finish", now, actor)


def cancel_campaign(
    campaign: Campaign, *, now: datetime, actor: str | None = None
) -> Outcome[Campaign]:
    """A planned or running campaign cancelled."""
    return _moved(campaign, "cancel", now, actor)


def _moved(campaign: Campaign, step: str, now: datetime, actor: str | None) -> Outcome[Campaign]:
    check_now(now)
    sources, target = _MOVES[step]
    if campaign.status not in sources:
        allowed = ", ".join(s.value for s in sources)
        message = f"cannot {step} a {campaign.status.value} campaign (only {allowed})"
        raise_violations([Violation(field="status", message=message, value=campaign.status.value)])
    return _changed(campaign, attrs.evolve(campaign, status=target), now, actor)


def _changed(
    before: Campaign, after: Campaign, now: datetime, actor: str | None
) -> Outcome[Campaign]:
    changes = changes_between(before, after, ignore=_UNLOGGED)
    changed = attrs.evolve(after, version=before.version + 1)
    event = CampaignChanged(entity_id=before.id, occurred_at=now, changes=changes, actor=actor)
    return Outcome(entity=changed, events=(event,))
