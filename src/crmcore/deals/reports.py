"""The funnel of a pipeline and the historical win probability of its stages, from the log.

Both stream once over the stage log (any iterable of :class:`~crmcore.deals.StageChange`, in
the order the changes happened, such as :meth:`~crmcore.deals.StageLog.between` yields), keep
a few numbers per deal, and so work for millions of entries. Times in stage are counted to
the minute.

>>> from datetime import datetime, timedelta, timezone
>>> from crmcore.deals.builtin import MANUAL_SALE
>>> from crmcore.deals.kinds import DealStatus
>>> start = datetime(2026, 1, 1, tzinfo=timezone.utc)
>>> def entry(deal, version, to, status=DealStatus.OPEN, hours=0, source=None):
...     return StageChange(deal_id=deal, pipeline_id="manual_sale", from_stage=source,
...         to_stage=to, from_status=None if version == 1 else DealStatus.OPEN, status=status,
...         at=start + timedelta(hours=hours), version=version)
>>> log = [entry("d-1", 1, "first_contact"), entry("d-2", 1, "first_contact"),
...        entry("d-1", 2, "contract", hours=5, source="first_contact"),
...        entry("d-1", 3, "contract", DealStatus.WON, hours=6, source="contract"),
...        entry("d-2", 2, "first_contact", DealStatus.LOST, hours=9, source="first_contact")]
>>> report = funnel(MANUAL_SALE, log, start=start, end=start + timedelta(days=30))
>>> first = report.stages[0]
>>> first.entered, first.moved_on, first.won, first.lost, first.median_hours
(2, 1, 1, 1, Decimal('7'))
>>> report.win_rate, report.most_lost_at
(Decimal('50.0'), 'first_contact')
>>> print(win_probabilities(MANUAL_SALE, log)[4].explanation)
of 1 closed deals that reached Contract, 1 were won
"""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Iterable
from datetime import UTC, datetime
from decimal import Decimal
from math import ceil
from operator import attrgetter
from typing import Final

import attrs

from crmcore.deals.kinds import DealStatus
from crmcore.deals.model import StageChange
from crmcore.deals.pipeline import Pipeline
from crmcore.errors import DomainValidationError
from crmcore.money import Money

__all__ = ["Funnel", "FunnelStage", "StageWinProbability", "funnel", "win_probabilities"]

_WON: Final = DealStatus.WON
_LOST: Final = DealStatus.LOST
_FIELDS: Final = attrgetter(
    "deal_id", "pipeline_id", "from_stage", "to_stage", "from_status", "status", "at", "amount"
)
_UNKNOWN: Final = -1.0
_OUTCOME: Final = attrgetter("entered", "moved", "status", "stage")
_AMOUNT: Final = attrgetter("status", "amount")
_ZERO: Final = Decimal(0)
_EARLIEST: Final = datetime.min.replace(tzinfo=UTC)
_LATEST: Final = datetime.max.replace(tzinfo=UTC)
_HUNDRED: Final = Decimal(100)


@attrs.frozen(kw_only=True)
class FunnelStage:
    """One stage of a funnel: deals that ``entered`` it in the period, of those the ones that
    ``moved_on`` to a later stage or were ``won`` afterwards, and the deals ``lost`` at it;
    ``conversion`` (moved on / entered, percent) and the median and 90th percentile of the
    hours deals stayed (finished stays only)."""

    stage: str
    title: str
    entered: int
    moved_on: int
    won: int
    lost: int
    conversion: Decimal | None
    median_hours: Decimal | None
    p90_hours: Decimal | None


@attrs.frozen(kw_only=True)
class Funnel:
    """A pipeline's funnel for the period ``[start, end)``: its stages, the deals won, lost
    and still open at the end with their amounts (one Money per currency), the win rate
    (won of decided, percent) and the stage where most deals were lost."""

    pipeline_id: str
    start: datetime
    end: datetime
    stages: tuple[FunnelStage, ...]
    won: int
    lost: int
    open: int
    won_amounts: tuple[Money, ...]
    lost_amounts: tuple[Money, ...]
    open_amounts: tuple[Money, ...]
    win_rate: Decimal | None
    most_lost_at: str | None


