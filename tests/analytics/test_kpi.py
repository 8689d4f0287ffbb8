"""KPI benchmarking: every built-in indicator against a brute-force recount, totals, ranks,
leap years, plugins and typed refusals."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from kpi_samples import ClaimRow, DealRow, InteractionRow, LeadRow

from crmcore.analytics import (
    BUILTIN_INDICATORS,
    ClaimRecord,
    DealRecord,
    Granularity,
    InteractionRecord,
    KpiValue,
    LeadRecord,
    Period,
    kpi_table,
    load_indicators,
)
from crmcore.analytics.indicators import (
    AVERAGE_DEAL,
    DEALS_WON,
    OVERDUE_INTERACTIONS,
    WIN_RATE,
    WON_AMOUNT,
)
from crmcore.analytics.records import PartnerSales
from crmcore.claims import Claim
from crmcore.deals import Deal, DealStatus
from crmcore.errors import CurrencyMismatchError, DomainValidationError, PluginError
from crmcore.interactions import Interaction, InteractionStatus
from crmcore.money import Money
from crmcore.requests import Request

MANAGERS = ("u-1", "u-2", "u-3")
START = datetime(2023, 1, 1, tzinfo=UTC)
CENT = Decimal("0.01")

spread = st.integers(min_value=0, max_value=3 * 365 * 24).map(lambda h: START + timedelta(hours=h))


def near(period: Period) -> st.SearchStrategy[datetime]:
    """Moments anywhere, and often at or next to where the period and its previous year begin
    and end."""
    edges = [*period.bounds(), *period.previous_year().bounds()]
    shifts = st.sampled_from((timedelta(0), timedelta(0), timedelta(hours=-1), timedelta(hours=1)))
    return spread | st.builds(lambda edge, shift: edge + shift, st.sampled_from(edges), shifts)


managers = st.sampled_from(MANAGERS)


@st.composite
def deal_rows(draw: st.DrawFn, moments: st.SearchStrategy[datetime] = spread) -> DealRow:
    created = draw(moments)
    status = draw(st.sampled_from(DealStatus))
    closed = max(created, draw(moments)) if status.closed else None
    amount = draw(st.none() | st.integers(0, 10_000).map(lambda a: Money.of(a, "RUB")))
    return DealRow(
        partner_id=draw(st.sampled_from(("p-1", "p-2", "p-3", "p-4"))),
        responsible_manager=draw(managers), status=status, amount=amount, created_at=created,
        closed_at=closed,
    )  # fmt: skip


@st.composite
def interaction_rows(
    draw: st.DrawFn, moments: st.SearchStrategy[datetime] = spread
) -> InteractionRow:
    end = draw(moments)
    status = draw(st.sampled_from(InteractionStatus))
    done = end + draw(st.sampled_from((-1, 0, 0, 1, 30))) * timedelta(hours=1)
    return InteractionRow(
        responsible=draw(managers), status=status, end=end,
        completed_at=done if status is InteractionStatus.DONE else None,
    )  # fmt: skip


def claim_rows(moments: st.SearchStrategy[datetime]) -> st.SearchStrategy[ClaimRow]:
    return st.builds(ClaimRow, registered_at=moments, employee=st.none() | managers)


def lead_rows(moments: st.SearchStrategy[datetime]) -> st.SearchStrategy[LeadRow]:
    return st.builds(
        LeadRow, responsible_manager=st.none() | managers, received_at=moments,
        deal_id=st.none() | st.just("d-1"),
    )  # fmt: skip


chosen_periods = st.builds(
    Period.containing,
    st.dates(min_value=date(2024, 1, 1), max_value=date(2025, 12, 31)),
    st.sampled_from((Granularity.MONTH, Granularity.QUARTER, Granularity.YEAR)),
    to_date=st.booleans(),
)


def inside(moment: datetime | None, period: Period) -> bool:
    return moment is not None and moment.astimezone(UTC).date() in period


def ratio(numerator: Decimal, denominator: Decimal, scale: int = 1) -> Decimal | None:
    value = None if not denominator else numerator * scale / denominator
    return None if value is None else value.quantize(CENT, rounding=ROUND_HALF_UP)


def recount(  # noqa: C901, PLR0911 - one brute-force branch per indicator reads best
    name: str, manager: Callable[[str], bool], period: Period, rows: dict[str, list[Any]]
) -> Decimal | None:
    deals = [d for d in rows["deals"] if manager(d.responsible_manager)]
    won = [d for d in deals if d.status is DealStatus.WON and inside(d.closed_at, period)]
    closed = [d for d in deals if d.status.closed and inside(d.closed_at, period)]
    amounts = [d.amount.amount for d in won if d.amount is not None]
    if name == "deals_won":
        return Decimal(len(won))
    if name == "won_amount":
        return Decimal(sum(amounts))
    if name == "win_rate":
        return ratio(Decimal(len(won)), Decimal(len(closed)), 100)
    if name == "average_deal":
        return ratio(Decimal(sum(amounts)), Decimal(len(amounts)))
    if name == "sales_cycle":
        seconds = sum((d.closed_at - d.created_at).total_seconds() for d in won)
        return ratio(Decimal(int(seconds)) / 86400, Decimal(len(won)))
    if name == "new_clients":
        firsts = {}
        for deal in rows["deals"]:
            if deal.partner_id not in firsts:
                firsts[deal.partner_id] = min(
                    (d for d in rows["deals"] if d.partner_id == deal.partner_id),
                    key=lambda d: d.created_at,
                )
        opened = [d for d in firsts.values() if inside(d.created_at, period)]
        return Decimal(sum(1 for d in opened if manager(d.responsible_manager)))
    interactions = [i for i in rows["interactions"] if manager(i.responsible)]
    if name == "interactions_done":
        done = [i for i in interactions if i.status is InteractionStatus.DONE]
        return Decimal(sum(1 for i in done if inside(i.completed_at, period)))
    if name == "overdue_interactions":
        return Decimal(sum(
            1 for i in interactions
            if i.status is not InteractionStatus.CANCELLED and inside(i.end, period)
            and (i.completed_at is None or i.completed_at > i.end)))  # fmt: skip
    if name == "claims":
        return Decimal(sum(1 for c in rows["claims"]
                           if c.employee is not None and manager(c.employee)
                           and inside(c.registered_at, period)))  # fmt: skip
    leads = [
        lead for lead in rows["leads"]
        if lead.responsible_manager is not None and manager(lead.responsible_manager)
        and inside(lead.received_at, period)
    ]  # fmt: skip
    converted = sum(1 for lead in leads if lead.deal_id is not None)
    return ratio(Decimal(converted), Decimal(len(leads)), 100)


@settings(max_examples=60)
@given(data=st.data(), period=chosen_periods)
def test_every_indicator_and_total_matches_a_brute_force_recount(
    data: st.DataObject, period: Period
) -> None:
    when = near(period)
    deals = data.draw(st.lists(deal_rows(when), max_size=25))
    interactions = data.draw(st.lists(interaction_rows(when), max_size=25))
    claims = data.draw(st.lists(claim_rows(when), max_size=10))
    leads = data.draw(st.lists(lead_rows(when), max_size=10))
    rows: dict[str, list[Any]] = {
        "deals": deals,
        "interactions": interactions,
        "claims": claims,
        "leads": leads,
    }
    table = kpi_table(
        BUILTIN_INDICATORS, period=period, deals=iter(deals), interactions=iter(interactions),
        claims=iter(claims), leads=iter(leads), managers=MANAGERS,
    )  # fmt: skip
    before = period.previous_year()
    for indicator in BUILTIN_INDICATORS:
        name = indicator.name
        for person in MANAGERS:
            value = table.value(person, name)
            assert value.current == recount(name, person.__eq__, period, rows), (name, person)
            assert value.previous == recount(name, person.__eq__, before, rows), (name, person)
        total = table.totals[name]
        assert total.current == recount(name, MANAGERS.__contains__, period, rows), name
        assert total.previous == recount(name, MANAGERS.__contains__, before, rows), name


@settings(max_examples=60)
@given(values=st.lists(st.integers(0, 3), min_size=3, max_size=3))
def test_ranks_are_competition_ranks_best_first(values: list[int]) -> None:
    deals = [
        DealRow(partner_id="p", responsible_manager=manager, status=DealStatus.WON, amount=None,
                created_at=START, closed_at=START)
        for manager, count in zip(MANAGERS, values, strict=True) for _ in range(count)
    ]  # fmt: skip
    period = Period.containing(START.date(), Granularity.MONTH)
    table = kpi_table([DEALS_WON], period=period, deals=deals, managers=MANAGERS)
    ranks = {m: table.value(m, "deals_won").rank for m in MANAGERS}
    counts = dict(zip(MANAGERS, values, strict=True))
    for manager in MANAGERS:
        assert table.value(manager, "deals_won").current == counts[manager]
        better = sum(1 for other in MANAGERS if counts[other] > counts[manager])
        assert ranks[manager] == better + 1


def won(manager: str, at: datetime, amount: int) -> DealRow:
    return DealRow(
        partner_id="p-1", responsible_manager=manager, status=DealStatus.WON,
        amount=Money.of(amount, "RUB"), created_at=at - timedelta(days=10), closed_at=at,
    )  # fmt: skip


def test_29_february_compares_with_28_february() -> None:
    deals = [
        won("u-1", datetime(2024, 2, 29, 12, tzinfo=UTC), 100),
        won("u-1", datetime(2023, 2, 28, 12, tzinfo=UTC), 50),
        won("u-1", datetime(2023, 3, 1, 12, tzinfo=UTC), 999),
    ]
    day = Period(first=date(2024, 2, 29), last=date(2024, 2, 29))
    table = kpi_table([WON_AMOUNT], period=day, deals=deals)
    assert table.value("u-1", "won_amount") == KpiValue(
        current=Decimal(100), previous=Decimal(50), change=Decimal(50),
        relative_change=Decimal("100.00"), rank=1,
    )  # fmt: skip
    assert table.previous_period == Period(first=date(2023, 2, 28), last=date(2023, 2, 28))


def test_team_win_rate_is_wins_over_closed_deals_not_an_average_of_rates() -> None:
    at = datetime(2026, 3, 2, tzinfo=UTC)
    lost = DealRow(partner_id="p-1", responsible_manager="u-2", status=DealStatus.LOST,
                   amount=None, created_at=at, closed_at=at)  # fmt: skip
    deals = [won("u-1", at, 1), lost, lost, lost]
    table = kpi_table([WIN_RATE], period=Period.containing(at.date(), Granularity.MONTH),
                      deals=deals)  # fmt: skip
    assert table.value("u-1", "win_rate").current == Decimal(100)
    assert table.value("u-2", "win_rate").current == Decimal(0)
    assert table.totals["win_rate"].current == Decimal("25.00")
    assert table.totals["win_rate"].previous is None
    assert table.managers == ("u-1", "u-2")


def test_no_relative_change_from_zero() -> None:
    assert KpiValue.compare(Decimal(3), Decimal(0)).relative_change is None
    assert KpiValue.compare(Decimal(3), Decimal(4)).relative_change == Decimal("-25.00")
    assert KpiValue.compare(None, Decimal(4)).change is None


def test_the_average_deal_is_rounded_as_the_partner_cards_average_check() -> None:
    at = datetime(2026, 3, 2, 12, tzinfo=UTC)
    deals = [
        attrs.evolve(won("u-1", at, 0), amount=Money.of(amount, "RUB"))
        for amount in ("10.00", "10.01")
    ]
    table = kpi_table([AVERAGE_DEAL], period=Period.containing(at.date(), Granularity.MONTH),
                      deals=deals)  # fmt: skip
    card = PartnerSales(first_deal=at.date(), deals=2, total=Money.of("20.01", "RUB"))
    assert table.value("u-1", "average_deal").current == card.average_check.amount
    assert card.average_check == Money.of("10.01", "RUB")


def test_an_interaction_due_later_today_is_not_overdue_in_the_running_month() -> None:
    now = datetime(2026, 3, 10, 12, tzinfo=UTC)
    open_until = [now - timedelta(hours=2), now + timedelta(hours=3), now + timedelta(days=5)]
    interactions = [
        InteractionRow(responsible="u-1", status=InteractionStatus.PLANNED, end=end,
                       completed_at=None)
        for end in open_until
    ]  # fmt: skip
    month = Period.containing(now.date(), Granularity.MONTH)
    table = kpi_table([OVERDUE_INTERACTIONS], period=month, interactions=interactions, now=now)
    assert table.value("u-1", "overdue_interactions").current == 1


def test_a_deal_won_after_midnight_in_moscow_counts_in_the_moscow_month_of_now() -> None:
    moscow = ZoneInfo("Europe/Moscow")
    night = datetime(2026, 2, 28, 22, 30, tzinfo=UTC)  # 1 March 01:30 in Moscow
    now = datetime(2026, 3, 10, 12, tzinfo=moscow)
    march = Period.containing(now.date(), Granularity.MONTH)
    table = kpi_table([DEALS_WON], period=march, deals=[won("u-1", night, 5)], now=now)
    assert table.value("u-1", "deals_won").current == 1


def test_money_of_another_currency_is_refused() -> None:
    deal = won("u-1", datetime(2026, 3, 2, tzinfo=UTC), 5)
    period = Period.containing(date(2026, 3, 2), Granularity.MONTH)
    with pytest.raises(CurrencyMismatchError) as raised:
        kpi_table([WON_AMOUNT], period=period, deals=[deal], currency="EUR")
    assert raised.value.field == "amount"


@pytest.mark.parametrize(
    ("indicators", "period", "field"),
    [
        ((), Period(first=date(2026, 1, 1), last=date(2026, 1, 1)), "indicators"),
        ((DEALS_WON, DEALS_WON), Period(first=date(2026, 1, 1), last=date(2026, 1, 1)),
         "indicators[1]"),
        ((DEALS_WON,), "2026-01", "period"),
    ],
)  # fmt: skip
def test_bad_requests_name_the_field(indicators: Sequence[Any], period: Any, field: str) -> None:
    with pytest.raises(DomainValidationError) as raised:
        kpi_table(indicators, period=period)
    assert raised.value.field == field


def test_the_built_in_indicators_load_from_the_entry_point_group() -> None:
    registry = load_indicators()
    assert set(registry) >= {indicator.name for indicator in BUILTIN_INDICATORS}
    assert registry["win_rate"] is WIN_RATE


def test_a_plugin_that_is_not_an_indicator_is_named() -> None:
    from importlib.metadata import EntryPoint  # noqa: PLC0415 - only this test builds entry points

    broken = EntryPoint(name="margin", value="crmcore.money:Money", group="crmcore.indicators")
    from crmcore.analytics.kpi import _indicator_problem  # noqa: PLC0415
    from crmcore.plugins import load  # noqa: PLC0415

    with pytest.raises(PluginError) as raised:
        load("crmcore.indicators", validate=_indicator_problem, available=[broken])
    assert (raised.value.name, raised.value.group) == ("margin", "crmcore.indicators")
    assert "lacks" in raised.value.reason


def test_the_areas_models_satisfy_the_record_protocols() -> None:
    # Checked by mypy: the assignments fail type checking if a model stops fitting.
    deal: type[DealRecord] = Deal
    interaction: type[InteractionRecord] = Interaction
    claim: type[ClaimRecord] = Claim
    lead: type[LeadRecord] = Request
    assert (deal, interaction, claim, lead) == (Deal, Interaction, Claim, Request)
