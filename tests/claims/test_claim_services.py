"""Registering claims and moving them through the workflow: due dates on the working
calendar, every step logged, pauses, the mandatory-activity rule, refusals that change
nothing."""

import pickle
from datetime import date, datetime, timedelta

import attrs
import pytest
from claim_samples import HOUR, MONDAY, MOSCOW, SETTINGS, draft
from hypothesis import given
from hypothesis import strategies as st

from crmcore.claims import (
    Activity,
    ActivityStatus,
    Claim,
    ClaimChannel,
    ClaimPriority,
    ClaimResult,
    ClaimStatus,
    DeadlinePolicy,
    DeadlineRules,
    SlaState,
    await_claimant,
    cancel,
    close,
    decide,
    investigate,
    overdue_claims,
    plan_activity,
    register_claim,
    reopen,
    resume,
    update_activity,
)
from crmcore.errors import ClaimNotDecidableError, DomainValidationError, InvalidTransitionError
from crmcore.ids import ClaimId, UserId
from crmcore.testing.strategies import aware_datetimes
from crmcore.workcalendar import WorkingCalendar

MANAGER = UserId("u-1")


def moscow(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 6, day, hour, minute, tzinfo=MOSCOW)


def activity(activity_id: str, *, mandatory: bool = True) -> Activity:
    return Activity(
        id=activity_id,
        name=f"Check {activity_id}",
        planned_start=MONDAY,
        planned_finish=MONDAY + HOUR,
        mandatory=mandatory,
    )


# --- registration ----------------------------------------------------------------------------


def test_a_claim_is_registered_with_due_dates_on_working_time(claim: Claim) -> None:
    assert claim.status is ClaimStatus.REGISTERED
    assert claim.response_due == moscow(1, 18)
    assert claim.resolution_due == moscow(5, 14)
    assert [step.event for step in claim.history] == ["register"]
    assert claim.version == 1


@pytest.mark.parametrize(
    ("changes", "response", "resolution"),
    [
        ({"priority": "critical"}, moscow(1, 11), moscow(1, 14)),
        ({"claim_type": "warranty", "priority": ClaimPriority.CRITICAL}, moscow(1, 12), None),
    ],
)
def test_deadlines_follow_the_claim_type_else_the_priority(
    changes: dict[str, object], response: datetime, resolution: datetime | None
) -> None:
    outcome = register_claim(
        draft(**changes), claim_id=ClaimId("c-1"), now=MONDAY, settings=SETTINGS
    )
    assert outcome.entity.response_due == response
    if resolution is not None:
        assert outcome.entity.resolution_due == resolution
    assert outcome.events[0].changes["status"].new == "registered"


def test_a_claim_registered_at_night_counts_from_the_next_morning() -> None:
    friday_night = moscow(5, 23)
    outcome = register_claim(draft(), claim_id=ClaimId("c-1"), now=friday_night, settings=SETTINGS)
    assert outcome.entity.response_due == moscow(8, 17)


def test_every_problem_of_a_draft_is_reported_by_field() -> None:
    with pytest.raises(DomainValidationError) as caught:
        register_claim(
            draft(
                essence=" ",
                channel="fax",
                priority="urgent",
                reasons=["packaging", "weather"],
                claim_type="other",
                department="x" * 201,
            ),
            claim_id=ClaimId("bad id"),
            now=MONDAY,
            settings=SETTINGS,
        )
    assert set(caught.value.fields) == {
        "reasons[1]", "claim_type", "channel", "priority", "id", "essence", "department",
    }  # fmt: skip


def test_a_naive_now_is_refused_by_name() -> None:
    with pytest.raises(DomainValidationError) as caught:
        register_claim(
            draft(), claim_id=ClaimId("c-1"), now=datetime(2026, 6, 1), settings=SETTINGS
        )
    assert caught.value.field == "now"


# --- workflow --------------------------------------------------------------------------------


