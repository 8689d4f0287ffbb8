"""The reference in-memory store of rules' waiting steps.

:class:`MemoryPendingSteps` keeps the steps in insertion order; one re-entrant lock guards
every method, and a unit of work that fails takes its additions and removals back.
"""

from __future__ import annotations

import threading
from datetime import datetime

from crmcore.memory._store import journaled
from crmcore.repository_checks import instant
from crmcore.rules.model import WaitDue

__all__ = ["MemoryPendingSteps"]


class MemoryPendingSteps:
    """Waiting steps in memory: the reference :class:`~crmcore.rules.PendingSteps`."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._steps: dict[WaitDue, None] = {}  # insertion-ordered

    def add(self, step: WaitDue) -> None:
        """Keep ``step`` once."""
        with self._lock:
            if step in self._steps:
                return
            self._steps[step] = None
            journaled(lambda: self._steps.pop(step, None))

    def due(self, *, until: datetime) -> tuple[WaitDue, ...]:
        """The steps due by ``until``, earliest first."""
        with self._lock:
            last = instant(until)
            found = [step for step in self._steps if instant(step.due_at) <= last]
        return tuple(sorted(found, key=lambda step: instant(step.due_at)))

    def remove(self, step: WaitDue) -> None:
        """Forget ``step``."""
        with self._lock:
            if step not in self._steps:
                return
            order = list(self._steps)
            del self._steps[step]
            journaled(lambda: self._restore(step, order))

    def _restore(self, step: WaitDue, order: list[WaitDue]) -> None:
        with self._lock:
            self._steps[step] = None
            kept = {item: None for item in order if item in self._steps}
            self._steps = {**kept, **{item: None for item in self._steps if item not in kept}}
