"""The reference in-memory rotation pointers of round-robin assignment.

:class:`MemoryRotationPointers` keeps each team's pointer; one re-entrant lock guards every
method, and a unit of work that fails takes its moves back.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING

from crmcore.ids import UserId
from crmcore.memory._store import journaled
from crmcore.repository_checks import check_rotation_move, rotation_moved

__all__ = ["MemoryRotationPointers"]


class MemoryRotationPointers:
    """Each team's rotation pointer in memory: the reference
    :class:`~crmcore.rules.RotationPointers`.

    >>> pointers = MemoryRotationPointers()
    >>> pointers.move("sales", UserId("anna"), expected=None)
    >>> pointers.move("sales", UserId("boris"), expected=UserId("anna"))
    >>> dict(pointers.pointers())
    {'sales': 'boris'}
    """

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._pointers: dict[str, UserId] = {}

    def pointers(self) -> Mapping[str, UserId]:
        """The user chosen last in each team that has one."""
        with self._lock:
            return dict(self._pointers)

    def move(self, team: str, user: UserId, *, expected: UserId | None) -> None:
        """Set ``team``'s pointer to ``user`` if it is still ``expected``, else
        ``ConcurrencyConflictError``."""
        check_rotation_move(team, user)
        with self._lock:
            current = self._pointers.get(team)
            if current != expected:
                raise rotation_moved(team, expected)
            self._pointers[team] = user
            journaled(lambda: self._undo(team, current))

    def _undo(self, team: str, user: UserId | None) -> None:
        with self._lock:
            if user is None:
                del self._pointers[team]
            else:
                self._pointers[team] = user


if TYPE_CHECKING:
    from crmcore.rules.repository import RotationPointers

    def _conforms(pointers: MemoryRotationPointers) -> RotationPointers:
        return pointers
