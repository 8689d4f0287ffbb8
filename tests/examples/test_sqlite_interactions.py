"""The SQLite host example's interactions repository passes the contract and behaves as the
reference under random operations."""

from __future__ import annotations

import doctest

from sqlite_wiring import sqlite_suites

import crmcore_sqlite.interactions
from crmcore.testing.contracts import InteractionRepositoryContract
from crmcore.testing.stateful import interaction_repository_comparison
from crmcore_sqlite.interactions import SqliteInteractionRepository

TestSqliteInteractionRepository, TestSqliteInteractionComparison = sqlite_suites(
    SqliteInteractionRepository,
    InteractionRepositoryContract,
    interaction_repository_comparison,
)


def test_the_docstring_example_holds() -> None:
    assert doctest.testmod(crmcore_sqlite.interactions).failed == 0
