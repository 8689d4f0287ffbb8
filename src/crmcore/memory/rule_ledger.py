"""The reference in-memory ledger of rule firings.

:class:`MemoryRuleLedger` keeps every firing in the order it was recorded, indexed by rule and
throttle key and by record; one re-entrant lock guards every method, and a unit of work that
fails takes its firings back.
"""

from __future__ import annotations

import threading
from bisect import bisect_left, insort
from datetime import datetime

from crmcore.memory._store import journaled
from crmcore.repository_checks import instant
from crmcore.rules.model import Firing

__all__ = ["MemoryRuleLedger"]


class MemoryRuleLedger:
    """Rule firings in memory: the reference :class:`~crmcore.rules.RuleLedger`."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._count = 0  # firings recorded so far, to keep equal moments in recording order
        self._by_key: dict[tuple[str, str], list[tuple[datetime, int]]] = {}
        self._by_record: dict[tuple[str, str], list[tuple[datetime, int, Firing]]] = {}
        self._rules_by_record: dict[tuple[str, str], dict[str, int]] = {}

    def record(self, firing: Firing) -> None:
        """Keep ``firing``."""
        with self._lock:
            self._count += 1
            number = self._count
            # Ordered by instants: two moments of one zone compare by their wall clocks, so
            # the second pass of the hour clocks go back would sort before the first.
            at = instant(firing.at)
            moments = self._by_key.setdefault((firing.rule_id, firing.throttle_key), [])
            insort(moments, (at, number))
            record = (firing.entity, firing.entity_id)
            insort(self._by_record.setdefault(record, []), (at, number, firing),
                   key=lambda item: item[:2])  # fmt: skip
            rules = self._rules_by_record.setdefault(record, {})
            rules[firing.rule_id] = rules.get(firing.rule_id, 0) + 1
            journaled(lambda: self._forget(firing, number))

    def _forget(self, firing: Firing, number: int) -> None:
        with self._lock:
            at = instant(firing.at)
            self._by_key[(firing.rule_id, firing.throttle_key)].remove((at, number))
            record = (firing.entity, firing.entity_id)
            self._by_record[record].remove((at, number, firing))
            rules = self._rules_by_record[record]
            rules[firing.rule_id] -= 1
            if not rules[firing.rule_id]:
                del rules[firing.rule_id]

    def count(self, rule_id: str, *, throttle_key: str, since: datetime) -> int:
        """Firings of the rule with ``throttle_key`` at or after ``since``."""
        with self._lock:
            moments = self._by_key.get((rule_id, throttle_key), [])
            return len(moments) - bisect_left(moments, (instant(since), 0))

    def fired_for(self, rule_id: str, *, entity: str, entity_id: str) -> bool:
        """Whether the rule ever fired for the record."""
        with self._lock:
            return rule_id in self._rules_by_record.get((entity, entity_id), {})

    def history(self, *, entity: str, entity_id: str) -> tuple[Firing, ...]:
        """The record's firings, oldest first."""
        with self._lock:
            return tuple(firing for _, _, firing in self._by_record.get((entity, entity_id), []))
