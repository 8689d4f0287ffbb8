"""What the contract suites share: sample codes, moments and ids, a thread runner, capability
flags, and the get, add and save tests of every repository of versioned entities.

The samples are drawn wide on purpose: moments written in many zones and offsets and on
either side of clock changes (so that a store comparing local text or wall-clock time fails),
ids whose code-point order differs from every case-insensitive or locale collation, names
outside ASCII, and amounts in currencies with 0, 2 and 3 minor digits.
"""

from __future__ import annotations

import threading
from abc import abstractmethod
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar, Final, Generic, Protocol, TypeVar, cast
from zoneinfo import ZoneInfo

import pytest
from attrs import evolve

from crmcore.errors import (
    ConcurrencyConflictError,
    DomainValidationError,
    DuplicateEntityError,
    EntityNotFoundError,
)
from crmcore.repository_checks import instant
from crmcore.testing._zones import ZONES, in_zone

__all__ = [
    "CODE_POINT_IDS",
    "CREATED_AT",
    "CURRENCIES",
    "INN_A",
    "INN_B",
    "INN_C",
    "KPP_A",
    "KPP_B",
    "MOMENTS_IN_ZONES",
    "PHONE_A",
    "PHONE_B",
    "PHONE_C",
    "ZONES",
    "Contract",
    "VersionedRepositoryContract",
    "in_zone",
    "instant",
    "run_in_threads",
    "windows_in_zones",
    "within",
]

CREATED_AT: Final = datetime(2026, 1, 15, 9, 30, tzinfo=UTC)
INN_A: Final = "7707083893"
INN_B: Final = "7736050003"
INN_C: Final = "7702070139"
KPP_A: Final = "770701001"
KPP_B: Final = "773601001"
PHONE_A: Final = "+74951234567"
PHONE_B: Final = "+74232123456"
PHONE_C: Final = "+79161234567"


def _moments_in_zones() -> tuple[datetime, ...]:
    minutes = [0, 20, 40, 60, 80, 100, 120, 140, 160, 180]
    around = [CREATED_AT + timedelta(minutes=m) for m in minutes]
    # Berlin skips 02:00-03:00 local on 29 March 2026 (01:00Z); New York repeats 01:00-02:00
    # local on 1 November 2026 (05:00Z-06:00Z), so 01:30 EDT is before 01:10 EST.
    spring = [datetime(2026, 3, 29, 0, 30, tzinfo=UTC), datetime(2026, 3, 29, 1, 30, tzinfo=UTC)]
    autumn = [datetime(2026, 11, 1, 5, 30, tzinfo=UTC), datetime(2026, 11, 1, 6, 10, tzinfo=UTC)]
    written = [in_zone(moment, number) for number, moment in enumerate(around)]
    written += [m.astimezone(ZoneInfo("Europe/Berlin")) for m in spring]
    written += [m.astimezone(ZoneInfo("America/New_York")) for m in autumn]
    return tuple(written)


MOMENTS_IN_ZONES: Final = _moments_in_zones()
"""Moments ordered as instants, each written in another zone, so that neither their local
texts nor their wall-clock times are in that order: ten 20 minutes apart from
:data:`CREATED_AT`, two on either side of a skipped hour and two in a repeated one."""


def within(moment: datetime, start: datetime, end: datetime) -> bool:
    """Whether ``moment`` is in ``[start, end)``, compared as instants."""
    return instant(start) <= instant(moment) < instant(end)


def windows_in_zones() -> list[tuple[datetime, datetime]]:
    """Half-open ``[start, end)`` windows over :data:`MOMENTS_IN_ZONES`, their bounds written in
    other zones than the moments, some on a moment and some between two."""
    # Added in UTC: arithmetic in a zone is wall-clock arithmetic, which leaves a repeated hour.
    moments = [instant(moment) for moment in MOMENTS_IN_ZONES]
    between = timedelta(minutes=10)
    return [
        (in_zone(moments[1], 3), in_zone(moments[4], 5)),
        (in_zone(moments[0] + between, 4), in_zone(moments[6], 0)),
        (in_zone(moments[5], 9), in_zone(moments[9] + between, 1)),
        (in_zone(moments[10], 0), in_zone(moments[11], 4)),
        (in_zone(moments[12], 3), in_zone(moments[13], 1)),
        (in_zone(moments[13], 2), in_zone(moments[13] + between, 4)),
        (in_zone(moments[0], 6), in_zone(moments[-1] + between, 7)),
    ]


CODE_POINT_IDS: Final = tuple(
    sorted(["b-1", "B-2", "a_1", "a-1", "a.1", "a1", "a:1", "a@1", "A1", "Z9", "aa", "9z", "a"])
)
"""Valid ids in code-point order ("ordered by id"), which no case-insensitive, accent- or
punctuation-ignoring collation (PostgreSQL's or MySQL's defaults) keeps."""

CURRENCIES: Final = ("RUB", "JPY", "KWD", "USD", "EUR", "CNY")
"""Currencies of 2, 0 and 3 minor digits, so that a store keeping one currency fails."""


