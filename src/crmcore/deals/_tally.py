"""One streaming pass over a stage log: what the funnel and the win probabilities count.

The pass keeps per deal a :class:`_Deal` (position, start of the current stay, entered and
moved-on stages as bits, last amount) and folds deals into a few counters per stage. A deal's
*position* is its stage number times four plus its status code, so that everything an entry
does to a deal is one look-up in a table made once per pass from the positions before and
after it; the loop itself does a few dict and list operations per entry and creates no object
but the length of a finished stay.

A closed deal may still be reopened, so a pass over a log in time order remembers every deal
it has seen until the end. A log grouped by deal (each deal's entries together, in version
order) needs no such memory: a deal is folded as soon as the next one starts, in batches of
:data:`_BATCH`, and the pass holds only those and the per-stage counters.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from operator import attrgetter
from typing import Final

from crmcore.deals.kinds import DealStatus
from crmcore.deals.model import StageChange
from crmcore.deals.pipeline import Pipeline
from crmcore.errors import DomainValidationError
from crmcore.money import Money

__all__ = ["CLOSED", "LOST", "WON", "Tally"]

# `.value` of an enum member is a Python-level property; `_value_` is a plain attribute.
_STATUS_CODE: Final[dict[str, int]] = {
    status._value_: code for code, status in enumerate(DealStatus)
}
WON: Final = _STATUS_CODE[DealStatus.WON.value]
LOST: Final = _STATUS_CODE[DealStatus.LOST.value]
CLOSED: Final = (WON, LOST)
_BATCH: Final = 4096
_ZERO: Final = Decimal(0)
_OUTCOME: Final = attrgetter("position", "bits")

_Action = tuple[int, bool, int]
"""What an entry does to a deal: the stage whose stay ends (-1 for none), whether a new stay
begins, and the bits of the stages entered and moved on from."""


class _Deal:
    """What the pass keeps of a deal: one small object, so that the entry that comes back to
    it after thousands of others touches one place in memory."""

    __slots__ = ("amount", "bits", "position", "since")

    def __init__(self, position: int, since: datetime | None, bits: int, amount: Money | None):
        self.position = position
        self.since = since
        self.bits = bits
        self.amount = amount


class _Stages(dict[str | None, int]):
    """A pipeline's stage names by their first position (stage number times four); a name
    that is not a stage raises ``DomainValidationError`` naming ``to_stage``."""

    def __init__(self, pipeline: Pipeline) -> None:
        # An unstaged pipeline keeps its deals under one pseudo-stage, "no stage".
        names: list[str | None] = [stage.name for stage in pipeline.ordered] or [None]
        super().__init__((name, number * 4) for number, name in enumerate(names))
        self.pipeline_id = pipeline.id

    def __missing__(self, name: str | None) -> int:
        known = ", ".join(str(known) for known in self) or "none"
        message = f"is not a stage of pipeline {self.pipeline_id!r} (stages: {known})"
        raise DomainValidationError.single("to_stage", message, value=name)


def _action(before: int, after: int, stages: int) -> _Action:
    stage, status = divmod(before, 4)
    target, result = divmod(after, 4)
    left = target != stage
    closing = result in CLOSED and result != status
    begins = left or (not closing and status in CLOSED)  # moved, or reopened where it stood
    bits = (1 << target | (1 << (stages + stage) if target > stage else 0)) if left else 0
    return (stage if left or closing else -1), begins, bits


def _actions(stages: int) -> list[list[_Action]]:
    """The action of every pair of positions, by position before and after."""
    positions = range(stages * 4)
    return [[_action(before, after, stages) for after in positions] for before in positions]


class Tally:
    """The counters of one pass: deals by (position, bits) at their last entry, the amounts
    of their last entries by status code and currency, and the finished stays per stage as
    counts of whole minutes."""

    def __init__(self, pipeline: Pipeline, *, by_deal: bool) -> None:
        self.stages = _Stages(pipeline)
        self.pipeline_id = pipeline.id
        self.count = len(self.stages)
        self.outcomes: Counter[tuple[int, int]] = Counter()
        self.sums: dict[tuple[int, str], Decimal] = {}
        self.stays: list[dict[int, int]] = [{} for _ in range(self.count)]
        self._rows: dict[str, _Deal] = {}
        self._batch = _BATCH if by_deal else sys.maxsize

    def run(self, changes: Iterable[StageChange], start: datetime, end: datetime) -> None:
        """Count the entries of the pipeline made in ``[start, end)``, then fold every deal."""
        pipeline_id, stages, codes, stays = self.pipeline_id, self.stages, _STATUS_CODE, self.stays
        rows, table = self._rows, _actions(self.count)
        for entry in changes:
            at = entry.at
            if entry.pipeline_id != pipeline_id or at < start or at >= end:
                continue
            position = stages[entry.to_stage] + codes[entry.status._value_]
            row = rows.get(entry.deal_id)
            if row is None:
                self._first(entry, position)
                continue
            stay, begins, bits = table[row.position][position]
            since = row.since
            if stay >= 0 and since is not None:
                # Whole minutes, exactly: cheaper than timedelta // timedelta, whose
                # microseconds take long arithmetic.
                stayed = at - since
                minutes = stayed.days * 1440 + stayed.seconds // 60
                counts = stays[stay]
                counts[minutes] = counts.get(minutes, 0) + 1
            if begins:
                row.since = at
            row.position = position
            row.bits |= bits
            row.amount = entry.amount
        self._fold()

    def _first(self, entry: StageChange, position: int) -> None:
        """Start keeping a deal at its first entry in the pass (a stay begins if it entered
        the stage there, not if it only changed status)."""
        if len(self._rows) >= self._batch:
            self._fold()
        entered = entry.from_stage != entry.to_stage or entry.from_status is None
        since, bits = (entry.at, 1 << (position >> 2)) if entered else (None, 0)
        self._rows[entry.deal_id] = _Deal(position, since, bits, entry.amount)

    def _fold(self) -> None:
        """Add the deals kept so far to the counters and forget them."""
        rows = self._rows.values()
        self.outcomes.update(map(_OUTCOME, rows))
        sums = self.sums
        for row in rows:
            amount = row.amount
            if amount is not None:
                key = (row.position & 3, amount.currency)
                sums[key] = sums.get(key, _ZERO) + amount.amount
        self._rows.clear()
