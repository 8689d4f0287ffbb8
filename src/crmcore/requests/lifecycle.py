"""The lifecycle of a request, on python-statemachine through :mod:`crmcore.lifecycle`.

::

    new --take--> in_work --qualify--> qualified --convert--> converted
    new, in_work, qualified --reject--> rejected --reopen--> in_work

Reopening is explicit: a rejected request never comes back by itself; a converted one is
final (its deal carries on).

>>> REQUEST_LIFECYCLE.target("in_work", "qualify")
'qualified'
>>> REQUEST_LIFECYCLE.allowed_events("rejected")
('reopen',)
"""

from __future__ import annotations

from typing import Final

from crmcore.lifecycle import Lifecycle, LifecycleDefinition, Transition, compile_lifecycle
from crmcore.requests.kinds import RequestStatus

__all__ = ["REQUEST_LIFECYCLE", "REQUEST_LIFECYCLE_DEFINITION"]

_NEW: Final = RequestStatus.NEW.value
_IN_WORK: Final = RequestStatus.IN_WORK.value
_QUALIFIED: Final = RequestStatus.QUALIFIED.value
_CONVERTED: Final = RequestStatus.CONVERTED.value
_REJECTED: Final = RequestStatus.REJECTED.value

REQUEST_LIFECYCLE_DEFINITION: Final = LifecycleDefinition(
    name="RequestLifecycle",
    states=tuple(status.value for status in RequestStatus),
    finals=frozenset({_CONVERTED}),
    transitions=(
        Transition("take", _NEW, _IN_WORK),
        Transition("qualify", _IN_WORK, _QUALIFIED),
        Transition("convert", _QUALIFIED, _CONVERTED),
        Transition("reject", _NEW, _REJECTED),
        Transition("reject", _IN_WORK, _REJECTED),
        Transition("reject", _QUALIFIED, _REJECTED),
        Transition("reopen", _REJECTED, _IN_WORK),
    ),
)
"""The request lifecycle as data: every request starts new."""

REQUEST_LIFECYCLE: Final[Lifecycle] = compile_lifecycle(REQUEST_LIFECYCLE_DEFINITION)
"""The compiled request lifecycle, built once at import."""