@attrs.frozen(kw_only=True)
class StageWinProbability:
    """How often closed deals that reached ``stage`` were won, with the counts behind it."""

    stage: str
    title: str
    reached: int
    won: int
    probability: Decimal | None

    @property
    def explanation(self) -> str:
        """The numbers in a sentence a manager can check."""
        return f"of {self.reached} closed deals that reached {self.title}, {self.won} were won"


class _Deal:
    """What the pass keeps per deal: its stage, since when, the stages it entered and left
    for a later one, its last status and amount."""

    __slots__ = ("amount", "entered", "moved", "since", "stage", "status")

    def __init__(
        self, stage: int, since: float, entered: bool, status: DealStatus, amount: Money | None
    ) -> None:
        self.stage = stage
        self.since = since if entered else _UNKNOWN
        self.entered = 1 << stage if entered else 0
        self.moved = 0
        self.status = status
        self.amount = amount


class _Pass:
    """One pass over a stage log, keeping per deal only what the reports need."""

    def __init__(self, pipeline: Pipeline) -> None:
        self.pipeline = pipeline
        # An unstaged pipeline keeps its deals under one pseudo-stage, "no stage".
        names: list[str | None] = [stage.name for stage in pipeline.ordered] or [None]
        self.index: dict[str | None, int] = {name: i for i, name in enumerate(names)}
        self.deals: dict[str, _Deal] = {}
        self.minutes: list[array[int]] = [array("q") for _ in names]

    def run(self, changes: Iterable[StageChange], start: datetime, end: datetime) -> None:
        """Feed the entries of the pipeline made in ``[start, end)``."""
        pipeline_id, deals, index = self.pipeline.id, self.deals, self.index
        for row in map(_FIELDS, changes):
            deal_id, pipeline, from_stage, to_stage, from_status, status, at, amount = row
            if pipeline != pipeline_id or not start <= at < end:
                continue
            stage = index.get(to_stage, -1)
            if stage < 0:
                self._unknown(to_stage)
            state = deals.get(deal_id)
            if state is None:
                entered = from_stage != to_stage or from_status is None
                deals[deal_id] = _Deal(stage, at.timestamp(), entered, status, amount)
            else:
                self._step(state, stage, status, at.timestamp(), amount)

    def _step(
        self, state: _Deal, stage: int, status: DealStatus, moment: float, amount: Money | None
    ) -> None:
        left = stage != state.stage
        closing = (status is _WON or status is _LOST) and state.status is not status
        if (left or closing) and state.since != _UNKNOWN:
            self.minutes[state.stage].append(int(moment - state.since) // 60)
        if left:
            if stage > state.stage:
                state.moved |= 1 << state.stage
            state.entered |= 1 << stage
            state.stage = stage
            state.since = moment
        elif not closing and (state.status is _WON or state.status is _LOST):
            state.since = moment  # reopened: a new stay at the same stage begins
        state.status = status
        state.amount = amount

    def _unknown(self, stage: object) -> None:
        known = ", ".join(str(name) for name in self.index) or "none"
        message = f"is not a stage of pipeline {self.pipeline.id!r} (stages: {known})"
        raise DomainValidationError.single("to_stage", message, value=stage)

    def outcomes(self) -> Counter[tuple[int, int, DealStatus, int]]:
        """How many deals share each (entered, moved on, status, stage) combination."""
        return Counter(map(_OUTCOME, self.deals.values()))

    def amounts(self) -> dict[DealStatus, dict[str, Decimal]]:
        """The sums of the deals' last amounts by status and currency."""
        sums: dict[DealStatus, dict[str, Decimal]] = {status: {} for status in DealStatus}
        for status, amount in map(_AMOUNT, self.deals.values()):
            if amount is not None:
                by_currency = sums[status]
                currency = amount.currency
                by_currency[currency] = by_currency.get(currency, _ZERO) + amount.amount
        return sums


def _percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * _HUNDRED / Decimal(whole)).quantize(Decimal("0.1"))


