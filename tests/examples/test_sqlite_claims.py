"""The SQLite host example's claims repository passes the contract and behaves as the
reference under random operations."""

from __future__ import annotations

import doctest

from sqlite_wiring import sqlite_suites

import crmcore_sqlite.claims
from crmcore.testing.contracts import ClaimRepositoryContract
from crmcore.testing.stateful import claim_repository_comparison
from crmcore_sqlite.claims import SqliteClaimRepository

TestSqliteClaimRepository, TestSqliteClaimComparison = sqlite_suites(
    SqliteClaimRepository,
    ClaimRepositoryContract,
    claim_repository_comparison,
)


def test_the_docstring_example_holds() -> None:
    assert doctest.testmod(crmcore_sqlite.claims).failed == 0
