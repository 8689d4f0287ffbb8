"""The SQLite host example's claims repository passes the contract and behaves as the
reference under random operations."""

from __future__ import annotations

import doctest
from collections.abc import Iterator

import pytest
from hypothesis import settings

import crmcore_sqlite.claims
from crmcore.claims import ClaimRepository
from crmcore.serialization import make_converter
from crmcore.testing.contracts import ClaimRepositoryContract
from crmcore.testing.stateful import claim_repository_comparison
from crmcore_sqlite import Database
from crmcore_sqlite.claims import SqliteClaimRepository

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


class TestSqliteClaimRepository(ClaimRepositoryContract):
    def make_repository(self) -> ClaimRepository:
        return SqliteClaimRepository(open_database())


TestSqliteClaimComparison = claim_repository_comparison(
    lambda: SqliteClaimRepository(open_database()),
    settings=settings(max_examples=50, stateful_step_count=25, database=None),
).TestCase


def test_the_docstring_example_holds() -> None:
    assert doctest.testmod(crmcore_sqlite.claims).failed == 0
