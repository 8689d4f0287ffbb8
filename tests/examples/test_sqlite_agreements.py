"""The SQLite host example's agreements repository passes the contract and behaves as the
reference under random operations."""

from __future__ import annotations

import doctest

from sqlite_wiring import sqlite_suites

import crmcore_sqlite.agreements
from crmcore.testing.contracts import AgreementRepositoryContract
from crmcore.testing.stateful import agreement_repository_comparison
from crmcore_sqlite.agreements import SqliteAgreementRepository

TestSqliteAgreementRepository, TestSqliteAgreementComparison = sqlite_suites(
    SqliteAgreementRepository,
    AgreementRepositoryContract,
    agreement_repository_comparison,
)


def test_the_docstring_example_holds() -> None:
    assert doctest.testmod(crmcore_sqlite.agreements).failed == 0
