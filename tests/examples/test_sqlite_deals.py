"""The SQLite host example's deals repositories pass the contracts and behave as the
reference under random operations."""

from __future__ import annotations

import doctest
from collections.abc import Iterator

import pytest
from hypothesis import settings

import crmcore_sqlite.deals
from crmcore.deals import DealRepository, PipelineRepository, StageLog
from crmcore.serialization import make_converter
from crmcore.testing.contracts import (
    DealRepositoryContract,
    PipelineRepositoryContract,
    StageLogContract,
)
from crmcore.testing.stateful import (
    deal_repository_comparison,
    pipeline_repository_comparison,
    stage_log_comparison,
)
from crmcore_sqlite import Database
from crmcore_sqlite.deals import SqliteDealRepository, SqlitePipelineRepository, SqliteStageLog

CONVERTER = make_converter()
OPENED: list[Database] = []
QUICK = settings(max_examples=20, stateful_step_count=15, database=None, deadline=None)


def open_database() -> Database:
    database = Database(":memory:", converter=CONVERTER)
    OPENED.append(database)
    return database


@pytest.fixture(autouse=True)
def _close_databases() -> Iterator[None]:
    yield
    while OPENED:
        OPENED.pop().close()


class TestSqlitePipelineRepository(PipelineRepositoryContract):
    def make_repository(self) -> PipelineRepository:
        return SqlitePipelineRepository(open_database())


class TestSqliteDealRepository(DealRepositoryContract):
    def make_repository(self) -> DealRepository:
        return SqliteDealRepository(open_database())


class TestSqliteStageLog(StageLogContract):
    def make_repository(self) -> StageLog:
        return SqliteStageLog(open_database())


TestSqlitePipelineComparison = pipeline_repository_comparison(
    lambda: SqlitePipelineRepository(open_database()), settings=QUICK
).TestCase
TestSqliteDealComparison = deal_repository_comparison(
    lambda: SqliteDealRepository(open_database()), settings=QUICK
).TestCase
TestSqliteStageLogComparison = stage_log_comparison(
    lambda: SqliteStageLog(open_database()), settings=QUICK
).TestCase


def test_the_docstring_examples_hold() -> None:
    results = doctest.testmod(crmcore_sqlite.deals)
    assert (results.failed, results.attempted > 0) == (0, True)
