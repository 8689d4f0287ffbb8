"""The SQLite host example passes every contract suite and behaves as a real database."""

from __future__ import annotations

import doctest
from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest

import crmcore_sqlite
from crmcore.errors import ConcurrencyConflictError, RepositoryError
from crmcore.ids import PartnerId
from crmcore.partners import ContactPersonRepository, PartnerRepository, RelationshipRepository
from crmcore.serialization import make_converter
from crmcore.testing.contracts import (
    ContactPersonRepositoryContract,
    PartnerRepositoryContract,
    RelationshipRepositoryContract,
)
from crmcore_sqlite import (
    Database,
    SqliteContactPersonRepository,
    SqlitePartnerRepository,
    SqliteRelationshipRepository,
    StorageError,
)

CONVERTER = make_converter()


class _Databases:
    """Opens a database per repository and closes them all after each test."""

    databases: list[Database]

    @pytest.fixture(autouse=True)
    def _close_databases(self) -> Iterator[None]:
        self.databases = []
        yield
        for database in self.databases:
            database.close()

    def open_database(self) -> Database:
        database = Database(":memory:", converter=CONVERTER)
        self.databases.append(database)
        return database


class TestSqlitePartnerRepository(_Databases, PartnerRepositoryContract):
    def make_repository(self) -> PartnerRepository:
        return SqlitePartnerRepository(self.open_database())


class TestSqliteContactPersonRepository(_Databases, ContactPersonRepositoryContract):
    def make_repository(self) -> ContactPersonRepository:
        return SqliteContactPersonRepository(self.open_database())


class TestSqliteRelationshipRepository(_Databases, RelationshipRepositoryContract):
    def make_repository(self) -> RelationshipRepository:
        return SqliteRelationshipRepository(self.open_database())


@pytest.fixture
def database_file(tmp_path: Path) -> Path:
    return tmp_path / "crm.sqlite"


def test_partners_outlive_the_connection(database_file: Path) -> None:
    partner = TestSqlitePartnerRepository().make_full_partner()
    first = Database(database_file)
    SqlitePartnerRepository(first).add(partner)
    first.close()
    second = Database(database_file)
    try:
        assert SqlitePartnerRepository(second).get(partner.id) == partner
    finally:
        second.close()


def test_two_connections_to_one_file_cannot_both_save_one_version(database_file: Path) -> None:
    sample = TestSqlitePartnerRepository()
    one, two = Database(database_file), Database(database_file)
    try:
        mine, theirs = SqlitePartnerRepository(one), SqlitePartnerRepository(two)
        mine.add(sample.make_partner("p-1"))
        read = theirs.get(PartnerId("p-1"))
        mine.save(sample.make_partner("p-1", segment="A", version=2), expected_version=1)
        with pytest.raises(ConcurrencyConflictError) as raised:
            theirs.save(attrs.evolve(read, segment="B", version=2), expected_version=1)
        assert raised.value.actual_version == 2
        assert theirs.get(PartnerId("p-1")).segment == "A"
    finally:
        one.close()
        two.close()


def test_sqlite_failures_become_repository_errors(tmp_path: Path) -> None:
    with pytest.raises(StorageError) as raised:
        Database(tmp_path / "missing" / "crm.sqlite")
    assert isinstance(raised.value, RepositoryError)
    assert raised.value.sqlite_error == "SQLITE_CANTOPEN"


def test_a_closed_database_raises_storage_error() -> None:
    database = Database(":memory:")
    database.close()
    with pytest.raises(StorageError, match="count partners"):
        SqlitePartnerRepository(database).count()


def test_the_examples_in_the_readme_and_docstrings_hold() -> None:
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    readme = Path(crmcore_sqlite.__file__).parents[1] / "README.md"
    in_readme = doctest.testfile(str(readme), module_relative=False, optionflags=flags)
    in_module = doctest.testmod(crmcore_sqlite, optionflags=flags)
    assert (in_readme.failed, in_module.failed) == (0, 0)
    assert in_readme.attempted > 5
    assert in_module.attempted > 0


def test_text_that_utf8_cannot_encode_is_a_storage_error_and_stores_nothing() -> None:
    sample = TestSqlitePartnerRepository()
    database = Database(":memory:")
    # Models refuse lone surrogates; one built past its checks (by foreign code, say) must
    # still fail as a typed storage error and leave nothing behind.
    partner = sample.make_partner("p-1")
    object.__setattr__(partner, "short_name", "Ромашка \ud800")
    try:
        partners = SqlitePartnerRepository(database)
        with pytest.raises(StorageError, match="add a partner"):
            partners.add(partner)
        assert partners.count() == 0
    finally:
        database.close()
