"""The SQLite host example's interactions repository passes the contract and behaves as the
reference under random operations."""

from __future__ import annotations

import doctest
from collections.abc import Iterator

import pytest
from hypothesis import settings

import crmcore_sqlite.interactions
from crmcore.interactions import InteractionRepository
from crmcore.serialization import make_converter
from crmcore.testing.contracts import InteractionRepositoryContract
from crmcore.testing.stateful import interaction_repository_comparison
from crmcore_sqlite import Database
from crmcore_sqlite.interactions import SqliteInteractionRepository

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


class TestSqliteInteractionRepository(InteractionRepositoryContract):
    def make_repository(self) -> InteractionRepository:
        return SqliteInteractionRepository(open_database())


TestSqliteInteractionComparison = interaction_repository_comparison(
    lambda: SqliteInteractionRepository(open_database()),
    settings=settings(max_examples=50, stateful_step_count=25, database=None),
).TestCase


def test_the_docstring_example_holds() -> None:
    assert doctest.testmod(crmcore_sqlite.interactions).failed == 0