def test_each_step_is_logged_with_who_when_and_why(claim: Claim) -> None:
    claim = investigate(
        claim, now=moscow(1, 11), actor=MANAGER, responsible_manager=UserId("u-7")
    ).entity
    claim = decide(claim, result="partially_satisfied", now=moscow(2, 12), comment="Half").entity
    outcome = close(claim, now=moscow(3, 9), actor=MANAGER, comment="Refund paid")
    closed = outcome.entity
    assert closed.status is ClaimStatus.CLOSED
    assert closed.result is ClaimResult.PARTIALLY_SATISFIED
    assert closed.responded_at == moscow(1, 11)
    assert closed.responsible_manager == "u-7"
    assert closed.version == 4
    steps = [(s.event, s.source.value, s.target.value, s.actor, s.comment) for s in closed.history]
    assert steps[1:] == [
        ("investigate", "registered", "under_investigation", "u-1", None),
        ("decide", "under_investigation", "decided", None, "Half"),
        ("close", "decided", "closed", "u-1", "Refund paid"),
    ]
    (event,) = outcome.events
    assert (event.name, event.step, event.changes["status"].new) == (
        "claim.status_changed",
        "close",
        "closed",
    )


def test_deciding_announces_the_result(claim: Claim) -> None:
    claim = investigate(claim, now=moscow(1, 11)).entity
    outcome = decide(claim, result=ClaimResult.REJECTED, now=moscow(1, 12), actor=MANAGER)
    assert [e.name for e in outcome.events] == ["claim.status_changed", "claim.decided"]
    assert outcome.events[1].result is ClaimResult.REJECTED


def test_a_claim_is_not_decided_while_mandatory_activities_are_open(claim: Claim) -> None:
    claim = investigate(claim, now=moscow(1, 11)).entity
    for activity_id, mandatory in (("a-1", True), ("a-2", True), ("a-3", False)):
        claim = plan_activity(
            claim, activity(activity_id, mandatory=mandatory), now=moscow(1, 11)
        ).entity
    claim = update_activity(
        claim, "a-2", status=ActivityStatus.IN_PROGRESS, now=moscow(1, 12)
    ).entity
    with pytest.raises(ClaimNotDecidableError) as caught:
        decide(claim, result="satisfied", now=moscow(1, 13))
    assert [(v.field, v.message) for v in caught.value.open_activities] == [
        ("a-1", "is planned"),
        ("a-2", "is in_progress"),
    ]
    assert pickle.loads(pickle.dumps(caught.value)).open_activities == caught.value.open_activities
    claim = update_activity(claim, "a-1", status=ActivityStatus.DONE, now=moscow(1, 14)).entity
    claim = update_activity(claim, "a-2", status=ActivityStatus.CANCELLED, now=moscow(1, 14)).entity
    assert decide(claim, result="satisfied", now=moscow(1, 15)).entity.status is ClaimStatus.DECIDED


def test_a_move_the_status_does_not_allow_names_the_allowed_ones(claim: Claim) -> None:
    with pytest.raises(InvalidTransitionError) as caught:
        close(claim, now=moscow(1, 11))
    error = caught.value
    assert (error.entity_type, error.entity_id, error.state, error.event) == (
        "claim", "c-1", "registered", "close",
    )  # fmt: skip
    assert error.allowed == ("cancel", "investigate")
    with pytest.raises(InvalidTransitionError):
        decide(claim, result="satisfied", now=moscow(1, 11))
    with pytest.raises(DomainValidationError) as refused:
        decide(claim, result="fine", now=moscow(1, 11))
    assert refused.value.field == "result"


