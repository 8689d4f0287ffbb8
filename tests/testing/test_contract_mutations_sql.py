"""Mutation tests of the contract kit on a live server: for each kind of bug of
``test_contract_mutations.py``, the shipped SQL store on PostgreSQL made faulty on purpose, and
the same contract test that must fail it.

Where the bug lives in the database, so does the fault: moments in a ``text`` or a
``timestamp without time zone`` column, ids ordered by an ICU collation, names folded by
``lower()`` under the ``"C"`` collation, a negative ``LIMIT`` handed to the server. The others
differ from the shipped repository in one Python method. The shipped repositories pass every
one of these tests (tests/sql/test_sql_contracts.py runs them on PostgreSQL too).

The tests run when ``CRMCORE_TEST_POSTGRES_URL`` names a PostgreSQL database (CI sets it); the
database's tables are dropped and migrated again first.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any, ClassVar, Final

import attrs
import pytest
from hypothesis import settings
from sqlalchemy import Column, ColumnElement, DateTime, MetaData, Table, Text, func, select, text
from test_contract_mutations import MUTANTS as MEMORY_MUTANTS

from crmcore.claims import Claim
from crmcore.deals import Deal, StageChange
from crmcore.errors import DuplicateEntityError
from crmcore.ids import PartnerId, PipelineId
from crmcore.interactions import Interaction
from crmcore.money import Money
from crmcore.partners import Partner
from crmcore.requests import Request
from crmcore.sql import (
    Database,
    SqlClaimRepository,
    SqlDealRepository,
    SqlInteractionRepository,
    SqlPartnerRepository,
    SqlRequestRepository,
    SqlStageLog,
    SqlStore,
    StorageError,
)
from crmcore.sql import metadata as m
from crmcore.sql.versioned import SideRows
from crmcore.testing.contracts import (
    ClaimRepositoryContract,
    DealRepositoryContract,
    InteractionRepositoryContract,
    PartnerRepositoryContract,
    RequestRepositoryContract,
    StageLogContract,
)
from crmcore.testing.live import LIVE, empty_tables
from crmcore.testing.stateful import request_repository_comparison, stage_log_comparison
from crmcore.visibility import AccessScope

POSTGRES_URL_VARIABLE: Final = "CRMCORE_TEST_POSTGRES_URL"
COLLATIONS: Final = ("und-x-icu", "en-x-icu", "en_US.utf8", "en_US.UTF-8")
"""Collations a server may have that do not order by code point (the ICU root collation
gives ``a-1``, ``a1``, ``A1``, ``B``, where code points give ``A1``, ``B``, ``a-1``, ``a1``);
the first one the server has is used."""


class _Server:
    """The test database, migrated once and emptied for each repository."""

    store: ClassVar[SqlStore | None] = None
    collation: ClassVar[str] = COLLATIONS[0]

    @classmethod
    def database(cls) -> Database:
        if cls.store is None:
            raise RuntimeError("the PostgreSQL fixture is not active")
        database = cls.store.database
        with database.begin("empty the test database", write=True) as connection:
            empty_tables(connection.exec_driver_sql, [t.name for t in m.metadata.sorted_tables])
        return database

    @classmethod
    def execute(cls, *statements: str) -> None:
        assert cls.store is not None
        with cls.store.database.begin("change the test schema", write=True) as connection:
            for statement in statements:
                connection.execute(text(statement))


@pytest.fixture(scope="module", autouse=True)
def _postgres() -> Iterator[None]:
    url = os.environ.get(POSTGRES_URL_VARIABLE)
    if not url:
        message = f"{POSTGRES_URL_VARIABLE} is not set: no PostgreSQL server to test on"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    store = SqlStore.from_url(url)
    with store.database.begin("reset the test database", write=True) as connection:
        m.metadata.drop_all(connection)
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    store.upgrade()
    with store.database.begin("find a collation") as connection:
        names = connection.execute(text("SELECT collname FROM pg_collation")).scalars().all()
    _Server.collation = next((name for name in COLLATIONS if name in names), "")
    _Server.store = store
    try:
        yield
    finally:
        _Server.store = None
        store.close()


def _retyped(table: Table, **types: Any) -> Table:
    """``table`` as a faulty adapter declares it: the named columns of other types."""
    columns = [
        Column(c.name, types.get(c.name, c.type), primary_key=c.primary_key) for c in table.c
    ]
    return Table(table.name, MetaData(), *columns)


_TEXT_LOG: Final = _retyped(m.stage_log, at=Text())
_WALL_CLOCK_REQUESTS: Final = _retyped(m.requests, received_at=DateTime(timezone=False))


class LocalOffsetTextStageLog(SqlStageLog):
    """Keeps each moment in a ``text`` column as ISO text with its local offset, and compares
    and orders the texts: 10:00+03:00 sorts after 08:00Z, though it is 07:00Z."""

    schema = ("ALTER TABLE stage_log ALTER COLUMN at TYPE text",)
    restore = ("ALTER TABLE stage_log ALTER COLUMN at TYPE timestamptz USING at::timestamptz",)

    def append(self, change: StageChange) -> None:
        row = {
            "deal_id": change.deal_id, "version": change.version,
            "pipeline_id": change.pipeline_id, "at": change.at.isoformat(),
            "body": self._db.dump(change),
        }  # fmt: skip
        with self._db.begin("append to the stage log", write=True) as connection:
            if not self._db.insert_new(connection, _TEXT_LOG, row):
                key = f"{change.deal_id}@{change.version}"
                raise DuplicateEntityError("stage_change", key, key="version")

    def between(
        self,
        start: datetime,
        end: datetime,
        *,
        pipeline_id: PipelineId | None = None,
        scope: AccessScope | None = None,
    ) -> Iterator[StageChange]:
        c = _TEXT_LOG.c
        return self._texts(start, end, pipeline_id, order_by=(c.at, c.deal_id, c.version))

    def by_deal(
        self,
        start: datetime,
        end: datetime,
        *,
        pipeline_id: PipelineId | None = None,
        scope: AccessScope | None = None,
    ) -> Iterator[StageChange]:
        c = _TEXT_LOG.c
        return self._texts(start, end, pipeline_id, order_by=(c.deal_id, c.version))

    def _texts(
        self,
        start: datetime,
        end: datetime,
        pipeline_id: PipelineId | None,
        *,
        order_by: tuple[Any, ...],
    ) -> Iterator[StageChange]:
        c = _TEXT_LOG.c
        conditions = [c.at >= start.isoformat(), c.at < end.isoformat()]
        if pipeline_id is not None:
            conditions.append(c.pipeline_id == pipeline_id)
        query = select(c.body).where(*conditions).order_by(*order_by)
        with self._db.begin("read the stage log") as connection:
            bodies = connection.execute(query).scalars().all()
        return iter([self._db.load(body, StageChange) for body in bodies])


class WallClockRequests(SqlRequestRepository):
    """Keeps the time received in a ``timestamp without time zone`` column, dropping the
    offset: filters and order compare wall clocks."""

    table = _WALL_CLOCK_REQUESTS
    schema = ("ALTER TABLE requests ALTER COLUMN received_at TYPE timestamp without time zone",)
    restore = (
        "ALTER TABLE requests ALTER COLUMN received_at TYPE timestamptz"
        " USING received_at AT TIME ZONE 'UTC'",
    )

    def columns(self, entity: Request) -> dict[str, object]:
        wall = entity.received_at.replace(tzinfo=None)
        return {**super().columns(entity), "received_at": wall}

    def find(self, **filters: Any) -> list[Request]:
        start, end = filters.pop("received_from", None), filters.pop("received_to", None)
        c = self.table.c
        conditions = [c.id.in_([r.id for r in super().find(**filters)])]
        if start is not None:
            conditions.append(c.received_at >= start.replace(tzinfo=None))
        if end is not None:
            conditions.append(c.received_at < end.replace(tzinfo=None))
        return self.select(*conditions, order_by=(c.received_at, c.id))


class NaiveMomentsStageLog(SqlStageLog):
    """Takes a naive moment for UTC instead of refusing it."""

    def _made(
        self,
        start: datetime,
        end: datetime,
        pipeline_id: PipelineId | None,
        *,
        scope: AccessScope | None = None,
        order_by: tuple[Any, ...],
    ) -> Iterator[StageChange]:
        start, end = (m if m.tzinfo else m.replace(tzinfo=UTC) for m in (start, end))
        return super()._made(start, end, pipeline_id, scope=scope, order_by=order_by)


class CollatedDeals(SqlDealRepository):
    """Orders ids by a linguistic collation, as a column without ``COLLATE "C"`` would."""

    def select(
        self,
        *conditions: ColumnElement[bool],
        order_by: Sequence[Any] = (),
        limit: int | None = None,
    ) -> list[Deal]:
        if not _Server.collation:
            pytest.skip(f"the server has none of the collations {COLLATIONS}")
        collated = order_by or (self.table.c.id.collate(_Server.collation),)
        return super().select(*conditions, order_by=collated, limit=limit)


class OneCurrencyDeals(SqlDealRepository):
    """Stores an amount's number only and reads it back in the house currency."""

    def add(self, deal: Deal) -> None:
        if deal.amount is not None:
            deal = attrs.evolve(deal, amount=Money.of(deal.amount.amount, "RUB"))
        super().add(deal)


