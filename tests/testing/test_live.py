"""The settings and helpers for running the kit against a live database server."""

from __future__ import annotations

import pytest
from hypothesis import Phase, settings

from crmcore.claims import Claim
from crmcore.memory import MemoryClaimRepository
from crmcore.testing.live import (
    LIVE,
    LIVE_PROFILE,
    LIVE_SHRINKING,
    LIVE_SHRINKING_PROFILE,
    empty_tables,
)
from crmcore.testing.stateful import claim_repository_comparison


class LastWriteWins(MemoryClaimRepository):
    """Overwrites whatever version is stored."""

    def save(self, claim: Claim, *, expected_version: int) -> None:
        super().save(claim, expected_version=self.get(claim.id).version)


def test_the_profiles_are_registered() -> None:
    assert settings.get_profile(LIVE_PROFILE).phases == LIVE.phases
    assert settings.get_profile(LIVE_SHRINKING_PROFILE).stateful_step_count == 8


def test_the_live_settings_do_not_shrink_and_the_shrinking_ones_do() -> None:
    assert Phase.shrink not in LIVE.phases
    assert Phase.shrink in LIVE_SHRINKING.phases
    assert LIVE.deadline is None
    assert LIVE.print_blob


def test_a_comparison_under_the_live_settings_reports_a_bug_as_found() -> None:
    quick = settings(LIVE, database=None, max_examples=50)
    case = claim_repository_comparison(LastWriteWins, settings=quick).TestCase
    with pytest.raises(AssertionError):
        case("runTest").runTest()


def test_empty_tables_truncates_them_in_one_statement_and_quotes_names() -> None:
    statements: list[str] = []
    empty_tables(statements.append, ["deals", 'odd"name'])
    empty_tables(statements.append, [])
    assert statements == ['TRUNCATE TABLE "deals", "odd""name" RESTART IDENTITY CASCADE']