def _hours(stays: array[int], share: Decimal) -> Decimal | None:
    """The minutes at ``share`` of ``stays`` (nearest rank; the median averages the middle
    two of an even count), in hours to two decimals."""
    total = len(stays)
    if not total:
        return None
    ranks = (
        [total // 2, total // 2 + 1]
        if share == Decimal("0.5") and total % 2 == 0
        else [max(1, ceil(share * total))]
    )
    counts = Counter(stays)
    values = []
    seen = 0
    for minute in sorted(counts):
        seen += counts[minute]
        while ranks and seen >= ranks[0]:
            values.append(minute)
            ranks.pop(0)
    hours = (Decimal(sum(values)) / len(values) / 60).quantize(Decimal("0.01"))
    return hours.to_integral() if hours == hours.to_integral() else hours.normalize()


def _money(sums: dict[str, Decimal]) -> tuple[Money, ...]:
    return tuple(Money(amount=sums[currency], currency=currency) for currency in sorted(sums))


def funnel(
    pipeline: Pipeline, changes: Iterable[StageChange], *, start: datetime, end: datetime
) -> Funnel:
    """The funnel of ``pipeline`` over the entries of ``changes`` made in ``[start, end)``."""
    walk = _Pass(pipeline)
    walk.run(changes, start, end)
    stages = pipeline.ordered
    entered, moved, won, lost = ([0] * len(stages) for _ in range(4))
    for (entered_mask, moved_mask, status, stage), count in walk.outcomes().items():
        for i in range(len(stages)):
            bit = 1 << i
            entered[i] += count if entered_mask & bit else 0
            moved[i] += count if moved_mask & entered_mask & bit else 0
            won[i] += count if status is _WON and entered_mask & bit else 0
        if status is _LOST and stages:
            lost[stage] += count
    rows = tuple(
        FunnelStage(
            stage=stage.name,
            title=stage.title,
            entered=entered[i],
            moved_on=moved[i],
            won=won[i],
            lost=lost[i],
            conversion=_percent(moved[i], entered[i]),
            median_hours=_hours(walk.minutes[i], Decimal("0.5")),
            p90_hours=_hours(walk.minutes[i], Decimal("0.9")),
        )
        for i, stage in enumerate(stages)
    )
    return _totals(pipeline, walk, rows, start, end)


def _totals(
    pipeline: Pipeline, walk: _Pass, rows: tuple[FunnelStage, ...], start: datetime, end: datetime
) -> Funnel:
    by_status = Counter(deal.status for deal in walk.deals.values())
    won, lost = by_status[_WON], by_status[_LOST]
    sums = walk.amounts()
    open_sums: dict[str, Decimal] = {}
    for status in (DealStatus.OPEN, DealStatus.SUSPENDED):
        for currency, amount in sums[status].items():
            open_sums[currency] = open_sums.get(currency, _ZERO) + amount
    most = max(rows, key=lambda row: row.lost, default=None)
    return Funnel(
        pipeline_id=pipeline.id,
        start=start,
        end=end,
        stages=rows,
        won=won,
        lost=lost,
        open=len(walk.deals) - won - lost,
        won_amounts=_money(sums[_WON]),
        lost_amounts=_money(sums[_LOST]),
        open_amounts=_money(open_sums),
        win_rate=_percent(won, won + lost),
        most_lost_at=most.stage if most is not None and most.lost else None,
    )


def win_probabilities(
    pipeline: Pipeline, changes: Iterable[StageChange]
) -> tuple[StageWinProbability, ...]:
    """For each stage, the share of closed deals that reached it and were won, learned from
    the whole log ``changes`` of ``pipeline``."""
    walk = _Pass(pipeline)
    walk.run(changes, _EARLIEST, _LATEST)
    reached = [0] * len(pipeline.ordered)
    won = [0] * len(pipeline.ordered)
    for (entered_mask, _, status, _), count in walk.outcomes().items():
        if status is not _WON and status is not _LOST:
            continue
        for i in range(len(reached)):
            if entered_mask & (1 << i):
                reached[i] += count
                won[i] += count if status is _WON else 0
    return tuple(
        StageWinProbability(
            stage=stage.name,
            title=stage.title,
            reached=reached[i],
            won=won[i],
            probability=_percent(won[i], reached[i]),
        )
        for i, stage in enumerate(pipeline.ordered)
    )
