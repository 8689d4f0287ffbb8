"""Events of the deals area: a deal was opened, changed, moved, won, lost, reopened,
suspended or resumed. Each change of stage or status also has its
:class:`~crmcore.deals.StageChange` in the service's outcome."""

from __future__ import annotations

from typing import ClassVar

import attrs

from crmcore.events import DomainEvent

__all__ = [
    "DealChanged",
    "DealLost",
    "DealMoved",
    "DealOpened",
    "DealReopened",
    "DealResumed",
    "DealSuspended",
    "DealWon",
]


@attrs.frozen(kw_only=True)
class DealOpened(DomainEvent):
    """A deal was opened; ``changes`` holds every field of it."""

    name: ClassVar[str] = "deal.opened"
    entity_type: ClassVar[str] = "deal"
    action: ClassVar[str] = "created"


@attrs.frozen(kw_only=True)
class DealChanged(DomainEvent):
    """Fields of a deal other than its stage and status changed (amount, documents, ...)."""

    name: ClassVar[str] = "deal.changed"
    entity_type: ClassVar[str] = "deal"
    action: ClassVar[str] = "changed"


@attrs.frozen(kw_only=True)
class DealMoved(DomainEvent):
    """A deal moved to another stage; ``warnings`` names the advisory gates it did not meet
    (manual deals move anyway)."""

    name: ClassVar[str] = "deal.moved"
    entity_type: ClassVar[str] = "deal"
    action: ClassVar[str] = "stage_set"

    warnings: tuple[str, ...] = ()


@attrs.frozen(kw_only=True)
class DealWon(DomainEvent):
    """A deal was won."""

    name: ClassVar[str] = "deal.won"
    entity_type: ClassVar[str] = "deal"
    action: ClassVar[str] = "won"


@attrs.frozen(kw_only=True)
class DealLost(DomainEvent):
    """A deal was lost; ``changes`` holds the reason, and the competitor if known."""

    name: ClassVar[str] = "deal.lost"
    entity_type: ClassVar[str] = "deal"
    action: ClassVar[str] = "lost"


@attrs.frozen(kw_only=True)
class DealReopened(DomainEvent):
    """A won or lost deal was opened again."""

    name: ClassVar[str] = "deal.reopened"
    entity_type: ClassVar[str] = "deal"
    action: ClassVar[str] = "reopened"


@attrs.frozen(kw_only=True)
class DealSuspended(DomainEvent):
    """An open deal was put on hold."""

    name: ClassVar[str] = "deal.suspended"
    entity_type: ClassVar[str] = "deal"
    action: ClassVar[str] = "suspended"


@attrs.frozen(kw_only=True)
class DealResumed(DomainEvent):
    """A suspended deal was taken up again."""

    name: ClassVar[str] = "deal.resumed"
    entity_type: ClassVar[str] = "deal"
    action: ClassVar[str] = "resumed"
