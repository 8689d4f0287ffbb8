"""The store: every repository of every area behind one unit of work.

A :class:`Store` hands out :class:`Repositories` that share one transaction: what is written
through them becomes visible to others all at once when the unit of work ends normally, and
not at all when it raises. :class:`crmcore.memory.MemoryStore` is the reference store;
:mod:`crmcore.sql` keeps the same protocols on SQLite or PostgreSQL.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Protocol

import attrs

from crmcore.access.repository import AuditTrail
from crmcore.agreements.repository import AgreementRepository, PriceSource, SalesHistory
from crmcore.app.repository import OutboxRepository, TickLog
from crmcore.catalog.repository import CatalogRepository
from crmcore.claims.repository import ClaimRepository
from crmcore.deals.repository import (
    BusinessPlanRepository,
    CommercialOfferRepository,
    DealRepository,
    PipelineRepository,
    StageLog,
    SupplierOrderRepository,
)
from crmcore.interactions.repository import InteractionRepository
from crmcore.marketing.repository import (
    CampaignRepository,
    ConsentRepository,
    PurchaseHistory,
    SegmentRepository,
    SurveyRepository,
)
from crmcore.partners.repository import (
    ContactPersonRepository,
    PartnerChangeLog,
    PartnerRepository,
    RelationshipRepository,
)
from crmcore.requests.repository import RequestRepository
from crmcore.rules.repository import PendingSteps, RotationPointers, RuleLedger, RuleRepository
from crmcore.tasks.repository import ProjectRepository, TaskRepository

__all__ = ["Repositories", "Store"]


@attrs.frozen(kw_only=True, eq=False)
class Repositories:
    """The repositories of one unit of work, one per protocol."""

    partners: PartnerRepository
    contact_persons: ContactPersonRepository
    relationships: RelationshipRepository
    pipelines: PipelineRepository
    deals: DealRepository
    stage_log: StageLog
    interactions: InteractionRepository
    agreements: AgreementRepository
    prices: PriceSource
    sales_history: SalesHistory
    claims: ClaimRepository
    requests: RequestRepository
    rules: RuleRepository
    outbox: OutboxRepository
    ticks: TickLog
    ledger: RuleLedger | None = None
    """The rules' firings (throttles, first-time rules, the execution log); a store without
    one runs no rule that counts its firings."""
    pending_steps: PendingSteps | None = None
    """The rules' waiting steps, run by the ticks when due; a store without it runs no rule
    that waits."""
    audit: AuditTrail | None = None
    """The audit trail: who changed which record, when, through which command, and how; a
    store without one keeps no history."""
    tasks: TaskRepository | None = None
    """The tasks; a store without them refuses the commands on tasks, and the rules'
    ``create_task`` only goes to the outbox."""
    projects: ProjectRepository | None = None
    """The projects; a store without them refuses to start one, and the rules'
    ``start_project`` only goes to the outbox."""
    catalog: CatalogRepository | None = None
    """The catalog (products, groups, price types, prices, stock); a store without one
    refuses the commands on products and the price form."""
    offers: CommercialOfferRepository | None = None
    """The deals' commercial offers; a store without them refuses to register or send one."""
    supplier_orders: SupplierOrderRepository | None = None
    """The deals' supplier orders; a store without them refuses to place one."""
    business_plans: BusinessPlanRepository | None = None
    """The deals' business plans; a store without them refuses to draw one."""
    segments: SegmentRepository | None = None
    """The marketing segments; a store without them (and without the other marketing
    repositories below) refuses the marketing commands."""
    consents: ConsentRepository | None = None
    """The contact persons' consents per channel; without them mailings reach no one, and
    the rules' messages to clients are not held back by opt-outs."""
    campaigns: CampaignRepository | None = None
    """The marketing campaigns."""
    purchases: PurchaseHistory | None = None
    """The won deals' lines that segments and cross-sell read."""
    surveys: SurveyRepository | None = None
    """The surveys and their responses."""
    rotation: RotationPointers | None = None
    """Each team's round-robin rotation pointer, read and moved in the unit of work that
    assigns; a store without it keeps the rotation in the CRM object only, so that a restart
    or another process starts the turn over."""
    partner_changes: PartnerChangeLog | None = None
    """The sequence of changes to partners and contact persons that the CRM's duplicate
    indexes catch up with before each check; a store without it leaves another process's
    partners unseen until :meth:`~crmcore.app.CRM.refresh_indexes`."""


class Store(Protocol):
    """Where a :class:`~crmcore.app.CRM` keeps everything."""

    def unit_of_work(self) -> AbstractContextManager[Repositories]:
        """Repositories sharing one transaction: committed when the ``with`` block ends
        normally, rolled back (every write of the block undone) when it raises.

        Storage failures surface as :class:`~crmcore.errors.RepositoryError` subclasses; a
        conflict with a concurrent writer as
        :class:`~crmcore.errors.ConcurrencyConflictError`, which the application retries.
        """
        ...
