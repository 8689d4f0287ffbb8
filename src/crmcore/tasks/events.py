"""Events of the tasks area: of tasks and of projects."""

from __future__ import annotations

from typing import ClassVar

import attrs

from crmcore.events import DomainEvent
from crmcore.validation import checks, identifier

__all__ = [
    "ProjectStarted",
    "TaskChanged",
    "TaskChecklistChanged",
    "TaskCreated",
    "TaskStatusChanged",
]


@attrs.frozen(kw_only=True)
class TaskCreated(DomainEvent):
    """A task was created; ``changes`` holds every field of it."""

    name: ClassVar[str] = "task.created"
    entity_type: ClassVar[str] = "task"
    action: ClassVar[str] = "created"


@attrs.frozen(kw_only=True)
class TaskChanged(DomainEvent):
    """Fields of a task were edited (its title, assignee, due moment...); ``changes`` holds
    old and new values of each."""

    name: ClassVar[str] = "task.changed"
    entity_type: ClassVar[str] = "task"
    action: ClassVar[str] = "changed"


@attrs.frozen(kw_only=True)
class TaskStatusChanged(DomainEvent):
    """A task moved through its lifecycle by ``step`` (``"start"``, ``"complete"``...)."""

    name: ClassVar[str] = "task.status_changed"
    entity_type: ClassVar[str] = "task"
    action: ClassVar[str] = "status_changed"

    step: str = attrs.field(default="move", metadata=checks(identifier))


@attrs.frozen(kw_only=True)
class TaskChecklistChanged(DomainEvent):
    """Items of a task's checklist were added, ticked or unticked."""

    name: ClassVar[str] = "task.checklist_changed"
    entity_type: ClassVar[str] = "task"
    action: ClassVar[str] = "checklist_changed"


@attrs.frozen(kw_only=True)
class ProjectStarted(DomainEvent):
    """A project was started from its plan; ``changes`` holds every field of it."""

    name: ClassVar[str] = "project.started"
    entity_type: ClassVar[str] = "project"
    action: ClassVar[str] = "created"
