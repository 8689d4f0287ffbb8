"""The lifecycle of a task, on python-statemachine through :mod:`crmcore.lifecycle`.

::

    open --start--> in_progress --complete--> done --reopen--> open
      |  <--stop--       |
      +---complete-------+----> done
    open, in_progress --cancel--> cancelled

>>> TASK_LIFECYCLE.target("in_progress", "complete")
'done'
>>> TASK_LIFECYCLE.allowed_events("open")
('cancel', 'complete', 'start')
"""

from __future__ import annotations

from typing import Final

from crmcore.lifecycle import Lifecycle, LifecycleDefinition, Transition, compile_lifecycle
from crmcore.tasks.kinds import TaskStatus

__all__ = ["TASK_LIFECYCLE", "TASK_LIFECYCLE_DEFINITION"]

_OPEN: Final = TaskStatus.OPEN.value
_IN_PROGRESS: Final = TaskStatus.IN_PROGRESS.value
_DONE: Final = TaskStatus.DONE.value
_CANCELLED: Final = TaskStatus.CANCELLED.value

TASK_LIFECYCLE_DEFINITION: Final = LifecycleDefinition(
    name="TaskLifecycle",
    states=tuple(status.value for status in TaskStatus),
    finals=frozenset({_CANCELLED}),
    transitions=(
        Transition("start", _OPEN, _IN_PROGRESS),
        Transition("stop", _IN_PROGRESS, _OPEN),
        Transition("complete", _OPEN, _DONE),
        Transition("complete", _IN_PROGRESS, _DONE),
        Transition("reopen", _DONE, _OPEN),
        Transition("cancel", _OPEN, _CANCELLED),
        Transition("cancel", _IN_PROGRESS, _CANCELLED),
    ),
)
"""The task lifecycle as data: the first state is where every task starts."""

TASK_LIFECYCLE: Final[Lifecycle] = compile_lifecycle(TASK_LIFECYCLE_DEFINITION)
"""The compiled task lifecycle, built once at import."""
