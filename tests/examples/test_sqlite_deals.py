"""The SQLite host example's deals repositories pass the contracts and behave as the
reference under random operations."""

from __future__ import annotations

import doctest

from hypothesis import settings
from sqlite_wiring import sqlite_suites

import crmcore_sqlite.deals
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
from crmcore_sqlite.deals import SqliteDealRepository, SqlitePipelineRepository, SqliteStageLog

QUICK = settings(max_examples=20, stateful_step_count=15, database=None, deadline=None)

TestSqlitePipelineRepository, TestSqlitePipelineComparison = sqlite_suites(
    SqlitePipelineRepository,
    PipelineRepositoryContract,
    pipeline_repository_comparison,
    settings=QUICK,
)
TestSqliteDealRepository, TestSqliteDealComparison = sqlite_suites(
    SqliteDealRepository, DealRepositoryContract, deal_repository_comparison, settings=QUICK
)
TestSqliteStageLog, TestSqliteStageLogComparison = sqlite_suites(
    SqliteStageLog, StageLogContract, stage_log_comparison, settings=QUICK
)


def test_the_docstring_examples_hold() -> None:
    results = doctest.testmod(crmcore_sqlite.deals)
    assert (results.failed, results.attempted > 0) == (0, True)