class AsciiNamePartners(SqlPartnerRepository):
    """Stores names as ASCII, replacing every other letter."""

    def add(self, partner: Partner) -> None:
        name = partner.short_name.encode("ascii", "replace").decode("ascii")
        super().add(attrs.evolve(partner, short_name=name))


class AsciiFoldingPartners(SqlPartnerRepository):
    """Stores names as given and folds them with the server's ``lower()`` of a ``"C"``
    column, which folds ASCII letters only."""

    def columns(self, entity: Partner) -> dict[str, object]:
        return {**super().columns(entity), "short_name_key": entity.short_name}

    def side_rows(self, entity: Partner) -> SideRows:
        names = {name for name in (entity.short_name, entity.full_name) if name}
        rows = [{"name_key": name, "partner_id": entity.id} for name in names]
        return {**super().side_rows(entity), m.partner_names: rows}

    def find_by_name_prefix(self, prefix: str, *, limit: int = 50) -> list[Partner]:
        names = m.partner_names.c
        folded = func.lower(names.name_key)
        keys = select(names.partner_id).where(
            func.substr(folded, 1, len(prefix)) == func.lower(prefix)
        )
        c = self.table.c
        return self.select(
            c.id.in_(keys), order_by=(func.lower(c.short_name_key), c.id), limit=limit
        )


