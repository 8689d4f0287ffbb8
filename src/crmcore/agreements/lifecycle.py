"""The approval lifecycle of agreements, compiled once through :mod:`crmcore.lifecycle`.

draft -> on_approval -> approved -> expired / closed; a rejection returns to draft. A draft,
an agreement on approval and an expired one may be closed too; closed is final.
"""

from __future__ import annotations

from typing import Final

from crmcore.lifecycle import Lifecycle, LifecycleDefinition, Transition, compile_lifecycle

__all__ = ["APPROVAL", "APPROVAL_DEFINITION"]

APPROVAL_DEFINITION: Final = LifecycleDefinition(
    name="AgreementApproval",
    states=("draft", "on_approval", "approved", "expired", "closed"),
    finals=frozenset({"closed"}),
    transitions=(
        Transition("submit", "draft", "on_approval"),
        Transition("approve", "on_approval", "approved"),
        Transition("reject", "on_approval", "draft"),
        Transition("expire", "approved", "expired"),
        Transition("close", "draft", "closed"),
        Transition("close", "on_approval", "closed"),
        Transition("close", "approved", "closed"),
        Transition("close", "expired", "closed"),
    ),
)
"""The states are the values of :class:`~crmcore.agreements.AgreementStatus`."""

APPROVAL: Final[Lifecycle] = compile_lifecycle(APPROVAL_DEFINITION)
