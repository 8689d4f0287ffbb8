"""The reference in-memory repository of the requests area.

A complete implementation of :mod:`crmcore.requests.repository`: indexes by status, source,
manager, bound partner and contact key (phone number, case-folded email) follow every ``add``
and ``save``; one re-entrant lock guards every method; a failing call raises before it
changes anything.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from crmcore.ids import PartnerId, RequestId, UserId
from crmcore.memory._store import GuardedStore, KeyIndex
from crmcore.memory.access import AccessIndex, within
from crmcore.partners.contact_data import Email, Phone
from crmcore.repository_checks import instant
from crmcore.requests.kinds import RequestStatus
from crmcore.requests.model import REQUEST, Request
from crmcore.validation import aware_datetime, each, instance_of, optional, raise_violations
from crmcore.visibility import AccessScope

__all__ = ["MemoryRequestRepository"]


def _partner(request: Request) -> list[object]:
    return [] if request.binding is None else [request.binding.partner_id]


class MemoryRequestRepository:
    """Requests in memory: the reference :class:`~crmcore.requests.RequestRepository`."""

    def __init__(self) -> None:
        self._by_status: KeyIndex[Request] = KeyIndex(lambda r: [r.status])
        self._by_source: KeyIndex[Request] = KeyIndex(lambda r: [r.source])
        self._by_manager: KeyIndex[Request] = KeyIndex(lambda r: [r.responsible_manager])
        self._by_partner: KeyIndex[Request] = KeyIndex(_partner)
        self._by_contact: KeyIndex[Request] = KeyIndex(lambda r: r.contact.keys)
        self._by_access: AccessIndex[Request] = AccessIndex(REQUEST)
        indexes = [
            self._by_status,
            self._by_source,
            self._by_manager,
            self._by_partner,
            self._by_contact,
            self._by_access,
        ]
        self._store: GuardedStore[Request] = GuardedStore(REQUEST, indexes)

    def get(self, request_id: RequestId) -> Request:
        """The request with this id, else ``EntityNotFoundError``."""
        return self._store.get(request_id)

    def add(self, request: Request) -> None:
        """Store a new request, else ``DuplicateEntityError``."""
        self._store.add(request)

    def save(self, request: Request, *, expected_version: int) -> None:
        """Store a changed request if the stored one is at ``expected_version``."""
        self._store.save(request, expected_version=expected_version)

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
        filters = (
            (self._by_status, status),
            (self._by_source, source),
            (self._by_manager, manager),
            (self._by_partner, partner_id),
        )
        requests = within(self._store, self._by_access, self._store.matching(filters), scope)
        found_requests = [
            request
            for request in requests
            if (received_from is None or instant(request.received_at) >= instant(received_from))
            and (received_to is None or instant(request.received_at) < instant(received_to))
        ]
        found_requests.sort(key=lambda request: instant(request.received_at))
        return found_requests

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
        keys = [f"phone:{p.number}" for p in phones] + [f"email:{e.key}" for e in emails]
        requests = self._store.under_any(self._by_contact, keys)
        since = instant(received_from)
        found = [request for request in requests if instant(request.received_at) >= since]
        found.sort(key=lambda request: instant(request.received_at))
        return found
