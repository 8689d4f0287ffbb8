"""The closed vocabularies of the claims area: channels, statuses, results, priorities."""

from __future__ import annotations

import enum

__all__ = [
    "ActivityStatus",
    "ClaimChannel",
    "ClaimPriority",
    "ClaimResult",
    "ClaimStatus",
    "DocumentKind",
    "SlaState",
]


class ClaimChannel(enum.Enum):
    """How a claim reached us."""

    MANUAL = "manual"
    SELF_SERVICE = "self_service"
    EMAIL = "email"
    CALL = "call"


class SlaState(enum.Enum):
    """Where a claim stands against one of its due dates."""

    PENDING = "pending"
    MET = "met"
    BREACHED = "breached"


class ClaimStatus(enum.Enum):
    """Where a claim is in its workflow; the workflow itself is in :mod:`.lifecycle`."""

    REGISTERED = "registered"
    UNDER_INVESTIGATION = "under_investigation"
    WAITING_FOR_CLAIMANT = "waiting_for_claimant"
    DECIDED = "decided"
    CLOSED = "closed"
    CANCELLED = "cancelled"

    @property
    def is_open(self) -> bool:
        """Whether the claim still needs work (neither decided, closed nor cancelled)."""
        return self in _OPEN


_OPEN = frozenset(
    {ClaimStatus.REGISTERED, ClaimStatus.UNDER_INVESTIGATION, ClaimStatus.WAITING_FOR_CLAIMANT}
)


class ClaimResult(enum.Enum):
    """What was decided about a claim."""

    SATISFIED = "satisfied"
    PARTIALLY_SATISFIED = "partially_satisfied"
    REJECTED = "rejected"


class ClaimPriority(enum.Enum):
    """How urgent a claim is; deadlines may depend on it."""

    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    CRITICAL = "critical"


class DocumentKind(enum.Enum):
    """The kinds of document a claim may be linked to."""

    ORDER = "order"
    INVOICE = "invoice"
    SHIPMENT = "shipment"
    DEAL = "deal"
    INTERACTION = "interaction"


class ActivityStatus(enum.Enum):
    """Where an activity of an investigation plan is."""

    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CANCELLED = "cancelled"

    @property
    def is_open(self) -> bool:
        """Whether the activity still has to be done."""
        return self in {ActivityStatus.PLANNED, ActivityStatus.IN_PROGRESS}
