"""Events of the interactions area."""

from __future__ import annotations

from typing import ClassVar

import attrs

from crmcore.events import DomainEvent
from crmcore.validation import checks, identifier

__all__ = ["InteractionChanged", "InteractionCreated", "InteractionStatusChanged"]


@attrs.frozen(kw_only=True)
class InteractionCreated(DomainEvent):
    """An interaction was planned or recorded; ``changes`` holds every field of it."""

    name: ClassVar[str] = "interaction.created"
    entity_type: ClassVar[str] = "interaction"
    action: ClassVar[str] = "created"


@attrs.frozen(kw_only=True)
class InteractionChanged(DomainEvent):
    """Fields of an interaction changed: rescheduled, reviewed, a participant linked."""

    name: ClassVar[str] = "interaction.changed"
    entity_type: ClassVar[str] = "interaction"
    action: ClassVar[str] = "changed"


@attrs.frozen(kw_only=True)
class InteractionStatusChanged(DomainEvent):
    """An interaction moved through its lifecycle by ``step`` (``"start"``, ``"complete"``...)."""

    name: ClassVar[str] = "interaction.status_changed"
    entity_type: ClassVar[str] = "interaction"
    action: ClassVar[str] = "status_changed"

    step: str = attrs.field(default="move", metadata=checks(identifier))
