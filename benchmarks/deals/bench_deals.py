"""Benchmark of crmcore.deals; prints one JSON object per line, CPU time of this process.

1. A stage move through crmcore (status and stage lifecycle look-ups, every gate of the target
   stage evaluated, the moved deal, its stage log entry and its event built) beside the naive
   use of python-statemachine: a machine instance created per deal and sent the event
   (construct + send, no gates, no log). Target: <= 20 us per crmcore move.
2. The funnel and the win probabilities of a pipeline over a generated stage log (1M deals,
   about 5M entries by default), once in time order and once grouped by deal
   (``by_deal=True``, the order of ``StageLog.by_deal``), each beside two floors measured on
   the same log in the same run: a pass that only counts entries per stage, and a pass that
   only looks each entry's deal up in a dict (what any report keeping per-deal state over a
   time-ordered log pays). The reports' own peak memory is traced in a second run. Target:
   <= 3 s for the funnel.
3. The forecast of upcoming deals over the deals of the log, beside a pass that only reads
   each deal's status and expected close.

CPU time (``time.process_time``) is steadier than the wall clock on a shared machine.
Run: ``python benchmarks/deals/bench_deals.py [--deals N] [--moves N]``.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import resource
import time
import tracemalloc
from collections import Counter
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import TypeVar

from crmcore.deals import (
    BUILTIN_PIPELINES,
    TYPICAL_SALE,
    Deal,
    DealDraft,
    DealStatus,
    GateContext,
    StageChange,
    funnel,
    move_deal,
    open_deal,
    stage_lifecycle,
    upcoming,
    win_probabilities,
)

# Generating millions of valid entries one by one through their checks would take minutes;
# the benchmark builds them as the services do, from values known valid.
from crmcore.deals._checked import replaced, trusted
from crmcore.ids import DealId, EntityRef, PartnerId, PipelineId
from crmcore.money import Money
from crmcore.partners import Partner, PartnerKind, PartnerRole

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
T = TypeVar("T")


def emit(**figures: object) -> None:
    print(json.dumps(figures, ensure_ascii=False), flush=True)


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def best_per_call(action: Callable[[], object], calls: int, rounds: int = 5) -> float:
    """The fastest of ``rounds`` CPU timings of ``calls`` calls, in microseconds per call."""
    best = float("inf")
    for _ in range(rounds):
        started = time.process_time()
        for _ in range(calls):
            action()
        best = min(best, time.process_time() - started)
    return best / calls * 1e6


def cpu(action: Callable[[], T]) -> tuple[float, T]:
    """The CPU seconds ``action`` takes, garbage collection off, and its result."""
    gc.collect()
    gc.disable()
    try:
        started = time.process_time()
        result = action()
        return time.process_time() - started, result
    finally:
        gc.enable()


def traced_mib(action: Callable[[], object]) -> float:
    """The peak of the memory ``action`` allocates, in MiB (traced, so run apart from timing)."""
    gc.collect()
    tracemalloc.start()
    try:
        action()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def bench_move(calls: int) -> None:
    client = Partner(id=PartnerId("p-1"), kind=PartnerKind.LEGAL_ENTITY,
                     roles=frozenset({PartnerRole.CLIENT}), short_name="Ромашка", segment="A",
                     created_at=NOW)  # fmt: skip
    draft = DealDraft(title="Трубы", partner_id="p-1", responsible_manager="u-1",
                      documents=(EntityRef(entity_type="agreement", entity_id="a-1"),))  # fmt: skip
    deal = open_deal(draft, pipeline=TYPICAL_SALE, now=NOW).entity
    deal = move_deal(deal, "qualification", pipeline=TYPICAL_SALE, now=NOW).entity
    context = GateContext(partner=client)
    machine_class = stage_lifecycle(TYPICAL_SALE).machine_class

    def through_crmcore() -> object:
        return move_deal(deal, "commercial_offer", pipeline=TYPICAL_SALE, now=NOW, context=context)

    def naive_machine() -> object:
        machine = machine_class(start_value="qualification")
        machine.send("to_commercial_offer")
        return machine.current_state_value

    assert through_crmcore().entity.stage == naive_machine() == "commercial_offer"  # type: ignore[attr-defined]
    crmcore_us = best_per_call(through_crmcore, calls)
    naive_us = best_per_call(naive_machine, max(calls // 20, 50))
    emit(benchmark="deal_move", gates_evaluated=2, crmcore_us=round(crmcore_us, 2),
         statemachine_per_deal_us=round(naive_us, 2), speedup=round(naive_us / crmcore_us, 1),
         target_us=20, met=crmcore_us <= 20)  # fmt: skip


Row = tuple[int, int, int, int | None, int, DealStatus | None, DealStatus]
"""An entry as generated: minute, deal number, version, from stage, to stage, statuses."""


def deal_rows(number: int, rng: random.Random, last: int) -> list[Row]:
    """The entries of one deal of the typical sale: opened, moved on a few stages (back now
    and then), and most often won or lost."""
    minute = rng.randrange(0, 525_600)
    position, version, status = 0, 1, DealStatus.OPEN
    rows: list[Row] = [(minute, number, version, None, 0, None, status)]
    for _ in range(rng.choice((3, 3, 4, 4))):
        step = 1 if position < last and rng.random() < 0.85 else -1
        target = max(0, position + step)
        if target == position:
            continue
        minute += rng.randrange(60, 20_000)
        version += 1
        rows.append((minute, number, version, position, target, status, status))
        position = target
    if rng.random() < 0.8:
        result = DealStatus.WON if position == last else DealStatus.LOST
        minute += rng.randrange(60, 20_000)
        rows.append((minute, number, version + 1, position, position, status, result))
    return rows


def entry(
    stages: tuple[str, str | None, str | None],
    change: tuple[DealStatus | None, DealStatus, datetime, int],
    amount: Money,
) -> StageChange:
    """One entry of the typical sale, built as the services build it, from valid values."""
    (deal_id, source, target), (before, after, at, version) = stages, change
    return trusted(StageChange, deal_id=DealId(deal_id), pipeline_id=PipelineId(TYPICAL_SALE.id),
                   from_stage=source, to_stage=target, from_status=before, status=after, at=at,
                   by=None, reason=None, amount=amount, version=version)  # fmt: skip


def stage_log(deals: int, seed: int, *, by_deal: bool = False) -> list[StageChange]:
    """A log of ``deals`` deals of the typical sale, about five entries per deal, in time
    order (grouped by deal, in version order, with ``by_deal``).

    The entries are made in the order a host reads them, each with its own deal id and time
    objects, as rows streamed from a database cursor come: an entry's objects lie side by
    side in memory, and a report pays for touching each deal's state, not for fetching
    objects scattered by the generator.
    """
    rng = random.Random(seed)
    names: list[str | None] = [stage.name for stage in TYPICAL_SALE.ordered]
    rows = [row for number in range(deals) for row in deal_rows(number, rng, len(names) - 1)]
    if not by_deal:
        rows.sort()
    amount = Money.of("125000", "RUB")
    return [
        entry(
            (f"d-{number}", None if source is None else names[source], names[target]),
            (before, after, NOW + timedelta(minutes=minute), version),
            amount,
        )
        for minute, number, version, source, target, before, after in rows
    ]


def count_per_stage(entries: list[StageChange]) -> Counter[str | None]:
    """The floor of any stage report: touch every entry once and count it."""
    return Counter(entry.to_stage for entry in entries)


def look_deals_up(entries: list[StageChange]) -> int:
    """The floor of keeping per-deal state: one dict look-up (and a store for a new deal) by
    each entry's deal id, nothing else."""
    seen: dict[str, int] = {}
    for entry in entries:
        if seen.get(entry.deal_id) is None:
            seen[entry.deal_id] = 1
    return len(seen)


