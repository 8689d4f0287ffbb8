"""KPI benchmarking: managers' indicators for a period beside the same period a year before.

The caller chooses the indicators (the built-in ones come from the ``crmcore.indicators``
entry point group through :func:`load_indicators`) and streams the records: each source is
read once, in chunks, whatever its size; only the per-manager sums are kept. The table shows
for each manager and indicator the value now and a year before, the absolute and relative
change and the manager's rank; team totals are recomputed from the sums (a team's win rate is
its wins over its closed deals, not the average of the managers' rates).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime, tzinfo
from decimal import Decimal
from itertools import islice
from operator import attrgetter
from typing import Any, Final, Protocol

import attrs

from crmcore.analytics.periods import Period
from crmcore.errors import DomainValidationError
from crmcore.money import Money, Rounding
from crmcore.plugins import PluginRegistry, load
from crmcore.validation import check_now

__all__ = [
    "Chunk",
    "Indicator",
    "KpiTable",
    "KpiValue",
    "Measures",
    "Source",
    "Tally",
    "Unit",
    "Windows",
    "kpi_table",
    "load_indicators",
]

CHUNK: Final = 8192
_ZERO: Final = Decimal(0)
_HUNDRED: Final = Decimal(100)


class Source(enum.Enum):
    """Which records an indicator reads."""

    DEALS = "deals"
    INTERACTIONS = "interactions"
    CLAIMS = "claims"
    LEADS = "leads"


class Unit(enum.Enum):
    """What an indicator's value is: a count, money, a percentage or days."""

    COUNT = "count"
    MONEY = "money"
    PERCENT = "percent"
    DAYS = "days"


@attrs.frozen(kw_only=True)
class Windows:
    """The two stretches of time compared, as UTC moments ``[start, end)``: slot 0 is the
    period analysed, slot 1 the same period a year before. ``now``, when known, is the moment
    of the analysis: what is due after it is not late yet."""

    current: tuple[datetime, datetime]
    previous: tuple[datetime, datetime]
    now: datetime | None = None

    @classmethod
    def of(cls, period: Period, zone: tzinfo = UTC, *, now: datetime | None = None) -> Windows:
        """The windows of ``period`` and of its previous-year period, in ``zone``, at ``now``."""
        # ``now`` in UTC too, so that it compares with any moment as an instant: two moments of
        # one zone compare by their wall clocks, an hour off in the hour clocks go back.
        return cls(
            current=period.bounds(zone), previous=period.previous_year().bounds(zone),
            now=None if now is None else now.astimezone(UTC),
        )  # fmt: skip

    def due_by_now(self, moment: datetime) -> bool:
        """Whether something due at ``moment`` is due by the time of the analysis."""
        return self.now is None or moment.astimezone(UTC) <= self.now.astimezone(UTC)

    def slot(self, moment: datetime | None) -> int | None:
        """0 if ``moment`` is in the current window, 1 if in the previous one, else ``None``."""
        if moment is None:
            return None
        if self.current[0] <= moment < self.current[1]:
            return 0
        if self.previous[0] <= moment < self.previous[1]:
            return 1
        return None


@attrs.define
class Measures:
    """Per slot (0 now, 1 a year before), the numerator of each manager's value and, for a
    ratio, its denominator; a value is ``numerator / denominator`` then."""

    numerators: tuple[dict[str, Decimal], dict[str, Decimal]] = attrs.field(
        factory=lambda: ({}, {})
    )
    denominators: tuple[dict[str, Decimal], dict[str, Decimal]] = attrs.field(
        factory=lambda: ({}, {})
    )

    def add(
        self, slot: int, manager: str, numerator: Decimal | int, denominator: Decimal | int = 0
    ) -> None:
        """Add to ``manager``'s numerator and, when not zero, denominator in ``slot``."""
        numerators = self.numerators[slot]
        numerators[manager] = numerators.get(manager, _ZERO) + numerator
        if denominator:
            denominators = self.denominators[slot]
            denominators[manager] = denominators.get(manager, _ZERO) + denominator


class Tally(Protocol):
    """What an indicator accumulates while the records stream by."""

    def consume(self, records: Sequence[Any]) -> None:
        """Take the next chunk of records into account."""
        ...

    def finish(self) -> Measures:
        """The sums, once every record has been consumed."""
        ...


