"""The SQLite host example's rules repository passes the contract and behaves as the
reference under random operations."""

from __future__ import annotations

import doctest
from collections.abc import Iterator

import pytest
from hypothesis import settings

import crmcore_sqlite.rules
from crmcore.rules import RuleRepository
from crmcore.serialization import make_converter
from crmcore.testing.contracts import RuleRepositoryContract
from crmcore.testing.stateful import rule_repository_comparison
from crmcore_sqlite import Database
from crmcore_sqlite.rules import SqliteRuleRepository

CONVERTER = make_converter()
OPENED: list[Database] = []


def open_database() -> Database:
    database = Database(":memory:", converter=CONVERTER)
    OPENED.append(database)
    return database


@pytest.fixture(autouse=True)
def _close_databases() -> Iterator[None]:
    yield
    while OPENED:
        OPENED.pop().close()


class TestSqliteRuleRepository(RuleRepositoryContract):
    def make_repository(self) -> RuleRepository:
        return SqliteRuleRepository(open_database())


TestSqliteRulesAsReference = rule_repository_comparison(
    lambda: SqliteRuleRepository(open_database()),
    settings=settings(max_examples=25, stateful_step_count=20, deadline=None),
).TestCase


def test_the_module_examples_run() -> None:
    assert doctest.testmod(crmcore_sqlite.rules).failed == 0
