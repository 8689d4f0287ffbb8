"""The requests area's repository over SQL, with a side table of contact keys.

Each phone number and case-folded email of a request is a row of ``request_contacts``, so
``from_contact`` is one indexed query.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select

from crmcore.ids import PartnerId, UserId
from crmcore.partners.contact_data import Email, Phone
from crmcore.requests.kinds import RequestStatus
from crmcore.requests.model import REQUEST, Request
from crmcore.sql import metadata as m
from crmcore.sql.versioned import SideRows, VersionedTable
from crmcore.validation import aware_datetime, each, instance_of, optional, raise_violations
from crmcore.visibility import AccessScope

__all__ = ["SqlRequestRepository"]


class SqlRequestRepository(VersionedTable[Request]):
    """Requests in SQL: a :class:`~crmcore.requests.RequestRepository`."""

    table = m.requests
    entity_type = REQUEST
    access_kind = "request"
    model = Request
    side_tables = (m.request_contacts,)
    owner = "request_id"

    def columns(self, entity: Request) -> dict[str, object]:
        """Status, source, manager, bound partner and time received."""
        return {
            "status": entity.status.value,
            "source": entity.source,
            "manager": entity.responsible_manager,
            "partner_id": None if entity.binding is None else entity.binding.partner_id,
            "received_at": entity.received_at,
        }

    def side_rows(self, entity: Request) -> SideRows:
        """One row a contact key."""
        keys = sorted(entity.contact.keys)
        return {m.request_contacts: [{"request_id": entity.id, "contact_key": k} for k in keys]}

    def find(
        self,
        *,
        status: RequestStatus | None = None,
        source: str | None = None,
        manager: UserId | None = None,
        partner_id: PartnerId | None = None,
        received_from: datetime | None = None,
        received_to: datetime | None = None,
        scope: AccessScope | None = None,
    ) -> list[Request]:
        """Requests matching every filter given (within ``scope``), ordered by time received,
        then id."""
        raise_violations(
            [
                *optional(aware_datetime)("received_from", received_from),
                *optional(aware_datetime)("received_to", received_to),
            ]
        )
        c = self.table.c
        equal = (
            (c.status, None if status is None else status.value),
            (c.source, source),
            (c.manager, manager),
            (c.partner_id, partner_id),
        )
        conditions = [column == value for column, value in equal if value is not None]
        if received_from is not None:
            conditions.append(c.received_at >= received_from)
        if received_to is not None:
            conditions.append(c.received_at < received_to)
        conditions.extend(self.within(scope))
        return self.select(*conditions, order_by=(c.received_at, c.id))

    def from_contact(
        self,
        *,
        phones: Collection[Phone] = (),
        emails: Collection[Email] = (),
        received_from: datetime,
    ) -> list[Request]:
        """Requests received at or after ``received_from`` sharing a phone or an email with
        those given, ordered by time received, then id."""
        raise_violations(
            [
                *aware_datetime("received_from", received_from),
                *each(instance_of(Phone), container=Collection)("phones", phones),
                *each(instance_of(Email), container=Collection)("emails", emails),
            ]
        )
        keys = sorted({f"phone:{p.number}" for p in phones} | {f"email:{e.key}" for e in emails})
        if not keys:
            return []
        contacts = m.request_contacts.c
        sharing = select(contacts.request_id).where(contacts.contact_key.in_(keys))
        c = self.table.c
        return self.select(
            c.received_at >= received_from, c.id.in_(sharing), order_by=(c.received_at, c.id)
        )


if TYPE_CHECKING:
    from crmcore.requests.repository import RequestRepository

    def _conforms(requests: SqlRequestRepository) -> RequestRepository:
        return requests
