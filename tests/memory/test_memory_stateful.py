"""The stateful comparisons run, and they catch a repository that differs from the reference."""

from __future__ import annotations

import pytest
from hypothesis import Phase, settings

from crmcore.memory import (
    MemoryContactPersonRepository,
    MemoryPartnerRepository,
    MemoryRelationshipRepository,
)
from crmcore.partners import Partner
from crmcore.testing.stateful import (
    contact_person_repository_comparison,
    partner_repository_comparison,
    relationship_repository_comparison,
)

QUICK = settings(max_examples=25, stateful_step_count=20, database=None)

TestMemoryPartnerComparison = partner_repository_comparison(
    MemoryPartnerRepository, settings=QUICK
).TestCase
TestMemoryContactPersonComparison = contact_person_repository_comparison(
    MemoryContactPersonRepository, settings=QUICK
).TestCase
TestMemoryRelationshipComparison = relationship_repository_comparison(
    MemoryRelationshipRepository, settings=QUICK
).TestCase


class CaseSensitiveEmails(MemoryPartnerRepository):
    """A repository with a classic bug: emails compared with their case."""

    def find_by_email(self, address: str) -> list[Partner]:
        found = super().find_by_email(address)
        return [p for p in found if any(e.address == address for e in p.emails)]


def test_the_comparison_finds_a_case_sensitive_email_lookup() -> None:
    no_shrinking = settings(max_examples=200, database=None, phases=[Phase.generate])
    machine = partner_repository_comparison(CaseSensitiveEmails, settings=no_shrinking)
    with pytest.raises(AssertionError, match="reference gave"):
        machine.TestCase("runTest").runTest()
