"""The SQLite host example's rules repository passes the contract and behaves as the
reference under random operations."""

from __future__ import annotations

import doctest

from hypothesis import settings
from sqlite_wiring import sqlite_suites

import crmcore_sqlite.rules
from crmcore.testing.contracts import RuleRepositoryContract
from crmcore.testing.stateful import rule_repository_comparison
from crmcore_sqlite.rules import SqliteRuleRepository

TestSqliteRuleRepository, TestSqliteRulesAsReference = sqlite_suites(
    SqliteRuleRepository,
    RuleRepositoryContract,
    rule_repository_comparison,
    settings=settings(max_examples=25, stateful_step_count=20, deadline=None),
)


def test_the_module_examples_run() -> None:
    assert doctest.testmod(crmcore_sqlite.rules).failed == 0