def run_in_threads(worker: Callable[[int], None], *, count: int) -> None:
    """Run ``worker(i)`` in ``count`` threads started together; re-raise the first error."""
    barrier = threading.Barrier(count)
    errors: list[BaseException] = []

    def run(number: int) -> None:
        try:
            barrier.wait()
            worker(number)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=run, args=(number,)) for number in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]


class Contract:
    """What every contract shares: capability flags and the marker."""

    pytestmark: ClassVar[list[pytest.MarkDecorator]] = [pytest.mark.crmcore_contract]

    supports_concurrent_access: ClassVar[bool] = True
    """Whether one repository object may be used from several threads at once."""

    thread_count: ClassVar[int] = 8
    """How many threads the concurrency tests start."""

    def require_concurrency(self) -> None:
        """Skip the calling test if the backend cannot be shared between threads."""
        if not self.supports_concurrent_access:
            pytest.skip("the repository does not support concurrent access")


class _Versioned(Protocol):
    @property
    def id(self) -> str: ...

    @property
    def version(self) -> int: ...


E = TypeVar("E", bound=_Versioned)


def _at_version(entity: E, version: int) -> E:
    """``entity`` (a frozen attrs model) at ``version``."""
    changed: E = evolve(cast(Any, entity), version=version)
    return changed


class VersionedRepositoryContract(Contract, Generic[E]):
    """The ``get``, ``add`` and ``save`` behaviour every repository of versioned entities shows.

    An area's contract supplies an entity, the same entity with every indexed key moved, and
    the queries that see those keys; the tests here check that a failed call changes nothing
    and that a save moves every index.
    """

    entity_type: ClassVar[str]
    """The ``entity_type`` the repository's errors name."""

    @abstractmethod
    def make_repository(self) -> Any:
        """A new, empty repository."""

    @abstractmethod
    def make_entity(self) -> E:
        """A valid entity at version 1."""

    @abstractmethod
    def moved(self, entity: E) -> E:
        """``entity`` at the same id and version with every key its indexes hold changed."""

    @abstractmethod
    def found_by_keys(self, repository: Any, entity: E) -> Sequence[list[E]]:
        """What each query of ``repository`` finds under ``entity``'s keys, a list a query."""

    def assert_found_only(self, repository: Any, entity: E, found: list[E]) -> None:
        """Every query under ``entity``'s keys finds exactly ``found``."""
        assert all(each == found for each in self.found_by_keys(repository, entity))

    def test_get_of_an_unknown_id_raises_not_found(self) -> None:
        with pytest.raises(EntityNotFoundError) as raised:
            self.make_repository().get("nowhere")
        assert (raised.value.entity_type, raised.value.entity_id) == (self.entity_type, "nowhere")

    def test_add_of_a_taken_id_raises_and_keeps_the_first(self) -> None:
        repository = self.make_repository()
        first = self.make_entity()
        repository.add(first)
        with pytest.raises(DuplicateEntityError):
            repository.add(self.moved(first))
        assert repository.get(first.id) == first
        self.assert_found_only(repository, self.moved(first), [])

    def test_save_moves_the_indexes_and_checks_the_version(self) -> None:
        repository = self.make_repository()
        entity = self.make_entity()
        repository.add(entity)
        moved = _at_version(self.moved(entity), entity.version + 1)
        repository.save(moved, expected_version=entity.version)
        self.assert_found_only(repository, entity, [])
        self.assert_found_only(repository, moved, [moved])
        stale = _at_version(entity, moved.version + 1)
        with pytest.raises(ConcurrencyConflictError) as raised:
            repository.save(stale, expected_version=entity.version)
        assert (raised.value.expected_version, raised.value.actual_version) == (
            entity.version,
            moved.version,
        )
        assert repository.get(entity.id) == moved
        self.assert_found_only(repository, entity, [])

    def test_save_without_a_version_bump_is_rejected(self) -> None:
        repository = self.make_repository()
        entity = self.make_entity()
        repository.add(entity)
        with pytest.raises(DomainValidationError) as raised:
            repository.save(self.moved(entity), expected_version=entity.version)
        assert raised.value.field == "version"
        assert repository.get(entity.id) == entity
        self.assert_found_only(repository, self.moved(entity), [])

    def save_of_an_entity_never_added_raises_not_found(self) -> None:
        """A save of an unknown id; each area runs it under its own test name."""
        entity = self.make_entity()
        repository = self.make_repository()
        with pytest.raises(EntityNotFoundError):
            repository.save(_at_version(entity, 2), expected_version=1)
        with pytest.raises(EntityNotFoundError):
            repository.get(entity.id)

    def test_concurrent_saves_of_one_version_keep_one(self) -> None:
        self.require_concurrency()
        repository = self.make_repository()
        entity = self.make_entity()
        repository.add(entity)
        saved: list[int] = []

        def worker(number: int) -> None:
            # Each writer bumps to its own version, so the stored one names the winner.
            changed = _at_version(entity, entity.version + 1 + number)
            try:
                repository.save(changed, expected_version=entity.version)
            except ConcurrencyConflictError:
                return
            saved.append(number)

        run_in_threads(worker, count=self.thread_count)
        assert len(saved) == 1
        assert repository.get(entity.id).version == entity.version + 1 + saved[0]
