"""The reference in-memory repository of the interactions area.

A complete implementation of :mod:`crmcore.interactions.repository`: indexes by responsible
user, partner, chain subject and status follow every ``add`` and ``save``; one re-entrant
lock guards every method; a failing call raises before it changes anything.
"""

from __future__ import annotations

from datetime import datetime
from typing import Final

from crmcore.ids import EntityRef, InteractionId, PartnerId, UserId
from crmcore.interactions.kinds import InteractionStatus
from crmcore.interactions.model import Interaction
from crmcore.memory._store import GuardedStore, KeyIndex
from crmcore.memory.access import AccessIndex, within
from crmcore.repository_checks import instant
from crmcore.validation import aware_datetime, non_negative_int, optional, raise_violations
from crmcore.visibility import AccessScope

__all__ = ["MemoryInteractionRepository"]

INTERACTION: Final = "interaction"
_PENDING: Final = (InteractionStatus.PLANNED, InteractionStatus.IN_PROGRESS)


def _moments(**moments: datetime) -> None:
    raise_violations(v for name, value in moments.items() for v in aware_datetime(name, value))


class MemoryInteractionRepository:
    """Interactions in memory: the reference
    :class:`~crmcore.interactions.InteractionRepository`."""

    def __init__(self) -> None:
        self._by_user: KeyIndex[Interaction] = KeyIndex(lambda i: [i.responsible])
        self._by_partner: KeyIndex[Interaction] = KeyIndex(lambda i: [i.partner_id])
        self._by_chain: KeyIndex[Interaction] = KeyIndex(lambda i: [i.chain])
        self._by_status: KeyIndex[Interaction] = KeyIndex(lambda i: [i.status])
        self._by_access: AccessIndex[Interaction] = AccessIndex(INTERACTION)
        indexes = [
            self._by_user,
            self._by_partner,
            self._by_chain,
            self._by_status,
            self._by_access,
        ]
        self._store: GuardedStore[Interaction] = GuardedStore(INTERACTION, indexes)

    def get(self, interaction_id: InteractionId) -> Interaction:
        """The interaction with this id, else ``EntityNotFoundError``."""
        return self._store.get(interaction_id)

    def add(self, interaction: Interaction) -> None:
        """Store a new interaction, else ``DuplicateEntityError``."""
        self._store.add(interaction)

    def save(self, interaction: Interaction, *, expected_version: int) -> None:
        """Store a changed interaction if the stored one is at ``expected_version``."""
        self._store.save(interaction, expected_version=expected_version)

    def pending(self, user: UserId) -> list[Interaction]:
        """The pending interactions of ``user``, ordered by start, then id."""
        found = [i for i in self._store.under_any(self._by_user, [user]) if i.status in _PENDING]
        found.sort(key=lambda i: instant(i.start))
        return found

    def overdue(
        self, now: datetime, *, user: UserId | None = None, scope: AccessScope | None = None
    ) -> list[Interaction]:
        """Pending interactions (of ``user``, within ``scope``) that ended before ``now``, by
        end, then id."""
        _moments(now=now)
        pending = self._store.under_any(self._by_status, _PENDING)
        found = [
            i
            for i in within(self._store, self._by_access, pending, scope)
            if (user is None or i.responsible == user) and instant(i.end) < instant(now)
        ]
        found.sort(key=lambda i: instant(i.end))
        return found

    def of_user(
        self,
        user: UserId,
        *,
        start: datetime,
        end: datetime,
        scope: AccessScope | None = None,
    ) -> list[Interaction]:
        """The interactions of ``user`` overlapping ``[start, end)`` (within ``scope``), by
        start, then id."""
        _moments(start=start, end=end)
        found = self._store.under_any(self._by_user, [user])
        found = within(self._store, self._by_access, found, scope)
        low, high = instant(start), instant(end)
        found = [
            i
            for i in found
            if instant(i.start) < high and (instant(i.end) > low or instant(i.start) >= low)
        ]
        found.sort(key=lambda i: instant(i.start))
        return found

    def history(self, partner_id: PartnerId, *, limit: int | None = None) -> list[Interaction]:
        """The interactions with a partner by start descending, then id; up to ``limit``."""
        raise_violations(optional(non_negative_int)("limit", limit))
        found = self._store.under_any(self._by_partner, [partner_id])
        found.sort(key=lambda i: instant(i.start), reverse=True)
        return found if limit is None else found[:limit]

    def chain(self, subject: EntityRef) -> list[Interaction]:
        """The chain about ``subject``, by start, then id."""
        found = self._store.under_any(self._by_chain, [subject])
        found.sort(key=lambda i: instant(i.start))
        return found

    def reminding(self, since: datetime, now: datetime) -> list[Interaction]:
        """Pending interactions with a reminder due in ``(since, now]``, by id."""
        _moments(since=since, now=now)
        found = self._store.under_any(self._by_status, _PENDING)
        first, last = instant(since), instant(now)
        return [i for i in found if any(first < instant(m) <= last for m in i.reminder_moments())]
