"""Reports over requests: intake by source and period, conversion request -> deal -> won by
source or manager, median time to first response and to qualification, rejections by reason.

Each streams once over any iterable of requests (a repository query, an export) and returns
plain attrs data with a :meth:`table` of aligned text lines. Rates are percentages with one
decimal.

>>> from datetime import datetime, timedelta, timezone
>>> from crmcore.requests.model import ContactData, Request
>>> at = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
>>> requests = [Request(id=f"r-{i}", source=source, received_at=at + timedelta(days=i),
...                     contact=ContactData(name="Anna"))
...             for i, source in enumerate(["website_form", "call", "website_form"])]
>>> print(*requests_by_source(requests, period="month").table(), sep="\\n")
period      source        requests
----------  ------------  --------
2026-03-01  call          1
2026-03-01  website_form  2
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from datetime import UTC, date, timedelta, tzinfo
from decimal import Decimal
from typing import Final, Literal

import attrs

from crmcore.deals import Deal, DealStatus
from crmcore.errors import DomainValidationError
from crmcore.requests.kinds import RequestStatus
from crmcore.requests.model import Request
from crmcore.tables import percent, text_table
from crmcore.workcalendar import elapsed

__all__ = [
    "ConversionReport",
    "ConversionRow",
    "IntakeReport",
    "IntakeRow",
    "RejectionReport",
    "RejectionRow",
    "ResponseTimes",
    "conversion_rates",
    "rejections_by_reason",
    "requests_by_source",
    "response_times",
]

Period = Literal["day", "week", "month"]
Grouping = Literal["source", "manager"]
NO_MANAGER: Final = "(no manager)"


def _period_start(day: date, period: Period) -> date:
    if period == "month":
        return day.replace(day=1)
    if period == "week":
        return day - timedelta(days=day.weekday())
    return day


@attrs.frozen(kw_only=True)
class IntakeRow:
    """How many requests came from ``source`` in the period starting on ``period``."""

    period: date
    source: str
    requests: int


@attrs.frozen(kw_only=True)
class IntakeReport:
    """Requests by period and source, in period order, then source."""

    rows: tuple[IntakeRow, ...]

    def table(self) -> list[str]:
        """The report as aligned text lines."""
        rows = [(row.period.isoformat(), row.source, row.requests) for row in self.rows]
        return text_table(("period", "source", "requests"), rows)


def requests_by_source(
    requests: Iterable[Request], *, period: Period = "month", tz: tzinfo = UTC
) -> IntakeReport:
    """How many requests each source brought in each ``period`` (days counted in ``tz``)."""
    if period not in ("day", "week", "month"):
        raise DomainValidationError.single("period", "must be day, week or month", value=period)
    counts = Counter(
        (_period_start(r.received_at.astimezone(tz).date(), period), r.source) for r in requests
    )
    rows = [IntakeRow(period=p, source=s, requests=n) for (p, s), n in sorted(counts.items())]
    return IntakeReport(rows=tuple(rows))


@attrs.frozen(kw_only=True)
class ConversionRow:
    """The funnel of one group: requests, those converted into deals, and deals won.

    ``deal_rate`` and ``won_rate`` are shares of the requests; ``win_rate`` of the deals.
    """

    group: str
    requests: int
    converted: int
    won: int

    @property
    def deal_rate(self) -> Decimal:
        """Converted requests, in percent of all requests."""
        return percent(self.converted, self.requests)

    @property
    def won_rate(self) -> Decimal:
        """Requests that ended in a won deal, in percent of all requests."""
        return percent(self.won, self.requests)

    @property
    def win_rate(self) -> Decimal:
        """Won deals, in percent of the deals opened from requests."""
        return percent(self.won, self.converted)


@attrs.frozen(kw_only=True)
class ConversionReport:
    """Conversion by source or manager, groups in order, and the total over all of them."""

    by: Grouping
    rows: tuple[ConversionRow, ...]
    total: ConversionRow

    def table(self) -> list[str]:
        """The report as aligned text lines, the total last."""
        headers = (self.by, "requests", "deals", "won", "deal %", "won %", "win % of deals")
        return text_table(
            headers,
            [
                (r.group, r.requests, r.converted, r.won, r.deal_rate, r.won_rate, r.win_rate)
                for r in (*self.rows, self.total)
            ],
        )


def _group_of(by: Grouping) -> Callable[[Request], str]:
    if by == "source":
        return lambda request: request.source
    if by == "manager":
        return lambda request: request.responsible_manager or NO_MANAGER
    raise DomainValidationError.single("by", "must be source or manager", value=by)


def conversion_rates(
    requests: Iterable[Request], *, deals: Iterable[Deal], by: Grouping = "source"
) -> ConversionReport:
    """Requests -> deals -> won deals by ``by``; ``deals`` holds (at least) the deals opened
    from the requests, whose status says whether they were won."""
    group_of = _group_of(by)
    won_deals = {deal.id for deal in deals if deal.status is DealStatus.WON}
    tally: dict[str, list[int]] = {}
    for request in requests:
        counts = tally.setdefault(group_of(request), [0, 0, 0])
        counts[0] += 1
        if request.status is RequestStatus.CONVERTED:
            counts[1] += 1
            counts[2] += request.deal_id in won_deals
    rows = [
        ConversionRow(group=group, requests=n, converted=c, won=w)
        for group, (n, c, w) in sorted(tally.items())
    ]
    total = ConversionRow(
        group="total",
        requests=sum(row.requests for row in rows),
        converted=sum(row.converted for row in rows),
        won=sum(row.won for row in rows),
    )
    return ConversionReport(by=by, rows=tuple(rows), total=total)


@attrs.frozen(kw_only=True)
class ResponseTimes:
    """Median time from receipt to the first response (taking into work) and to
    qualification, over the requests that got there; ``None`` when none did."""

    answered: int
    first_response: timedelta | None
    qualified: int
    qualification: timedelta | None

    def table(self) -> list[str]:
        """The report as aligned text lines."""
        rows = [
            ("first response", self.answered, self.first_response or "-"),
            ("qualification", self.qualified, self.qualification or "-"),
        ]
        return text_table(("median time to", "requests", "median"), rows)


def _median(values: list[timedelta]) -> timedelta | None:
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def response_times(requests: Iterable[Request]) -> ResponseTimes:
    """The median times to first response and to qualification of ``requests``."""
    responses: list[timedelta] = []
    qualifications: list[timedelta] = []
    for request in requests:
        if request.first_response_at is not None:
            responses.append(elapsed(request.received_at, request.first_response_at))
        if request.qualified_at is not None:
            qualifications.append(elapsed(request.received_at, request.qualified_at))
    return ResponseTimes(
        answered=len(responses),
        first_response=_median(responses),
        qualified=len(qualifications),
        qualification=_median(qualifications),
    )


@attrs.frozen(kw_only=True)
class RejectionRow:
    """How many requests are rejected for ``reason`` and their share of the rejected."""

    reason: str
    requests: int
    share: Decimal


@attrs.frozen(kw_only=True)
class RejectionReport:
    """Rejected requests by reason, most frequent first, then by reason."""

    rejected: int
    rows: tuple[RejectionRow, ...]

    def table(self) -> list[str]:
        """The report as aligned text lines."""
        rows = [(row.reason, row.requests, row.share) for row in self.rows]
        return text_table(("reason", "requests", "share %"), rows)


def rejections_by_reason(requests: Iterable[Request]) -> RejectionReport:
    """The requests rejected now, counted by their rejection reason."""
    counts = Counter(
        request.rejection_reason
        for request in requests
        if request.status is RequestStatus.REJECTED and request.rejection_reason is not None
    )
    total = sum(counts.values())
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    rows = [RejectionRow(reason=r, requests=n, share=percent(n, total)) for r, n in ordered]
    return RejectionReport(rejected=total, rows=tuple(rows))
