"""The storage protocols of the deals area, implemented by the host.

The conventions of :mod:`crmcore.partners.repository` hold here too: ``get`` raises
:class:`~crmcore.errors.EntityNotFoundError`, ``add`` raises
:class:`~crmcore.errors.DuplicateEntityError`, ``save`` checks ``expected_version`` and raises
:class:`~crmcore.errors.ConcurrencyConflictError`, a failing call changes nothing, and queries
return lists in a documented order. The stage log is append-only: entries are never changed.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import Protocol

from crmcore.deals.documents import BusinessPlan, CommercialOffer, SupplierOrder
from crmcore.deals.kinds import DealKind, DealStatus
from crmcore.deals.model import Deal, StageChange
from crmcore.deals.pipeline import Pipeline
from crmcore.ids import DealId, PartnerId, PipelineId, UserId
from crmcore.visibility import AccessScope

__all__ = [
    "BusinessPlanRepository",
    "CommercialOfferRepository",
    "DealRepository",
    "PipelineRepository",
    "StageLog",
    "SupplierOrderRepository",
]


class PipelineRepository(Protocol):
    """Where the host keeps pipelines."""

    def get(self, pipeline_id: PipelineId) -> Pipeline:
        """The pipeline with this id."""
        ...

    def add(self, pipeline: Pipeline) -> None:
        """Store a new pipeline."""
        ...

    def save(self, pipeline: Pipeline, *, expected_version: int) -> None:
        """Store a changed pipeline if the stored one is at ``expected_version``."""
        ...

    def of_kind(self, kind: DealKind) -> list[Pipeline]:
        """The pipelines of ``kind``, ordered by id."""
        ...

    def iterate(self) -> Iterator[Pipeline]:
        """Every pipeline, ordered by id."""
        ...


class DealRepository(Protocol):
    """Where the host keeps deals."""

    def get(self, deal_id: DealId) -> Deal:
        """The deal with this id."""
        ...

    def add(self, deal: Deal) -> None:
        """Store a new deal."""
        ...

    def save(self, deal: Deal, *, expected_version: int) -> None:
        """Store a changed deal if the stored one is at ``expected_version``."""
        ...

    def find(
        self,
        *,
        partner_id: PartnerId | None = None,
        pipeline_id: PipelineId | None = None,
        status: DealStatus | None = None,
        responsible_manager: UserId | None = None,
        scope: AccessScope | None = None,
    ) -> list[Deal]:
        """The deals matching every filter given, within ``scope`` (an access scope: only
        the deals it admits; ``None``: every deal), ordered by id."""
        ...

    def closing_between(self, start: date, end: date) -> list[Deal]:
        """Open deals whose expected close is on or after ``start`` and before ``end``,
        ordered by expected close, then id."""
        ...

    def iterate(self) -> Iterator[Deal]:
        """Every deal, ordered by id."""
        ...

    def count(self) -> int:
        """How many deals are stored."""
        ...


class StageLog(Protocol):
    """Where the host keeps the stage log: every change of a deal's stage or status."""

    def append(self, change: StageChange) -> None:
        """Store a new entry; ``DuplicateEntityError`` (key ``"version"``) if the deal has an
        entry of this version already."""
        ...

    def of_deal(self, deal_id: DealId) -> list[StageChange]:
        """The entries of one deal, ordered by version."""
        ...

    def between(
        self,
        start: datetime,
        end: datetime,
        *,
        pipeline_id: PipelineId | None = None,
        scope: AccessScope | None = None,
    ) -> Iterator[StageChange]:
        """Entries made at or after ``start`` and before ``end`` (of one pipeline if given;
        of the deals the access ``scope`` admits if given), ordered by time, then deal id,
        then version."""
        ...

    def by_deal(
        self,
        start: datetime,
        end: datetime,
        *,
        pipeline_id: PipelineId | None = None,
        scope: AccessScope | None = None,
    ) -> Iterator[StageChange]:
        """The same entries as :meth:`between`, ordered by deal id, then version: the order
        in which :func:`~crmcore.deals.funnel` with ``by_deal=True`` reads a log of any size
        in bounded memory."""
        ...

    def count(self) -> int:
        """How many entries are stored."""
        ...


class CommercialOfferRepository(Protocol):
    """Where the host keeps the commercial offers of deals."""

    def get(self, offer_id: str) -> CommercialOffer:
        """The offer with this id."""
        ...

    def add(self, offer: CommercialOffer) -> None:
        """Store a new offer; ``DuplicateEntityError`` (key ``"number"``) if its deal has an
        offer of its number already."""
        ...

    def save(self, offer: CommercialOffer, *, expected_version: int) -> None:
        """Store a changed offer if the stored one is at ``expected_version``."""
        ...

    def of_deal(self, deal_id: DealId) -> list[CommercialOffer]:
        """The offers of a deal, ordered by number."""
        ...

    def count(self) -> int:
        """How many offers are stored."""
        ...


class SupplierOrderRepository(Protocol):
    """Where the host keeps the supplier orders of deals."""

    def get(self, order_id: str) -> SupplierOrder:
        """The order with this id."""
        ...

    def add(self, order: SupplierOrder) -> None:
        """Store a new order."""
        ...

    def save(self, order: SupplierOrder, *, expected_version: int) -> None:
        """Store a changed order if the stored one is at ``expected_version``."""
        ...

    def of_deal(self, deal_id: DealId) -> list[SupplierOrder]:
        """The orders of a deal, ordered by creation moment, then id."""
        ...

    def of_supplier(self, supplier_id: PartnerId) -> list[SupplierOrder]:
        """The orders to a supplier, ordered by creation moment, then id."""
        ...

    def count(self) -> int:
        """How many orders are stored."""
        ...


class BusinessPlanRepository(Protocol):
    """Where the host keeps the business plans of deals, one per deal, by the deal's id."""

    def get(self, deal_id: DealId) -> BusinessPlan:
        """The plan of this deal."""
        ...

    def add(self, plan: BusinessPlan) -> None:
        """Store a new plan."""
        ...

    def save(self, plan: BusinessPlan, *, expected_version: int) -> None:
        """Store a changed plan if the stored one is at ``expected_version``."""
        ...

    def count(self) -> int:
        """How many plans are stored."""
        ...
