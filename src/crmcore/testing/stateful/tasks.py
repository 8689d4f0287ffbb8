"""Comparisons of task and project repositories."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Final

from hypothesis import settings as Settings  # noqa: N812 - the class, beside the argument name
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from crmcore.ids import EntityRef, ProjectId, TaskId, UserId
from crmcore.memory import MemoryProjectRepository, MemoryTaskRepository
from crmcore.tasks.kinds import TaskStatus
from crmcore.tasks.model import Task
from crmcore.tasks.projects import Project
from crmcore.tasks.repository import ProjectRepository, TaskRepository
from crmcore.testing.stateful._common import (
    _CREATED_AT,
    _NAMES,
    _comparison,
    _ids,
    _VersionedCalls,
    _zoned,
)

__all__ = ["project_repository_comparison", "task_repository_comparison"]

_USERS: Final = ("anna", "boris")
_PROJECTS: Final = ("p-1", "p-2")
_REFS: Final = tuple(
    EntityRef(entity_type=kind, entity_id=ref_id)
    for kind, ref_id in (("deal", "d-1"), ("claim", "c-1"), ("deal", "D-1"))
)
_HOURS: Final = (0, 1, 5, 30)


def _hours_later(hours: int) -> datetime:
    return _CREATED_AT + timedelta(hours=hours)


_moments = _zoned(st.sampled_from(_HOURS).map(_hours_later))
_users = st.sampled_from(_USERS).map(UserId)
_links = st.lists(st.sampled_from(_REFS), max_size=2, unique=True).map(tuple)


@st.composite
def _pooled_tasks(draw: st.DrawFn) -> Task:
    status = draw(st.sampled_from(tuple(TaskStatus)))
    project = draw(st.none() | st.sampled_from(_PROJECTS))
    return Task(
        id=TaskId(draw(_ids)),
        title=draw(st.sampled_from(_NAMES)),
        assignee=draw(_users),
        created_at=_CREATED_AT,
        changed_at=_CREATED_AT,
        due=draw(st.none() | _moments),
        status=status,
        finished_at=None if status.is_open else _CREATED_AT,
        links=draw(_links),
        project_id=None if project is None else ProjectId(project),
        version=draw(st.integers(min_value=1, max_value=3)),
    )


class _TaskRepositoryCalls(
    _VersionedCalls[TaskRepository], entities=_pooled_tasks(), entity_id=TaskId
):
    """The calls compared on the reference and the subject task repository."""

    @rule(
        assignee=st.none() | _users,
        status=st.none() | st.sampled_from(tuple(TaskStatus)),
        open_only=st.booleans(),
        linked=st.none() | st.sampled_from(_REFS),
        project=st.none() | st.sampled_from(_PROJECTS),
        due_before=st.none() | _moments,
    )
    def find(
        self,
        assignee: UserId | None,
        status: TaskStatus | None,
        open_only: bool,
        linked: EntityRef | None,
        project: str | None,
        due_before: datetime | None,
    ) -> None:
        project_id = None if project is None else ProjectId(project)
        self.compare(
            lambda repository: repository.find(
                assignee=assignee, status=status, open_only=open_only, linked=linked,
                project_id=project_id, due_before=due_before,
            )
        )  # fmt: skip

    @invariant()
    def same_tasks(self) -> None:
        self.compare(lambda repository: repository.find())


@st.composite
def _pooled_projects(draw: st.DrawFn) -> Project:
    return Project(
        id=ProjectId(draw(_ids)),
        name=draw(st.sampled_from(_NAMES)),
        plan_id="onboarding",
        manager=draw(_users),
        started_at=draw(_moments),
        links=draw(_links),
        version=draw(st.integers(min_value=1, max_value=3)),
    )


class _ProjectRepositoryCalls(
    _VersionedCalls[ProjectRepository], entities=_pooled_projects(), entity_id=ProjectId
):
    """The calls compared on the reference and the subject project repository."""

    @rule(manager=st.none() | _users, linked=st.none() | st.sampled_from(_REFS))
    def find(self, manager: UserId | None, linked: EntityRef | None) -> None:
        self.compare(lambda repository: repository.find(manager=manager, linked=linked))

    @invariant()
    def same_projects(self) -> None:
        self.compare(lambda repository: repository.find())


def task_repository_comparison(
    make_repository: Callable[[], TaskRepository], *, settings: Settings | None = None
) -> type[RuleBasedStateMachine]:
    """A state machine comparing ``make_repository()`` with ``MemoryTaskRepository``."""
    return _comparison(_TaskRepositoryCalls, MemoryTaskRepository, make_repository, settings)


def project_repository_comparison(
    make_repository: Callable[[], ProjectRepository], *, settings: Settings | None = None
) -> type[RuleBasedStateMachine]:
    """A state machine comparing ``make_repository()`` with ``MemoryProjectRepository``."""
    return _comparison(_ProjectRepositoryCalls, MemoryProjectRepository, make_repository, settings)
