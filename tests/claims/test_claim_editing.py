"""Editing a registered claim: reasons and department found later, a priority that moves
the due dates (pauses kept), refusals that name the field and change nothing."""

import attrs
import pytest
from claim_samples import HOUR, MONDAY, MOSCOW, SETTINGS

from crmcore.claims import (
    Attachment,
    Claim,
    ClaimEdit,
    ClaimPriority,
    await_claimant,
    decide,
    edit_claim,
    investigate,
    resume,
)
from crmcore.errors import BusinessRuleError, DomainValidationError
from crmcore.ids import UserId


def test_reasons_and_department_found_by_the_investigation_are_recorded(claim: Claim) -> None:
    outcome = edit_claim(
        claim,
        ClaimEdit(
            reasons=["packaging", "delivery"], department="Logistics", employee=UserId("u-9"),
            attachments=[Attachment(name="act.pdf", media_type="application/pdf", size=10)],
        ),
        now=MONDAY, settings=SETTINGS, actor=UserId("u-1"),
    )  # fmt: skip
    edited = outcome.entity
    assert (edited.reasons, edited.department, edited.employee) == (
        ("packaging", "delivery"), "Logistics", "u-9",
    )  # fmt: skip
    assert edited.version == claim.version + 1
    assert (edited.response_due, edited.resolution_due) == (
        claim.response_due,
        claim.resolution_due,
    )
    (event,) = outcome.events
    assert event.name == "claim.changed"
    assert set(event.changes) == {"reasons", "department", "employee", "attachments"}


def test_an_empty_edit_or_the_same_department_again_is_no_new_version_and_no_event(
    claim: Claim,
) -> None:
    assert edit_claim(claim, ClaimEdit(), now=MONDAY, settings=SETTINGS).events == ()
    in_logistics = edit_claim(
        claim, ClaimEdit(department="Logistics"), now=MONDAY, settings=SETTINGS
    ).entity
    again = edit_claim(
        in_logistics, ClaimEdit(department="Logistics", priority=in_logistics.priority),
        now=MONDAY + HOUR, settings=SETTINGS,
    )  # fmt: skip
    assert again.entity == in_logistics
    assert again.entity.version == claim.version + 1
    assert again.events == ()


def test_a_new_priority_recomputes_the_due_dates_keeping_the_paused_time(claim: Claim) -> None:
    claim = investigate(claim, now=MONDAY).entity
    claim = await_claimant(claim, now=MONDAY + HOUR).entity
    claim = resume(claim, now=MONDAY + 3 * HOUR, settings=SETTINGS).entity
    edited = edit_claim(
        claim, ClaimEdit(priority="critical"), now=MONDAY + 3 * HOUR, settings=SETTINGS
    )
    calendar = SETTINGS.calendar
    assert edited.entity.response_due == MONDAY + HOUR
    assert calendar.working_time_between(MONDAY, edited.entity.resolution_due) == 6 * HOUR
    assert edited.entity.priority is ClaimPriority.CRITICAL
    assert edited.entity.resolution_due.tzinfo == MOSCOW


def test_an_edit_dated_before_the_claims_last_step_is_refused(claim: Claim) -> None:
    investigated = investigate(claim, now=MONDAY + HOUR).entity
    with pytest.raises(DomainValidationError) as caught:
        edit_claim(investigated, ClaimEdit(department="Sales"), now=MONDAY, settings=SETTINGS)
    assert caught.value.field == "now"


def test_every_problem_of_an_edit_is_reported_and_nothing_changes(claim: Claim) -> None:
    with pytest.raises(DomainValidationError) as caught:
        edit_claim(
            claim,
            ClaimEdit(reasons=["weather"], priority="someday", claim_type="other"),
            now=MONDAY,
            settings=SETTINGS,
        )
    assert caught.value.fields == ("priority", "reasons[0]", "claim_type")
    with pytest.raises(DomainValidationError) as caught:
        edit_claim(claim, ClaimEdit(department="x" * 201), now=MONDAY, settings=SETTINGS)
    assert caught.value.fields == ("department",)


def test_a_decided_claim_is_reopened_before_it_is_edited(claim: Claim) -> None:
    decided = decide(investigate(claim, now=MONDAY).entity, result="rejected", now=MONDAY)
    with pytest.raises(BusinessRuleError, match="reopen it"):
        edit_claim(decided.entity, ClaimEdit(department="Sales"), now=MONDAY, settings=SETTINGS)
    assert attrs.evolve(decided.entity) == decided.entity