class Indicator(Protocol):
    """A KPI of sales managers; plugins register objects like this under ``crmcore.indicators``.

    ``ratio`` indicators divide numerator by denominator (times 100 for percentages);
    the others show the numerator itself. ``higher_is_better`` orders the ranking.
    """

    @property
    def name(self) -> str:
        """The code of the indicator, as in the entry point."""
        ...

    @property
    def title(self) -> str:
        """A short heading for tables."""
        ...

    @property
    def source(self) -> Source:
        """Which records the indicator reads."""
        ...

    @property
    def unit(self) -> Unit:
        """What the value is."""
        ...

    @property
    def ratio(self) -> bool:
        """Whether the value is numerator over denominator."""
        ...

    @property
    def higher_is_better(self) -> bool:
        """Whether a higher value ranks first."""
        ...

    def tally(self, windows: Windows, *, currency: str) -> Tally:
        """A new accumulator for ``windows``; money not in ``currency`` is an error."""
        ...


_ATTRIBUTES: Final = ("name", "title", "source", "unit", "ratio", "higher_is_better", "tally")


def _indicator_problem(name: str, candidate: object) -> str | None:
    missing = [a for a in _ATTRIBUTES if not hasattr(candidate, a)]
    if missing:
        return "is not an indicator: it lacks " + ", ".join(missing)
    if getattr(candidate, "name", None) != name:
        return f"is named {getattr(candidate, 'name', None)!r}, not as its entry point"
    return None


def load_indicators() -> PluginRegistry:
    """The indicators of the ``crmcore.indicators`` group, built-in ones included, checked."""
    return load("crmcore.indicators", validate=_indicator_problem)


@attrs.frozen(kw_only=True)
class KpiValue:
    """One indicator of one manager (or of the team): now, a year before, the change in units
    and in percent of the old value, and the rank among the managers (1 is best)."""

    current: Decimal | None
    previous: Decimal | None
    change: Decimal | None = None
    relative_change: Decimal | None = None
    rank: int | None = None

    @classmethod
    def compare(
        cls, current: Decimal | None, previous: Decimal | None, *, rounding: Rounding | None = None
    ) -> KpiValue:
        """The value with its change; no relative change from zero or from nothing. The
        relative change is in percent to two digits, rounded with ``rounding``'s mode
        (half-up by default)."""
        if current is None or previous is None:
            return cls(current=current, previous=previous)
        change = current - previous
        relative = None
        if previous:
            relative = (rounding or Rounding()).number(change / abs(previous) * _HUNDRED, digits=2)
        return cls(current=current, previous=previous, change=change, relative_change=relative)


@attrs.frozen(kw_only=True)
class KpiTable:
    """Indicators by manager for ``period`` and ``previous_period``, with team totals."""

    period: Period
    previous_period: Period
    indicators: tuple[str, ...]
    managers: tuple[str, ...]
    values: Mapping[str, Mapping[str, KpiValue]]
    """Manager, then indicator name, to the value."""
    totals: Mapping[str, KpiValue]
    """Indicator name to the team's value."""

    def value(self, manager: str, indicator: str) -> KpiValue:
        """The value of ``indicator`` for ``manager``."""
        return self.values[manager][indicator]


class Chunk(list[Any]):
    """A chunk of records handed to every tally of one source; tallies that select the
    records in a window by the same attribute share the selection through :meth:`within`."""

    def __init__(self, records: Iterable[Any]) -> None:
        super().__init__(records)
        self._selections: dict[tuple[str, tuple[datetime, datetime]], list[Any]] = {}

    def within(self, attribute: str, window: tuple[datetime, datetime]) -> list[Any]:
        """The records whose ``attribute`` is a moment in ``[start, end)``; ``None`` is not."""
        key = (attribute, window)
        found = self._selections.get(key)
        if found is None:
            start, end = window
            when = attrgetter(attribute)
            found = [r for r in self if (m := when(r)) is not None and start <= m < end]
            self._selections[key] = found
        return found


def _chunks(records: Iterable[Any]) -> Iterator[Chunk]:
    iterator = iter(records)
    while chunk := Chunk(islice(iterator, CHUNK)):
        yield chunk


def _check(indicators: Sequence[Indicator], period: object) -> None:
    if not isinstance(period, Period):
        raise DomainValidationError.single("period", "must be a Period", value=period)
    names = [indicator.name for indicator in indicators]
    if not names:
        raise DomainValidationError.single("indicators", "must name at least one indicator")
    for index, name in enumerate(names):
        if name in names[:index]:
            raise DomainValidationError.single(
                f"indicators[{index}]", "repeats an indicator", value=name
            )


def _measure(
    indicators: Sequence[Indicator], sources: Mapping[Source, Iterable[Any]], windows: Windows,
    currency: str,
) -> dict[str, Measures]:  # fmt: skip
    tallies = {
        indicator.name: indicator.tally(windows, currency=currency) for indicator in indicators
    }
    for source, records in sources.items():
        readers = [tallies[i.name] for i in indicators if i.source is source]
        if not readers:
            continue
        for chunk in _chunks(records):
            for reader in readers:
                reader.consume(chunk)
    return {name: tally.finish() for name, tally in tallies.items()}