class NoVersionBumpClaims(SqlClaimRepository):
    """Lets a save through without a version bump (and then stores nothing)."""

    def save(self, claim: Claim, *, expected_version: int) -> None:
        if claim.version > expected_version:
            super().save(claim, expected_version=expected_version)


class NoLimitCheckInteractions(SqlInteractionRepository):
    """Hands ``limit`` to the server's ``LIMIT`` unchecked, which refuses a negative one with
    a database error instead of a :class:`~crmcore.errors.DomainValidationError`."""

    def history(self, partner_id: PartnerId, *, limit: int | None = None) -> list[Interaction]:
        c = self.table.c
        return self.select(
            c.partner_id == partner_id, order_by=(c.start_at.desc(), c.id), limit=limit
        )


class KeylessErrorsStageLog(SqlStageLog):
    """Reports a taken version as a duplicate of the deal, without the entry's id or key."""

    def append(self, change: StageChange) -> None:
        if any(c.version == change.version for c in self.of_deal(change.deal_id)):
            raise DuplicateEntityError("deal", change.deal_id)
        super().append(change)


def _suite(contract: type[Any], repository: Callable[[Database], object]) -> type[Any]:
    def make_repository(self: object) -> object:
        return repository(_Server.database())

    return type(f"Faulty{contract.__name__}", (contract,), {"make_repository": make_repository})


DATABASE_ERROR: Final = (StorageError,)
"""What a fault the server refuses ends in: a store error, not the typed one the test wants."""

