"""The SQLite host example's requests repository passes the contract and behaves as the
reference under random operations."""

from __future__ import annotations

import doctest

from sqlite_wiring import sqlite_suites

import crmcore_sqlite.requests
from crmcore.testing.contracts import RequestRepositoryContract
from crmcore.testing.stateful import request_repository_comparison
from crmcore_sqlite.requests import SqliteRequestRepository

TestSqliteRequestRepository, TestSqliteRequestComparison = sqlite_suites(
    SqliteRequestRepository,
    RequestRepositoryContract,
    request_repository_comparison,
)


def test_the_docstring_example_holds() -> None:
    assert doctest.testmod(crmcore_sqlite.requests).failed == 0
