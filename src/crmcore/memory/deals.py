"""The reference in-memory repositories of the deals area.

Complete implementations of :mod:`crmcore.deals.repository`: secondary indexes by kind,
partner, pipeline, status and responsible manager follow every ``add`` and ``save``; the stage
log keeps its entries in time order so that a period is one range. One re-entrant lock guards
every method; a failing call raises before it changes anything.
"""

from __future__ import annotations

import threading
from bisect import bisect_left, insort
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Final

from crmcore.deals.kinds import DealKind, DealStatus
from crmcore.deals.model import Deal, StageChange
from crmcore.deals.pipeline import Pipeline
from crmcore.errors import DomainValidationError, DuplicateEntityError
from crmcore.ids import DealId, PartnerId, PipelineId, UserId
from crmcore.memory._store import GuardedStore, KeyIndex, journaled
from crmcore.memory.access import AccessIndex, within
from crmcore.validation import aware_datetime, plain_date, raise_violations
from crmcore.visibility import AccessScope

__all__ = ["MemoryDealRepository", "MemoryPipelineRepository", "MemoryStageLog"]

PIPELINE: Final = "pipeline"
DEAL: Final = "deal"
STAGE_CHANGE: Final = "stage_change"


class MemoryPipelineRepository:
    """Pipelines in memory: the reference :class:`~crmcore.deals.PipelineRepository`.

    >>> from crmcore.deals import TYPICAL_SALE
    >>> pipelines = MemoryPipelineRepository()
    >>> pipelines.add(TYPICAL_SALE)
    >>> [p.id for p in pipelines.of_kind(DealKind.CONTROLLED)]
    ['typical_sale']
    """

    def __init__(self) -> None:
        self._by_kind: KeyIndex[Pipeline] = KeyIndex(lambda pipeline: [pipeline.kind])
        self._store: GuardedStore[Pipeline] = GuardedStore(PIPELINE, [self._by_kind])

    def get(self, pipeline_id: PipelineId) -> Pipeline:
        """The pipeline with this id, else ``EntityNotFoundError``."""
        return self._store.get(pipeline_id)

    def add(self, pipeline: Pipeline) -> None:
        """Store a new pipeline, else ``DuplicateEntityError``."""
        self._store.add(pipeline)

    def save(self, pipeline: Pipeline, *, expected_version: int) -> None:
        """Store a changed pipeline if the stored one is at ``expected_version``."""
        self._store.save(pipeline, expected_version=expected_version)

    def of_kind(self, kind: DealKind) -> list[Pipeline]:
        """The pipelines of ``kind``, ordered by id."""
        return self._store.under_any(self._by_kind, [kind])

    def iterate(self) -> Iterator[Pipeline]:
        """Every pipeline, ordered by id (a snapshot)."""
        return iter(self._store.ordered())


class MemoryDealRepository:
    """Deals in memory: the reference :class:`~crmcore.deals.DealRepository`."""

    def __init__(self) -> None:
        self._by_partner: KeyIndex[Deal] = KeyIndex(lambda deal: [deal.partner_id])
        self._by_pipeline: KeyIndex[Deal] = KeyIndex(lambda deal: [deal.pipeline_id])
        self._by_status: KeyIndex[Deal] = KeyIndex(lambda deal: [deal.status])
        self._by_manager: KeyIndex[Deal] = KeyIndex(lambda deal: [deal.responsible_manager])
        self._by_access: AccessIndex[Deal] = AccessIndex(DEAL)
        indexes = [
            self._by_partner,
            self._by_pipeline,
            self._by_status,
            self._by_manager,
            self._by_access,
        ]
        self._store: GuardedStore[Deal] = GuardedStore(DEAL, indexes)

    def get(self, deal_id: DealId) -> Deal:
        """The deal with this id, else ``EntityNotFoundError``."""
        return self._store.get(deal_id)

    def add(self, deal: Deal) -> None:
        """Store a new deal, else ``DuplicateEntityError``."""
        self._store.add(deal)

    def save(self, deal: Deal, *, expected_version: int) -> None:
        """Store a changed deal if the stored one is at ``expected_version``."""
        self._store.save(deal, expected_version=expected_version)

    def find(
        self,
        *,
        partner_id: PartnerId | None = None,
        pipeline_id: PipelineId | None = None,
        status: DealStatus | None = None,
        responsible_manager: UserId | None = None,
        scope: AccessScope | None = None,
    ) -> list[Deal]:
        """The deals matching every filter given (within ``scope``), ordered by id."""
        filters = (
            (self._by_partner, partner_id),
            (self._by_pipeline, pipeline_id),
            (self._by_status, status),
            (self._by_manager, responsible_manager),
        )
        return within(self._store, self._by_access, self._store.matching(filters), scope)

    def visible(self, scope: AccessScope) -> set[str]:
        """The ids of the deals ``scope`` admits (what the stage log filters by)."""
        with self._store.lock:
            return self._by_access.visible(scope)

    def closing_between(self, start: date, end: date) -> list[Deal]:
        """Open deals expected to close on or after ``start`` and before ``end``, ordered by
        expected close, then id."""
        raise_violations([*plain_date("start", start), *plain_date("end", end)])
        deals = self._store.under_any(self._by_status, [DealStatus.OPEN])
        closing = [
            deal
            for deal in deals
            if deal.expected_close is not None and start <= deal.expected_close < end
        ]
        return sorted(closing, key=lambda deal: (deal.expected_close, deal.id))

    def iterate(self) -> Iterator[Deal]:
        """Every deal, ordered by id (a snapshot)."""
        return iter(self._store.ordered())

    def count(self) -> int:
        """How many deals are stored."""
        return len(self._store)