MUTANTS: Final[dict[str, tuple[type[Any], type[Any], str]]] = {
    "moments stored as local-offset text": (
        StageLogContract, LocalOffsetTextStageLog,
        "test_ranges_compare_moments_written_in_any_zone_as_instants",
    ),
    "moments compared by wall clock": (
        RequestRepositoryContract, WallClockRequests,
        "test_windows_compare_moments_written_in_any_zone_as_instants",
    ),
    "naive moments taken for UTC": (
        StageLogContract, NaiveMomentsStageLog, "test_ranges_refuse_naive_moments_naming_each",
    ),
    "ids ordered by a collation": (
        DealRepositoryContract, CollatedDeals,
        "test_ids_are_ordered_by_code_point_not_by_a_collation",
    ),
    "one currency": (
        DealRepositoryContract, OneCurrencyDeals,
        "test_amounts_keep_their_currency_and_minor_digits",
    ),
    "ASCII-only names": (
        PartnerRepositoryContract, AsciiNamePartners, "test_get_returns_an_equal_partner",
    ),
    "ASCII-only case folding": (
        PartnerRepositoryContract, AsciiFoldingPartners,
        "test_find_by_name_prefix_ignores_case_and_searches_full_names",
    ),
    "no version bump check": (
        ClaimRepositoryContract, NoVersionBumpClaims,
        "test_save_without_a_version_bump_is_rejected",
    ),
    "no limit check": (
        InteractionRepositoryContract, NoLimitCheckInteractions,
        "test_history_is_newest_first_and_limited",
    ),
    "errors without the entry's id and key": (
        StageLogContract, KeylessErrorsStageLog,
        "test_append_of_a_taken_version_raises_and_keeps_the_first",
    ),
}  # fmt: skip


@pytest.fixture
def schema_of() -> Iterator[Callable[[object], None]]:
    """Apply a faulty repository's schema change; undo it after the test."""
    undo: list[str] = []

    def apply(repository: object) -> None:
        _Server.execute(*getattr(repository, "schema", ()))
        undo.extend(getattr(repository, "restore", ()))

    yield apply
    if undo:
        _Server.database()  # emptied, so that the columns change back without casting rows
        _Server.execute(*undo)


@pytest.mark.parametrize("bug", sorted(MUTANTS))
def test_the_contracts_fail_the_sql_store_with_the_bug(
    bug: str, schema_of: Callable[[object], None]
) -> None:
    contract, repository, name = MUTANTS[bug]
    schema_of(repository)
    test: Callable[[], None] = getattr(_suite(contract, repository)(), name)
    with pytest.raises((AssertionError, pytest.fail.Exception, *DATABASE_ERROR)):
        test()


def test_the_bugs_are_those_of_the_memory_mutants() -> None:
    assert set(MUTANTS) == set(MEMORY_MUTANTS)
    for bug, (_, _, name) in MUTANTS.items():
        assert MEMORY_MUTANTS[bug][1] == name, bug


def test_the_shipped_store_passes_the_same_contract_tests() -> None:
    for contract, repository, name in MUTANTS.values():
        shipped = next(
            base for base in repository.__mro__ if base.__module__.startswith("crmcore.")
        )
        getattr(_suite(contract, shipped)(), name)()


def test_the_stateful_comparison_fails_a_log_of_local_offset_text(
    schema_of: Callable[[object], None],
) -> None:
    schema_of(LocalOffsetTextStageLog)
    quick = settings(LIVE, max_examples=60, database=None, derandomize=True)
    comparison = stage_log_comparison(
        lambda: LocalOffsetTextStageLog(_Server.database()), settings=quick
    )
    with pytest.raises(AssertionError):
        comparison.TestCase("runTest").runTest()


def test_the_stateful_comparison_fails_requests_compared_by_wall_clock(
    schema_of: Callable[[object], None],
) -> None:
    schema_of(WallClockRequests)
    quick = settings(LIVE, max_examples=100, database=None, derandomize=True)
    comparison = request_repository_comparison(
        lambda: WallClockRequests(_Server.database()), settings=quick
    )
    with pytest.raises(AssertionError):
        comparison.TestCase("runTest").runTest()