def test_reopening_clears_the_decision_and_needs_a_reason(claim: Claim) -> None:
    claim = investigate(claim, now=moscow(1, 11)).entity
    decided = decide(claim, result="rejected", now=moscow(1, 12)).entity
    closed = close(decided, now=moscow(1, 13)).entity
    with pytest.raises(DomainValidationError) as caught:
        reopen(closed, now=moscow(1, 14), comment="  ")
    assert caught.value.field == "comment"
    reopened = reopen(closed, now=moscow(1, 14), comment="New evidence").entity
    assert (reopened.status, reopened.result, reopened.decided_at) == (
        ClaimStatus.UNDER_INVESTIGATION, None, None,
    )  # fmt: skip
    assert reopen(decided, now=moscow(1, 14), comment="Wrong").entity.result is None


def test_cancelling_needs_a_reason_and_ends_a_pause(claim: Claim) -> None:
    claim = investigate(claim, now=moscow(1, 11)).entity
    waiting = await_claimant(claim, now=moscow(1, 12)).entity
    with pytest.raises(DomainValidationError):
        cancel(waiting, now=moscow(1, 13), comment="")
    cancelled = cancel(waiting, now=moscow(1, 13), comment="Withdrawn").entity
    assert cancelled.status is ClaimStatus.CANCELLED
    assert cancelled.pauses[-1].ended_at == moscow(1, 13)
    with pytest.raises(InvalidTransitionError):
        reopen(cancelled, now=moscow(1, 14), comment="Back")


def test_a_pause_moves_the_resolution_due_date_by_the_paused_working_time(claim: Claim) -> None:
    claim = investigate(claim, now=moscow(1, 11)).entity
    waiting = await_claimant(claim, now=moscow(1, 16)).entity
    assert waiting.missed_deadlines(moscow(30, 9)) == ()
    resumed = resume(waiting, now=moscow(2, 11), settings=SETTINGS).entity
    assert resumed.resolution_due == moscow(5, 18)
    assert resumed.pauses[0].ended_at == moscow(2, 11)
    with pytest.raises(InvalidTransitionError):
        resume(resumed, now=moscow(2, 12), settings=SETTINGS)


def test_a_claim_already_late_stays_overdue_when_paused_and_its_breach_stays_recorded(
    claim: Claim,
) -> None:
    answered = investigate(claim, now=moscow(1, 11)).entity
    assert answered.resolution_due == moscow(5, 14)
    waiting = await_claimant(answered, now=moscow(8, 10)).entity  # three days late
    assert waiting.is_overdue(moscow(8, 11))
    assert waiting.missed_deadlines(moscow(8, 11)) == ("resolution",)
    assert list(overdue_claims([waiting], moscow(8, 11))) == [waiting]
    resumed = resume(waiting, now=moscow(9, 10), settings=SETTINGS).entity
    assert resumed.resolution_due > moscow(8, 10)
    assert resumed.missed_deadlines(moscow(9, 10)) == ("resolution",)
    decided = decide(resumed, result="satisfied", now=moscow(9, 11)).entity
    response, resolution = decided.sla(moscow(9, 12))
    assert (response.state, response.at) == (SlaState.MET, moscow(1, 11))
    assert (resolution.state, resolution.at) == (SlaState.BREACHED, moscow(5, 14))


def test_a_claim_answered_and_decided_in_time_met_both_due_dates(claim: Claim) -> None:
    assert [o.state for o in claim.sla(moscow(1, 12))] == [SlaState.PENDING, SlaState.PENDING]
    late_answer = investigate(claim, now=moscow(2, 10)).entity
    assert late_answer.sla(moscow(2, 11))[0].state is SlaState.BREACHED
    paused_in_time = await_claimant(investigate(claim, now=moscow(1, 11)).entity,
                                    now=moscow(1, 12)).entity  # fmt: skip
    assert paused_in_time.missed_deadlines(moscow(30, 9)) == ()
    decided = decide(resume(paused_in_time, now=moscow(2, 9), settings=SETTINGS).entity,
                     result="rejected", now=moscow(2, 10)).entity  # fmt: skip
    assert [(o.state, o.at) for o in decided.sla(moscow(30, 9))] == [
        (SlaState.MET, moscow(1, 11)), (SlaState.MET, moscow(2, 10)),
    ]  # fmt: skip


