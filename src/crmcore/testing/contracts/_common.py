"""What the contract suites share: sample codes, a thread runner, capability flags, and the
get, add and save tests of every repository of versioned entities."""

from __future__ import annotations

import threading
from abc import abstractmethod
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any, ClassVar, Final, Generic, Protocol, TypeVar, cast

import pytest
from attrs import evolve

from crmcore.errors import (
    ConcurrencyConflictError,
    DomainValidationError,
    DuplicateEntityError,
    EntityNotFoundError,
)

__all__ = [
    "CREATED_AT",
    "INN_A",
    "INN_B",
    "INN_C",
    "KPP_A",
    "KPP_B",
    "PHONE_A",
    "PHONE_B",
    "PHONE_C",
    "Contract",
    "VersionedRepositoryContract",
    "run_in_threads",
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
