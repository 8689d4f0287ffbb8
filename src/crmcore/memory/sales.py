"""The reference in-memory sales facts: what each partner has bought, for the desktop."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from datetime import UTC, date, tzinfo

import attrs

from crmcore.analytics.records import DealRecord, PartnerSales
from crmcore.deals.kinds import DealStatus
from crmcore.errors import DomainValidationError
from crmcore.money import Money
from crmcore.validation import plain_date, raise_violations

__all__ = ["MemorySalesFacts"]


class MemorySalesFacts:
    """Sales by partner in memory: the reference :class:`~crmcore.analytics.SalesFacts`."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._sales: dict[str, PartnerSales] = {}

    def record(self, partner_id: str, *, on: date, amount: Money) -> None:
        """One more sale of ``amount`` to ``partner_id`` on ``on``."""
        raise_violations(plain_date("on", on))
        if not isinstance(amount, Money):
            raise DomainValidationError.single("amount", "must be Money", value=amount)
        with self._lock:
            known = self._sales.get(partner_id)
            if known is None:
                self._sales[partner_id] = PartnerSales(first_deal=on, deals=1, total=amount)
                return
            self._sales[partner_id] = attrs.evolve(
                known, first_deal=min(known.first_deal, on), deals=known.deals + 1,
                total=known.total + amount,
            )  # fmt: skip

    def record_won(self, deals: Iterable[DealRecord], *, zone: tzinfo = UTC) -> None:
        """Record every won deal of ``deals`` with an amount, on the day (in ``zone``) it was
        won."""
        for deal in deals:
            if deal.status is DealStatus.WON and deal.amount and deal.closed_at:
                self.record(
                    deal.partner_id, on=deal.closed_at.astimezone(zone).date(), amount=deal.amount
                )

    def of_partner(self, partner_id: str) -> PartnerSales | None:
        """What ``partner_id`` has bought, or ``None``."""
        with self._lock:
            return self._sales.get(partner_id)
