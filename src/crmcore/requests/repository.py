"""The storage protocol of the requests area, implemented by the host.

The conventions of :mod:`crmcore.partners.repository` hold: ``get`` raises
``EntityNotFoundError``, ``add`` ``DuplicateEntityError``, ``save`` checks
``expected_version`` (``ConcurrencyConflictError``); a failing call changes nothing; queries
return lists in a documented order. Every implementation must pass
:class:`crmcore.testing.contracts.RequestRepositoryContract`.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Protocol

from crmcore.ids import PartnerId, RequestId, UserId
from crmcore.partners.contact_data import Email, Phone
from crmcore.requests.kinds import RequestStatus
from crmcore.requests.model import Request
from crmcore.visibility import AccessScope

__all__ = ["RequestRepository"]


class RequestRepository(Protocol):
    """Where the host keeps requests, and the queries intake and the reports need."""

    def get(self, request_id: RequestId) -> Request:
        """The request with this id."""
        ...

    def add(self, request: Request) -> None:
        """Store a new request."""
        ...

    def save(self, request: Request, *, expected_version: int) -> None:
        """Store a changed request if the stored one is at ``expected_version``."""
        ...

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
        """Requests matching every filter given: ``status``, ``source``, responsible
        ``manager``, bound to ``partner_id``, received in ``[received_from, received_to)``,
        within ``scope`` (an access scope: only the requests it admits; ``None``: every
        request); ordered by time received, then id."""
        ...

    def from_contact(
        self,
        *,
        phones: Collection[Phone] = (),
        emails: Collection[Email] = (),
        received_from: datetime,
    ) -> list[Request]:
        """Requests received at or after ``received_from`` whose contact data shares a phone
        number or an email (compared case-folded) with those given; ordered by time received,
        then id. What duplicate detection reads before a request is registered."""
        ...
