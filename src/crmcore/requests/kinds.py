"""The vocabularies of the requests area: statuses, how a request was bound, built-in codes."""

from __future__ import annotations

import enum
from typing import Final

__all__ = [
    "BUILTIN_REJECTION_REASONS",
    "BUILTIN_SOURCES",
    "BindingMethod",
    "BindingState",
    "RequestStatus",
]

BUILTIN_SOURCES: Final = ("website_form", "email", "call", "marketplace", "manual", "other")
"""Where requests come from unless the host configures its own list."""

BUILTIN_REJECTION_REASONS: Final = (
    "spam",
    "duplicate_request",
    "no_budget",
    "no_need",
    "unreachable",
    "competitor_chosen",
    "other",
)
"""Why a request is rejected unless the host configures its own list."""


class RequestStatus(enum.Enum):
    """Where a request stands: new, in work, qualified, converted into a deal, or rejected."""

    NEW = "new"
    IN_WORK = "in_work"
    QUALIFIED = "qualified"
    CONVERTED = "converted"
    REJECTED = "rejected"

    @property
    def open(self) -> bool:
        """Whether the request still waits for work (not converted, not rejected)."""
        return self not in {RequestStatus.CONVERTED, RequestStatus.REJECTED}


class BindingMethod(enum.Enum):
    """How a request was bound to a client: by the duplicate check, or by a person."""

    MATCHED = "matched"
    MANUAL = "manual"


class BindingState(enum.Enum):
    """What binding found for a request: a client bound, clients proposed, or nothing."""

    BOUND = "bound"
    PROPOSED = "proposed"
    UNBOUND = "unbound"
