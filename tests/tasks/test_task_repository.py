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
