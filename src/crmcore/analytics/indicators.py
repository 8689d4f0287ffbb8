"""The built-in KPI indicators, registered under the ``crmcore.indicators`` entry point group.

Each reads every chunk of its records once, keeps per-manager sums in counters and hands
them over as :class:`~crmcore.analytics.kpi.Measures`. Counts of interactions are by the responsible
user, of claims by the employee the claim is about, of deals and leads by their manager.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Final

import attrs

from crmcore.analytics.kpi import Chunk, Measures, Source, Tally, Unit, Windows
from crmcore.deals.kinds import DealStatus
from crmcore.errors import CurrencyMismatchError
from crmcore.interactions.kinds import InteractionStatus
from crmcore.workcalendar import elapsed

__all__ = [
    "AVERAGE_DEAL",
    "BUILTIN_INDICATORS",
    "CLAIMS",
    "DEALS_WON",
    "INTERACTIONS_DONE",
    "LEAD_CONVERSION",
    "NEW_CLIENTS",
    "OVERDUE_INTERACTIONS",
    "SALES_CYCLE",
    "WIN_RATE",
    "WON_AMOUNT",
    "StreamedIndicator",
]

_WON: Final = DealStatus.WON
_LOST: Final = DealStatus.LOST
_DONE: Final = InteractionStatus.DONE
_CANCELLED: Final = InteractionStatus.CANCELLED
_SECONDS_A_DAY: Final = Decimal(86_400)
_ZERO: Final = Decimal(0)


def _within(records: Sequence[Any], when: str, window: tuple[datetime, datetime]) -> list[Any]:
    """The records whose moment ``when`` is in ``[start, end)``, shared between the tallies
    of one chunk when the engine hands a :class:`Chunk`."""
    if isinstance(records, Chunk):
        return records.within(when, window)
    return Chunk(records).within(when, window)


class _Sums:
    """Numerators and denominators per slot and manager, as ints or Decimals while streaming.

    Each chunk is filtered once per window with a comprehension and counted with
    :class:`collections.Counter`, which keeps the per-record work in C where it can.
    """

    when: str = "closed_at"

    def __init__(self, windows: Windows, currency: str) -> None:
        self.windows = (windows.current, windows.previous)
        self.due_by_now = windows.due_by_now
        self.currency = currency
        self.numerators: tuple[Counter[str], Counter[str]] = (Counter(), Counter())
        self.denominators: tuple[Counter[str], Counter[str]] = (Counter(), Counter())

    def consume(self, records: Sequence[Any]) -> None:
        for slot, window in enumerate(self.windows):
            chosen = _within(records, self.when, window)
            if chosen:
                self.take(slot, chosen)

    def take(self, slot: int, records: list[Any]) -> None:
        """Count ``records``, all inside the window of ``slot``."""
        raise NotImplementedError

    def money(self, amount: Any) -> Decimal:
        if amount.currency != self.currency:
            raise CurrencyMismatchError(self.currency, amount.currency, field="amount")
        value: Decimal = amount.amount
        return value

    def finish(self) -> Measures:
        return Measures(
            numerators=(_decimals(self.numerators[0]), _decimals(self.numerators[1])),
            denominators=(_decimals(self.denominators[0]), _decimals(self.denominators[1])),
        )


def _decimals(sums: Counter[str]) -> dict[str, Decimal]:
    return {manager: Decimal(value) for manager, value in sums.items()}


class _DealsWon(_Sums):
    def take(self, slot: int, records: list[Any]) -> None:
        self.numerators[slot].update(d.responsible_manager for d in records if d.status is _WON)


class _WonAmount(_Sums):
    ratio = False

    def take(self, slot: int, records: list[Any]) -> None:
        amounts: dict[str, Any] = self.numerators[slot]
        counts = self.denominators[slot]
        for deal in records:
            if deal.status is _WON and deal.amount is not None:
                manager = deal.responsible_manager
                amounts[manager] = amounts.get(manager, _ZERO) + self.money(deal.amount)
                if self.ratio:
                    counts[manager] += 1


class _AverageDeal(_WonAmount):
    ratio = True


class _WinRate(_Sums):
    def take(self, slot: int, records: list[Any]) -> None:
        closed = [d for d in records if d.status is _WON or d.status is _LOST]
        self.denominators[slot].update(d.responsible_manager for d in closed)
        self.numerators[slot].update(d.responsible_manager for d in closed if d.status is _WON)


class _SalesCycle(_Sums):
    def take(self, slot: int, records: list[Any]) -> None:
        seconds = self.numerators[slot]
        for deal in records:
            if deal.status is _WON:
                length = elapsed(deal.created_at, deal.closed_at)
                seconds[deal.responsible_manager] += length.days * 86_400 + length.seconds
        self.denominators[slot].update(d.responsible_manager for d in records if d.status is _WON)

    def finish(self) -> Measures:
        found = super().finish()
        for numerators in found.numerators:
            for manager, seconds in numerators.items():
                numerators[manager] = seconds / _SECONDS_A_DAY
        return found


class _NewClients(_Sums):
    """A partner is a new client of the manager of its first deal, when that deal opened."""

    when = "created_at"

    def __init__(self, windows: Windows, currency: str) -> None:
        super().__init__(windows, currency)
        self.first: dict[str, tuple[datetime, str]] = {}

    def consume(self, records: Sequence[Any]) -> None:
        first = self.first
        for deal in records:
            known = first.get(deal.partner_id)
            if known is None or deal.created_at < known[0]:
                first[deal.partner_id] = (deal.created_at, deal.responsible_manager)

    def finish(self) -> Measures:
        openings = list(self.first.values())
        for slot, window in enumerate(self.windows):
            start, end = window
            chosen = (manager for opened, manager in openings if start <= opened < end)
            self.numerators[slot].update(chosen)
        return super().finish()


class _InteractionsDone(_Sums):
    when = "completed_at"

    def take(self, slot: int, records: list[Any]) -> None:
        self.numerators[slot].update(i.responsible for i in records if i.status is _DONE)


class _OverdueInteractions(_Sums):
    when = "end"

    def take(self, slot: int, records: list[Any]) -> None:
        self.numerators[slot].update(
            i.responsible for i in records
            if i.status is not _CANCELLED and (
                i.completed_at.astimezone(UTC) > i.end.astimezone(UTC)
                if i.completed_at is not None
                else self.due_by_now(i.end)
            )
        )  # fmt: skip


class _Claims(_Sums):
    when = "registered_at"

    def take(self, slot: int, records: list[Any]) -> None:
        self.numerators[slot].update(c.employee for c in records if c.employee is not None)


class _LeadConversion(_Sums):
    when = "received_at"

    def take(self, slot: int, records: list[Any]) -> None:
        leads = [lead for lead in records if lead.responsible_manager is not None]
        self.denominators[slot].update(lead.responsible_manager for lead in leads)
        self.numerators[slot].update(
            lead.responsible_manager for lead in leads if lead.deal_id is not None
        )


@attrs.frozen(kw_only=True)
class StreamedIndicator:
    """An indicator made of its description and the class of its accumulator."""

    name: str
    title: str
    source: Source
    unit: Unit
    ratio: bool = False
    higher_is_better: bool = True
    accumulator: Callable[[Windows, str], Tally] = attrs.field(repr=False)

    def tally(self, windows: Windows, *, currency: str) -> Tally:
        """A new accumulator for ``windows``."""
        return self.accumulator(windows, currency)


DEALS_WON: Final = StreamedIndicator(
    name="deals_won", title="Deals won", source=Source.DEALS, unit=Unit.COUNT,
    accumulator=_DealsWon,
)  # fmt: skip
"""Deals won in the period, by the date they were won."""
WON_AMOUNT: Final = StreamedIndicator(
    name="won_amount", title="Won amount", source=Source.DEALS, unit=Unit.MONEY,
    accumulator=_WonAmount,
)  # fmt: skip
"""The amount of the deals won in the period."""
WIN_RATE: Final = StreamedIndicator(
    name="win_rate", title="Win rate, %", source=Source.DEALS, unit=Unit.PERCENT, ratio=True,
    accumulator=_WinRate,
)  # fmt: skip
"""Deals won out of the deals won or lost in the period, in percent."""
AVERAGE_DEAL: Final = StreamedIndicator(
    name="average_deal", title="Average deal", source=Source.DEALS, unit=Unit.MONEY,
    ratio=True, accumulator=_AverageDeal,
)  # fmt: skip
"""The average amount of a deal won in the period."""
SALES_CYCLE: Final = StreamedIndicator(
    name="sales_cycle", title="Sales cycle, days", source=Source.DEALS, unit=Unit.DAYS,
    ratio=True, higher_is_better=False, accumulator=_SalesCycle,
)  # fmt: skip
"""The average days from opening to winning of the deals won in the period."""
NEW_CLIENTS: Final = StreamedIndicator(
    name="new_clients", title="New clients", source=Source.DEALS, unit=Unit.COUNT,
    accumulator=_NewClients,
)  # fmt: skip
"""Partners whose first deal ever opened in the period, by the manager of that deal."""
INTERACTIONS_DONE: Final = StreamedIndicator(
    name="interactions_done", title="Interactions done", source=Source.INTERACTIONS,
    unit=Unit.COUNT, accumulator=_InteractionsDone,
)  # fmt: skip
"""Interactions done in the period."""
OVERDUE_INTERACTIONS: Final = StreamedIndicator(
    name="overdue_interactions", title="Overdue", source=Source.INTERACTIONS, unit=Unit.COUNT,
    higher_is_better=False, accumulator=_OverdueInteractions,
)  # fmt: skip
"""Interactions due to end in the period that were not done by their end (cancelled ones
aside); for a period still running, use a to-date period."""
CLAIMS: Final = StreamedIndicator(
    name="claims", title="Claims", source=Source.CLAIMS, unit=Unit.COUNT,
    higher_is_better=False, accumulator=_Claims,
)  # fmt: skip
"""Claims registered in the period about the manager."""
LEAD_CONVERSION: Final = StreamedIndicator(
    name="lead_conversion", title="Lead conversion, %", source=Source.LEADS,
    unit=Unit.PERCENT, ratio=True, accumulator=_LeadConversion,
)  # fmt: skip
"""Leads of the period that became deals, in percent of the period's leads."""

BUILTIN_INDICATORS: Final = (
    DEALS_WON, WON_AMOUNT, WIN_RATE, AVERAGE_DEAL, SALES_CYCLE, NEW_CLIENTS,
    INTERACTIONS_DONE, OVERDUE_INTERACTIONS, CLAIMS, LEAD_CONVERSION,
)  # fmt: skip
"""Every built-in indicator, in the order of a KPI table."""
