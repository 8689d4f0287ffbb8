"""The interactions area's repository over SQL.

The moments the reminders of pending interactions fire go to a side table, so that
``reminding`` is one indexed query that reads only what is due; start and end are instants,
so ranges hold across offsets.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Final

from sqlalchemy import or_, select

from crmcore.ids import EntityRef, PartnerId, UserId
from crmcore.interactions.kinds import InteractionStatus
from crmcore.interactions.model import Interaction
from crmcore.sql import metadata as m
from crmcore.sql.versioned import SideRows, VersionedTable
from crmcore.validation import aware_datetime, non_negative_int, optional, raise_violations
from crmcore.visibility import AccessScope

__all__ = ["SqlInteractionRepository"]

_PENDING: Final = (InteractionStatus.PLANNED.value, InteractionStatus.IN_PROGRESS.value)


def _moments(**moments: datetime) -> None:
    raise_violations(v for name, value in moments.items() for v in aware_datetime(name, value))


class SqlInteractionRepository(VersionedTable[Interaction]):
    """Interactions in SQL: an :class:`~crmcore.interactions.InteractionRepository`."""

    table = m.interactions
    entity_type = "interaction"
    access_kind = "interaction"
    model = Interaction
    side_tables = (m.interaction_reminders,)
    owner = "interaction_id"

    def columns(self, entity: Interaction) -> dict[str, object]:
        """Responsible user, partner, chain subject, status, start and end."""
        return {
            "responsible": entity.responsible,
            "partner_id": entity.partner_id,
            "chain_type": entity.chain.entity_type,
            "chain_id": entity.chain.entity_id,
            "status": entity.status.value,
            "start_at": entity.start,
            "end_at": entity.end,
        }

    def side_rows(self, entity: Interaction) -> SideRows:
        """One row a reminder moment of a pending interaction (only those remind)."""
        moments = entity.reminder_moments() if entity.status.pending else ()
        rows = [{"interaction_id": entity.id, "at": at} for at in moments]
        return {m.interaction_reminders: rows}

    def pending(self, user: UserId) -> list[Interaction]:
        """The pending interactions of ``user``, ordered by start, then id."""
        c = self.table.c
        return self.select(
            c.responsible == user, c.status.in_(_PENDING), order_by=(c.start_at, c.id)
        )

    def overdue(
        self, now: datetime, *, user: UserId | None = None, scope: AccessScope | None = None
    ) -> list[Interaction]:
        """Pending interactions (of ``user``, within ``scope``) that ended before ``now``, by
        end, then id."""
        _moments(now=now)
        c = self.table.c
        conditions = [c.status.in_(_PENDING), c.end_at < now, *self.within(scope)]
        if user is not None:
            conditions.append(c.responsible == user)
        return self.select(*conditions, order_by=(c.end_at, c.id))

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
        c = self.table.c
        return self.select(
            c.responsible == user,
            c.start_at < end,
            or_(c.end_at > start, c.start_at >= start),
            *self.within(scope),
            order_by=(c.start_at, c.id),
        )

    def history(self, partner_id: PartnerId, *, limit: int | None = None) -> list[Interaction]:
        """The interactions with a partner by start descending, then id; up to ``limit``."""
        raise_violations(optional(non_negative_int)("limit", limit))
        c = self.table.c
        return self.select(
            c.partner_id == partner_id, order_by=(c.start_at.desc(), c.id), limit=limit
        )

    def chain(self, subject: EntityRef) -> list[Interaction]:
        """The chain about ``subject``, by start, then id."""
        c = self.table.c
        return self.select(
            c.chain_type == subject.entity_type,
            c.chain_id == subject.entity_id,
            order_by=(c.start_at, c.id),
        )

    def reminding(self, since: datetime, now: datetime) -> list[Interaction]:
        """Pending interactions with a reminder due in ``(since, now]``, by id."""
        _moments(since=since, now=now)
        reminders = m.interaction_reminders.c
        due = select(reminders.interaction_id).where(reminders.at > since, reminders.at <= now)
        return self.select(self.table.c.id.in_(due))


if TYPE_CHECKING:
    from crmcore.interactions.repository import InteractionRepository

    def _conforms(interactions: SqlInteractionRepository) -> InteractionRepository:
        return interactions
