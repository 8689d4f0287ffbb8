"""The contract suites of the tasks area's repositories."""

from __future__ import annotations

from abc import ABC, abstractmethod
from datetime import timedelta
from typing import Any, ClassVar

import attrs
import pytest

from crmcore.errors import DomainValidationError
from crmcore.ids import EntityRef, ProjectId, TaskId, UserId
from crmcore.tasks.kinds import TaskPriority, TaskStatus
from crmcore.tasks.model import ChecklistItem, Task
from crmcore.tasks.projects import Project
from crmcore.tasks.repository import ProjectRepository, TaskRepository
from crmcore.testing.contracts._common import (
    CODE_POINT_IDS,
    CREATED_AT,
    MOMENTS_IN_ZONES,
    VersionedRepositoryContract,
    in_zone,
    instant,
)

__all__ = ["ProjectRepositoryContract", "TaskRepositoryContract"]

HOUR = timedelta(hours=1)
DEAL = EntityRef(entity_type="deal", entity_id="d-1")
CLAIM = EntityRef(entity_type="claim", entity_id="c-1")
# Another kind of record with the deal's id: a store must tell references apart by both.
SAME_ID = EntityRef(entity_type="request", entity_id="d-1")


def _task(task_id: str = "t-1", **changes: Any) -> Task:
    task = Task(
        id=TaskId(task_id),
        title="Отправить КП",
        assignee=UserId("anna"),
        created_at=CREATED_AT,
        changed_at=CREATED_AT,
        due=CREATED_AT + 8 * HOUR,
        links=(DEAL,),
        project_id=ProjectId("p-1"),
    )
    return attrs.evolve(task, **changes)


class TaskRepositoryContract(VersionedRepositoryContract[Task], ABC):
    """The behaviour every :class:`~crmcore.tasks.TaskRepository` must show."""

    entity_type: ClassVar[str] = "task"

    @abstractmethod
    def make_repository(self) -> TaskRepository:
        """A new, empty repository."""

    def make_task(self, task_id: str = "t-1", **changes: Any) -> Task:
        """A valid open task of ``anna`` about deal ``d-1`` in project ``p-1``."""
        return _task(task_id, **changes)

    def make_full_task(self) -> Task:
        """A done task with every field set, to check that nothing is lost in storage."""
        later = CREATED_AT + HOUR
        return self.make_task(
            "t-full",
            description="Со всеми условиями\nи ценами",
            co_executors=frozenset({UserId("boris"), UserId("vera")}),
            priority=TaskPriority.URGENT,
            status=TaskStatus.DONE,
            links=(DEAL, CLAIM, EntityRef(entity_type="partner", entity_id="p-9")),
            checklist=(
                ChecklistItem(
                    id="1", text="Цены", done=True, done_at=later, done_by=UserId("anna")
                ),
                ChecklistItem(id="2", text="Условия"),
            ),
            plan_step="offer",
            created_by=UserId("olga"),
            changed_at=later,
            finished_at=later,
            version=5,
        )

    def make_entity(self) -> Task:
        """The task of :meth:`make_task`."""
        return self.make_task()

    def moved(self, entity: Task) -> Task:
        """``entity`` in progress, of ``boris``, about claim ``c-1``, in project ``p-2``."""
        return attrs.evolve(
            entity,
            status=TaskStatus.IN_PROGRESS,
            assignee=UserId("boris"),
            links=(CLAIM,),
            project_id=ProjectId("p-2"),
        )

    def found_by_keys(self, repository: TaskRepository, entity: Task) -> list[list[Task]]:
        """The tasks found by ``entity``'s assignee, status, link and project."""
        return [
            repository.find(assignee=entity.assignee),
            repository.find(status=entity.status),
            repository.find(linked=entity.links[0]),
            repository.find(project_id=entity.project_id),
        ]

    test_save_of_a_task_never_added_raises_not_found = (
        VersionedRepositoryContract.save_of_an_entity_never_added_raises_not_found
    )

    def test_get_returns_an_equal_task_with_every_field(self) -> None:
        repository = self.make_repository()
        full = self.make_full_task()
        repository.add(full)
        repository.add(self.make_task())
        assert repository.get(full.id) == full
        assert repository.get(TaskId("t-1")) == self.make_task()

    def test_find_filters_and_orders_by_due_moment_then_id(self) -> None:
        repository = self.make_repository()
        done_at = CREATED_AT + HOUR
        tasks = [
            self.make_task("t-4", due=None),
            self.make_task("t-3", due=CREATED_AT + 2 * HOUR, links=(DEAL, CLAIM)),
            self.make_task(
                "t-2", due=CREATED_AT + HOUR, assignee=UserId("boris"), links=(SAME_ID,)
            ),
            self.make_task("t-1", due=CREATED_AT + HOUR, project_id=None),
            self.make_task("t-0", status=TaskStatus.DONE, finished_at=done_at, due=None),
            self.make_task("t-5", status=TaskStatus.IN_PROGRESS, due=CREATED_AT + 3 * HOUR),
        ]
        for task in tasks:
            repository.add(task)
        assert [t.id for t in repository.find()] == ["t-1", "t-2", "t-3", "t-5", "t-0", "t-4"]
        anna = repository.find(assignee=UserId("anna"))
        assert [t.id for t in anna] == ["t-1", "t-3", "t-5", "t-0", "t-4"]
        assert [t.id for t in repository.find(status=TaskStatus.DONE)] == ["t-0"]
        opened = repository.find(open_only=True)
        assert [t.id for t in opened] == ["t-1", "t-2", "t-3", "t-5", "t-4"]
        assert [t.id for t in repository.find(linked=CLAIM)] == ["t-3"]
        assert [t.id for t in repository.find(linked=DEAL)] == ["t-1", "t-3", "t-5", "t-0", "t-4"]
        assert [t.id for t in repository.find(linked=SAME_ID)] == ["t-2"]
        in_project = repository.find(project_id=ProjectId("p-1"))
        assert [t.id for t in in_project] == ["t-2", "t-3", "t-5", "t-0", "t-4"]
        due = repository.find(due_before=CREATED_AT + 2 * HOUR)
        assert [t.id for t in due] == ["t-1", "t-2"]
        mine = repository.find(assignee=UserId("anna"), open_only=True, due_before=CREATED_AT)
        assert mine == []
        both = repository.find(
            assignee=UserId("anna"), open_only=True, due_before=CREATED_AT + 3 * HOUR
        )
        assert [t.id for t in both] == ["t-1", "t-3"]

    def test_due_moments_written_in_any_zone_compare_as_instants(self) -> None:
        repository = self.make_repository()
        tasks = [
            self.make_task(f"t-{number:02d}", due=at) for number, at in enumerate(MOMENTS_IN_ZONES)
        ]
        for task in reversed(tasks):
            repository.add(task)
        assert [t.id for t in repository.find()] == [t.id for t in tasks]
        for bound in MOMENTS_IN_ZONES:
            found = repository.find(due_before=in_zone(bound, 5))
            expected = [t.id for t in tasks if instant(t.due) < instant(bound)]  # type: ignore[arg-type]
            assert [t.id for t in found] == expected, bound

    def test_tasks_due_at_one_instant_are_ordered_by_code_point_id(self) -> None:
        repository = self.make_repository()
        for number, task_id in enumerate(reversed(CODE_POINT_IDS)):
            repository.add(self.make_task(task_id, due=in_zone(CREATED_AT, number)))
        assert [t.id for t in repository.find()] == list(CODE_POINT_IDS)

    def test_a_naive_bound_or_a_bad_link_is_refused(self) -> None:
        repository = self.make_repository()
        with pytest.raises(DomainValidationError) as raised:
            repository.find(due_before=CREATED_AT.replace(tzinfo=None))
        assert raised.value.field == "due_before"
        with pytest.raises(DomainValidationError) as raised:
            repository.find(linked="deal:d-1")  # type: ignore[arg-type]
        assert raised.value.field == "linked"


