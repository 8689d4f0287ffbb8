"""The storage protocols of the tasks area, implemented by the host.

The conventions of :mod:`crmcore.partners.repository` hold: ``get`` raises
``EntityNotFoundError``, ``add`` ``DuplicateEntityError``, ``save`` checks
``expected_version`` (``ConcurrencyConflictError``); a failing call changes nothing; queries
return lists in a documented order and compare moments as instants. Every implementation
must pass :class:`crmcore.testing.contracts.TaskRepositoryContract` and
:class:`crmcore.testing.contracts.ProjectRepositoryContract`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from crmcore.ids import EntityRef, ProjectId, TaskId, UserId
from crmcore.tasks.kinds import TaskStatus
from crmcore.tasks.model import Task
from crmcore.tasks.projects import Project

__all__ = ["ProjectRepository", "TaskRepository"]


class TaskRepository(Protocol):
    """Where the host keeps tasks."""

    def get(self, task_id: TaskId) -> Task:
        """The task with this id."""
        ...

    def add(self, task: Task) -> None:
        """Store a new task."""
        ...

    def save(self, task: Task, *, expected_version: int) -> None:
        """Store a changed task if the stored one is at ``expected_version``."""
        ...

    def find(
        self,
        *,
        assignee: UserId | None = None,
        status: TaskStatus | None = None,
        open_only: bool = False,
        linked: EntityRef | None = None,
        project_id: ProjectId | None = None,
        due_before: datetime | None = None,
    ) -> list[Task]:
        """Tasks matching every filter given: ``assignee``, ``status``, only open or in
        progress ones (``open_only``), linked to the record ``linked``, of ``project_id``, due
        before the instant ``due_before`` (tasks without a due moment are then left out);
        ordered by due moment as an instant (tasks without one last), then id."""
        ...


class ProjectRepository(Protocol):
    """Where the host keeps projects."""

    def get(self, project_id: ProjectId) -> Project:
        """The project with this id."""
        ...

    def add(self, project: Project) -> None:
        """Store a new project."""
        ...

    def save(self, project: Project, *, expected_version: int) -> None:
        """Store a changed project if the stored one is at ``expected_version``."""
        ...

    def find(
        self, *, manager: UserId | None = None, linked: EntityRef | None = None
    ) -> list[Project]:
        """Projects matching every filter given: ``manager``, linked to the record
        ``linked``; ordered by start as an instant, then id."""
        ...
