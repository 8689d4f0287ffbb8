"""The requests contract suite and the stateful comparison, run against the in-memory
reference repository; the comparison catches a repository that differs from it."""

from collections.abc import Collection
from datetime import datetime

import pytest
from hypothesis import Phase, settings

from crmcore.memory import MemoryRequestRepository
from crmcore.partners import Email, Phone
from crmcore.requests import Request, RequestRepository
from crmcore.testing.contracts import RequestRepositoryContract
from crmcore.testing.stateful import request_repository_comparison


class TestMemoryRequests(RequestRepositoryContract):
    def make_repository(self) -> RequestRepository:
        return MemoryRequestRepository()


QUICK = settings(max_examples=25, stateful_step_count=20, database=None)

TestMemoryRequestComparison = request_repository_comparison(
    MemoryRequestRepository, settings=QUICK
).TestCase


class RequestsWithCaseSensitiveEmails(MemoryRequestRepository):
    """A repository with a plausible bug: emails compared as typed, not case-folded."""

    def from_contact(
        self,
        *,
        phones: Collection[Phone] = (),
        emails: Collection[Email] = (),
        received_from: datetime,
    ) -> list[Request]:
        found = super().from_contact(phones=phones, emails=emails, received_from=received_from)
        typed = {email.address for email in emails}
        return [
            request
            for request in found
            if {p.number for p in request.contact.phones} & {p.number for p in phones}
            or {e.address for e in request.contact.emails} & typed
        ]


def test_the_comparison_catches_a_repository_that_differs() -> None:
    machine = request_repository_comparison(
        RequestsWithCaseSensitiveEmails,
        settings=settings(
            max_examples=300, stateful_step_count=30, database=None, phases=[Phase.generate]
        ),
    )
    with pytest.raises(AssertionError, match="reference gave"):
        machine.TestCase().runTest()
