"""Benchmark of crmcore.analytics KPI benchmarking; prints one JSON object per line.

Streams generated deals and interactions (1M and 5M by default) through ``kpi_table`` with
every built-in deal and interaction indicator, a year against the year before, and measures
the CPU time of the process (steadier than the wall clock on a shared machine) and the peak
memory. The baseline, run after it in the same process, is the naive
way: load every record into lists, then recount each indicator for each period in a pass of
its own. Both must give the same table. See README.md here for how to run it.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import resource
import time
from collections import deque
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from crmcore.analytics import BUILTIN_INDICATORS, Granularity, Period, Source, kpi_table
from crmcore.deals import DealStatus
from crmcore.interactions import InteractionStatus
from crmcore.money import Money

MANAGERS = tuple(f"u-{number:02d}" for number in range(40))
START = datetime(2024, 1, 1, tzinfo=UTC)
HOURS = 2 * 366 * 24
CENT = Decimal("0.01")
MOMENTS = [START + timedelta(hours=h) for h in range(HOURS)]
INDICATORS = tuple(i for i in BUILTIN_INDICATORS if i.source in {Source.DEALS, Source.INTERACTIONS})


class DealRow:
    """A deal as a host's database cursor might yield it."""

    __slots__ = ("amount", "closed_at", "created_at", "partner_id", "responsible_manager", "status")

    def __init__(self, *values: Any) -> None:
        (self.partner_id, self.responsible_manager, self.status, self.amount, self.created_at,
         self.closed_at) = values  # fmt: skip


class InteractionRow:
    """An interaction as a host's database cursor might yield it."""

    __slots__ = ("completed_at", "end", "responsible", "status")

    def __init__(self, *values: Any) -> None:
        self.responsible, self.status, self.end, self.completed_at = values


def emit(**figures: object) -> None:
    print(json.dumps(figures, ensure_ascii=False), flush=True)


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def deals(count: int, seed: int) -> Iterator[DealRow]:
    rng = random.Random(seed)
    moments = MOMENTS
    amounts = [Money.of(amount * 1000, "RUB") for amount in range(1, 500)]
    statuses = (DealStatus.WON, DealStatus.WON, DealStatus.LOST, DealStatus.OPEN)
    for _ in range(count):
        opened = rng.randrange(HOURS - 2000)
        status = rng.choice(statuses)
        closed = moments[opened + rng.randrange(2000)] if status.closed else None
        yield DealRow(
            f"p-{rng.randrange(count // 5 + 1)}", rng.choice(MANAGERS), status,
            rng.choice(amounts), moments[opened], closed,
        )  # fmt: skip


def interactions(count: int, seed: int) -> Iterator[InteractionRow]:
    rng = random.Random(seed)
    moments = MOMENTS
    statuses = tuple(InteractionStatus)
    for _ in range(count):
        end = rng.randrange(HOURS - 100)
        status = rng.choice(statuses)
        done = moments[end + rng.randrange(-3, 100)] if status is InteractionStatus.DONE else None
        yield InteractionRow(rng.choice(MANAGERS), status, moments[end], done)


def naive_table(
    period: Period, deal_rows: list[DealRow], interaction_rows: list[InteractionRow]
) -> dict[str, dict[str, tuple[Any, Any]]]:
    """Each indicator recounted for each period in a pass over the loaded records."""
    found: dict[str, dict[str, tuple[Any, Any]]] = {}
    windows = (period.bounds(), period.previous_year().bounds())
    for name, recount in NAIVE.items():
        rows = (
            interaction_rows if name in {"interactions_done", "overdue_interactions"} else deal_rows
        )
        now, before = (recount(rows, start, end) for start, end in windows)
        found[name] = {m: (now.get(m), before.get(m)) for m in MANAGERS}
    return found


def _won(rows: list[DealRow], start: datetime, end: datetime) -> list[DealRow]:
    return [
        d for d in rows if d.status is DealStatus.WON and d.closed_at and start <= d.closed_at < end
    ]


