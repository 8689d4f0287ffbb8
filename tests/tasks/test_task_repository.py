"""The reference task and project repositories pass their contracts."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import Phase, settings

from crmcore.memory import MemoryProjectRepository, MemoryTaskRepository
from crmcore.tasks import ProjectRepository, Task, TaskRepository
from crmcore.testing.contracts import ProjectRepositoryContract, TaskRepositoryContract
from crmcore.testing.stateful import project_repository_comparison, task_repository_comparison


class TestMemoryTasks(TaskRepositoryContract):
    def make_repository(self) -> TaskRepository:
        return MemoryTaskRepository()


class TestMemoryProjects(ProjectRepositoryContract):
    def make_repository(self) -> ProjectRepository:
        return MemoryProjectRepository()


QUICK = settings(max_examples=25, stateful_step_count=20, database=None)

TestMemoryTaskComparison = task_repository_comparison(MemoryTaskRepository, settings=QUICK).TestCase
TestMemoryProjectComparison = project_repository_comparison(
    MemoryProjectRepository, settings=QUICK
).TestCase


class TasksOrderedByLocalText(MemoryTaskRepository):
    """A repository with a plausible bug: due moments ordered by their local text."""

    def find(self, **filters: Any) -> list[Task]:
        found = super().find(**filters)
        return sorted(found, key=lambda t: (t.due.isoformat() if t.due else "~", t.id))


def test_the_comparison_catches_a_repository_that_differs() -> None:
    machine = task_repository_comparison(
        TasksOrderedByLocalText,
        settings=settings(
            max_examples=500, stateful_step_count=20, database=None, phases=[Phase.generate]
        ),
    )
    with pytest.raises(AssertionError, match="reference gave"):
        machine.TestCase().runTest()


class WallClockTasks(MemoryTaskRepository):
    """Compares due moments by their wall clocks, as a ``timestamp without time zone`` does."""

    def find(self, **filters: Any) -> list[Task]:
        bound = filters.pop("due_before", None)
        found = super().find(**filters)
        if bound is None:
            return found
        wall = bound.replace(tzinfo=None)
        return [t for t in found if t.due is not None and t.due.replace(tzinfo=None) < wall]


class CollatedTasks(MemoryTaskRepository):
    """Breaks ties of one due moment by ids folded as a default collation does."""

    def find(self, **filters: Any) -> list[Task]:
        found = super().find(**filters)
        return sorted(found, key=lambda t: (t.due is None, t.due or 0, t.id.casefold()))


class IdOnlyLinks(MemoryTaskRepository):
    """Matches a linked record by its id alone, whatever kind of record it is."""

    def find(self, **filters: Any) -> list[Task]:
        linked = filters.pop("linked", None)
        found = super().find(**filters)
        if linked is None:
            return found
        return [t for t in found if any(ref.entity_id == linked.entity_id for ref in t.links)]


MUTANTS: dict[str, tuple[type[MemoryTaskRepository], str]] = {
    "wall clock": (WallClockTasks, "test_due_moments_written_in_any_zone_compare_as_instants"),
    "collation": (CollatedTasks, "test_tasks_due_at_one_instant_are_ordered_by_code_point_id"),
    "id-only links": (IdOnlyLinks, "test_find_filters_and_orders_by_due_moment_then_id"),
}


@pytest.mark.parametrize("bug", sorted(MUTANTS))
def test_the_task_contract_fails_a_repository_with_the_bug(bug: str) -> None:
    repository, test = MUTANTS[bug]

    class Suite(TaskRepositoryContract):
        def make_repository(self) -> TaskRepository:
            return repository()

    with pytest.raises(AssertionError):
        getattr(Suite(), test)()
    getattr(TestMemoryTasks(), test)()
