"""The SQLite host example behaves as the reference repositories under random operations."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import settings

from crmcore.serialization import make_converter
from crmcore.testing.stateful import (
    contact_person_repository_comparison,
    partner_repository_comparison,
    relationship_repository_comparison,
)
from crmcore_sqlite import (
    Database,
    SqliteContactPersonRepository,
    SqlitePartnerRepository,
    SqliteRelationshipRepository,
)

THOROUGH = settings(max_examples=100, stateful_step_count=30, database=None)
# Configuring a converter takes longer than a whole example; one serves every database.
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


TestSqlitePartnerComparison = partner_repository_comparison(
    lambda: SqlitePartnerRepository(open_database()), settings=THOROUGH
).TestCase
TestSqliteContactPersonComparison = contact_person_repository_comparison(
    lambda: SqliteContactPersonRepository(open_database()), settings=THOROUGH
).TestCase
TestSqliteRelationshipComparison = relationship_repository_comparison(
    lambda: SqliteRelationshipRepository(open_database()), settings=THOROUGH
).TestCase
