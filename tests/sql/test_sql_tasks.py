"""The task and project contract suites and stateful comparisons on every SQL backend."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hypothesis import settings
from sql_backends import BACKENDS

from crmcore.sql import Database, SqlProjectRepository, SqlTaskRepository
from crmcore.testing.contracts import ProjectRepositoryContract, TaskRepositoryContract
from crmcore.testing.stateful import project_repository_comparison, task_repository_comparison

SUITES: tuple[tuple[type[Any], Callable[[Database], object]], ...] = (
    (TaskRepositoryContract, SqlTaskRepository),
    (ProjectRepositoryContract, SqlProjectRepository),
)
QUICK = settings(max_examples=10, stateful_step_count=15, database=None, deadline=None)


for _backend in BACKENDS:
    for _contract, _repository in SUITES:
        _class = _backend.suite(_contract, _repository, module=__name__)
        globals()[_class.__name__] = _class
    _tasks = task_repository_comparison(_backend.factory(SqlTaskRepository), settings=QUICK)
    globals()[f"Test{_backend.name}TaskComparison"] = _tasks.TestCase
    _projects = project_repository_comparison(
        _backend.factory(SqlProjectRepository), settings=QUICK
    )
    globals()[f"Test{_backend.name}ProjectComparison"] = _projects.TestCase
del _class, _tasks, _projects
