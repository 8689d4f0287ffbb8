"""The funnel of a pipeline and the historical win probability of its stages, from the log.

Both stream once over the stage log: any iterable of :class:`~crmcore.deals.StageChange` in
the order the changes happened, such as :meth:`~crmcore.deals.StageLog.between` yields, or
grouped by deal with ``by_deal=True``, as :meth:`~crmcore.deals.StageLog.by_deal` yields. Each
entry costs a few dict and list operations. In time order, memory holds a few counters per
stage and a small object per deal seen; grouped by deal, only the counters and the deal being
read, and each entry is about three times cheaper (no look-up of its deal among all the
others), so prefer it for large logs. Times in stage are counted in whole minutes.

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

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from math import ceil
from typing import Final

import attrs

from crmcore.deals._tally import CLOSED, LOST, WON, Tally
from crmcore.deals.kinds import DealStatus
from crmcore.deals.model import StageChange
from crmcore.deals.pipeline import Pipeline
from crmcore.money import Money
from crmcore.tables import percent
from crmcore.validation import aware_datetime, raise_violations

__all__ = ["Funnel", "FunnelStage", "StageWinProbability", "funnel", "win_probabilities"]

_ZERO: Final = Decimal(0)
_EARLIEST: Final = datetime.min.replace(tzinfo=UTC)
_LATEST: Final = datetime.max.replace(tzinfo=UTC)
_STATUSES: Final = tuple(DealStatus)


@attrs.frozen(kw_only=True)
class FunnelStage:
    """One stage of a funnel: deals that ``entered`` it in the period, of those the ones that
    ``moved_on`` to a later stage or to a win and the ones ``won`` afterwards, and the deals
    ``lost`` at it; ``conversion`` (moved on / entered, percent, so that the final stage
    converts into wins) and the median and 90th percentile of the hours deals stayed
    (finished stays only)."""

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
    """A pipeline's funnel for the period ``[start, end)``: its stages, the deals won and
    lost in it and the deals still open at its end (with or without an entry in it) with
    their amounts (one Money per currency), the win rate (won of decided, percent) and the
    stage where most deals were lost; ``weighted_open`` holds the open deals' amounts each
    weighted by its probability, the manager's own where set, else its stage's at the end
    (as the forecast weighs them: :func:`~crmcore.deals.weights.deal_probability`), when the
    funnel was asked to weigh them (empty otherwise)."""

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
    weighted_open: tuple[Money, ...] = ()


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


def _percent(part: int, whole: int) -> Decimal | None:
    """The share as every report shows it (:func:`crmcore.tables.percent`, half up), or
    ``None`` of nothing."""
    return percent(part, whole) if whole else None


def _hours(stays: dict[int, int], share: Decimal) -> Decimal | None:
    """The minutes at ``share`` of the stays counted in ``stays`` (minutes: how many; nearest
    rank; the median averages the middle two of an even count), in hours to two decimals."""
    total = sum(stays.values())
    if not total:
        return None
    ranks = (
        [total // 2, total // 2 + 1]
        if share == Decimal("0.5") and total % 2 == 0
        else [max(1, ceil(share * total))]
    )
    values = []
    seen = 0
    for minute in sorted(stays):
        seen += stays[minute]
        while ranks and seen >= ranks[0]:
            values.append(minute)
            ranks.pop(0)
    hours = (Decimal(sum(values)) / len(values) / 60).quantize(Decimal("0.01"), ROUND_HALF_UP)
    return hours.to_integral() if hours == hours.to_integral() else hours.normalize()


def _money(tally: Tally, *codes: int) -> tuple[Money, ...]:
    """The amounts of the deals last seen with one of the status ``codes``, per currency."""
    sums: dict[str, Decimal] = {}
    for (code, currency), amount in tally.sums.items():
        if code in codes:
            sums[currency] = sums.get(currency, _ZERO) + amount
    return tuple(Money(amount=sums[currency], currency=currency) for currency in sorted(sums))


def _tallied(
    pipeline: Pipeline,
    changes: Iterable[StageChange],
    start: datetime,
    end: datetime,
    by_deal: bool,
    probabilities: Mapping[str, Decimal] | None = None,
) -> Tally:
    tally = Tally(pipeline, by_deal=by_deal, probabilities=probabilities)
    tally.run(changes, start, end)
    return tally


def _stage_counts(tally: Tally, stages: int) -> tuple[list[int], list[int], list[int], list[int]]:
    """Per stage: the deals that entered it, of those the ones that moved on (to a later
    stage, or to a win: the final stage converts into wins) and the ones won, and the deals
    lost at it."""
    entered, moved, won, lost = ([0] * stages for _ in range(4))
    for (position, bits), count in tally.outcomes.items():
        status = position & 3
        for i in range(stages):
            if bits >> i & 1:
                entered[i] += count
                moved[i] += count if status == WON or bits >> (tally.count + i) & 1 else 0
                won[i] += count if status == WON else 0
        if status == LOST and stages:
            lost[position >> 2] += count
    return entered, moved, won, lost


def funnel(
    pipeline: Pipeline,
    changes: Iterable[StageChange],
    *,
    start: datetime,
    end: datetime,
    by_deal: bool = False,
    probabilities: Mapping[str, Decimal] | None = None,
) -> Funnel:
    """The funnel of ``pipeline`` over the entries of ``changes`` made in ``[start, end)``.

    Given ``probabilities``, the deals' own probabilities by deal id (the manager's estimate,
    :attr:`~crmcore.deals.Deal.probability`; an empty mapping when none has one), the funnel
    weighs its open deals: one among them by its own, any other by its stage's (an unstaged
    one at :data:`~crmcore.deals.weights.UNSTAGED_PROBABILITY`), as the forecast does; without
    them it leaves ``weighted_open`` empty and costs nothing more.

    Entries before ``start`` tell where deals stood when the period began: pass the log up to
    ``end`` (``StageLog.between(earliest, end)``) and a deal still open at the end is counted
    as open even if nothing happened to it in the period; entries from ``start`` only count
    just the deals that changed in it.

    ``changes`` come in the order they happened (each deal's entries in version order; deals
    may interleave), and every deal seen is remembered until the end, since a closed deal may
    be reopened. With ``by_deal=True`` they come grouped by deal instead (``StageLog.by_deal``,
    ``ORDER BY deal_id, version``, or each deal's ``StageLog.of_deal`` in turn): memory no
    longer grows with the number of deals and the pass is about three times faster. A deal
    whose entries do not come together is then counted once per run of entries, so prefer it
    when storage streams that order, rather than sorting a log in memory for it.
    """
    raise_violations([*aware_datetime("start", start), *aware_datetime("end", end)])
    tally = _tallied(pipeline, changes, start, end, by_deal, probabilities)
    stages = pipeline.ordered
    entered, moved, won, lost = _stage_counts(tally, len(stages))
    stays = tally.stays
    rows = tuple(
        FunnelStage(
            stage=stage.name,
            title=stage.title,
            entered=entered[i],
            moved_on=moved[i],
            won=won[i],
            lost=lost[i],
            conversion=_percent(moved[i], entered[i]),
            median_hours=_hours(stays[i], Decimal("0.5")),
            p90_hours=_hours(stays[i], Decimal("0.9")),
        )
        for i, stage in enumerate(stages)
    )
    return _totals(pipeline, tally, rows, start, end)


def _totals(
    pipeline: Pipeline, tally: Tally, rows: tuple[FunnelStage, ...], start: datetime, end: datetime
) -> Funnel:
    by_status = [0] * len(_STATUSES)
    for (position, _), count in tally.outcomes.items():
        by_status[position & 3] += count
    won, lost = by_status[WON], by_status[LOST]
    most = max(rows, key=lambda row: row.lost, default=None)
    return Funnel(
        pipeline_id=pipeline.id,
        start=start,
        end=end,
        stages=rows,
        won=won,
        lost=lost,
        open=sum(by_status) - won - lost,
        won_amounts=_money(tally, WON),
        lost_amounts=_money(tally, LOST),
        open_amounts=_money(tally, *(code for code in range(len(_STATUSES)) if code not in CLOSED)),
        win_rate=_percent(won, won + lost),
        most_lost_at=most.stage if most is not None and most.lost else None,
        weighted_open=tuple(
            Money(amount=tally.weighted[code], currency=code) for code in sorted(tally.weighted)
        ),
    )


def win_probabilities(
    pipeline: Pipeline, changes: Iterable[StageChange], *, by_deal: bool = False
) -> tuple[StageWinProbability, ...]:
    """For each stage, the share of closed deals that reached it and were won, learned from
    the whole log ``changes`` of ``pipeline`` (in the order of :func:`funnel`, grouped by deal
    with ``by_deal=True``)."""
    tally = _tallied(pipeline, changes, _EARLIEST, _LATEST, by_deal)
    reached = [0] * len(pipeline.ordered)
    won = [0] * len(pipeline.ordered)
    for (position, bits), count in tally.outcomes.items():
        status = position & 3
        if status not in CLOSED:
            continue
        for i in range(len(reached)):
            if bits >> i & 1:
                reached[i] += count
                won[i] += count if status == WON else 0
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
