"""Light records for the KPI tests, shaped like the record protocols of crmcore.analytics."""

from __future__ import annotations

from datetime import datetime

import attrs

from crmcore.deals import DealStatus
from crmcore.interactions import InteractionStatus
from crmcore.money import Money


@attrs.frozen(kw_only=True)
class DealRow:
    partner_id: str
    responsible_manager: str
    status: DealStatus
    amount: Money | None
    created_at: datetime
    closed_at: datetime | None


@attrs.frozen(kw_only=True)
class InteractionRow:
    responsible: str
    status: InteractionStatus
    end: datetime
    completed_at: datetime | None


@attrs.frozen(kw_only=True)
class ClaimRow:
    registered_at: datetime
    employee: str | None


@attrs.frozen(kw_only=True)
class LeadRow:
    responsible_manager: str | None
    received_at: datetime
    deal_id: str | None
