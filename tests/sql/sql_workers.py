"""What the processes of the concurrency tests run: read-modify-save of one deal, retrying
the conflicts, each process with a store of its own."""

from __future__ import annotations

from typing import Any

import attrs

from crmcore.errors import ConcurrencyConflictError
from crmcore.money import Money
from crmcore.sql import SqlStore

__all__ = ["add_to_deal", "wait_for"]

_START: list[Any] = []


def wait_for(barrier: Any) -> None:
    """Make :func:`add_to_deal` start together with the other processes (a pool initializer)."""
    _START.append(barrier)


def _add_one(store: SqlStore, deal_id: str, *, read_inside: bool) -> None:
    """Add 1 RUB to the deal's amount; read inside the unit of work or before it."""
    before = None if read_inside else store.repositories.deals.get(deal_id)
    with store.unit_of_work() as repositories:
        deal = before or repositories.deals.get(deal_id)
        amount = (deal.amount or Money.of(0, "RUB")) + Money.of(1, "RUB")
        changed = attrs.evolve(deal, amount=amount, version=deal.version + 1)
        repositories.deals.save(changed, expected_version=deal.version)


def add_to_deal(url: str, deal_id: str, times: int, read_inside: bool) -> tuple[int, list[str]]:
    """Add 1 RUB ``times`` times, repeating each conflict; the conflicts met and the errors
    of any other type that escaped."""
    store = SqlStore.from_url(url)
    store.repositories.deals.get(deal_id)  # connected, before the start
    for barrier in _START:
        barrier.wait(timeout=60)
    conflicts = 0
    escaped: list[str] = []
    try:
        for _ in range(times):
            while True:
                try:
                    _add_one(store, deal_id, read_inside=read_inside)
                except ConcurrencyConflictError:
                    conflicts += 1
                    continue
                except Exception as error:  # what escapes is the finding
                    escaped.append(f"{type(error).__module__}.{type(error).__name__}: {error}")
                break
    finally:
        store.close()
    return conflicts, escaped
