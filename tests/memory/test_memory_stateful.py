"""The stateful comparisons run, and they catch a repository that differs from the reference."""

from __future__ import annotations

import pytest
from hypothesis import Phase, settings

from crmcore.ids import UserId
from crmcore.memory import (
    MemoryContactPersonRepository,
    MemoryPartnerChangeLog,
    MemoryPartnerRepository,
    MemoryRelationshipRepository,
    MemoryRotationPointers,
)
from crmcore.partners import LoggedChange, Partner
from crmcore.testing.contracts import LoggedRepositories
from crmcore.testing.stateful import (
    contact_person_repository_comparison,
    partner_change_log_comparison,
    partner_repository_comparison,
    relationship_repository_comparison,
    rotation_pointers_comparison,
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


def _logged(changes: MemoryPartnerChangeLog) -> LoggedRepositories:
    return LoggedRepositories(
        partners=MemoryPartnerRepository(changes=changes),
        contact_persons=MemoryContactPersonRepository(changes=changes),
        changes=changes,
    )


TestMemoryPartnerChangeLogComparison = partner_change_log_comparison(
    lambda: _logged(MemoryPartnerChangeLog()), settings=QUICK
).TestCase
TestMemoryRotationComparison = rotation_pointers_comparison(
    MemoryRotationPointers, settings=QUICK
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


class BlindRotation(MemoryRotationPointers):
    """Pointers with a classic bug: a move never checks where the turn stands."""

    def move(self, team: str, user: UserId, *, expected: UserId | None) -> None:
        super().move(team, user, expected=self.pointers().get(team))


def test_the_comparison_finds_a_move_that_ignores_a_stale_pointer() -> None:
    no_shrinking = settings(max_examples=200, database=None, phases=[Phase.generate])
    machine = rotation_pointers_comparison(BlindRotation, settings=no_shrinking)
    with pytest.raises(AssertionError, match="reference gave"):
        machine.TestCase("runTest").runTest()


class ChangesById(MemoryPartnerChangeLog):
    """A change log with a classic bug: changes listed by record id, not by number."""

    def since(self, sequence: int, *, limit: int | None = None) -> list[LoggedChange]:
        return sorted(super().since(sequence, limit=limit), key=lambda change: change.record_id)


def test_the_comparison_finds_a_change_log_out_of_order() -> None:
    no_shrinking = settings(max_examples=200, database=None, phases=[Phase.generate])
    machine = partner_change_log_comparison(lambda: _logged(ChangesById()), settings=no_shrinking)
    with pytest.raises(AssertionError, match="reference gave"):
        machine.TestCase("runTest").runTest()