def _project(project_id: str = "p-1", **changes: Any) -> Project:
    project = Project(
        id=ProjectId(project_id),
        name="Подключение клиента",
        plan_id="onboarding",
        manager=UserId("anna"),
        started_at=CREATED_AT,
        task_ids=(TaskId("t-1"), TaskId("t-2")),
        links=(DEAL,),
    )
    return attrs.evolve(project, **changes)


class ProjectRepositoryContract(VersionedRepositoryContract[Project], ABC):
    """The behaviour every :class:`~crmcore.tasks.ProjectRepository` must show."""

    entity_type: ClassVar[str] = "project"

    @abstractmethod
    def make_repository(self) -> ProjectRepository:
        """A new, empty repository."""

    def make_project(self, project_id: str = "p-1", **changes: Any) -> Project:
        """A valid project of ``anna`` about deal ``d-1``."""
        return _project(project_id, **changes)

    def make_entity(self) -> Project:
        """The project of :meth:`make_project`."""
        return self.make_project()

    def moved(self, entity: Project) -> Project:
        """``entity`` managed by ``boris``, about claim ``c-1``."""
        return attrs.evolve(entity, manager=UserId("boris"), links=(CLAIM,))

    def found_by_keys(self, repository: ProjectRepository, entity: Project) -> list[list[Project]]:
        """The projects found by ``entity``'s manager and link."""
        return [repository.find(manager=entity.manager), repository.find(linked=entity.links[0])]

    test_save_of_a_project_never_added_raises_not_found = (
        VersionedRepositoryContract.save_of_an_entity_never_added_raises_not_found
    )

    def test_get_returns_an_equal_project_with_every_field(self) -> None:
        repository = self.make_repository()
        full = self.make_project(
            "p-full", links=(DEAL, CLAIM), started_by=UserId("olga"), version=3
        )
        repository.add(full)
        assert repository.get(full.id) == full

    def test_find_filters_and_orders_by_start_then_id(self) -> None:
        repository = self.make_repository()
        projects = [
            self.make_project("p-3", started_at=in_zone(CREATED_AT - HOUR, 3)),
            self.make_project("p-2", manager=UserId("boris"), links=()),
            self.make_project("p-1", links=(CLAIM,)),
        ]
        for project in projects:
            repository.add(project)
        assert [p.id for p in repository.find()] == ["p-3", "p-1", "p-2"]
        assert [p.id for p in repository.find(manager=UserId("anna"))] == ["p-3", "p-1"]
        assert [p.id for p in repository.find(linked=DEAL)] == ["p-3"]
        with pytest.raises(DomainValidationError):
            repository.find(linked="deal:d-1")  # type: ignore[arg-type]
