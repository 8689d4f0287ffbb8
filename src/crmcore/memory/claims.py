"""The reference in-memory repository of the claims area.

A complete implementation of :mod:`crmcore.claims.repository`: indexes by status,
department and claimant follow every ``add`` and ``save``; one re-entrant lock guards every
method; a failing call raises before it changes anything.
"""

from __future__ import annotations

from datetime import datetime
from typing import Final

from crmcore.claims.kinds import ClaimStatus
from crmcore.claims.model import Claim
from crmcore.ids import ClaimId, PartnerId
from crmcore.memory._store import GuardedStore, KeyIndex
from crmcore.memory.access import AccessIndex, within
from crmcore.repository_checks import instant
from crmcore.validation import aware_datetime, check_now, optional, raise_violations
from crmcore.visibility import AccessScope

__all__ = ["MemoryClaimRepository"]

CLAIM: Final = "claim"
_OPEN: Final = (ClaimStatus.REGISTERED, ClaimStatus.UNDER_INVESTIGATION)


class MemoryClaimRepository:
    """Claims in memory: the reference :class:`~crmcore.claims.ClaimRepository`."""

    def __init__(self) -> None:
        self._by_status: KeyIndex[Claim] = KeyIndex(lambda claim: [claim.status])
        self._by_department: KeyIndex[Claim] = KeyIndex(lambda claim: [claim.department])
        self._by_partner: KeyIndex[Claim] = KeyIndex(lambda claim: [claim.claimant.partner_id])
        self._by_access: AccessIndex[Claim] = AccessIndex(CLAIM)
        indexes = [self._by_status, self._by_department, self._by_partner, self._by_access]
        self._store: GuardedStore[Claim] = GuardedStore(CLAIM, indexes)

    def get(self, claim_id: ClaimId) -> Claim:
        """The claim with this id, else ``EntityNotFoundError``."""
        return self._store.get(claim_id)

    def add(self, claim: Claim) -> None:
        """Store a new claim, else ``DuplicateEntityError``."""
        self._store.add(claim)

    def save(self, claim: Claim, *, expected_version: int) -> None:
        """Store a changed claim if the stored one is at ``expected_version``."""
        self._store.save(claim, expected_version=expected_version)

    def find(
        self,
        *,
        status: ClaimStatus | None = None,
        department: str | None = None,
        partner_id: PartnerId | None = None,
        registered_from: datetime | None = None,
        registered_to: datetime | None = None,
        scope: AccessScope | None = None,
    ) -> list[Claim]:
        """Claims matching every filter given (within ``scope``), ordered by registration
        time, then id."""
        raise_violations(
            [
                *optional(aware_datetime)("registered_from", registered_from),
                *optional(aware_datetime)("registered_to", registered_to),
            ]
        )
        filters = (
            (self._by_status, status),
            (self._by_department, department),
            (self._by_partner, partner_id),
        )
        claims = within(self._store, self._by_access, self._store.matching(filters), scope)
        claims = [
            claim
            for claim in claims
            if (registered_from is None or instant(claim.registered_at) >= instant(registered_from))
            and (registered_to is None or instant(claim.registered_at) < instant(registered_to))
        ]
        claims.sort(key=lambda claim: instant(claim.registered_at))
        return claims

    def overdue(self, now: datetime) -> list[Claim]:
        """Open claims not waiting for their claimant that have passed a due date at ``now``,
        ordered by resolution due date, then id."""
        check_now(now)
        claims = self._store.under_any(self._by_status, _OPEN)
        found = [claim for claim in claims if claim.is_overdue(now)]
        found.sort(key=lambda claim: instant(claim.resolution_due))
        return found
