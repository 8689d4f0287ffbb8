"""The request reports against brute-force recounts over drawn requests, and examples."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from request_samples import HOUR, NOW, registered

from crmcore.deals import Deal, DealKind, DealStatus
from crmcore.errors import DomainValidationError
from crmcore.ids import DealId, PartnerId, PipelineId, RequestId, UserId
from crmcore.requests import (
    Request,
    RequestStatus,
    conversion_rates,
    rejections_by_reason,
    requests_by_source,
    response_times,
)
from crmcore.testing.strategies import requests

DRAWN = st.lists(
    requests(sources=("website_form", "call"), managers=(None, UserId("u-1"))), max_size=6
)


def deal(deal_id: str, status: DealStatus) -> Deal:
    closed = status.closed
    return Deal(
        id=DealId(deal_id), title="Ящики", partner_id=PartnerId("p-1"),
        pipeline_id=PipelineId("typical_sale"), kind=DealKind.CONTROLLED, stage="first_contact",
        responsible_manager=UserId("u-1"), created_at=NOW, stage_entered_at=NOW, status=status,
        closed_at=NOW if closed else None,
        lost_reason="price" if status is DealStatus.LOST else None,
    )  # fmt: skip


def start_of(day: date, period: str) -> date:
    if period == "month":
        return date(day.year, day.month, 1)
    return day - timedelta(days=day.weekday()) if period == "week" else day


@settings(max_examples=30)
@given(found=DRAWN, period=st.sampled_from(("day", "week", "month")))
def test_intake_counts_every_request_once_in_its_period(found: list[Request], period: str) -> None:
    report = requests_by_source(found, period=period)  # type: ignore[arg-type]
    expected: dict[tuple[date, str], int] = {}
    for request in found:
        key = (start_of(request.received_at.astimezone(UTC).date(), period), request.source)
        expected[key] = expected.get(key, 0) + 1
    assert [(row.period, row.source, row.requests) for row in report.rows] == [
        (day, source, count) for (day, source), count in sorted(expected.items())
    ]


@settings(max_examples=30)
@given(found=DRAWN, by=st.sampled_from(("source", "manager")), won=st.data())
def test_conversion_matches_a_recount(found: list[Request], by: str, won: st.DataObject) -> None:
    deals = [
        deal(r.deal_id, won.draw(st.sampled_from(tuple(DealStatus))))
        for r in found if r.deal_id is not None
    ]  # fmt: skip
    statuses = {d.id: d.status for d in deals}  # the last deal of a repeated id wins, as below
    deals = [d for d in deals if statuses[d.id] is d.status]
    report = conversion_rates(found, deals=deals, by=by)  # type: ignore[arg-type]
    assert report.total.requests == len(found)
    for row in report.rows:
        members = [
            r
            for r in found
            if (r.source if by == "source" else r.responsible_manager or "(no manager)")
            == row.group
        ]
        converted = [r for r in members if r.status is RequestStatus.CONVERTED]
        assert (row.requests, row.converted) == (len(members), len(converted))
        assert row.won == sum(statuses.get(r.deal_id) is DealStatus.WON for r in converted)  # type: ignore[arg-type]


def test_conversion_rates_are_percentages_of_requests_and_deals() -> None:
    base = registered()
    found = [
        attrs.evolve(base, id=RequestId(f"r-{i}"), status=RequestStatus.CONVERTED,
                     deal_id=DealId(f"d-{i}"), closed_at=NOW, responsible_manager=UserId("u-1"))
        for i in range(3)
    ] + [base]  # fmt: skip
    deals = [
        deal("d-0", DealStatus.WON),
        deal("d-1", DealStatus.LOST),
        deal("d-2", DealStatus.OPEN),
    ]
    report = conversion_rates(found, deals=deals, by="manager")
    assert [(r.group, r.requests, r.converted, r.won) for r in report.rows] == [
        ("(no manager)", 1, 0, 0), ("u-1", 3, 3, 1),
    ]  # fmt: skip
    total = report.total
    assert (total.deal_rate, total.won_rate, total.win_rate) == (
        Decimal("75.0"), Decimal("25.0"), Decimal("33.3"),
    )  # fmt: skip
    assert report.table()[-1].split() == ["total", "4", "3", "1", "75.0", "25.0", "33.3"]


def test_response_times_are_medians_over_those_that_got_there() -> None:
    base = registered()
    found = [
        attrs.evolve(base, first_response_at=NOW + hours * HOUR, status=RequestStatus.IN_WORK)
        for hours in (1, 2, 4, 10)
    ] + [attrs.evolve(base, qualified_at=NOW + 5 * HOUR, first_response_at=NOW,
                      status=RequestStatus.QUALIFIED), base]  # fmt: skip
    times = response_times(found)
    assert (times.answered, times.first_response) == (5, timedelta(hours=2))
    assert (times.qualified, times.qualification) == (1, timedelta(hours=5))
    empty = response_times([base])
    assert (empty.first_response, empty.qualification) == (None, None)
    assert "-" in empty.table()[-1]


def test_rejections_are_counted_by_reason_most_frequent_first() -> None:
    base = registered()
    found = [
        attrs.evolve(base, status=RequestStatus.REJECTED, rejection_reason=reason, closed_at=NOW)
        for reason in ("spam", "no_budget", "spam", "spam")
    ] + [base]  # fmt: skip
    report = rejections_by_reason(found)
    assert report.rejected == 4
    assert [(r.reason, r.requests, str(r.share)) for r in report.rows] == [
        ("spam", 3, "75.0"), ("no_budget", 1, "25.0"),
    ]  # fmt: skip


def test_intake_periods_are_days_of_the_zone_asked_for() -> None:
    late = attrs.evolve(registered(), received_at=datetime(2026, 3, 1, 22, 0, tzinfo=UTC))
    moscow = requests_by_source([late], period="day", tz=ZoneInfo("Europe/Moscow"))
    assert moscow.rows[0].period == date(2026, 3, 2)
    weekly = requests_by_source([late], period="week")
    assert weekly.rows[0].period == date(2026, 2, 23)


def test_unknown_groupings_and_periods_are_named() -> None:
    with pytest.raises(DomainValidationError) as raised:
        conversion_rates([], deals=[], by="region")  # type: ignore[arg-type]
    assert raised.value.fields == ("by",)
    with pytest.raises(DomainValidationError) as raised:
        requests_by_source([], period="year")  # type: ignore[arg-type]
    assert raised.value.fields == ("period",)
