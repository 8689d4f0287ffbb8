"""The claim workflow under random command sequences: the services agree with a simple
model of the statuses, refuse what the workflow forbids without changing anything, and keep
the claim's log, version, result and pauses consistent."""

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from claim_samples import MONDAY, SETTINGS, draft
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from crmcore.claims import (
    CLAIM_WORKFLOW,
    Activity,
    ActivityStatus,
    Claim,
    ClaimResult,
    ClaimStatus,
    ClaimStatusChanged,
    await_claimant,
    cancel,
    close,
    decide,
    investigate,
    plan_activity,
    register_claim,
    reopen,
    resume,
    update_activity,
)
from crmcore.errors import ClaimNotDecidableError, CRMError, InvalidTransitionError
from crmcore.events import Outcome
from crmcore.ids import ClaimId

REG, INV, WAIT, DEC, CLO, CAN = (
    ClaimStatus.REGISTERED,
    ClaimStatus.UNDER_INVESTIGATION,
    ClaimStatus.WAITING_FOR_CLAIMANT,
    ClaimStatus.DECIDED,
    ClaimStatus.CLOSED,
    ClaimStatus.CANCELLED,
)
MODEL = {
    "investigate": {REG: INV},
    "await_claimant": {INV: WAIT},
    "resume": {WAIT: INV},
    "decide": {INV: DEC},
    "close": {DEC: CLO},
    "reopen": {DEC: INV, CLO: INV},
    "cancel": {REG: CAN, INV: CAN, WAIT: CAN},
}


class ClaimWorkflow(RuleBasedStateMachine):
    """One claim driven by random commands, beside the expected status."""

    def __init__(self) -> None:
        super().__init__()
        self.now = MONDAY
        self.claim = register_claim(
            draft(), claim_id=ClaimId("c-1"), now=self.now, settings=SETTINGS
        ).entity
        self.expected = REG
        self.steps = 1

    def attempt(self, event: str, command: Callable[[], Outcome[Claim]]) -> None:
        """Run ``command``; it must succeed exactly when the model allows ``event``."""
        self.now += timedelta(minutes=37)
        before = self.claim
        allowed = MODEL[event].get(self.expected)
        blocked = event == "decide" and bool(before.plan.open_mandatory())
        refusal: CRMError | None = None
        try:
            outcome = command()
        except (InvalidTransitionError, ClaimNotDecidableError) as error:
            refusal = error
        if isinstance(refusal, InvalidTransitionError):
            assert allowed is None
            assert refusal.allowed == CLAIM_WORKFLOW.allowed_events(self.expected.value)
        elif isinstance(refusal, ClaimNotDecidableError):
            assert blocked
            assert len(refusal.open_activities) == len(before.plan.open_mandatory())
        else:
            assert allowed is not None
            assert not blocked
            self.claim, self.expected = outcome.entity, allowed
            self.steps += 1
            first = outcome.events[0]
            assert isinstance(first, ClaimStatusChanged)
            assert first.step == event

    @rule()
    def investigate(self) -> None:
        self.attempt("investigate", lambda: investigate(self.claim, now=self.now))

    @rule()
    def await_claimant(self) -> None:
        self.attempt("await_claimant", lambda: await_claimant(self.claim, now=self.now))

    @rule()
    def resume(self) -> None:
        self.attempt("resume", lambda: resume(self.claim, now=self.now, settings=SETTINGS))

    @rule(result=st.sampled_from(ClaimResult))
    def decide(self, result: ClaimResult) -> None:
        self.attempt("decide", lambda: decide(self.claim, result=result, now=self.now))

    @rule()
    def close(self) -> None:
        self.attempt("close", lambda: close(self.claim, now=self.now))

    @rule()
    def reopen(self) -> None:
        self.attempt("reopen", lambda: reopen(self.claim, now=self.now, comment="More to check"))

    @rule()
    def cancel(self) -> None:
        self.attempt("cancel", lambda: cancel(self.claim, now=self.now, comment="Withdrawn"))

    @precondition(lambda self: self.claim.is_open and len(self.claim.plan.activities) < 3)
    @rule(mandatory=st.booleans())
    def plan(self, mandatory: bool) -> None:
        number = len(self.claim.plan.activities) + 1
        activity = Activity(
            id=f"a-{number}", name=f"Check {number}", planned_start=self.now,
            planned_finish=self.now + timedelta(hours=4), mandatory=mandatory,
        )  # fmt: skip
        self.claim = plan_activity(self.claim, activity, now=self.now).entity

    @precondition(lambda self: self.claim.is_open and bool(self.claim.plan.open_mandatory()))
    @rule()
    def finish_an_activity(self) -> None:
        first = self.claim.plan.open_mandatory()[0]
        self.claim = update_activity(
            self.claim, first.id, status=ActivityStatus.DONE, now=self.now
        ).entity

    @invariant()
    def the_claim_agrees_with_the_model(self) -> None:
        claim: Claim = self.claim
        assert claim.status is self.expected
        assert len(claim.history) == self.steps
        assert claim.history[-1].target is claim.status
        assert (claim.result is not None) == (claim.status in {DEC, CLO})
        open_pauses = [p for p in claim.pauses if p.ended_at is None]
        assert len(open_pauses) == (1 if claim.status is WAIT else 0)
        assert claim.resolution_due >= claim.response_due


TestClaimWorkflow = ClaimWorkflow.TestCase
TestClaimWorkflow.settings = settings(max_examples=60, stateful_step_count=25, database=None)


@pytest.mark.parametrize("state", [status.value for status in ClaimStatus])
@given(event=st.sampled_from(sorted(MODEL)))
def test_the_compiled_table_and_the_machine_agree(state: str, event: str) -> None:
    expected = MODEL[event].get(ClaimStatus(state))
    if expected is None:
        with pytest.raises(InvalidTransitionError):
            CLAIM_WORKFLOW.fire(state, event)
        return
    assert CLAIM_WORKFLOW.fire(state, event) == CLAIM_WORKFLOW.target(state, event)
    assert CLAIM_WORKFLOW.target(state, event) == expected.value


def test_the_workflow_ends_only_in_cancellation() -> None:
    finals = {s for s in ClaimStatus if CLAIM_WORKFLOW.is_final(s.value)}
    assert finals == {CAN}
    assert isinstance(MONDAY, datetime)
