"""The storage protocol of the interactions area, implemented by the host.

The conventions of :mod:`crmcore.partners.repository` hold: ``get`` raises
``EntityNotFoundError``, ``add`` ``DuplicateEntityError``, ``save`` checks
``expected_version`` (``ConcurrencyConflictError``); a failing call changes nothing; queries
return lists in a documented order. Every implementation must pass
:class:`crmcore.testing.contracts.InteractionRepositoryContract`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from crmcore.ids import EntityRef, InteractionId, PartnerId, UserId
from crmcore.interactions.model import Interaction
from crmcore.visibility import AccessScope

__all__ = ["InteractionRepository"]


class InteractionRepository(Protocol):
    """Where the host keeps interactions, and the queries the desktop and reminders need."""

    def get(self, interaction_id: InteractionId) -> Interaction:
        """The interaction with this id."""
        ...

    def add(self, interaction: Interaction) -> None:
        """Store a new interaction."""
        ...

    def save(self, interaction: Interaction, *, expected_version: int) -> None:
        """Store a changed interaction if the stored one is at ``expected_version``."""
        ...

    def pending(self, user: UserId) -> list[Interaction]:
        """The planned and in-progress interactions ``user`` is responsible for, ordered by
        start, then id."""
        ...

    def overdue(
        self, now: datetime, *, user: UserId | None = None, scope: AccessScope | None = None
    ) -> list[Interaction]:
        """Planned and in-progress interactions (of ``user`` when given, within the access
        ``scope`` when given) that should have ended before ``now``, ordered by end, then
        id."""
        ...

    def of_user(
        self,
        user: UserId,
        *,
        start: datetime,
        end: datetime,
        scope: AccessScope | None = None,
    ) -> list[Interaction]:
        """The interactions of every status that ``user`` is responsible for and that overlap
        ``[start, end)`` (an interaction of no length counts if it starts inside), within the
        access ``scope`` when given, ordered by start, then id."""
        ...

    def history(self, partner_id: PartnerId, *, limit: int | None = None) -> list[Interaction]:
        """The interactions with a partner, newest first: by start descending, then id;
        at most ``limit`` of them when given."""
        ...

    def chain(self, subject: EntityRef) -> list[Interaction]:
        """The whole chain about ``subject``, in order: by start, then id. A chain about an
        interaction includes that interaction itself."""
        ...

    def reminding(self, since: datetime, now: datetime) -> list[Interaction]:
        """Planned and in-progress interactions with a reminder due in ``(since, now]``,
        ordered by id."""
        ...