def test_by_default_a_claim_is_answered_in_8_working_hours_and_resolved_in_5_working_days() -> None:
    calendar = WorkingCalendar(time_zone="Europe/Moscow", holidays=frozenset({date(2026, 6, 12)}))
    settings = attrs.evolve(SETTINGS, deadlines=DeadlineRules(), calendar=calendar)
    claim = register_claim(draft(), now=moscow(8, 10), settings=settings,
                           claim_id=ClaimId("c-9")).entity  # fmt: skip
    assert claim.response_due == moscow(8, 18)
    assert claim.resolution_due == moscow(16, 10)  # Friday the 12th is a holiday
    with pytest.raises(DomainValidationError) as raised:
        DeadlinePolicy(response=timedelta(hours=8))
    assert raised.value.field == "resolution"


def test_resuming_before_the_pause_began_is_refused(claim: Claim) -> None:
    waiting = await_claimant(investigate(claim, now=moscow(1, 11)).entity, now=moscow(1, 16))
    with pytest.raises(DomainValidationError) as caught:
        resume(waiting.entity, now=moscow(1, 15), settings=SETTINGS)
    assert caught.value.field == "now"


@given(
    start=aware_datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2026, 12, 1)),
    pauses=st.lists(
        st.tuples(st.integers(0, 200), st.integers(0, 200)).map(
            lambda pair: (timedelta(hours=pair[0]), timedelta(hours=pair[1]))
        ),
        max_size=3,
    ),
)
def test_pauses_extend_the_resolution_due_by_exactly_the_paused_working_time(
    start: datetime, pauses: list[tuple[timedelta, timedelta]]
) -> None:
    calendar = SETTINGS.calendar
    claim = register_claim(draft(), claim_id=ClaimId("c-1"), now=start, settings=SETTINGS).entity
    claim = investigate(claim, now=start).entity
    original, moment, paused = claim.resolution_due, start, timedelta(0)
    for gap, length in pauses:
        moment += gap
        claim = await_claimant(claim, now=moment).entity
        paused += calendar.working_time_between(moment, moment + length)
        moment += length
        claim = resume(claim, now=moment, settings=SETTINGS).entity
    assert calendar.working_time_between(original, claim.resolution_due) == paused
    assert calendar.working_time_between(start, claim.resolution_due) == 40 * HOUR + paused


def test_overdue_claims_are_found_by_their_missed_deadlines(claim: Claim) -> None:
    answered = attrs.evolve(investigate(claim, now=moscow(1, 11)).entity, id=ClaimId("c-2"))
    assert claim.missed_deadlines(moscow(1, 19)) == ("response",)
    assert answered.missed_deadlines(moscow(1, 19)) == ()
    assert claim.missed_deadlines(moscow(6, 9)) == ("response", "resolution")
    late = list(overdue_claims([claim, answered], moscow(6, 9)))
    assert [c.id for c in late] == ["c-1", "c-2"]
    assert list(overdue_claims([claim, answered], moscow(1, 12))) == []


def test_a_decided_claim_is_never_overdue(claim: Claim) -> None:
    claim = investigate(claim, now=moscow(1, 11)).entity
    claim = decide(claim, result="satisfied", now=moscow(1, 12)).entity
    assert not claim.is_overdue(moscow(30, 12))
    assert claim.channel is ClaimChannel.MANUAL


def test_a_claim_paused_today_cannot_be_resumed_yesterday(claim: Claim) -> None:
    waiting = await_claimant(investigate(claim, now=MONDAY).entity, now=MONDAY + HOUR).entity
    with pytest.raises(DomainValidationError) as raised:
        resume(waiting, now=MONDAY - timedelta(days=1), settings=SETTINGS)
    assert raised.value.field == "now"
    assert "the last change of claim" in str(raised.value)
