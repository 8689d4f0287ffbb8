"""One streaming pass over a stage log: what the funnel and the win probabilities count.

The pass keeps per deal its *position* (stage number times four plus status code), the start
of its current stay, the stages it entered and moved on from (as bits) and its last amount,
and folds each deal into a few counters per stage. Everything an entry does to a deal is one
look-up in a table made once per pass from the positions before and after it, so the loop
does a few dict and list operations per entry and creates no object but the length of a
finished stay. Stays are counted per whole minute in a list indexed by minutes (grown as
longer stays come, up to :data:`_SHORT` minutes) and in a dict beyond: a dict keyed by
minutes would touch an int object of its own, somewhere in memory, for every stay counted.

A closed deal may still be reopened, so a pass over a log in time order remembers every deal
it has seen until the end, each in a small :class:`_Deal`. A log grouped by deal (each deal's
entries together, in version order) needs no such memory: the pass keeps the current deal in
local variables and folds it as soon as the next one starts, and only the amounts of the last
:data:`_BATCH` deals wait to be summed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from decimal import Decimal
from operator import attrgetter
from typing import Final

from crmcore.deals.kinds import DealStatus
from crmcore.deals.model import StageChange
from crmcore.deals.pipeline import Pipeline
from crmcore.deals.weights import UNSTAGED_PROBABILITY, deal_probability, quantum, weighted_amount
from crmcore.errors import DomainValidationError
from crmcore.money import Money
from crmcore.workcalendar import elapsed

__all__ = ["CLOSED", "LOST", "WON", "Tally"]

# `.value` of an enum member is a Python-level property; `_value_` is a plain attribute.
_STATUS_CODE: Final[dict[str, int]] = {
    status._value_: code for code, status in enumerate(DealStatus)
}
WON: Final = _STATUS_CODE[DealStatus.WON.value]
LOST: Final = _STATUS_CODE[DealStatus.LOST.value]
CLOSED: Final = (WON, LOST)
_BATCH: Final = 4096
_SHORT: Final = 1 << 16
"""Stays shorter than this many minutes (about 45 days) are counted in a list."""
_ZERO: Final = Decimal(0)
_HUNDRED: Final = Decimal(100)
_CURRENCY: Final = attrgetter("currency")
_AMOUNT: Final = attrgetter("amount")

_Action = tuple["_Stays | None", bool, int]
"""What an entry does to a deal: the stays of the stage whose stay ends (None for none),
whether a new stay begins, and the bits of the stages entered and moved on from."""


class _Stays:
    """The finished stays at one stage: how many lasted each number of whole minutes, in
    ``short`` (a list, for stays under ``len(short)`` minutes) and ``longer`` (a dict)."""

    __slots__ = ("longer", "short")

    def __init__(self) -> None:
        self.short: list[int] = []
        self.longer: dict[int, int] = {}

    def add(self, minutes: int) -> None:
        """Count a stay the list does not reach yet: grow the list to a power of two that
        holds it, up to :data:`_SHORT`, else count it in the dict."""
        short = self.short
        if 0 <= minutes < _SHORT:
            short.extend([0] * (max(64, 1 << minutes.bit_length()) - len(short)))
            short[minutes] += 1
        else:
            self.longer[minutes] = self.longer.get(minutes, 0) + 1

    def counts(self) -> dict[int, int]:
        """Every stay counted: whole minutes -> how many."""
        counts = {minutes: count for minutes, count in enumerate(self.short) if count}
        for minutes, count in self.longer.items():
            counts[minutes] = counts.get(minutes, 0) + count
        return counts


class _Deal:
    """What a pass in time order keeps of a deal: one small object, so that the entry that
    comes back to it after thousands of others touches one place in memory."""

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


def _action(before: int, after: int, stays: list[_Stays]) -> _Action:
    stage, status = divmod(before, 4)
    target, result = divmod(after, 4)
    left = target != stage
    closing = result in CLOSED and result != status
    begins = left or (not closing and status in CLOSED)  # moved, or reopened where it stood
    bits = (1 << target | (1 << (len(stays) + stage) if target > stage else 0)) if left else 0
    return (stays[stage] if left or closing else None), begins, bits


def _entered(entry: StageChange, position: int) -> int:
    """The bits of a deal at its first entry in a pass: the entry's stage if the deal entered
    it there, none if it only changed status."""
    if entry.from_stage != entry.to_stage or entry.from_status is None:
        return 1 << (position >> 2)
    return 0


class Tally:
    """The counters of one pass: deals by (position, bits) at their last entry, the amounts
    of their last entries by status code and currency, the open deals' amounts weighted by
    their probability per currency when ``probabilities`` (the deals' own by id, before their
    stage's) are given, and the finished stays per stage as counts of whole minutes."""

    def __init__(
        self,
        pipeline: Pipeline,
        *,
        by_deal: bool,
        probabilities: Mapping[str, Decimal] | None = None,
        unstaged: Decimal = UNSTAGED_PROBABILITY,
    ) -> None:
        self.stages = _Stages(pipeline)
        self.pipeline_id = pipeline.id
        self.count = len(self.stages)
        # Above the entered and moved-on bits: the deal has an entry in the period.
        self.seen = 1 << (2 * self.count)
        self.outcomes: Counter[tuple[int, int]] = Counter()
        self.sums: dict[tuple[int, str], Decimal] = {}
        self._stays = [_Stays() for _ in range(self.count)]
        self._by_deal = by_deal
        self._pending: list[list[Money | None]] = [[] for _ in DealStatus]
        self._folded = 0
        self.weighted: dict[str, Decimal] = {}
        self._weighing = probabilities is not None
        # Each deal's weight as a ratio (a probability over a hundred): its own, else its
        # stage's, by the one rule of deal_probability; worked out once per stage and deal.
        self._own = {
            deal: deal_probability(own, None, unstaged=unstaged) / _HUNDRED
            for deal, own in (probabilities or {}).items()
        }
        self._ratios = [
            deal_probability(None, stage.probability, unstaged=unstaged) / _HUNDRED
            for stage in pipeline.ordered
        ] or [deal_probability(None, None, unstaged=unstaged) / _HUNDRED]
        self._units: dict[str, Decimal] = {}

    def run(self, changes: Iterable[StageChange], start: datetime, end: datetime) -> None:
        """Count the entries of the pipeline made in ``[start, end)``, then fold every deal;
        entries before ``start`` only tell where a deal stood when the period began."""
        # Kept deals by id, in time order; none grouped by deal, where each deal is folded as
        # soon as the next one starts.
        rows: dict[str, _Deal] | None = None if self._by_deal else {}
        last = self._pass(changes, start, end, rows)
        kept = (
            [(row.position, row.bits, row.amount, deal) for deal, row in rows.items()]
            if rows is not None
            else [last]
            if last
            else []
        )
        for position, bits, amount, deal in kept:
            self._fold(position, bits, amount, deal)
        self._sum_pending()

    def _pass(  # noqa: C901, PLR0912 - one hot loop; splitting it adds calls per entry
        self,
        changes: Iterable[StageChange],
        start: datetime,
        end: datetime,
        rows: dict[str, _Deal] | None,
    ) -> tuple[int, int, Money | None, str] | None:
        """Read the entries, keep every deal in ``rows`` (if given) and fold the others as
        the next deal starts; the position, bits and amount of the last deal not folded."""
        pipeline_id, stages, codes, table, seen = (
            self.pipeline_id,
            self.stages,
            _STATUS_CODE,
            self._table(),
            self.seen,
        )
        # The deal being read lives in local variables, cheaper to use than the attributes of
        # its row; its row (in time order) takes them back when another deal's entry comes.
        deal: str | None = None
        row: _Deal | None = None
        last: StageChange | None = None
        since: datetime | None = None
        position = bits = 0
        for entry in changes:
            at = entry.at
            if entry.pipeline_id != pipeline_id or at >= end:
                continue
            after = stages[entry.to_stage] + codes[entry.status._value_]
            if entry.deal_id != deal:
                if row is not None and last is not None:
                    row.position, row.since, row.bits = position, since, bits
                    row.amount = last.amount
                elif last is not None:
                    self._fold(position, bits, last.amount, last.deal_id)
                deal = entry.deal_id
                row = None if rows is None else rows.get(deal)
                if row is None:
                    bits, since = 0, None
                    if rows is not None:
                        row = rows[deal] = _Deal(after, None, 0, None)
                else:
                    position, since, bits = row.position, row.since, row.bits
            if not bits & seen:
                # Before the period an entry only tells where the deal stands; the first one
                # in it counts as the deal's first entry.
                last, position = entry, after
                if at >= start:
                    bits = _entered(entry, after)
                    since = at if bits else None
                    bits |= seen
                continue
            stays, begins, entered = table[position][after]
            if stays is not None and since is not None:
                # Whole minutes, exactly: cheaper than timedelta // timedelta, whose
                # microseconds take long arithmetic. Python subtracts two moments of one
                # zone by their wall clocks, so only UTC ones (as stores give) skip elapsed.
                stayed = at - since if at.tzinfo is UTC else elapsed(since, at)
                minutes = stayed.days * 1440 + stayed.seconds // 60
                short = stays.short
                if 0 <= minutes < len(short):
                    short[minutes] += 1
                else:
                    stays.add(minutes)
            if begins:
                since = at
            position = after
            bits |= entered
            last = entry
        if last is None:
            return None
        if row is not None:
            row.position, row.since, row.bits, row.amount = position, since, bits, last.amount
        return position, bits, last.amount, last.deal_id

    def _fold(self, position: int, bits: int, amount: Money | None, deal: str) -> None:
        """Count a deal whose last entry left it at ``position`` with ``bits``: a deal with no
        entry in the period only if it is still open."""
        status = position & 3
        if status in CLOSED:
            if not bits & self.seen:
                return
        elif amount is not None and self._weighing:
            self._weigh(position >> 2, amount, deal)
        key = (position, bits)
        outcomes = self.outcomes
        outcomes[key] = outcomes.get(key, 0) + 1
        self._pending[position & 3].append(amount)
        self._folded += 1
        if self._folded % _BATCH == 0:
            self._sum_pending()

    def _weigh(self, stage: int, amount: Money, deal: str) -> None:
        """Add the weighted amount of an open deal at stage number ``stage``."""
        ratio = self._own.get(deal)
        if ratio is None:
            ratio = self._ratios[stage]
        currency = amount.currency
        unit = self._units.get(currency)
        if unit is None:
            unit = self._units[currency] = quantum(currency)
        sums = self.weighted
        sums[currency] = sums.get(currency, _ZERO) + weighted_amount(amount.amount, ratio, unit)

    def _table(self) -> list[list[_Action]]:
        """The action of every pair of positions, by position before and after."""
        positions, stays = range(self.count * 4), self._stays
        return [[_action(before, after, stays) for after in positions] for before in positions]

    @property
    def stays(self) -> list[dict[int, int]]:
        """The finished stays per stage: whole minutes -> how many."""
        return [stays.counts() for stays in self._stays]

    def _sum_pending(self) -> None:
        """Add the amounts of the folded deals to the sums per status code and currency."""
        sums = self.sums
        for code, amounts in enumerate(self._pending):
            known: list[Money] = list(filter(None, amounts))
            currencies = set(map(_CURRENCY, known))
            for currency in currencies:
                of_currency = (
                    known
                    if len(currencies) == 1
                    else [amount for amount in known if amount.currency == currency]
                )
                key = (code, currency)
                sums[key] = sum(map(_AMOUNT, of_currency), sums.get(key, _ZERO))
            amounts.clear()
