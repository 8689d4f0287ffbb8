"""Events of the claims area."""

from __future__ import annotations

from typing import ClassVar

import attrs

from crmcore.claims.kinds import ClaimResult
from crmcore.events import DomainEvent
from crmcore.validation import checks, identifier, instance_of

__all__ = [
    "ClaimChanged",
    "ClaimDecided",
    "ClaimPlanChanged",
    "ClaimRegistered",
    "ClaimStatusChanged",
]


@attrs.frozen(kw_only=True)
class ClaimRegistered(DomainEvent):
    """A claim was registered; ``changes`` holds every field of it."""

    name: ClassVar[str] = "claim.registered"
    entity_type: ClassVar[str] = "claim"
    action: ClassVar[str] = "created"


@attrs.frozen(kw_only=True)
class ClaimChanged(DomainEvent):
    """Fields of a claim were edited (its reasons, department, priority...); ``changes``
    holds old and new values of each."""

    name: ClassVar[str] = "claim.changed"
    entity_type: ClassVar[str] = "claim"
    action: ClassVar[str] = "changed"


@attrs.frozen(kw_only=True)
class ClaimStatusChanged(DomainEvent):
    """A claim moved through its workflow by ``step`` (``"investigate"``, ``"close"``...)."""

    name: ClassVar[str] = "claim.status_changed"
    entity_type: ClassVar[str] = "claim"
    action: ClassVar[str] = "status_changed"

    step: str = attrs.field(default="move", metadata=checks(identifier))


@attrs.frozen(kw_only=True)
class ClaimDecided(DomainEvent):
    """A claim was decided with ``result``; it follows the claim's status change."""

    name: ClassVar[str] = "claim.decided"
    entity_type: ClassVar[str] = "claim"
    action: ClassVar[str] = "decided"

    result: ClaimResult = attrs.field(
        default=ClaimResult.SATISFIED, metadata=checks(instance_of(ClaimResult))
    )


@attrs.frozen(kw_only=True)
class ClaimPlanChanged(DomainEvent):
    """Activities of a claim's investigation plan were added or changed."""

    name: ClassVar[str] = "claim.plan_changed"
    entity_type: ClassVar[str] = "claim"
    action: ClassVar[str] = "plan_changed"