class MemoryStageLog:
    """The stage log in memory: the reference :class:`~crmcore.deals.StageLog`.

    ``deals`` tells which deals an access scope admits; a stage log without them refuses a
    query by scope.
    """

    def __init__(self, *, deals: MemoryDealRepository | None = None) -> None:
        self._deals = deals
        self._lock = threading.RLock()
        self._entries: list[tuple[datetime, str, int, StageChange]] = []
        self._of_deal: dict[str, dict[int, StageChange]] = {}

    def append(self, change: StageChange) -> None:
        """Store a new entry, else ``DuplicateEntityError`` with key ``"version"``."""
        if not isinstance(change, StageChange):
            raise DomainValidationError.single("change", "must be a StageChange", value=change)
        with self._lock:
            versions = self._of_deal.setdefault(change.deal_id, {})
            if change.version in versions:
                entry_id = f"{change.deal_id}@{change.version}"
                raise DuplicateEntityError(STAGE_CHANGE, entry_id, key="version")
            versions[change.version] = change
            # Keyed by the instant: two datetimes of one zone compare by wall-clock time,
            # which puts the second pass of a repeated hour before the first.
            entry = (change.at.astimezone(UTC), change.deal_id, change.version, change)
            insort(self._entries, entry)
            journaled(lambda: self._take_back(entry))

    def _take_back(self, entry: tuple[datetime, str, int, StageChange]) -> None:
        with self._lock:
            self._entries.remove(entry)
            del self._of_deal[entry[1]][entry[2]]

    def of_deal(self, deal_id: DealId) -> list[StageChange]:
        """The entries of one deal, ordered by version."""
        with self._lock:
            versions = self._of_deal.get(deal_id, {})
            return [versions[version] for version in sorted(versions)]

    def between(
        self,
        start: datetime,
        end: datetime,
        *,
        pipeline_id: PipelineId | None = None,
        scope: AccessScope | None = None,
    ) -> Iterator[StageChange]:
        """Entries made in ``[start, end)`` (of one pipeline if given, of the deals ``scope``
        admits if given), ordered by time, then deal id, then version (a snapshot)."""
        raise_violations([*aware_datetime("start", start), *aware_datetime("end", end)])
        visible = self._visible(scope)
        with self._lock:
            first = bisect_left(self._entries, (start.astimezone(UTC),))
            last = bisect_left(self._entries, (end.astimezone(UTC),))
            chosen = [entry[3] for entry in self._entries[first:last]]
        return iter(
            [
                change
                for change in chosen
                if (pipeline_id is None or change.pipeline_id == pipeline_id)
                and (visible is None or change.deal_id in visible)
            ]
        )

    def _visible(self, scope: AccessScope | None) -> set[str] | None:
        if scope is None:
            return None
        if self._deals is None:
            message = "needs a stage log built with the deals, to know which deals it admits"
            raise DomainValidationError.single("scope", message)
        return self._deals.visible(scope)

    def by_deal(
        self,
        start: datetime,
        end: datetime,
        *,
        pipeline_id: PipelineId | None = None,
        scope: AccessScope | None = None,
    ) -> Iterator[StageChange]:
        """Entries made in ``[start, end)`` (of one pipeline if given, of the deals ``scope``
        admits if given), ordered by deal id, then version (a snapshot)."""
        # Unscoped, through the one-argument form: a subclass may narrow ``between``.
        chosen = list(
            self.between(start, end, pipeline_id=pipeline_id)
            if scope is None
            else self.between(start, end, pipeline_id=pipeline_id, scope=scope)
        )
        chosen.sort(key=lambda change: (change.deal_id, change.version))
        return iter(chosen)

    def count(self) -> int:
        """How many entries are stored."""
        with self._lock:
            return len(self._entries)
