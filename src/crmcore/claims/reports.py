"""The three claim reports a quality manager asks for: dynamics, satisfaction and structure.

Each streams once over any iterable of claims (a repository query, a generator over an
export) and returns plain attrs data: ``rows_for_spreadsheet()`` gives a header and rows for
a spreadsheet, ``table()`` aligned text lines for a terminal. Shares are percentages with
one decimal.

>>> from datetime import date, datetime, timezone
>>> from crmcore.claims.model import Claim, Claimant
>>> from crmcore.claims.kinds import ClaimChannel
>>> from crmcore.partners import PartnerRole
>>> at = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
>>> claims = [Claim(id=f"c-{i}", claimant=Claimant(role=PartnerRole.CLIENT, name="Anna"),
...     registered_at=at, channel=ClaimChannel.CALL, essence="Broken", response_due=at,
...     resolution_due=at, department=department, reasons=("packaging",))
...     for i, department in enumerate(["Warehouse", "Warehouse", "Sales"])]
>>> report = claim_structure(claims)
>>> [(row.label, row.claims, str(row.share)) for row in report.departments]
[('Warehouse', 2, '66.7'), ('Sales', 1, '33.3')]
>>> print(*report.table(), sep="\\n")
by          item       claims  share %
----------  ---------  ------  -------
department  Warehouse  2       66.7
department  Sales      1       33.3
reason      packaging  3       100.0
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, timedelta, tzinfo
from decimal import Decimal
from typing import Final, Literal

import attrs

from crmcore.claims.kinds import ClaimResult, ClaimStatus
from crmcore.claims.model import Claim
from crmcore.claims.settings import ReasonClassifier
from crmcore.errors import DomainValidationError
from crmcore.repository_checks import instant
from crmcore.tables import percent, text_table

__all__ = [
    "ClaimDynamics",
    "ClaimSatisfaction",
    "ClaimStructure",
    "DynamicsRow",
    "SatisfactionRow",
    "StructureRow",
    "claim_dynamics",
    "claim_satisfaction",
    "claim_structure",
]

Period = Literal["month", "week"]
NO_DEPARTMENT: Final = "(no department)"
NO_REASON: Final = "(no reason)"
_PROCESSED: Final = frozenset({ClaimStatus.DECIDED, ClaimStatus.CANCELLED})
_INSTANT: Final = timedelta(microseconds=1)


# --- dynamics --------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class DynamicsRow:
    """Claims of one period (and one department, or all): ``registered`` in it, ``processed``
    in it (decided or cancelled at least once during it), and ``open`` at its end."""

    period: date
    department: str | None
    registered: int
    processed: int
    open: int


@attrs.frozen(kw_only=True)
class ClaimDynamics:
    """Claims per period from ``start`` to ``end``, overall and by department, and the
    period with most claims registered (the earliest of equals)."""

    period: Period
    rows: tuple[DynamicsRow, ...]
    by_department: tuple[DynamicsRow, ...]
    busiest: date | None

    def rows_for_spreadsheet(self) -> list[tuple[object, ...]]:
        """A header and one row per period and department (all departments first)."""
        header: tuple[object, ...] = ("period", "department", "registered", "processed", "open")
        body = [
            (r.period.isoformat(), r.department or "", r.registered, r.processed, r.open)
            for r in (*self.rows, *self.by_department)
        ]
        return [header, *body]

    def table(self) -> list[str]:
        """The overall rows as aligned text."""
        rows = [(r.period.isoformat(), r.registered, r.processed, r.open) for r in self.rows]
        return text_table(("period", "registered", "processed", "open"), rows)


def _period_start(day: date, period: Period) -> date:
    return day.replace(day=1) if period == "month" else day - timedelta(days=day.weekday())


def _next_period(start: date, period: Period) -> date:
    if period == "week":
        return start + timedelta(days=7)
    return (start.replace(day=28) + timedelta(days=4)).replace(day=1)


def _status_at(claim: Claim, moment: datetime) -> ClaimStatus | None:
    """The status of ``claim`` at ``moment``: the target of the last step logged by then
    (None before the claim was registered)."""
    if instant(claim.registered_at) > instant(moment):
        return None
    status = ClaimStatus.REGISTERED
    for step in claim.history:
        if instant(step.at) <= instant(moment):
            status = step.target
    return status


def _periods(start: date, end: date, period: Period) -> list[date]:
    found, current = [], _period_start(start, period)
    while current <= end:
        found.append(current)
        current = _next_period(current, period)
    return found


def claim_dynamics(
    claims: Iterable[Claim], *, start: date, end: date, period: Period = "month", zone: tzinfo = UTC
) -> ClaimDynamics:
    """Registered, processed and open claims per ``period`` of ``[start, end]`` in ``zone``."""
    if period not in {"month", "week"}:
        raise DomainValidationError.single("period", "must be 'month' or 'week'", value=period)
    periods = _periods(start, end, period)
    last_moments = [
        (p, datetime.combine(_next_period(p, period), datetime.min.time(), zone) - _INSTANT)
        for p in periods
    ]
    counts: Counter[tuple[date, str | None, str]] = Counter()
    for claim in claims:
        marks = _marks(claim, last_moments, period, zone)
        for department in (None, claim.department or NO_DEPARTMENT):
            for mark in marks:
                counts[mark[0], department, mark[1]] += 1
    rows = [_row(counts, p, None) for p in periods]
    departments = sorted({key[1] for key in counts if key[1] is not None})
    by_department = [_row(counts, p, d) for d in departments for p in periods]
    busiest = max(rows, key=lambda r: (r.registered, -r.period.toordinal()), default=None)
    return ClaimDynamics(
        period=period, rows=tuple(rows), by_department=tuple(by_department),
        busiest=busiest.period if busiest and busiest.registered else None,
    )  # fmt: skip


def _marks(
    claim: Claim, last_moments: list[tuple[date, datetime]], period: Period, zone: tzinfo
) -> list[tuple[date, str]]:
    """Where ``claim`` counts: the period it was registered in, those it was processed in,
    and those at whose last moment it was open."""
    marks = [(_period_start(claim.registered_at.astimezone(zone).date(), period), "registered")]
    processed = {
        _period_start(step.at.astimezone(zone).date(), period)
        for step in claim.history
        if step.target in _PROCESSED
    }
    marks.extend((start, "processed") for start in processed)
    for start, moment in last_moments:
        if instant(moment) >= instant(claim.registered_at):
            status = _status_at(claim, moment)
            if status is not None and status.is_open:
                marks.append((start, "open"))
    return marks


def _row(
    counts: Counter[tuple[date, str | None, str]], start: date, department: str | None
) -> DynamicsRow:
    return DynamicsRow(
        period=start, department=department,
        registered=counts[start, department, "registered"],
        processed=counts[start, department, "processed"], open=counts[start, department, "open"],
    )  # fmt: skip


# --- satisfaction ----------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class SatisfactionRow:
    """Decided claims of one reason (or all: ``reason`` is ``None``) by result, with shares."""

    reason: str | None
    label: str
    satisfied: int
    partially_satisfied: int
    rejected: int

    @property
    def decided(self) -> int:
        """Claims decided, whatever the result."""
        return self.satisfied + self.partially_satisfied + self.rejected

    def shares(self) -> tuple[Decimal, Decimal, Decimal]:
        """Satisfied, partially satisfied and rejected in percent of :attr:`decided`."""
        total = self.decided
        parts = (self.satisfied, self.partially_satisfied, self.rejected)
        return (percent(parts[0], total), percent(parts[1], total), percent(parts[2], total))


@attrs.frozen(kw_only=True)
class ClaimSatisfaction:
    """How decided claims ended, overall and by reason (a claim counts for each reason)."""

    total: SatisfactionRow
    by_reason: tuple[SatisfactionRow, ...]

    def rows_for_spreadsheet(self) -> list[tuple[object, ...]]:
        """A header and one row per reason, the total first."""
        header: tuple[object, ...] = (
            "reason",
            "decided",
            "satisfied %",
            "partially %",
            "rejected %",
        )
        return [header, *((r.label, r.decided, *r.shares()) for r in (self.total, *self.by_reason))]

    def table(self) -> list[str]:
        """The rows as aligned text."""
        rows = self.rows_for_spreadsheet()
        return text_table([str(h) for h in rows[0]], rows[1:])


def claim_satisfaction(
    claims: Iterable[Claim], *, classifier: ReasonClassifier | None = None
) -> ClaimSatisfaction:
    """Results of decided (and closed) claims: shares satisfied, partially, rejected."""
    counts: Counter[tuple[str | None, ClaimResult]] = Counter()
    for claim in claims:
        if claim.result is None:
            continue
        counts[None, claim.result] += 1
        for reason in claim.reasons or (NO_REASON,):
            counts[reason, claim.result] += 1
    reasons = sorted({reason for reason, _ in counts if reason is not None})
    names = classifier or ReasonClassifier()
    return ClaimSatisfaction(
        total=_satisfaction_row(counts, None, "all claims"),
        by_reason=tuple(_satisfaction_row(counts, r, names.name_of(r)) for r in reasons),
    )


def _satisfaction_row(
    counts: Counter[tuple[str | None, ClaimResult]], reason: str | None, label: str
) -> SatisfactionRow:
    return SatisfactionRow(
        reason=reason, label=label, satisfied=counts[reason, ClaimResult.SATISFIED],
        partially_satisfied=counts[reason, ClaimResult.PARTIALLY_SATISFIED],
        rejected=counts[reason, ClaimResult.REJECTED],
    )  # fmt: skip


# --- structure -------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class StructureRow:
    """Claims of one department or reason and their share of all claims, in percent."""

    key: str
    label: str
    claims: int
    share: Decimal


@attrs.frozen(kw_only=True)
class ClaimStructure:
    """Claims by department and by reason, most first; ``top_departments`` are the first
    few departments. Reason shares may add up past 100: a claim may have several reasons."""

    total: int
    departments: tuple[StructureRow, ...]
    reasons: tuple[StructureRow, ...]
    top_departments: tuple[StructureRow, ...]

    def rows_for_spreadsheet(self) -> list[tuple[object, ...]]:
        """A header and one row per department, then per reason."""
        body = [("department", r.label, r.claims, r.share) for r in self.departments]
        body += [("reason", r.label, r.claims, r.share) for r in self.reasons]
        return [("by", "item", "claims", "share %"), *body]

    def table(self) -> list[str]:
        """The rows as aligned text."""
        rows = self.rows_for_spreadsheet()
        return text_table([str(h) for h in rows[0]], rows[1:])


def claim_structure(
    claims: Iterable[Claim], *, classifier: ReasonClassifier | None = None, top: int = 3
) -> ClaimStructure:
    """Claims by department and by reason with shares, and the ``top`` departments."""
    total = 0
    departments: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    for claim in claims:
        total += 1
        departments[claim.department or NO_DEPARTMENT] += 1
        reasons.update(claim.reasons or (NO_REASON,))
    names = classifier or ReasonClassifier()
    by_department = _structure_rows(departments, total, lambda key: key)
    return ClaimStructure(
        total=total, departments=by_department,
        reasons=_structure_rows(reasons, total, names.name_of), top_departments=by_department[:top],
    )  # fmt: skip


def _structure_rows(
    counts: Counter[str], total: int, label: Callable[[str], str]
) -> tuple[StructureRow, ...]:
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return tuple(
        StructureRow(key=key, label=label(key), claims=count, share=percent(count, total))
        for key, count in ordered
    )
