"""The built-in KPI indicators, registered under the ``crmcore.indicators`` entry point group.

Each streams its records once, keeps per-manager sums in plain dicts and hands them over as
:class:`~crmcore.analytics.kpi.Measures`. Counts of interactions are by the responsible
user, of claims by the employee the claim is about, of deals and leads by their manager.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime
from decimal import Decimal
from operator import attrgetter
from typing import Any, Final

import attrs

from crmcore.analytics.kpi import Measures, Source, Tally, Unit, Windows
from crmcore.deals.kinds import DealStatus
from crmcore.errors import CurrencyMismatchError
from crmcore.interactions.kinds import InteractionStatus

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
Moment = Callable[[Any], datetime | None]


def _slotted(records: Iterable[Any], windows: Windows, when: Moment) -> Iterator[tuple[int, Any]]:
    """``(slot, record)`` for each record whose moment ``when(record)`` is in a window."""
    (current_start, current_end), (previous_start, previous_end) = windows.current, windows.previous
    for record in records:
        moment = when(record)
        if moment is None:
            continue
        if current_start <= moment < current_end:
            yield 0, record
        elif previous_start <= moment < previous_end:
            yield 1, record


class _Sums:
    """Numerators and denominators per slot and manager, as ints or Decimals while streaming."""

    def __init__(self, windows: Windows, currency: str) -> None:
        self.windows = windows
        self.currency = currency
        self.numerators: tuple[dict[str, Any], dict[str, Any]] = ({}, {})
        self.denominators: tuple[dict[str, Any], dict[str, Any]] = ({}, {})

    def count(self, slot: int, manager: str, numerator: Any = 1, denominator: int = 0) -> None:
        numerators = self.numerators[slot]
        numerators[manager] = numerators.get(manager, 0) + numerator
        if denominator:
            denominators = self.denominators[slot]
            denominators[manager] = denominators.get(manager, 0) + denominator

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


def _decimals(sums: dict[str, Any]) -> dict[str, Decimal]:
    return {manager: Decimal(value) for manager, value in sums.items()}


_CLOSED_AT: Final = attrgetter("closed_at")


class _DealsWon(_Sums):
    def consume(self, records: Sequence[Any]) -> None:
        for slot, deal in _slotted(records, self.windows, _CLOSED_AT):
            if deal.status is _WON:
                self.count(slot, deal.responsible_manager)


class _WonAmount(_Sums):
    ratio = False

    def consume(self, records: Sequence[Any]) -> None:
        for slot, deal in _slotted(records, self.windows, _CLOSED_AT):
            if deal.status is _WON and deal.amount is not None:
                amount = self.money(deal.amount)
                self.count(slot, deal.responsible_manager, amount, 1 if self.ratio else 0)


class _AverageDeal(_WonAmount):
    ratio = True


class _WinRate(_Sums):
    def consume(self, records: Sequence[Any]) -> None:
        for slot, deal in _slotted(records, self.windows, _CLOSED_AT):
            status = deal.status
            if status is _WON or status is _LOST:
                self.count(slot, deal.responsible_manager, 1 if status is _WON else 0, 1)


class _SalesCycle(_Sums):
    def consume(self, records: Sequence[Any]) -> None:
        for slot, deal in _slotted(records, self.windows, _CLOSED_AT):
            if deal.status is _WON:
                length = deal.closed_at - deal.created_at
                seconds = length.days * 86_400 + length.seconds
                self.count(slot, deal.responsible_manager, seconds, 1)

    def finish(self) -> Measures:
        found = super().finish()
        for numerators in found.numerators:
            for manager, seconds in numerators.items():
                numerators[manager] = seconds / _SECONDS_A_DAY
        return found


class _NewClients(_Sums):
    """A partner is a new client of the manager of its first deal, when that deal opened."""

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
        openings = self.first.values()
        for slot, (_, manager) in _slotted(openings, self.windows, lambda pair: pair[0]):
            self.count(slot, manager)
        return super().finish()


class _InteractionsDone(_Sums):
    def consume(self, records: Sequence[Any]) -> None:
        for slot, interaction in _slotted(records, self.windows, attrgetter("completed_at")):
            if interaction.status is _DONE:
                self.count(slot, interaction.responsible)


class _OverdueInteractions(_Sums):
    def consume(self, records: Sequence[Any]) -> None:
        for slot, interaction in _slotted(records, self.windows, attrgetter("end")):
            if interaction.status is _CANCELLED:
                continue
            done = interaction.completed_at
            if done is None or done > interaction.end:
                self.count(slot, interaction.responsible)


class _Claims(_Sums):
    def consume(self, records: Sequence[Any]) -> None:
        for slot, claim in _slotted(records, self.windows, attrgetter("registered_at")):
            if claim.employee is not None:
                self.count(slot, claim.employee)


class _LeadConversion(_Sums):
    def consume(self, records: Sequence[Any]) -> None:
        for slot, lead in _slotted(records, self.windows, attrgetter("created_at")):
            if lead.responsible_manager is not None:
                converted = 0 if lead.deal_id is None else 1
                self.count(slot, lead.responsible_manager, converted, 1)


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
