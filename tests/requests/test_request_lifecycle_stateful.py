"""The request lifecycle under random commands, against a model of its statuses read from
the issue: new -> in work -> qualified -> converted, rejected with a reason from any open
status, reopened explicitly; a refused command raises and changes nothing."""

from datetime import datetime, timedelta

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule
from request_samples import NOW, registered

from crmcore.deals import TYPICAL_SALE
from crmcore.errors import DomainValidationError, InvalidTransitionError
from crmcore.ids import UserId
from crmcore.requests import (
    REQUEST_LIFECYCLE,
    REQUEST_LIFECYCLE_DEFINITION,
    Request,
    RequestStatus,
    convert_request,
    qualify_request,
    reject_request,
    reopen_request,
    take_request,
)

NEW, IN_WORK, QUALIFIED, CONVERTED, REJECTED = (
    "new", "in_work", "qualified", "converted", "rejected",
)  # fmt: skip
ALLOWED = {
    (NEW, "take"): IN_WORK,
    (IN_WORK, "qualify"): QUALIFIED,
    (QUALIFIED, "convert"): CONVERTED,
    (NEW, "reject"): REJECTED,
    (IN_WORK, "reject"): REJECTED,
    (QUALIFIED, "reject"): REJECTED,
    (REJECTED, "reopen"): IN_WORK,
}


def test_the_table_is_the_machine_and_the_issue() -> None:
    assert REQUEST_LIFECYCLE.table == ALLOWED
    for (state, event), target in ALLOWED.items():
        assert REQUEST_LIFECYCLE.fire(state, event) == target
    assert REQUEST_LIFECYCLE.is_final(CONVERTED)
    assert REQUEST_LIFECYCLE_DEFINITION.states[0] == NEW


class RequestLifecycle(RuleBasedStateMachine):
    """Random commands on one request; the model says which are allowed and where they lead."""

    def __init__(self) -> None:
        super().__init__()
        self.request: Request = registered()
        self.status = NEW
        self.clock: datetime = NOW
        self.first_response: datetime | None = None

    def tick(self) -> datetime:
        self.clock += timedelta(minutes=7)
        return self.clock

    def attempt(self, event: str, command: object) -> None:
        before = self.request
        expected = ALLOWED.get((self.status, event))
        if expected is None:
            with pytest.raises(InvalidTransitionError) as raised:
                command()  # type: ignore[operator]
            assert raised.value.state == self.status
            assert self.request == before
            return
        outcome = command()  # type: ignore[operator]
        self.request = outcome.entity if hasattr(outcome, "entity") else outcome.request
        self.status = expected
        assert self.request.version == before.version + 1

    @rule()
    def take(self) -> None:
        now = self.tick()
        if self.status == NEW and self.first_response is None:
            self.first_response = now
        self.attempt("take", lambda: take_request(self.request, manager=UserId("u-1"), now=now))

    @rule()
    def qualify(self) -> None:
        now = self.tick()
        self.attempt("qualify", lambda: qualify_request(self.request, now=now))

    @rule(reason=st.sampled_from(("spam", "no_budget", "duplicate_request")))
    def reject(self, reason: str) -> None:
        now = self.tick()
        allowed = (self.status, "reject") in ALLOWED
        self.attempt("reject", lambda: reject_request(self.request, reason, now=now))
        if allowed:
            assert (self.request.rejection_reason, self.request.closed_at) == (reason, now)

    @rule()
    def reject_without_a_known_reason(self) -> None:
        before = self.request
        with pytest.raises(DomainValidationError):
            reject_request(self.request, "whatever", now=self.tick())
        assert self.request == before

    @rule()
    def reopen(self) -> None:
        now = self.tick()
        self.attempt("reopen", lambda: reopen_request(self.request, now=now))

    @precondition(lambda self: self.status in {QUALIFIED, NEW, CONVERTED})
    @rule()
    def convert(self) -> None:
        now = self.tick()
        self.attempt(
            "convert",
            lambda: convert_request(
                self.request, pipeline=TYPICAL_SALE, now=now, responsible_manager=UserId("u-1")
            ),
        )

    @invariant()
    def status_and_fields_agree(self) -> None:
        request = self.request
        assert request.status is RequestStatus(self.status)
        assert (request.rejection_reason is not None) == (self.status == REJECTED)
        assert (request.deal_id is not None) == (self.status == CONVERTED)
        assert request.first_response_at == self.first_response


RequestLifecycle.TestCase.settings = settings(max_examples=60, stateful_step_count=25)
TestRequestLifecycle = RequestLifecycle.TestCase
