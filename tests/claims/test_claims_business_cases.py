"""Business cases of claims as claim handlers meet them: deadlines in working days, a breach
that stays when the claim is paused, and edits that change nothing."""

from __future__ import annotations

from datetime import datetime, timedelta

import attrs
import pytest
from claim_samples import MONDAY, MOSCOW, SETTINGS, draft

from crmcore.claims import (
    ClaimEdit,
    DeadlineRules,
    SlaState,
    await_claimant,
    edit_claim,
    investigate,
    overdue_claims,
    register_claim,
    resume,
)
from crmcore.errors import DomainValidationError
from crmcore.ids import ClaimId


def test_by_default_a_claim_of_monday_10_00_is_answered_that_day_and_resolved_next_monday() -> None:
    settings = attrs.evolve(SETTINGS, deadlines=DeadlineRules())
    claim = register_claim(draft(), claim_id=ClaimId("c-1"), now=MONDAY, settings=settings).entity
    # 8 working hours from 10:00 on a 9-to-18 day: 18:00; 5 working days: Monday 8 June, 10:00.
    assert claim.response_due == datetime(2026, 6, 1, 18, 0, tzinfo=MOSCOW)
    assert claim.resolution_due == datetime(2026, 6, 8, 10, 0, tzinfo=MOSCOW)


def test_a_claim_already_late_stays_overdue_when_paused_for_the_claimant_and_after() -> None:
    claim = register_claim(draft(), claim_id=ClaimId("c-1"), now=MONDAY, settings=SETTINGS).entity
    answered = investigate(claim, now=MONDAY + timedelta(hours=1)).entity
    late = answered.resolution_due + timedelta(days=1)
    paused = await_claimant(answered, now=late).entity
    assert paused.is_overdue(late + timedelta(days=2))
    assert list(overdue_claims([paused], late + timedelta(days=2))) == [paused]
    response, resolution = paused.sla(late + timedelta(days=2))
    assert (response.state, response.at) == (SlaState.MET, MONDAY + timedelta(hours=1))
    assert (resolution.state, resolution.at) == (SlaState.BREACHED, answered.resolution_due)
    resumed = resume(paused, now=late + timedelta(days=3), settings=SETTINGS).entity
    assert resumed.sla(late + timedelta(days=3))[1].state is SlaState.BREACHED


def test_an_empty_edit_or_the_same_department_again_is_no_change() -> None:
    claim = register_claim(draft(), claim_id=ClaimId("c-1"), now=MONDAY, settings=SETTINGS).entity
    later = MONDAY + timedelta(hours=2)
    for edit in (ClaimEdit(), ClaimEdit(department="Warehouse"), ClaimEdit(reasons=["packaging"])):
        kept = edit_claim(claim, edit, now=later, settings=SETTINGS)
        assert (kept.entity, kept.events) == (claim, ())
    moved = edit_claim(claim, ClaimEdit(department="Logistics"), now=later, settings=SETTINGS)
    assert (moved.entity.version, len(moved.events)) == (claim.version + 1, 1)


def test_a_claim_investigated_before_it_was_registered_is_refused_naming_now() -> None:
    claim = register_claim(draft(), claim_id=ClaimId("c-1"), now=MONDAY, settings=SETTINGS).entity
    with pytest.raises(DomainValidationError) as refused:
        investigate(claim, now=MONDAY - timedelta(days=10))
    assert refused.value.field == "now"
