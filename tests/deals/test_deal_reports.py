"""The funnel and the win probabilities agree with a brute-force recount on random logs made
by the services; the forecast weighs open deals and refuses mixed currencies."""

from __future__ import annotations

import itertools
import statistics
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from math import ceil
from unittest import mock
from zoneinfo import ZoneInfo

import attrs
import pytest
from deal_samples import NOW, opened
from hypothesis import given, settings
from hypothesis import strategies as st

from crmcore.deals import (
    BUILTIN_PIPELINES,
    LONG_PROJECT,
    MANUAL_SALE,
    Deal,
    DealDraft,
    DealOutcome,
    DealStatus,
    Pipeline,
    StageChange,
    _tally,
    funnel,
    lose_deal,
    move_deal,
    open_deal,
    reopen_deal,
    resume_deal,
    suspend_deal,
    upcoming,
    win_deal,
    win_probabilities,
)
from crmcore.errors import BusinessRuleError, DomainValidationError
from crmcore.ids import DealId
from crmcore.money import Money

CLOSED = (DealStatus.WON, DealStatus.LOST)
EARLIEST = NOW - timedelta(days=1)
commands = st.tuples(
    st.sampled_from(("move", "move", "move", "win", "lose", "suspend", "resume", "reopen")),
    st.integers(0, 4),
    st.integers(1, 5000),
)


def command(deal: Deal, pipeline: Pipeline, name: str, choice: int, now: datetime) -> DealOutcome:
    """Run the command ``name`` on ``deal`` (``choice`` picks the stage of a move)."""
    names = [stage.name for stage in pipeline.ordered] or ["nowhere"]
    if name == "move":
        return move_deal(deal, names[choice % len(names)], pipeline=pipeline, now=now)
    if name == "win":
        return win_deal(deal, pipeline=pipeline, now=now)
    if name == "lose":
        return lose_deal(deal, pipeline=pipeline, reason="price", now=now)
    if name == "suspend":
        return suspend_deal(deal, pipeline=pipeline, now=now, reason="wait")
    if name == "resume":
        return resume_deal(deal, pipeline=pipeline, now=now)
    return reopen_deal(deal, pipeline=pipeline, now=now, reason="again")


def run(
    pipeline: Pipeline, deal_id: str, steps: list[tuple[str, int, int]], start: int
) -> list[StageChange]:
    """The log of one deal opened ``start`` minutes after NOW and driven by ``steps``."""
    now = NOW + timedelta(minutes=start)
    outcome = open_deal(DealDraft(title="Deal", partner_id="p-1", responsible_manager="u-1",
                                  amount=Money.of(deal_id[2:], "RUB")),
                        pipeline=pipeline, now=now, deal_id=DealId(deal_id))  # fmt: skip
    deal = outcome.entity
    log = [outcome.stage_change]
    for name, choice, gap in steps:
        now += timedelta(minutes=gap)
        try:
            outcome = command(deal, pipeline, name, choice, now)
        except (BusinessRuleError, DomainValidationError):
            continue
        deal = outcome.entity
        log.append(outcome.stage_change)
    return [entry for entry in log if entry is not None]


@st.composite
def logs(draw: st.DrawFn, pipeline: Pipeline) -> list[StageChange]:
    count = draw(st.integers(1, 25))
    entries = []
    for number in range(count):
        steps = draw(st.lists(commands, max_size=15))
        entries.extend(run(pipeline, f"d-{number + 1}", steps, draw(st.integers(0, 3000))))
    return sorted(entries, key=lambda c: (c.at, c.deal_id, c.version))


def per_deal(
    log: Iterable[StageChange], start: datetime, end: datetime
) -> dict[str, list[StageChange]]:
    deals: dict[str, list[StageChange]] = {}
    for change in log:
        if start <= change.at < end:
            deals.setdefault(change.deal_id, []).append(change)
    return deals


def entered(entry: StageChange) -> bool:
    return entry.from_stage != entry.to_stage or entry.from_status is None