def _value(
    indicator: Indicator, numerator: Decimal | None, denominator: Decimal | None,
    rounding: Rounding, currency: str,
) -> Decimal | None:  # fmt: skip
    if not indicator.ratio:
        return _ZERO if numerator is None else numerator
    if not denominator:
        return None
    scale = _HUNDRED if indicator.unit is Unit.PERCENT else 1
    value = (numerator or _ZERO) * scale / denominator
    if indicator.unit is Unit.MONEY:
        # As the partner card rounds an average check: the one policy, to the minor unit.
        return rounding.apply(Money(amount=value, currency=currency)).amount
    return rounding.number(value, digits=2)


def _ranked(values: dict[str, dict[str, KpiValue]], indicator: Indicator) -> None:
    """Competition ranking (1, 2, 2, 4) of the managers with a value, best first."""
    name = indicator.name
    scored: list[tuple[Decimal, str]] = []
    for manager, row in values.items():
        current = row[name].current
        if current is not None:
            scored.append((current, manager))
    scored.sort(key=lambda pair: pair[0], reverse=indicator.higher_is_better)
    rank = 0
    for position, (score, manager) in enumerate(scored, start=1):
        if position == 1 or score != scored[position - 2][0]:
            rank = position
        values[manager][name] = attrs.evolve(values[manager][name], rank=rank)


def kpi_table(
    indicators: Sequence[Indicator],
    *,
    period: Period,
    deals: Iterable[Any] = (),
    interactions: Iterable[Any] = (),
    claims: Iterable[Any] = (),
    leads: Iterable[Any] = (),
    managers: Sequence[str] | None = None,
    zone: tzinfo | None = None,
    currency: str = "RUB",
    now: datetime | None = None,
    rounding: Rounding | None = None,
) -> KpiTable:
    """The ``indicators`` of each manager for ``period`` beside the same period a year
    before, ranked, with team totals, at ``now``.

    Days are those of ``zone``, by default the zone of ``now`` (UTC without ``now``). Pass
    ``now`` for a period still running: what is due after it (an interaction that ends later
    today) is not overdue yet. Averages and shares are rounded with ``rounding``, half-up to
    the currency's minor unit or to two digits by default, as on the partner card.

    Records are read once each, in chunks: pass generators over millions of rows freely.
    ``managers`` fixes the rows (and the team); by default every manager met in the records.
    Raises :class:`DomainValidationError` for no or repeated indicators or a bad period.
    """
    _check(indicators, period)
    if now is not None:
        check_now(now)
    policy = rounding or Rounding()
    windows = Windows.of(period, _zone_of(zone, now), now=now)
    sources = {
        Source.DEALS: deals, Source.INTERACTIONS: interactions, Source.CLAIMS: claims,
        Source.LEADS: leads,
    }  # fmt: skip
    measures = _measure(indicators, sources, windows, currency)
    rows = tuple(managers) if managers is not None else _managers_of(measures.values())
    values: dict[str, dict[str, KpiValue]] = {manager: {} for manager in rows}
    totals: dict[str, KpiValue] = {}
    for indicator in indicators:
        found = measures[indicator.name]
        for manager in rows:
            values[manager][indicator.name] = KpiValue.compare(
                *(_value(indicator, found.numerators[s].get(manager),
                         found.denominators[s].get(manager), policy, currency) for s in (0, 1)),
                rounding=policy,
            )  # fmt: skip
        totals[indicator.name] = KpiValue.compare(
            *(_total(indicator, found, rows, s, policy, currency) for s in (0, 1)),
            rounding=policy,
        )
        _ranked(values, indicator)
    return KpiTable(
        period=period, previous_period=period.previous_year(),
        indicators=tuple(i.name for i in indicators), managers=rows, values=values,
        totals=totals,
    )  # fmt: skip


def _zone_of(zone: tzinfo | None, now: datetime | None) -> tzinfo:
    if zone is not None:
        return zone
    return UTC if now is None or now.tzinfo is None else now.tzinfo


def _total(
    indicator: Indicator, found: Measures, rows: Sequence[str], slot: int, rounding: Rounding,
    currency: str,
) -> Decimal | None:  # fmt: skip
    numerators, denominators = found.numerators[slot], found.denominators[slot]
    numerator = sum((numerators.get(m, _ZERO) for m in rows), _ZERO)
    denominator = sum((denominators.get(m, _ZERO) for m in rows), _ZERO)
    return _value(indicator, numerator, denominator, rounding, currency)


def _managers_of(measures: Iterable[Measures]) -> tuple[str, ...]:
    seen: set[str] = set()
    for found in measures:
        for table in (*found.numerators, *found.denominators):
            seen.update(table)
    return tuple(sorted(seen))
