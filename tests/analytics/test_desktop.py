"""The manager's desktop: the day's calendar and counts, counterparties, a partner's card
with sales figures, contact persons in their local time, and history."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import pytest
from kpi_samples import DealRow

from crmcore.analytics import desktop, partner_card
from crmcore.deals import DealStatus
from crmcore.errors import DomainValidationError, EntityNotFoundError
from crmcore.ids import ContactPersonId, InteractionId, PartnerId, UserId
from crmcore.interactions import Interaction, InteractionKind, InteractionStatus
from crmcore.memory import (
    MemoryContactPersonRepository,
    MemoryInteractionRepository,
    MemoryPartnerRepository,
    MemorySalesFacts,
)
from crmcore.money import Money
from crmcore.partners import ContactPerson, Partner, PartnerKind, PartnerRole, Phone

NOW = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)  # 09:00 in Moscow
MOSCOW = ZoneInfo("Europe/Moscow")
HOUR = timedelta(hours=1)
ME = UserId("u-ivanova")


def partner(partner_id: str, name: str) -> Partner:
    return Partner(
        id=PartnerId(partner_id), kind=PartnerKind.LEGAL_ENTITY,
        roles=frozenset({PartnerRole.CLIENT}), short_name=name, region="Москва", created_at=NOW,
    )  # fmt: skip


def interaction(interaction_id: str, start: datetime, **changes: Any) -> Interaction:
    planned = Interaction(
        id=InteractionId(interaction_id), kind=InteractionKind.MEETING, topic="Visit",
        start=start, end=start + HOUR, author=ME, responsible=ME,
        partner_id=PartnerId("p-romashka"), created_at=NOW - 48 * HOUR,
    )  # fmt: skip
    return attrs.evolve(planned, **changes)


@attrs.frozen
class Office:
    partners: MemoryPartnerRepository
    contacts: MemoryContactPersonRepository
    interactions: MemoryInteractionRepository
    sales: MemorySalesFacts


@pytest.fixture
def world() -> Office:
    partners = MemoryPartnerRepository()
    partners.add(partner("p-romashka", "Ромашка"))
    partners.add(partner("p-vostok", "Vostok"))
    contacts = MemoryContactPersonRepository()
    contacts.add(ContactPerson(
        id=ContactPersonId("c-sergey"), partner_id=PartnerId("p-romashka"), name="Сергей Ким",
        phones=(Phone.parse("+7 423 240-11-22"),), created_at=NOW,
    ))  # fmt: skip
    contacts.add(ContactPerson(
        id=ContactPersonId("c-anna"), partner_id=PartnerId("p-romashka"), name="Анна",
        region="Тверь", created_at=NOW,
    ))  # fmt: skip
    interactions = MemoryInteractionRepository()
    for item in (
        interaction("i-1", NOW + 2 * HOUR),
        interaction("i-2", NOW + 4 * HOUR, partner_id=PartnerId("p-vostok")),
        interaction("i-3", NOW + 5 * HOUR, status=InteractionStatus.CANCELLED),
        interaction("i-4", NOW - 26 * HOUR),  # yesterday, not done: overdue
        interaction("i-5", NOW + 3 * HOUR, responsible=UserId("u-petrov")),
        interaction("i-6", NOW + 20 * HOUR),  # 05:00 tomorrow in Moscow
        interaction("i-7", NOW - 50 * HOUR, status=InteractionStatus.DONE, completed_at=NOW),
    ):
        interactions.add(item)
    sales = MemorySalesFacts()
    sales.record("p-romashka", on=date(2025, 5, 1), amount=Money.of(100, "RUB"))
    sales.record("p-romashka", on=date(2024, 9, 1), amount=Money.of(201, "RUB"))
    return Office(partners, contacts, interactions, sales)


def test_the_day_shows_calendar_counts_and_counterparties(world: Office) -> None:
    day = desktop(
        ME, date(2026, 3, 2), interactions=world.interactions,
        partners=world.partners, now=NOW, zone=MOSCOW,
    )  # fmt: skip
    assert [i.id for i in day.calendar] == ["i-1", "i-2"]
    assert (day.events, day.overdue) == (2, 1)
    assert [(c.name, c.events) for c in day.counterparties] == [("Vostok", 1), ("Ромашка", 1)]


def test_a_moscow_manager_sees_the_moscow_day_without_naming_the_zone(world: Office) -> None:
    world.interactions.add(interaction("i-8", NOW + 16 * HOUR))  # 01:00 tomorrow in Moscow
    day = desktop(
        ME, date(2026, 3, 2), interactions=world.interactions,
        partners=world.partners, now=NOW.astimezone(MOSCOW),
    )  # fmt: skip
    assert [i.id for i in day.calendar] == ["i-1", "i-2"]


def test_a_partner_card_has_sales_contacts_in_local_time_and_history(
    world: Office,
) -> None:
    card = partner_card(
        PartnerId("p-romashka"), partners=world.partners,
        contacts=world.contacts, interactions=world.interactions,
        sales=world.sales, now=NOW, history_limit=3,
    )  # fmt: skip
    assert card.first_deal == date(2024, 9, 1)
    assert card.deal_count == 2
    assert card.total_sales == Money.of(301, "RUB")
    assert card.average_check == Money.of("150.50", "RUB")
    anna, sergey = card.contacts
    assert (anna.name, anna.region, anna.phone, anna.local_time) == ("Анна", "Тверь", None, None)
    assert sergey.region == "Москва"  # the partner's, as the person has none
    assert sergey.local_time is not None
    assert (sergey.local_time.time_zone, sergey.local_time.at.hour) == ("Asia/Vladivostok", 16)
    assert [i.id for i in card.history] == ["i-6", "i-3", "i-5"]


def test_a_partner_without_sales_has_no_figures(world: Office) -> None:
    card = partner_card(
        PartnerId("p-vostok"), partners=world.partners,
        contacts=world.contacts, interactions=world.interactions,
        sales=world.sales, now=NOW,
    )  # fmt: skip
    assert (card.first_deal, card.deal_count, card.average_check, card.total_sales) == (
        None, 0, None, None,
    )  # fmt: skip
    assert card.contacts == ()
    assert [i.id for i in card.history] == ["i-2"]


def test_bad_input_is_named(world: Office) -> None:
    with pytest.raises(DomainValidationError) as raised:
        desktop(ME, datetime(2026, 3, 2, tzinfo=UTC), interactions=world.interactions,
                partners=world.partners, now=NOW)  # fmt: skip
    assert raised.value.field == "day"
    assert raised.value.violations[0].message == "must be a date"
    with pytest.raises(DomainValidationError) as raised:
        desktop(ME, date(2026, 3, 2), interactions=world.interactions,
                partners=world.partners, now=NOW.replace(tzinfo=None))  # fmt: skip
    assert raised.value.field == "now"
    with pytest.raises(EntityNotFoundError):
        partner_card(PartnerId("p-404"), partners=world.partners,
                     contacts=world.contacts, interactions=world.interactions,
                     sales=world.sales, now=NOW)  # fmt: skip


def test_sales_facts_record_won_deals_and_refuse_bad_input() -> None:
    sales = MemorySalesFacts()
    with pytest.raises(DomainValidationError) as raised:
        sales.record("p-1", on=date(2026, 1, 1), amount=Decimal(5))  # type: ignore[arg-type]
    assert raised.value.field == "amount"
    assert sales.of_partner("p-1") is None


def test_sales_facts_take_the_won_deals_with_an_amount_on_their_local_day() -> None:
    won_late = datetime(2026, 3, 1, 22, 30, tzinfo=UTC)  # 2 March in Moscow
    rows = [
        DealRow(partner_id="p-1", responsible_manager="u-1", status=DealStatus.WON,
                amount=Money.of(10, "RUB"), created_at=NOW, closed_at=won_late),
        DealRow(partner_id="p-1", responsible_manager="u-1", status=DealStatus.LOST,
                amount=Money.of(99, "RUB"), created_at=NOW, closed_at=NOW),
        DealRow(partner_id="p-1", responsible_manager="u-1", status=DealStatus.WON,
                amount=None, created_at=NOW, closed_at=NOW),
    ]  # fmt: skip
    sales = MemorySalesFacts()
    sales.record_won(rows, zone=MOSCOW)
    found = sales.of_partner("p-1")
    assert found is not None
    assert (found.first_deal, found.deals, found.total) == (
        date(2026, 3, 2),
        1,
        Money.of(10, "RUB"),
    )
