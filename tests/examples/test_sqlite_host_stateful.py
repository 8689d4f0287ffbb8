"""The SQLite host example behaves as the reference repositories under random operations."""

from __future__ import annotations

from hypothesis import settings
from sqlite_wiring import open_database

from crmcore.testing.stateful import (
    contact_person_repository_comparison,
    partner_repository_comparison,
    relationship_repository_comparison,
)
from crmcore_sqlite import (
    SqliteContactPersonRepository,
    SqlitePartnerRepository,
    SqliteRelationshipRepository,
)

THOROUGH = settings(max_examples=100, stateful_step_count=30, database=None)

TestSqlitePartnerComparison = partner_repository_comparison(
    lambda: SqlitePartnerRepository(open_database()), settings=THOROUGH
).TestCase
TestSqliteContactPersonComparison = contact_person_repository_comparison(
    lambda: SqliteContactPersonRepository(open_database()), settings=THOROUGH
).TestCase
TestSqliteRelationshipComparison = relationship_repository_comparison(
    lambda: SqliteRelationshipRepository(open_database()), settings=THOROUGH
).TestCase