def bench_reports(deals: int, seed: int, *, by_deal: bool) -> list[StageChange]:
    started = time.process_time()
    entries = stage_log(deals, seed, by_deal=by_deal)
    generated = time.process_time() - started
    start, end = NOW, NOW + timedelta(days=800)
    floor, _ = cpu(lambda: count_per_stage(entries))
    lookups, _ = cpu(lambda: look_deals_up(entries))
    seconds, report = cpu(lambda: funnel(TYPICAL_SALE, entries, start=start, end=end,
                                         by_deal=by_deal))  # fmt: skip
    learned, _ = cpu(lambda: win_probabilities(TYPICAL_SALE, entries, by_deal=by_deal))
    traced = traced_mib(lambda: funnel(TYPICAL_SALE, entries, start=start, end=end,
                                       by_deal=by_deal))  # fmt: skip
    emit(benchmark="funnel", order="deal" if by_deal else "time", deals=deals,
         stage_changes=len(entries), generate_cpu_s=round(generated, 1),
         funnel_cpu_s=round(seconds, 2), win_probabilities_cpu_s=round(learned, 2),
         count_per_stage_cpu_s=round(floor, 2), deal_lookups_cpu_s=round(lookups, 2),
         ratio_to_count_per_stage=round(seconds / floor, 1),
         ratio_to_deal_lookups=round(seconds / lookups, 2), funnel_traced_peak_mib=round(traced, 1),
         process_peak_mib=round(peak_mib()), target_s=3.0, met=seconds <= 3.0, won=report.won,
         lost=report.lost, open=report.open, win_rate=str(report.win_rate))  # fmt: skip
    return entries


