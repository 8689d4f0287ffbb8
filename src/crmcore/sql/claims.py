"""The claims area's repository over SQL."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Final

from crmcore.claims.kinds import ClaimStatus
from crmcore.claims.model import Claim
from crmcore.ids import PartnerId
from crmcore.sql import metadata as m
from crmcore.sql.versioned import VersionedTable
from crmcore.validation import aware_datetime, check_now, optional, raise_violations
from crmcore.visibility import AccessScope

__all__ = ["SqlClaimRepository"]

# Open and not waiting for the claimant: the claims whose clock runs.
_RUNNING: Final = (ClaimStatus.REGISTERED.value, ClaimStatus.UNDER_INVESTIGATION.value)


class SqlClaimRepository(VersionedTable[Claim]):
    """Claims in SQL: a :class:`~crmcore.claims.ClaimRepository`."""

    table = m.claims
    entity_type = "claim"
    model = Claim
    access_kind = "claim"

    def columns(self, entity: Claim) -> dict[str, object]:
        """Status, department, claimant, registration and due moments."""
        return {
            "status": entity.status.value,
            "department": entity.department,
            "partner_id": entity.claimant.partner_id,
            "registered_at": entity.registered_at,
            "responded": entity.responded_at is not None,
            "response_due": entity.response_due,
            "resolution_due": entity.resolution_due,
        }

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
        c = self.table.c
        equal = (
            (c.status, None if status is None else status.value),
            (c.department, department),
            (c.partner_id, partner_id),
        )
        conditions = [column == value for column, value in equal if value is not None]
        if registered_from is not None:
            conditions.append(c.registered_at >= registered_from)
        if registered_to is not None:
            conditions.append(c.registered_at < registered_to)
        conditions.extend(self.within(scope))
        return self.select(*conditions, order_by=(c.registered_at, c.id))

    def overdue(self, now: datetime) -> list[Claim]:
        """Open claims not waiting for their claimant that have passed a due date at ``now``,
        ordered by resolution due date, then id."""
        check_now(now)
        c = self.table.c
        # A due date missed before a pause stays missed after the clock resumed with later
        # due dates, so the claim decides; the running claims are the open work of a team.
        running = self.select(c.status.in_(_RUNNING), order_by=(c.resolution_due, c.id))
        return [claim for claim in running if claim.is_overdue(now)]


if TYPE_CHECKING:
    from crmcore.claims.repository import ClaimRepository

    def _conforms(claims: SqlClaimRepository) -> ClaimRepository:
        return claims
