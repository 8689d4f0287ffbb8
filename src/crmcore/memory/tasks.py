"""The reference in-memory repositories of the tasks area.

Complete implementations of :mod:`crmcore.tasks.repository`: indexes by assignee, status,
linked record and project follow every ``add`` and ``save``; one re-entrant lock guards
every method; a failing call raises before it changes anything.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Final

from crmcore.ids import EntityRef, ProjectId, TaskId, UserId
from crmcore.memory._store import GuardedStore, KeyIndex
from crmcore.repository_checks import instant
from crmcore.tasks.kinds import TaskStatus
from crmcore.tasks.model import TASK, Task
from crmcore.tasks.projects import PROJECT, Project
from crmcore.validation import aware_datetime, instance_of, optional, raise_violations

__all__ = ["MemoryProjectRepository", "MemoryTaskRepository"]

_OPEN: Final = (TaskStatus.OPEN, TaskStatus.IN_PROGRESS)


def _order_by_due(tasks: list[Task]) -> list[Task]:
    """``tasks`` (ordered by id) ordered by due moment as an instant, those without one
    last; the sort is stable, so ties stay in id order."""
    dated = [(instant(task.due), task) for task in tasks if task.due is not None]
    dated.sort(key=lambda pair: pair[0])
    return [*(task for _, task in dated), *(task for task in tasks if task.due is None)]


class MemoryTaskRepository:
    """Tasks in memory: the reference :class:`~crmcore.tasks.TaskRepository`."""

    def __init__(self) -> None:
        self._by_assignee: KeyIndex[Task] = KeyIndex(lambda task: [task.assignee])
        self._by_status: KeyIndex[Task] = KeyIndex(lambda task: [task.status])
        self._by_link: KeyIndex[Task] = KeyIndex(lambda task: task.links)
        self._by_project: KeyIndex[Task] = KeyIndex(lambda task: [task.project_id])
        indexes = [self._by_assignee, self._by_status, self._by_link, self._by_project]
        self._store: GuardedStore[Task] = GuardedStore(TASK, indexes)

    def get(self, task_id: TaskId) -> Task:
        """The task with this id, else ``EntityNotFoundError``."""
        return self._store.get(task_id)

    def add(self, task: Task) -> None:
        """Store a new task, else ``DuplicateEntityError``."""
        self._store.add(task)

    def save(self, task: Task, *, expected_version: int) -> None:
        """Store a changed task if the stored one is at ``expected_version``."""
        self._store.save(task, expected_version=expected_version)

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
        """Tasks matching every filter given, ordered by due moment (those without one
        last), then id."""
        raise_violations(
            [
                *optional(aware_datetime)("due_before", due_before),
                *optional(instance_of(EntityRef))("linked", linked),
            ]
        )
        filters = (
            (self._by_assignee, assignee),
            (self._by_status, status),
            (self._by_link, linked),
            (self._by_project, project_id),
        )
        tasks = self._store.matching(filters)
        found = [
            task
            for task in tasks
            if (not open_only or task.status in _OPEN)
            and (
                due_before is None
                or (task.due is not None and instant(task.due) < instant(due_before))
            )
        ]
        return _order_by_due(found)


class MemoryProjectRepository:
    """Projects in memory: the reference :class:`~crmcore.tasks.ProjectRepository`."""

    def __init__(self) -> None:
        self._by_manager: KeyIndex[Project] = KeyIndex(lambda project: [project.manager])
        self._by_link: KeyIndex[Project] = KeyIndex(lambda project: project.links)
        indexes = [self._by_manager, self._by_link]
        self._store: GuardedStore[Project] = GuardedStore(PROJECT, indexes)

    def get(self, project_id: ProjectId) -> Project:
        """The project with this id, else ``EntityNotFoundError``."""
        return self._store.get(project_id)

    def add(self, project: Project) -> None:
        """Store a new project, else ``DuplicateEntityError``."""
        self._store.add(project)

    def save(self, project: Project, *, expected_version: int) -> None:
        """Store a changed project if the stored one is at ``expected_version``."""
        self._store.save(project, expected_version=expected_version)

    def find(
        self, *, manager: UserId | None = None, linked: EntityRef | None = None
    ) -> list[Project]:
        """Projects matching every filter given, ordered by start, then id."""
        raise_violations(optional(instance_of(EntityRef))("linked", linked))
        projects = self._store.matching(((self._by_manager, manager), (self._by_link, linked)))
        projects.sort(key=lambda project: instant(project.started_at))
        return projects


if TYPE_CHECKING:
    from crmcore.tasks.repository import ProjectRepository, TaskRepository

    def _conforms(
        tasks: MemoryTaskRepository, projects: MemoryProjectRepository
    ) -> tuple[TaskRepository, ProjectRepository]:
        return tasks, projects