def open_deals(entries: list[StageChange]) -> list[Deal]:
    """The deals of a log as they stand after it, each expected to close some day of 2026."""
    last = {entry.deal_id: entry for entry in entries}
    rng = random.Random(len(last))
    template = open_deal(DealDraft(title="Трубы", partner_id="p-1", responsible_manager="u-1"),
                         pipeline=TYPICAL_SALE, now=NOW).entity  # fmt: skip
    first = date(2026, 1, 1)
    return [deal_after(template, entry, first + timedelta(days=rng.randrange(365)))
            for entry in last.values()]  # fmt: skip


def deal_after(template: Deal, entry: StageChange, expected_close: date) -> Deal:
    """``template`` as the deal of ``entry`` stands after it (valid values only)."""
    closed = entry.status.closed
    return replaced(template, id=entry.deal_id, stage=entry.to_stage, status=entry.status,
                    amount=entry.amount, expected_close=expected_close,
                    stage_entered_at=entry.at, closed_at=entry.at if closed else None,
                    lost_reason="price" if entry.status is DealStatus.LOST else None)  # fmt: skip


def read_closes(deals: list[Deal]) -> int:
    """The floor of a forecast: read each deal's status and expected close."""
    return sum(1 for deal in deals if deal.status is DealStatus.OPEN and deal.expected_close)


def bench_upcoming(entries: list[StageChange]) -> None:
    deals = open_deals(entries)
    floor, _ = cpu(lambda: read_closes(deals))
    today = date(2026, 6, 1)
    seconds, report = cpu(lambda: upcoming(deals, pipelines=BUILTIN_PIPELINES, today=today,
                                           days=30, currency="RUB"))  # fmt: skip
    emit(benchmark="upcoming", deals=len(deals), upcoming=len(report.upcoming),
         overdue=len(report.overdue), upcoming_cpu_s=round(seconds, 2),
         read_closes_cpu_s=round(floor, 3), ratio_to_read=round(seconds / floor, 1))  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--deals", type=int, default=1_000_000)
    parser.add_argument("--moves", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=4)
    options = parser.parse_args()
    bench_move(options.moves)
    entries = bench_reports(options.deals, options.seed, by_deal=False)
    del entries
    entries = bench_reports(options.deals, options.seed, by_deal=True)
    bench_upcoming(entries)


if __name__ == "__main__":
    main()
