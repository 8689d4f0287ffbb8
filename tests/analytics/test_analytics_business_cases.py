"""Business cases of the KPI table and the partner card: one rounding policy for both, and
"overdue" judged at ``now`` in a month still running."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from kpi_samples import DealRow, InteractionRow

from crmcore.analytics import Granularity, Period, kpi_table, partner_card
from crmcore.analytics.indicators import AVERAGE_DEAL, OVERDUE_INTERACTIONS
from crmcore.deals import DealStatus
from crmcore.ids import PartnerId
from crmcore.interactions import InteractionStatus
from crmcore.memory import (
    MemoryContactPersonRepository,
    MemoryInteractionRepository,
    MemoryPartnerRepository,
    MemorySalesFacts,
)
from crmcore.money import Money, Rounding
from crmcore.partners import Partner, PartnerKind, PartnerRole

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
MARCH = Period.containing(NOW.date(), Granularity.MONTH)


def _won(amount: str, day: int) -> DealRow:
    at = datetime(2026, 3, day, 10, tzinfo=UTC)
    return DealRow(
        partner_id="p-1", responsible_manager="u-1", status=DealStatus.WON,
        amount=Money.of(amount, "RUB"), created_at=at - timedelta(days=3), closed_at=at,
    )  # fmt: skip


def _card(rounding: Rounding | None) -> Money | None:
    partners = MemoryPartnerRepository()
    partners.add(Partner(
        id=PartnerId("p-1"), kind=PartnerKind.LEGAL_ENTITY, roles=frozenset({PartnerRole.CLIENT}),
        short_name="Ромашка", created_at=NOW,
    ))  # fmt: skip
    sales = MemorySalesFacts()
    sales.record("p-1", on=date(2026, 3, 2), amount=Money.of("10.00", "RUB"))
    sales.record("p-1", on=date(2026, 3, 3), amount=Money.of("10.01", "RUB"))
    card = partner_card(
        PartnerId("p-1"), partners=partners, contacts=MemoryContactPersonRepository(),
        interactions=MemoryInteractionRepository(), sales=sales, now=NOW, rounding=rounding,
    )  # fmt: skip
    return card.average_check


def test_an_average_deal_of_10_005_is_10_01_on_the_kpi_table_and_the_card_alike() -> None:
    deals = [_won("10.00", 2), _won("10.01", 3)]
    table = kpi_table([AVERAGE_DEAL], period=MARCH, deals=deals, now=NOW)
    assert table.value("u-1", "average_deal").current == Decimal("10.01")
    assert _card(None) == Money.of("10.01", "RUB")


def test_whole_roubles_for_the_kpi_table_are_whole_roubles_on_the_card_too() -> None:
    deals = [_won("10.00", 2), _won("10.01", 3)]
    whole = Rounding(digits=0)
    table = kpi_table([AVERAGE_DEAL], period=MARCH, deals=deals, now=NOW, rounding=whole)
    assert table.value("u-1", "average_deal").current == Decimal(10)
    assert _card(whole) == Money.of("10", "RUB")


def test_a_call_due_this_afternoon_is_not_overdue_in_the_running_month() -> None:
    calls = [
        InteractionRow(responsible="u-1", status=InteractionStatus.PLANNED, end=end,
                       completed_at=None)
        for end in (datetime(2026, 3, 3, 15, tzinfo=UTC), NOW + timedelta(hours=3))
    ]  # fmt: skip
    table = kpi_table([OVERDUE_INTERACTIONS], period=MARCH, interactions=calls, now=NOW)
    assert table.value("u-1", "overdue_interactions").current == 1


def test_a_call_that_ended_in_summer_time_is_overdue_in_the_repeated_hour_after_it() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    # 02:45 in summer time is 00:45 UTC; 02:15 in winter time, 01:15 UTC, comes after it.
    call = InteractionRow(
        responsible="u-1",
        status=InteractionStatus.PLANNED,
        end=datetime(2026, 10, 25, 2, 45, tzinfo=berlin),
        completed_at=None,
    )
    now = datetime(2026, 10, 25, 2, 15, fold=1, tzinfo=berlin)
    october = Period.containing(now.date(), Granularity.MONTH)
    table = kpi_table([OVERDUE_INTERACTIONS], period=october, interactions=[call], now=now)
    assert table.value("u-1", "overdue_interactions").current == 1
