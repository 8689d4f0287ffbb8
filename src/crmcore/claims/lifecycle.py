"""The workflow of a claim, on python-statemachine through :mod:`crmcore.lifecycle`.

::

    registered --investigate--> under_investigation --decide--> decided --close--> closed
                                 |  ^                              |                |
                   await_claimant|  |resume          reopen <------+----------------+
                                 v  |
                         waiting_for_claimant
    registered, under_investigation, waiting_for_claimant --cancel--> cancelled

>>> CLAIM_WORKFLOW.target("decided", "reopen")
'under_investigation'
>>> CLAIM_WORKFLOW.allowed_events("registered")
('cancel', 'investigate')
"""

from __future__ import annotations

from typing import Final

from crmcore.claims.kinds import ClaimStatus
from crmcore.lifecycle import Lifecycle, LifecycleDefinition, Transition, compile_lifecycle

__all__ = ["CLAIM_WORKFLOW", "CLAIM_WORKFLOW_DEFINITION"]

_REGISTERED: Final = ClaimStatus.REGISTERED.value
_INVESTIGATING: Final = ClaimStatus.UNDER_INVESTIGATION.value
_WAITING: Final = ClaimStatus.WAITING_FOR_CLAIMANT.value
_DECIDED: Final = ClaimStatus.DECIDED.value
_CLOSED: Final = ClaimStatus.CLOSED.value
_CANCELLED: Final = ClaimStatus.CANCELLED.value

CLAIM_WORKFLOW_DEFINITION: Final = LifecycleDefinition(
    name="ClaimWorkflow",
    states=tuple(status.value for status in ClaimStatus),
    finals=frozenset({_CANCELLED}),
    transitions=(
        Transition("investigate", _REGISTERED, _INVESTIGATING),
        Transition("await_claimant", _INVESTIGATING, _WAITING),
        Transition("resume", _WAITING, _INVESTIGATING),
        Transition("decide", _INVESTIGATING, _DECIDED),
        Transition("close", _DECIDED, _CLOSED),
        Transition("reopen", _DECIDED, _INVESTIGATING),
        Transition("reopen", _CLOSED, _INVESTIGATING),
        Transition("cancel", _REGISTERED, _CANCELLED),
        Transition("cancel", _INVESTIGATING, _CANCELLED),
        Transition("cancel", _WAITING, _CANCELLED),
    ),
)
"""The claim workflow as data: the first state is where every claim starts."""

CLAIM_WORKFLOW: Final[Lifecycle] = compile_lifecycle(CLAIM_WORKFLOW_DEFINITION)
"""The compiled claim workflow, built once at import."""
