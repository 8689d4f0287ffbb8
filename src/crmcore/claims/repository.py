"""The storage protocol of the claims area, implemented by the host.

The conventions of :mod:`crmcore.partners.repository` hold: ``get`` raises
``EntityNotFoundError``, ``add`` ``DuplicateEntityError``, ``save`` checks
``expected_version`` (``ConcurrencyConflictError``); a failing call changes nothing; queries
return lists in a documented order. Every implementation must pass
:class:`crmcore.testing.contracts.ClaimRepositoryContract`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from crmcore.claims.kinds import ClaimStatus
from crmcore.claims.model import Claim
from crmcore.ids import ClaimId, PartnerId
from crmcore.visibility import AccessScope

__all__ = ["ClaimRepository"]


class ClaimRepository(Protocol):
    """Where the host keeps claims."""

    def get(self, claim_id: ClaimId) -> Claim:
        """The claim with this id."""
        ...

    def add(self, claim: Claim) -> None:
        """Store a new claim."""
        ...

    def save(self, claim: Claim, *, expected_version: int) -> None:
        """Store a changed claim if the stored one is at ``expected_version``."""
        ...

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
        """Claims matching every filter given: ``status``, ``department``, the claimant's
        ``partner_id``, registered in ``[registered_from, registered_to)``, within ``scope``
        (an access scope: only the claims it admits; ``None``: every claim); ordered by
        registration time, then id."""
        ...

    def overdue(self, now: datetime) -> list[Claim]:
        """Open claims not waiting for their claimant that have passed a due date at ``now``
        (see :meth:`Claim.is_overdue <crmcore.claims.Claim.is_overdue>`), ordered by
        resolution due date, then id."""
        ...
