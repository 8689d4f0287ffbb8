"""The claims contract suite and the stateful comparison, run against the in-memory
reference repository; the comparison catches a repository that differs from it."""

from datetime import datetime

import pytest
from hypothesis import Phase, settings

from crmcore.claims import Claim, ClaimRepository, ClaimStatus
from crmcore.memory import MemoryClaimRepository
from crmcore.testing.contracts import ClaimRepositoryContract
from crmcore.testing.stateful import claim_repository_comparison


class TestMemoryClaims(ClaimRepositoryContract):
    def make_repository(self) -> ClaimRepository:
        return MemoryClaimRepository()


QUICK = settings(max_examples=25, stateful_step_count=20, database=None)

TestMemoryClaimComparison = claim_repository_comparison(
    MemoryClaimRepository, settings=QUICK
).TestCase


class ClaimsWithoutTheWaitingRule(MemoryClaimRepository):
    """A repository with a plausible bug: claims waiting for their claimant count as overdue."""

    def overdue(self, now: datetime) -> list[Claim]:
        waiting = self.find(status=ClaimStatus.WAITING_FOR_CLAIMANT)
        late = [c for c in waiting if now > c.resolution_due]
        return sorted([*super().overdue(now), *late], key=lambda c: (c.resolution_due, c.id))


def test_the_comparison_catches_a_repository_that_differs() -> None:
    machine = claim_repository_comparison(
        ClaimsWithoutTheWaitingRule,
        # The bug needs one status and a moment after a due date: a few hundred examples
        # miss it now and then, and the search stops at the first example that finds it.
        settings=settings(
            max_examples=2000, stateful_step_count=30, database=None, phases=[Phase.generate]
        ),
    )
    with pytest.raises(AssertionError, match="reference gave"):
        machine.TestCase().runTest()
