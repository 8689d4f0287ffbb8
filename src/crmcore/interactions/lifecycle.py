"""The lifecycle of an interaction, on python-statemachine through :mod:`crmcore.lifecycle`.

::

    planned --start--> in_progress --complete--> done
    planned --complete--> done
    planned, in_progress --cancel--> cancelled

>>> INTERACTION_LIFECYCLE.target("planned", "complete")
'done'
>>> INTERACTION_LIFECYCLE.allowed_events("in_progress")
('cancel', 'complete')
"""

from __future__ import annotations

from typing import Final

from crmcore.interactions.kinds import InteractionStatus
from crmcore.lifecycle import Lifecycle, LifecycleDefinition, Transition, compile_lifecycle

__all__ = ["INTERACTION_LIFECYCLE", "INTERACTION_LIFECYCLE_DEFINITION"]

_PLANNED: Final = InteractionStatus.PLANNED.value
_IN_PROGRESS: Final = InteractionStatus.IN_PROGRESS.value
_DONE: Final = InteractionStatus.DONE.value
_CANCELLED: Final = InteractionStatus.CANCELLED.value

INTERACTION_LIFECYCLE_DEFINITION: Final = LifecycleDefinition(
    name="InteractionLifecycle",
    states=tuple(status.value for status in InteractionStatus),
    finals=frozenset({_DONE, _CANCELLED}),
    transitions=(
        Transition("start", _PLANNED, _IN_PROGRESS),
        Transition("complete", _PLANNED, _DONE),
        Transition("complete", _IN_PROGRESS, _DONE),
        Transition("cancel", _PLANNED, _CANCELLED),
        Transition("cancel", _IN_PROGRESS, _CANCELLED),
    ),
)
"""The interaction lifecycle as data: every interaction starts planned."""

INTERACTION_LIFECYCLE: Final[Lifecycle] = compile_lifecycle(INTERACTION_LIFECYCLE_DEFINITION)
"""The compiled interaction lifecycle, built once at import."""
