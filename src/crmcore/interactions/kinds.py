"""The closed vocabularies of the interactions area: kinds, statuses, directions."""

from __future__ import annotations

import enum

__all__ = ["Direction", "InteractionKind", "InteractionStatus"]


class InteractionKind(enum.Enum):
    """What an interaction is: a meeting, a planned interaction, a call, an email or an SMS."""

    MEETING = "meeting"
    PLANNED = "planned"
    CALL = "call"
    EMAIL = "email"
    SMS = "sms"

    @property
    def directed(self) -> bool:
        """Whether interactions of this kind go one way, incoming or outgoing."""
        return self in _DIRECTED


_DIRECTED = frozenset({InteractionKind.CALL, InteractionKind.EMAIL, InteractionKind.SMS})


class InteractionStatus(enum.Enum):
    """Where an interaction stands; the moves between statuses are in :mod:`.lifecycle`."""

    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CANCELLED = "cancelled"

    @property
    def pending(self) -> bool:
        """Whether the interaction still has to happen or to be finished."""
        return self is InteractionStatus.PLANNED or self is InteractionStatus.IN_PROGRESS


class Direction(enum.Enum):
    """Whether a call, email or SMS came to us or went from us."""

    INCOMING = "incoming"
    OUTGOING = "outgoing"