def stays(entries: list[StageChange]) -> list[tuple[str, int]]:
    """(stage, whole minutes) of each finished stay whose start lies in the entries."""
    found = []
    began = entries[0].at if entered(entries[0]) else None
    for before, entry in itertools.pairwise(entries):
        closing = entry.status in CLOSED and before.status is not entry.status
        if entry.to_stage != before.to_stage or closing:
            if began is not None:
                found.append((str(before.to_stage), int((entry.at - began).total_seconds()) // 60))
            began = entry.at if entry.to_stage != before.to_stage else began
        elif before.status in CLOSED:
            began = entry.at
    return found


def hours(minutes: list[int], share: float) -> Decimal | None:
    if not minutes:
        return None
    ordered = sorted(minutes)
    value = statistics.median(ordered) if share == 0.5 else ordered[ceil(share * len(ordered)) - 1]
    hours = (Decimal(value) / 60).quantize(Decimal("0.01"), ROUND_HALF_UP)
    return hours.to_integral() if hours == hours.to_integral() else hours.normalize()


def recount(
    pipeline: Pipeline, log: list[StageChange], start: datetime, end: datetime
) -> dict[str, list[object]]:
    order = {stage.name: i for i, stage in enumerate(pipeline.ordered)}
    rows: dict[str, list[object]] = {}
    deals = per_deal(log, start, end)
    durations: dict[str, list[int]] = {name: [] for name in order}
    for entries in deals.values():
        for stage, minutes in stays(entries):
            durations.get(stage, []).append(minutes)
    for name, position in order.items():
        came = {d for d, es in deals.items() if any(e.to_stage == name and entered(e) for e in es)}
        left = {d for d, es in deals.items()
                if any(e.from_stage == name and order.get(str(e.to_stage), -1) > position
                       for e in es[1:])}  # fmt: skip
        won = {d for d in came if deals[d][-1].status is DealStatus.WON}
        lost = {
            d
            for d, es in deals.items()
            if es[-1].status is DealStatus.LOST and es[-1].to_stage == name
        }
        rows[name] = [len(came), len((left | won) & came), len(won), len(lost),
                      hours(durations[name], 0.5), hours(durations[name], 0.9)]  # fmt: skip
    return rows


@settings(max_examples=60, deadline=None)
@given(data=st.data(), pipeline=st.sampled_from(tuple(BUILTIN_PIPELINES.values())))
def test_the_funnel_agrees_with_a_brute_force_recount(
    data: st.DataObject, pipeline: Pipeline
) -> None:
    log = data.draw(logs(pipeline))
    start = NOW + timedelta(minutes=data.draw(st.integers(0, 20000)))
    end = start + timedelta(minutes=data.draw(st.integers(0, 60000)))
    report = funnel(pipeline, log, start=start, end=end)
    expected = recount(pipeline, log, start, end)
    actual = {row.stage: [row.entered, row.moved_on, row.won, row.lost, row.median_hours,
                          row.p90_hours] for row in report.stages}  # fmt: skip
    assert actual == expected
    last = [entries[-1] for entries in per_deal(log, start, end).values()]
    assert report.won == sum(e.status is DealStatus.WON for e in last)
    assert report.lost == sum(e.status is DealStatus.LOST for e in last)
    at_end = [entries[-1] for entries in per_deal(log, EARLIEST, end).values()]
    assert report.open == sum(e.status not in CLOSED for e in at_end)
    won_total = sum(
        (e.amount.amount for e in last if e.status is DealStatus.WON and e.amount), Decimal(0)
    )
    assert sum((m.amount for m in report.won_amounts), Decimal(0)) == won_total


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_win_probabilities_agree_with_a_recount(data: st.DataObject) -> None:
    log = data.draw(logs(MANUAL_SALE))
    rows = win_probabilities(MANUAL_SALE, log)
    deals = per_deal(log, NOW, NOW + timedelta(days=3650))
    for row in rows:
        decided = [es for es in deals.values() if es[-1].status in CLOSED]
        reached = [es for es in decided if any(e.to_stage == row.stage and entered(e) for e in es)]
        won = [es for es in reached if es[-1].status is DealStatus.WON]
        assert (row.reached, row.won) == (len(reached), len(won))
        assert (
            row.explanation
            == f"of {len(reached)} closed deals that reached {row.title}, {len(won)} were won"
        )


@settings(max_examples=60, deadline=None)
@given(data=st.data(), pipeline=st.sampled_from(tuple(BUILTIN_PIPELINES.values())))
def test_a_log_grouped_by_deal_gives_the_same_reports(
    data: st.DataObject, pipeline: Pipeline
) -> None:
    log = data.draw(logs(pipeline))
    grouped = sorted(log, key=lambda change: (change.deal_id, change.version))
    start = NOW + timedelta(minutes=data.draw(st.integers(0, 20000)))
    end = start + timedelta(minutes=data.draw(st.integers(0, 60000)))
    # Small batches, so that amounts are summed while the pass goes on, as in a long log, and
    # a short list of stays, so that longer ones are counted in the dict beside it.
    with (
        mock.patch.object(_tally, "_BATCH", data.draw(st.integers(1, 4))),
        mock.patch.object(_tally, "_SHORT", data.draw(st.integers(0, 3000))),
    ):
        by_deal = funnel(pipeline, grouped, start=start, end=end, by_deal=True)
        probabilities = win_probabilities(pipeline, grouped, by_deal=True)
    assert by_deal == funnel(pipeline, log, start=start, end=end)
    assert probabilities == win_probabilities(pipeline, log)


def test_a_deal_open_at_the_end_of_the_month_counts_though_nothing_happened_to_it() -> None:
    march = NOW + timedelta(days=30)
    quiet = run(MANUAL_SALE, "d-500", [], 0)  # opened before the period, untouched in it
    closed = run(MANUAL_SALE, "d-70", [("lose", 0, 10)], 0)  # lost before the period
    busy = run(MANUAL_SALE, "d-30", [("move", 1, 0)], 31 * 24 * 60)
    log = sorted([*quiet, *closed, *busy], key=lambda c: (c.at, c.deal_id, c.version))
    report = funnel(MANUAL_SALE, log, start=march, end=march + timedelta(days=31))
    assert (report.open, report.won, report.lost) == (2, 0, 0)
    assert report.open_amounts == (Money.of(530, "RUB"),)
    assert [row.entered for row in report.stages] == [1, 1, 0, 0, 0]


def test_the_final_stage_converts_into_the_deals_won_at_it() -> None:
    won = run(MANUAL_SALE, "d-1", [("move", 4, 10), ("win", 0, 60)], 0)
    stays = run(MANUAL_SALE, "d-2", [("move", 4, 10)], 0)
    log = sorted([*won, *stays], key=lambda c: (c.at, c.deal_id, c.version))
    report = funnel(MANUAL_SALE, log, start=NOW, end=NOW + timedelta(days=1))
    final = report.stages[-1]
    assert (final.entered, final.moved_on, final.won) == (2, 1, 1)
    assert final.conversion == Decimal("50.0")


def test_one_win_in_sixteen_decided_deals_is_a_win_rate_of_6_3_percent_as_reports_round() -> None:
    deals = [run(MANUAL_SALE, f"d-{n}", [("win" if n == 1 else "lose", 0, 10)], 0)
             for n in range(1, 17)]  # fmt: skip
    log = sorted((e for d in deals for e in d), key=lambda c: (c.at, c.deal_id, c.version))
    report = funnel(MANUAL_SALE, log, start=NOW, end=NOW + timedelta(days=1))
    assert (report.won, report.lost, report.win_rate) == (1, 15, Decimal("6.3"))


def test_a_day_at_a_stage_over_the_berlin_clock_change_is_23_hours() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    saturday, sunday = (datetime(2026, 3, d, 12, tzinfo=berlin) for d in (28, 29))
    log = [
        StageChange(deal_id="d-1", pipeline_id=MANUAL_SALE.id, to_stage="first_contact",
                    status=DealStatus.OPEN, at=saturday, version=1),
        StageChange(deal_id="d-1", pipeline_id=MANUAL_SALE.id, from_stage="first_contact",
                    to_stage="contract", from_status=DealStatus.OPEN, status=DealStatus.OPEN,
                    at=sunday, version=2),
    ]  # fmt: skip
    report = funnel(MANUAL_SALE, log, start=saturday, end=sunday + timedelta(days=1))
    assert report.stages[0].median_hours == Decimal(23)


def test_a_log_entry_of_an_unknown_stage_is_named() -> None:
    entry = StageChange(deal_id="d-1", pipeline_id=MANUAL_SALE.id, to_stage="tender",
                        status=DealStatus.OPEN, at=NOW, version=1)  # fmt: skip
    for by_deal in (False, True):
        with pytest.raises(DomainValidationError) as raised:
            funnel(MANUAL_SALE, [entry], start=NOW, end=NOW + timedelta(days=1), by_deal=by_deal)
        assert (raised.value.field, raised.value.value) == ("to_stage", "tender")


def test_an_empty_period_has_an_empty_funnel() -> None:
    report = funnel(MANUAL_SALE, [], start=NOW, end=NOW)
    assert (report.won, report.lost, report.open, report.win_rate, report.most_lost_at) == (
        0, 0, 0, None, None
    )  # fmt: skip
    assert report.stages[0].conversion is None


def test_the_forecast_weighs_open_deals_and_lists_overdue_ones() -> None:
    soon = opened(
        MANUAL_SALE, "d-1", amount=Money.of("1000", "RUB"), expected_close=date(2026, 3, 10)
    )
    late = opened(
        MANUAL_SALE, "d-2", amount=Money.of("500", "RUB"), expected_close=date(2026, 2, 1)
    )
    later = opened(MANUAL_SALE, "d-3", amount=Money.of("1", "RUB"), expected_close=date(2026, 9, 1))
    project = opened(
        LONG_PROJECT, "d-4", amount=Money.of("200", "RUB"), expected_close=date(2026, 3, 5)
    )
    won = win_deal(soon, pipeline=MANUAL_SALE, now=NOW).entity
    report = upcoming([soon, late, later, project, won], pipelines=BUILTIN_PIPELINES,
                      today=date(2026, 3, 2), days=30, currency="RUB")  # fmt: skip
    assert [line.deal_id for line in report.upcoming] == ["d-4", "d-1"]
    assert [line.deal_id for line in report.overdue] == ["d-2"]
    assert report.total == Money.of("1200", "RUB")
    assert report.weighted == Money.of("150.00", "RUB")


def test_a_forecast_with_a_deal_in_euros_beside_roubles_reports_each_currency() -> None:
    roubles = opened(
        MANUAL_SALE, "d-1", amount=Money.of("1000", "RUB"), expected_close=date(2026, 3, 10)
    )
    euro = opened(
        MANUAL_SALE, "d-2", amount=Money.of("10", "EUR"), expected_close=date(2026, 3, 12)
    )
    report = upcoming([roubles, euro], pipelines=BUILTIN_PIPELINES, today=date(2026, 3, 2),
                      days=30, currency="RUB")  # fmt: skip
    assert [line.deal_id for line in report.upcoming] == ["d-1", "d-2"]
    assert (report.total, report.weighted) == (Money.of("1000", "RUB"), Money.of("50.00", "RUB"))
    assert report.totals == (Money.of("10", "EUR"), Money.of("1000", "RUB"))
    assert report.weighted_totals == (Money.of("0.50", "EUR"), Money.of("50.00", "RUB"))


def test_the_forecast_refuses_unknown_pipelines_and_negative_days() -> None:
    euro = opened(
        MANUAL_SALE, "d-1", amount=Money.of("10", "EUR"), expected_close=date(2026, 3, 10)
    )
    with pytest.raises(DomainValidationError) as unknown:
        upcoming([euro], pipelines={}, today=date(2026, 3, 2), days=30, currency="EUR")
    assert unknown.value.field == "pipeline_id"
    with pytest.raises(DomainValidationError) as days:
        upcoming([], pipelines={}, today=date(2026, 3, 2), days=-1, currency="EUR")
    assert days.value.field == "days"


@settings(max_examples=50, deadline=None)
@given(
    amount=st.decimals(min_value=0, max_value=10**9, places=3),
    stage=st.sampled_from([stage.name for stage in MANUAL_SALE.ordered]),
    unstaged=st.decimals(min_value=0, max_value=100, places=3),
)
def test_the_forecast_weighs_and_sums_as_money_arithmetic_does(
    amount: Decimal, stage: str, unstaged: Decimal
) -> None:
    money = Money(amount=amount, currency="RUB")
    staged = opened(MANUAL_SALE, "d-1", amount=money, expected_close=date(2026, 3, 10))
    project = opened(LONG_PROJECT, "d-2", amount=money, expected_close=date(2026, 3, 11))
    report = upcoming([attrs.evolve(staged, stage=stage), project], pipelines=BUILTIN_PIPELINES,
                      today=date(2026, 3, 2), days=30, currency="RUB",
                      unstaged_probability=unstaged)  # fmt: skip
    expected = [
        (money * (MANUAL_SALE.stage(stage).probability / 100)).rounded(),
        (money * (unstaged / 100)).rounded(),
    ]
    assert [line.weighted for line in report.upcoming] == expected
    assert report.weighted == expected[0] + expected[1]
    assert report.total == money + money
