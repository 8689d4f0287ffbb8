"""Benchmark of the access policy; prints one JSON object per line, wall-clock time.

A sales organisation of 200 managers in 10 departments of 20 under one head each holds
100,000 deals by default (500 a manager, a fifth of them moved one stage further, so that
the stage log holds 120,000 entries) and 20 planned calls a manager. The head of one
department reads

1. the desktop of one of their managers (``CRM.desktop``), and
2. the funnel of the pipeline over the period (``CRM.funnel``),

each the median of 15 runs taken in turns, with the policy on (the head sees the 10,000
deals of their department) and off (the same CRM without a policy: every deal), on the
memory store and on an SQLite file, in the same run. Target: the policy adds under 20%.
The funnel with the policy counts a tenth of the deals, chosen by the access keys in the
store's query, where the funnel without it counts every deal.

3. A manager's commands (opening a deal, renaming it) through ``CRM.execute`` with the audit
   trail kept and without it (the store's ``Repositories.audit`` left out), 200 pairs
   each, on a new memory store and a new SQLite file.

Run: ``python benchmarks/access/bench_access.py [--deals N]``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Final

import attrs

from crmcore.access import AccessPolicy, Action, Department, Permission, Role, Scope, User
from crmcore.app import CRM, Settings, Store
from crmcore.app.commands import EditDeal, OpenDeal, RegisterPartner
from crmcore.deals import Deal, DealDraft, DealKind, DealStatus, StageChange
from crmcore.ids import DealId, InteractionId, PartnerId, PipelineId, UserId
from crmcore.interactions import Direction, Interaction, InteractionKind, InteractionStatus
from crmcore.memory.app import MemoryStore
from crmcore.partners import PartnerDraft
from crmcore.sql import SqlStore

NOW: Final = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
DEPARTMENTS: Final = tuple(f"dept-{number}" for number in range(10))
MANAGERS: Final = tuple(UserId(f"u-{number:03d}") for number in range(200))
HEADS: Final = tuple(UserId(f"head-{number}") for number in range(len(DEPARTMENTS)))
PIPELINE: Final = PipelineId("manual_sale")
STAGES: Final = ("first_contact", "qualification")
RUNS: Final = 15


def emit(**figures: object) -> None:
    print(json.dumps(figures, ensure_ascii=False), flush=True)


def seconds(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def medians(first: Callable[[], object], second: Callable[[], object]) -> tuple[float, float]:
    """The median wall-clock seconds of :data:`RUNS` runs of each, taken in turns so that a
    busy moment of the machine weighs on both alike."""
    pairs = [(seconds(first), seconds(second)) for _ in range(RUNS)]
    return statistics.median(p[0] for p in pairs), statistics.median(p[1] for p in pairs)


def policy() -> AccessPolicy:
    """Heads read and report on their department; managers read their own records."""
    departments = tuple(
        Department(id=name, parent="sales", head=head)
        for name, head in zip(DEPARTMENTS, HEADS, strict=True)
    )
    head_role = Role(
        id="head",
        permissions=(
            Permission(kind="*", action=Action.READ, scope=Scope.DEPARTMENT_AND_BELOW),
            Permission(kind="deal", action=Action.RUN_REPORTS, scope=Scope.DEPARTMENT),
        ),
    )
    manager_role = Role(
        id="manager", permissions=(Permission(kind="*", action=Action.READ, scope=Scope.OWN),)
    )
    users = tuple(
        User(id=head, department=name, roles=frozenset({"head"}))
        for name, head in zip(DEPARTMENTS, HEADS, strict=True)
    ) + tuple(
        User(id=manager, department=DEPARTMENTS[number // 20], roles=frozenset({"manager"}))
        for number, manager in enumerate(MANAGERS)
    )
    return AccessPolicy(
        departments=(Department(id="sales"), *departments),
        users=users,
        roles=(head_role, manager_role),
    )


def deal(number: int) -> tuple[Deal, list[StageChange]]:
    manager = MANAGERS[number % len(MANAGERS)]
    at = NOW - timedelta(days=30) + timedelta(seconds=number)
    moved = number % 5 == 0
    found = Deal(
        id=DealId(f"d-{number:07d}"),
        title="Поставка насосов",
        partner_id=PartnerId(f"p-{number % 1000:04d}"),
        pipeline_id=PIPELINE,
        kind=DealKind.MANUAL,
        stage=STAGES[1] if moved else STAGES[0],
        status=DealStatus.OPEN,
        responsible_manager=manager,
        created_at=at,
        stage_entered_at=at + timedelta(hours=1) if moved else at,
        version=2 if moved else 1,
    )
    log = [
        StageChange(
            deal_id=found.id,
            pipeline_id=PIPELINE,
            to_stage=STAGES[0],
            status=DealStatus.OPEN,
            at=at,
            by=manager,
            version=1,
        )
    ]
    if moved:
        log.append(
            StageChange(
                deal_id=found.id,
                pipeline_id=PIPELINE,
                from_stage=STAGES[0],
                to_stage=STAGES[1],
                status=DealStatus.OPEN,
                at=at + timedelta(hours=1),
                by=manager,
                version=2,
            )
        )
    return found, log


def call(number: int) -> Interaction:
    manager = MANAGERS[number % len(MANAGERS)]
    start = NOW - timedelta(hours=3) + timedelta(minutes=number % 600)
    return Interaction(
        id=InteractionId(f"i-{number:07d}"),
        kind=InteractionKind.CALL,
        topic="Цены",
        start=start,
        end=start + timedelta(minutes=15),
        author=manager,
        responsible=manager,
        direction=Direction.OUTGOING,
        status=InteractionStatus.PLANNED,
        created_at=start - timedelta(days=1),
    )


def batches(count: int, size: int) -> Iterator[range]:
    for first in range(0, count, size):
        yield range(first, min(first + size, count))


def fill(store: Store, deals: int) -> None:
    for numbers in batches(deals, 2_000):
        with store.unit_of_work() as repositories:
            for number in numbers:
                found, log = deal(number)
                repositories.deals.add(found)
                for change in log:
                    repositories.stage_log.append(change)
    with store.unit_of_work() as repositories:
        for number in range(20 * len(MANAGERS)):
            repositories.interactions.add(call(number))


def measure(name: str, store: Store, deals: int) -> None:
    started = time.perf_counter()
    fill(store, deals)
    emit(store=name, step="fill", deals=deals, seconds=round(time.perf_counter() - started, 2))
    users = frozenset((*MANAGERS, *HEADS))
    settings = Settings(users=users)  # type: ignore[arg-type]
    off = CRM(store, settings=settings)
    on = CRM(store, settings=settings, policy=policy())
    head, manager = HEADS[3], MANAGERS[3 * 20 + 5]
    start, end = NOW - timedelta(days=31), NOW

    def desktop_on() -> object:
        return on.desktop(manager, now=NOW, actor=head)

    def desktop_off() -> object:
        return off.desktop(manager, now=NOW)

    def funnel_on() -> object:
        return on.funnel(PIPELINE, start=start, end=end, actor=head)

    def funnel_off() -> object:
        return off.funnel(PIPELINE, start=start, end=end)

    assert on.funnel(PIPELINE, start=start, end=end, actor=head).open == deals // 10
    for query, with_policy, without in (
        ("desktop", desktop_on, desktop_off),
        ("funnel", funnel_on, funnel_off),
    ):
        policy_on, policy_off = medians(with_policy, without)
        emit(
            store=name,
            query=query,
            deals=deals,
            policy_on_ms=round(policy_on * 1000, 2),
            policy_off_ms=round(policy_off * 1000, 2),
            ratio=round(policy_on / policy_off, 3),
        )


def audited_commands(store: Store, *, audit: bool) -> float:
    """The seconds a command takes on ``store`` (its audit trail left out unless
    ``audit``), over 200 openings and renamings of a deal."""
    if not audit:
        repositories = attrs.evolve(store.repositories, audit=None)  # type: ignore[attr-defined]
        store.repositories = repositories  # type: ignore[attr-defined]
    crm = CRM(store, settings=Settings(users=frozenset({"u-000"})))  # type: ignore[arg-type]
    draft = PartnerDraft(kind="legal_entity", roles=["client"], short_name="Romashka")
    client = crm.execute(RegisterPartner(draft=draft, force=True), actor="u-000", now=NOW)
    started = time.perf_counter()
    for _ in range(200):
        deal_draft = DealDraft(
            title="Pumps", partner_id=client.result.id, responsible_manager="u-000"
        )
        opened = crm.execute(
            OpenDeal(draft=deal_draft, pipeline_id=PIPELINE), actor="u-000", now=NOW
        )
        renamed = EditDeal(deal_id=opened.result.id, changes={"title": "Valves"})
        crm.execute(renamed, actor="u-000", now=NOW)
    return (time.perf_counter() - started) / 400


def measure_commands(folder: Path) -> None:
    audited_commands(MemoryStore(), audit=True)  # warms the caches of the first commands
    for audit in (True, False):
        memory = audited_commands(MemoryStore(), audit=audit)
        store = SqlStore.sqlite(folder / f"commands-{audit}.db")
        try:
            sqlite = audited_commands(store, audit=audit)
        finally:
            store.close()
        emit(
            query="command",
            audit=audit,
            memory_ms=round(memory * 1000, 3),
            sqlite_ms=round(sqlite * 1000, 3),
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deals", type=int, default=100_000)
    arguments = parser.parse_args()
    measure("memory", MemoryStore(), arguments.deals)
    with tempfile.TemporaryDirectory() as folder:
        store = SqlStore.sqlite(Path(folder) / "bench.db")
        try:
            measure("sqlite", store, arguments.deals)
        finally:
            store.close()
        measure_commands(Path(folder))


if __name__ == "__main__":
    main()
