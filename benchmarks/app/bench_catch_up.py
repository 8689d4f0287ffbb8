"""Benchmark of the duplicate indexes' catch-up with the store; prints one JSON object per
line.

Two CRM objects (two processes) on one store with a base of partners: each command of the
measured one registers a new partner through the duplicate check, while the other one
registers nothing, or one partner, between its commands. The same commands run, in the same
run, on a store that hides the change log from the CRM (``Repositories.partner_changes`` is
``None``: the indexes are not caught up, as before), on the memory store and on an SQLite
file. The figure is the time per command with the catch-up over the time without it, less
one; beside it, the time of one full rebuild (``CRM.refresh_indexes``) of the same base, what
a host had to pay to see the other process's partners. The process's CPU time (the machine
is shared: wall-clock time drifts with the other jobs more than the figure itself), best of
five runs on new stores, with and without the catch-up interleaved.
Run from the repository root::

    python benchmarks/app/bench_catch_up.py [--commands N] [--base N]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Final

import attrs

from crmcore.app import CRM, Repositories, Settings, Store
from crmcore.app.commands import RegisterPartner
from crmcore.ids import PartnerId, UserId
from crmcore.memory import MemoryStore
from crmcore.partners import PartnerDraft, create_partner
from crmcore.rules import Member, Staff
from crmcore.sql import SqlStore

NOW: Final = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
REPEAT: Final = 5
SETTINGS: Final = Settings(staff=Staff(members=(Member(user=UserId("anna"), teams=("sales",)),)))


class NoChangeLog:
    """A store whose repositories hide the change log: the indexes are never caught up."""

    def __init__(self, inner: Store) -> None:
        self.inner = inner

    @contextmanager
    def unit_of_work(self) -> Iterator[Repositories]:
        with self.inner.unit_of_work() as repositories:
            yield attrs.evolve(repositories, partner_changes=None)


_STEMS: Final = ("Север", "Восток", "Ромашка", "Лютик", "Берёза", "Кедр", "Сокол", "Гранит")


def draft(number: int, *, city: str = "495") -> PartnerDraft:
    """A partner of its own for each ``number``: name, phone and e-mail; the other process's
    partners (``city`` "812") are registered in another city, so that they are not the
    measured commands' duplicate candidates and the figure is the catch-up's own cost."""
    stem = _STEMS[number % len(_STEMS)]
    return PartnerDraft(
        kind="legal_entity",
        roles=["client"],
        short_name=f"{stem} {city}-{number:06d}",
        phones=[f"+7{city}{number:07d}"],
        emails=[f"info{number}@{city}.example.ru"],
    )


def register(crm: CRM, number: int, *, city: str = "495") -> None:
    command = RegisterPartner(draft=draft(number, city=city), force=True)
    crm.execute(command, actor="anna", now=NOW)


def seeded(kind: str, path: Path, base: int) -> Store:
    """A new store of ``kind`` (the SQLite one at ``path``) holding ``base`` partners."""
    store: Store = MemoryStore() if kind == "memory" else SqlStore.sqlite(path)
    with store.unit_of_work() as repositories:
        for number in range(base):
            partner = create_partner(draft(number), partner_id=PartnerId(f"p-{number}"), now=NOW)
            repositories.partners.add(partner.entity)
    return store


def timed(store: Store, hide: bool, commands: int, base: int, others: int) -> float:
    """Seconds per command of one CRM while another registers ``others`` partners between
    its commands."""
    other = CRM(store, settings=SETTINGS)
    measured = CRM(NoChangeLog(store) if hide else store, settings=SETTINGS)
    measured.refresh_indexes()
    other.refresh_indexes()
    spent = 0.0
    for step in range(commands):
        for written in range(others):
            register(other, base + step * others + written, city="812")
        start = time.process_time()
        register(measured, base + step)
        spent += time.process_time() - start
    return spent / commands


def rebuild(store: Store) -> float:
    crm = CRM(store, settings=SETTINGS)
    start = time.process_time()
    crm.refresh_indexes()
    return time.process_time() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--commands", type=int, default=200)
    parser.add_argument("--base", type=int, default=2000)
    options = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="crmcore-bench-catch-up-"))
    for kind, others in (("memory", 0), ("memory", 1), ("sqlite", 0), ("sqlite", 1)):
        best: dict[bool, float] = {False: float("inf"), True: float("inf")}
        rebuilt = float("inf")
        for attempt in range(REPEAT):
            for hide in (False, True):
                path = folder / f"{kind}-{others}-{attempt}-{hide}.db"
                store = seeded(kind, path, options.base)
                spent = timed(store, hide, options.commands, options.base, others)
                best[hide] = min(best[hide], spent)
                if not hide:
                    rebuilt = min(rebuilt, rebuild(store))
        print(
            json.dumps(
                {
                    "store": kind,
                    "other_process_partners_per_command": others,
                    "base_partners": options.base,
                    "commands": options.commands,
                    "ms_per_command_with_catch_up": round(best[False] * 1000, 3),
                    "ms_per_command_without": round(best[True] * 1000, 3),
                    "catch_up_overhead": round(best[False] / best[True] - 1, 3),
                    "ms_full_rebuild": round(rebuilt * 1000, 1),
                }
            ),
            flush=True,
        )


if __name__ == "__main__":
    main()