def _by(rows: list[Any], key: str, value: Callable[[Any], Any]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for row in rows:
        found.setdefault(getattr(row, key), []).append(value(row))
    return found


def _ratio(parts: dict[str, list[Any]], scale: int = 1) -> dict[str, Decimal]:
    return {m: (Decimal(sum(v)) * scale / len(v)).quantize(CENT) for m, v in parts.items()}


def _new_clients(rows: list[DealRow], start: datetime, end: datetime) -> dict[str, Decimal]:
    first: dict[str, DealRow] = {}
    for deal in rows:
        if deal.partner_id not in first or deal.created_at < first[deal.partner_id].created_at:
            first[deal.partner_id] = deal
    opened = [d for d in first.values() if start <= d.created_at < end]
    return {m: Decimal(len(v)) for m, v in _by(opened, "responsible_manager", id).items()}


def _late(rows: list[InteractionRow], start: datetime, end: datetime) -> list[InteractionRow]:
    return [
        i for i in rows
        if start <= i.end < end and i.status is not InteractionStatus.CANCELLED
        and (i.completed_at is None or i.completed_at > i.end)
    ]  # fmt: skip


# fmt: off
NAIVE: dict[str, Callable[[list[Any], datetime, datetime], dict[str, Decimal]]] = {
    "deals_won": lambda rows, s, e: {
        m: Decimal(len(v)) for m, v in _by(_won(rows, s, e), "responsible_manager", id).items()
    },
    "won_amount": lambda rows, s, e: {
        m: sum(v, Decimal(0))
        for m, v in _by(_won(rows, s, e), "responsible_manager", lambda d: d.amount.amount).items()
    },
    "win_rate": lambda rows, s, e: _ratio(
        _by(
            [d for d in rows if d.status.closed and s <= d.closed_at < e],
            "responsible_manager",
            lambda d: d.status is DealStatus.WON,
        ),
        100,
    ),
    "average_deal": lambda rows, s, e: _ratio(
        _by(_won(rows, s, e), "responsible_manager", lambda d: d.amount.amount)
    ),
    "sales_cycle": lambda rows, s, e: _ratio(
        _by(
            _won(rows, s, e),
            "responsible_manager",
            lambda d: Decimal(int((d.closed_at - d.created_at).total_seconds())) / 86400,
        )
    ),
    "new_clients": _new_clients,
    "interactions_done": lambda rows, s, e: {
        m: Decimal(len(v))
        for m, v in _by(
            [i for i in rows if i.status is InteractionStatus.DONE and s <= i.completed_at < e],
            "responsible",
            id,
        ).items()
    },
    "overdue_interactions": lambda rows, s, e: {
        m: Decimal(len(v)) for m, v in _by(_late(rows, s, e), "responsible", id).items()
    },
}
# fmt: on


def streamed(period: Period, arguments: argparse.Namespace) -> Any:
    started = time.process_time()
    table = kpi_table(
        INDICATORS, period=period, deals=deals(arguments.deals, arguments.seed),
        interactions=interactions(arguments.interactions, arguments.seed + 1), managers=MANAGERS,
    )  # fmt: skip
    seconds = time.process_time() - started
    records = arguments.deals + arguments.interactions
    emit(bench="kpi_streamed", deals=arguments.deals, interactions=arguments.interactions,
         indicators=len(INDICATORS), managers=len(MANAGERS), cpu_seconds=round(seconds, 2),
         records_per_second=round(records / seconds), peak_rss_mib=round(peak_mib()))  # fmt: skip
    return table, seconds


def generation_only(arguments: argparse.Namespace) -> float:
    started = time.process_time()
    deque(deals(arguments.deals, arguments.seed), maxlen=0)
    deque(interactions(arguments.interactions, arguments.seed + 1), maxlen=0)
    seconds = time.process_time() - started
    emit(bench="generate_only", cpu_seconds=round(seconds, 2))
    return seconds


def baseline(period: Period, arguments: argparse.Namespace) -> Any:
    started = time.process_time()
    deal_rows = list(deals(arguments.deals, arguments.seed))
    interaction_rows = list(interactions(arguments.interactions, arguments.seed + 1))
    loaded = time.process_time()
    found = naive_table(period, deal_rows, interaction_rows)
    seconds = time.process_time() - started
    emit(bench="kpi_naive_baseline", cpu_seconds=round(seconds, 2),
         load_cpu_seconds=round(loaded - started, 2),
         count_cpu_seconds=round(seconds - (loaded - started), 2),
         peak_rss_mib=round(peak_mib()))  # fmt: skip
    return found, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--deals", type=int, default=1_000_000)
    parser.add_argument("--interactions", type=int, default=5_000_000)
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--no-baseline", action="store_true")
    arguments = parser.parse_args()
    period = Period.containing(date(2025, 6, 30), Granularity.YEAR)
    generated = generation_only(arguments)
    gc.collect()
    table, seconds = streamed(period, arguments)
    emit(bench="kpi_streamed_net", cpu_seconds=round(seconds - generated, 2),
         note="streamed time less the time to generate the records")  # fmt: skip
    if arguments.no_baseline:
        return
    gc.collect()
    naive, naive_seconds = baseline(period, arguments)
    same = all(
        (table.value(m, name).current or Decimal(0), table.value(m, name).previous or Decimal(0))
        == tuple(value or Decimal(0) for value in naive[name][m])
        for name in naive for m in MANAGERS
    )  # fmt: skip
    emit(bench="kpi_compare", same_results=same,
         speedup=round(naive_seconds / seconds, 2),
         net_speedup=round((naive_seconds - generated) / max(seconds - generated, 1e-9), 2),
         )  # fmt: skip


if __name__ == "__main__":
    main()
