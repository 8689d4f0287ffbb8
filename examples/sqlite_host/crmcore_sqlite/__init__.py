"""A host application's storage for crmcore: the partners repositories over SQLite.

>>> from crmcore_sqlite import Database, SqlitePartnerRepository
>>> partners = SqlitePartnerRepository(Database(":memory:"))
>>> partners.count()
0
"""

from crmcore_sqlite.database import Database, StorageError
from crmcore_sqlite.repositories import (
    SqliteContactPersonRepository,
    SqlitePartnerRepository,
    SqliteRelationshipRepository,
)

__all__ = [
    "Database",
    "SqliteContactPersonRepository",
    "SqlitePartnerRepository",
    "SqliteRelationshipRepository",
    "StorageError",
]
