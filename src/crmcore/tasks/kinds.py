"""The kinds of the tasks area: a task's status and priority."""

from __future__ import annotations

import enum

__all__ = ["TaskPriority", "TaskStatus"]


class TaskStatus(enum.Enum):
    """Where a task stands: open, in progress, done or cancelled."""

    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CANCELLED = "cancelled"

    @property
    def is_open(self) -> bool:
        """Whether the task still needs work: open or in progress."""
        return self in {TaskStatus.OPEN, TaskStatus.IN_PROGRESS}


class TaskPriority(enum.Enum):
    """How urgent a task is."""

    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"
