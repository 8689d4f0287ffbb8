"""The reference store of the application layer: the outbox, the tick log, and
:class:`MemoryStore`, every reference repository behind one unit of work."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING, Final

from crmcore.app.model import OutboxMessage, OutboxStatus
from crmcore.app.store import Repositories
from crmcore.errors import DomainValidationError, DuplicateEntityError
from crmcore.memory._store import GuardedStore, Journal, KeyIndex, journaled
from crmcore.memory.access import MemoryAuditTrail
from crmcore.memory.agreements import (
    MemoryAgreementRepository,
    MemoryPriceList,
    MemorySalesHistory,
)
from crmcore.memory.catalog import MemoryCatalog
from crmcore.memory.claims import MemoryClaimRepository
from crmcore.memory.deal_documents import (
    MemoryBusinessPlanRepository,
    MemoryCommercialOfferRepository,
    MemorySupplierOrderRepository,
)
from crmcore.memory.deals import MemoryDealRepository, MemoryPipelineRepository, MemoryStageLog
from crmcore.memory.interactions import MemoryInteractionRepository
from crmcore.memory.marketing import (
    MemoryCampaignRepository,
    MemoryConsentRepository,
    MemoryPurchaseHistory,
    MemorySegmentRepository,
    MemorySurveyRepository,
)
from crmcore.memory.partners import (
    MemoryContactPersonRepository,
    MemoryPartnerChangeLog,
    MemoryPartnerRepository,
    MemoryRelationshipRepository,
)
from crmcore.memory.pending_steps import MemoryPendingSteps
from crmcore.memory.requests import MemoryRequestRepository
from crmcore.memory.rotation import MemoryRotationPointers
from crmcore.memory.rule_ledger import MemoryRuleLedger
from crmcore.memory.rules import MemoryRuleRepository
from crmcore.memory.tasks import MemoryProjectRepository, MemoryTaskRepository
from crmcore.repository_checks import check_limit
from crmcore.validation import aware_datetime, raise_violations

__all__ = ["MemoryOutbox", "MemoryStore", "MemoryTickLog"]

OUTBOX_MESSAGE: Final = "outbox_message"
FIRED: Final = "fired"


class MemoryOutbox:
    """Outbox messages in memory: the reference :class:`~crmcore.app.OutboxRepository`."""

    def __init__(self) -> None:
        self._by_status: KeyIndex[OutboxMessage] = KeyIndex(lambda message: [message.status])
        self._store: GuardedStore[OutboxMessage] = GuardedStore(OUTBOX_MESSAGE, [self._by_status])

    def get(self, message_id: str) -> OutboxMessage:
        """The message with this id, else ``EntityNotFoundError``."""
        return self._store.get(message_id)

    def add(self, message: OutboxMessage) -> None:
        """Store a new message, else ``DuplicateEntityError``."""
        self._store.add(message)

    def save(self, message: OutboxMessage, *, expected_version: int) -> None:
        """Store a changed message if the stored one is at ``expected_version``."""
        self._store.save(message, expected_version=expected_version)

    def find(
        self, *, status: OutboxStatus | None = None, limit: int | None = None
    ) -> list[OutboxMessage]:
        """Up to ``limit`` messages with ``status``, ordered by creation time, then id."""
        if limit is not None:
            check_limit(limit)
        found = self._store.matching([(self._by_status, status)])
        found.sort(key=lambda message: (message.created_at, message.id))
        return found if limit is None else found[:limit]


class MemoryTickLog:
    """What the ticks fired, in memory: the reference :class:`~crmcore.app.TickLog`."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._fired: dict[str, datetime] = {}
        self._watermark: datetime | None = None

    def fired(self, key: str) -> bool:
        """Whether ``key`` has been recorded."""
        with self._lock:
            return key in self._fired

    def record(self, key: str, *, at: datetime) -> None:
        """Record ``key`` as fired at ``at``, else ``DuplicateEntityError``."""
        raise_violations(aware_datetime("at", at))
        with self._lock:
            if key in self._fired:
                raise DuplicateEntityError(FIRED, key)
            self._fired[key] = at
            journaled(lambda: self._forget(key))

    def watermark(self) -> datetime | None:
        """The moment up to which the last tick looked."""
        with self._lock:
            return self._watermark

    def advance(self, to: datetime) -> None:
        """Move the watermark forward to ``to``."""
        raise_violations(aware_datetime("to", to))
        with self._lock:
            before = self._watermark
            if before is not None and to < before:
                raise DomainValidationError.single(
                    "to", f"must not be before the watermark {before.isoformat()}", value=to
                )
            self._watermark = to
            journaled(lambda: self._rewind(before))

    def _forget(self, key: str) -> None:
        with self._lock:
            del self._fired[key]

    def _rewind(self, watermark: datetime | None) -> None:
        with self._lock:
            self._watermark = watermark


def memory_repositories() -> Repositories:
    """A new, empty set of the reference repositories."""
    deals = MemoryDealRepository()
    changes = MemoryPartnerChangeLog()
    return Repositories(
        partners=MemoryPartnerRepository(changes=changes),
        contact_persons=MemoryContactPersonRepository(changes=changes),
        relationships=MemoryRelationshipRepository(),
        pipelines=MemoryPipelineRepository(),
        deals=deals,
        stage_log=MemoryStageLog(deals=deals),
        interactions=MemoryInteractionRepository(),
        agreements=MemoryAgreementRepository(),
        prices=MemoryPriceList(),
        sales_history=MemorySalesHistory(),
        claims=MemoryClaimRepository(),
        requests=MemoryRequestRepository(),
        rules=MemoryRuleRepository(),
        outbox=MemoryOutbox(),
        ticks=MemoryTickLog(),
        ledger=MemoryRuleLedger(),
        pending_steps=MemoryPendingSteps(),
        audit=MemoryAuditTrail(),
        tasks=MemoryTaskRepository(),
        projects=MemoryProjectRepository(),
        segments=MemorySegmentRepository(),
        consents=MemoryConsentRepository(),
        campaigns=MemoryCampaignRepository(),
        purchases=MemoryPurchaseHistory(),
        surveys=MemorySurveyRepository(),
        catalog=MemoryCatalog(),
        offers=MemoryCommercialOfferRepository(),
        supplier_orders=MemorySupplierOrderRepository(),
        business_plans=MemoryBusinessPlanRepository(),
        rotation=MemoryRotationPointers(),
        partner_changes=changes,
    )


class MemoryStore:
    """Every reference repository behind one unit of work: the reference
    :class:`~crmcore.app.Store`.

    Units of work run one at a time (a re-entrant lock is held for each), which makes them
    serializable; a block that raises has each of its writes undone, the latest first, before
    the error goes on. Writes made on the repositories outside a unit of work are not undone.
    """

    def __init__(self, repositories: Repositories | None = None) -> None:
        self.repositories = repositories or memory_repositories()
        self._lock = threading.RLock()

    @contextmanager
    def unit_of_work(self) -> Iterator[Repositories]:
        """The repositories, every write of the block undone if it raises; a unit of work
        opened inside another is part of it."""
        with self._lock:
            if Journal.open_here():
                yield self.repositories
                return
            journal = Journal()
            try:
                with journal.recording():
                    yield self.repositories
            except BaseException:
                journal.rollback()
                raise
            journal.forget()


if TYPE_CHECKING:
    from crmcore.app.repository import OutboxRepository, TickLog
    from crmcore.app.store import Store

    def _conforms(
        outbox: MemoryOutbox, ticks: MemoryTickLog, store: MemoryStore
    ) -> tuple[OutboxRepository, TickLog, Store]:
        return outbox, ticks, store
