"""The tasks area's repositories over SQL.

The records a task or project links to go to side tables (type and id in two columns, so
that no separator can make two references one), so that the tasks of a deal or a claim are
one indexed look-up; due moments and starts are instants, so bounds hold across offsets.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, Final

from sqlalchemy import ColumnElement, Table, exists

from crmcore.ids import EntityRef, ProjectId, UserId
from crmcore.sql import metadata as m
from crmcore.sql.versioned import SideRows, VersionedTable
from crmcore.tasks.kinds import TaskStatus
from crmcore.tasks.model import TASK, Task
from crmcore.tasks.projects import PROJECT, Project
from crmcore.validation import aware_datetime, instance_of, optional, raise_violations

__all__ = ["SqlProjectRepository", "SqlTaskRepository"]

_OPEN: Final = (TaskStatus.OPEN.value, TaskStatus.IN_PROGRESS.value)


def _link_rows(owner: str, entity_id: str, links: tuple[EntityRef, ...]) -> list[dict[str, str]]:
    return [
        {"entity_type": ref.entity_type, "entity_id": ref.entity_id, owner: entity_id}
        for ref in links
    ]


def _linked(table: Table, links: Table, owner: str, ref: EntityRef) -> ColumnElement[bool]:
    """Whether the row of ``table`` links to ``ref`` through its side table ``links``."""
    c = links.c
    return exists().where(
        c[owner] == table.c.id, c.entity_type == ref.entity_type, c.entity_id == ref.entity_id
    )


class SqlTaskRepository(VersionedTable[Task]):
    """Tasks in SQL: a :class:`~crmcore.tasks.TaskRepository`."""

    table = m.tasks
    entity_type = TASK
    model = Task
    side_tables = (m.task_links,)
    owner = "task_id"

    def columns(self, entity: Task) -> dict[str, object]:
        """Assignee, status, project and due moment."""
        return {
            "assignee": entity.assignee,
            "status": entity.status.value,
            "project_id": entity.project_id,
            "due_at": entity.due,
        }

    def side_rows(self, entity: Task) -> SideRows:
        """One row a linked record."""
        return {m.task_links: _link_rows(self.owner, entity.id, entity.links)}

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
        c = self.table.c
        equal: tuple[tuple[Any, object], ...] = (
            (c.assignee, assignee),
            (c.status, None if status is None else status.value),
            (c.project_id, project_id),
        )
        conditions = [column == value for column, value in equal if value is not None]
        if open_only:
            conditions.append(c.status.in_(_OPEN))
        if linked is not None:
            conditions.append(_linked(self.table, m.task_links, self.owner, linked))
        if due_before is not None:
            conditions.append(c.due_at < due_before)
        return self.select(*conditions, order_by=(c.due_at.is_(None), c.due_at, c.id))


class SqlProjectRepository(VersionedTable[Project]):
    """Projects in SQL: a :class:`~crmcore.tasks.ProjectRepository`."""

    table = m.projects
    entity_type = PROJECT
    model = Project
    side_tables = (m.project_links,)
    owner = "project_id"

    def columns(self, entity: Project) -> dict[str, object]:
        """Manager and start."""
        return {"manager": entity.manager, "started_at": entity.started_at}

    def side_rows(self, entity: Project) -> SideRows:
        """One row a linked record."""
        return {m.project_links: _link_rows(self.owner, entity.id, entity.links)}

    def find(
        self, *, manager: UserId | None = None, linked: EntityRef | None = None
    ) -> list[Project]:
        """Projects matching every filter given, ordered by start, then id."""
        raise_violations(optional(instance_of(EntityRef))("linked", linked))
        c = self.table.c
        conditions = [] if manager is None else [c.manager == manager]
        if linked is not None:
            conditions.append(_linked(self.table, m.project_links, self.owner, linked))
        return self.select(*conditions, order_by=(c.started_at, c.id))


if TYPE_CHECKING:
    from crmcore.tasks.repository import ProjectRepository, TaskRepository

    def _conforms(
        tasks: SqlTaskRepository, projects: SqlProjectRepository
    ) -> tuple[TaskRepository, ProjectRepository]:
        return tasks, projects
