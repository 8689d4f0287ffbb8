"""The demo's interactions chapter: a manager's day, reminders with a watermark, a chain, a
partner's card, and a KPI table against the same period last year."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Final
from zoneinfo import ZoneInfo

from crmcore.analytics import (
    BUILTIN_INDICATORS,
    Granularity,
    KpiTable,
    KpiValue,
    Period,
    desktop,
    kpi_table,
    partner_card,
)
from crmcore.deals import Deal, DealKind, DealStatus
from crmcore.demo.world import Ledger, World, table
from crmcore.ids import DealId, EntityRef, InteractionId, PartnerId, PipelineId, UserId
from crmcore.interactions import (
    Interaction,
    InteractionDraft,
    InteractionKind,
    InteractionStatus,
    Participant,
    Reminder,
    complete,
    create_interaction,
    due_reminders,
    link_participant,
    record_interaction,
)
from crmcore.memory import MemoryInteractionRepository, MemorySalesFacts
from crmcore.money import Money

__all__ = ["chapter"]

_Journal = Ledger[MemoryInteractionRepository]
"""The chapter's own interactions and the events its services returned."""

MOSCOW: Final = ZoneInfo("Europe/Moscow")
IVANOVA: Final = UserId("u-ivanova")
MANAGERS: Final = (IVANOVA, UserId("u-petrov"), UserId("u-sidorova"))
_SHOWN: Final = ("deals_won", "won_amount", "win_rate", "interactions_done", "overdue_interactions")


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=MOSCOW)


def _plan_day(journal: _Journal, day: date, now: datetime) -> Interaction:
    """The manager's interactions around ``day``; returns the meeting that starts a chain."""
    romashka, vostok = PartnerId("romashka"), PartnerId("vostok")
    meeting = journal.keep(create_interaction(
        InteractionDraft(kind="meeting", topic="Spring tea order", start=_at(day, 10),
                         end=_at(day, 11), partner_id=romashka, location="Тверская, 7",
                         reminders=[Reminder(before=timedelta(minutes=30))],
                         participants=[Participant(ref=EntityRef(
                             entity_type="contact_person", entity_id="anna"))]),
        interaction_id=InteractionId("i-meeting"), author=IVANOVA, now=now))  # fmt: skip
    journal.keep(create_interaction(
        InteractionDraft(kind="call", direction="outgoing", topic="Delivery slots",
                         start=_at(day, 14), end=_at(day, 14, 15), partner_id=vostok,
                         participants=[Participant(name="Сергей со склада", reach="доб. 204")],
                         reminders=[Reminder(at=_at(day, 13, 45))]),
        interaction_id=InteractionId("i-call"), author=IVANOVA, now=now))  # fmt: skip
    journal.keep(create_interaction(
        InteractionDraft(kind="planned", topic="Send the price list", start=_at(day, 9) -
                         timedelta(days=1), end=_at(day, 10) - timedelta(days=1),
                         partner_id=romashka, subject=meeting.ref),
        interaction_id=InteractionId("i-late"), author=IVANOVA, now=now))  # fmt: skip
    journal.keep(record_interaction(
        InteractionDraft(kind="email", direction="incoming", topic="Re: spring order",
                         start=_at(day, 8, 40), partner_id=romashka, subject=meeting.ref,
                         body_ref="mail-8812"),
        interaction_id=InteractionId("i-email"), author=IVANOVA, now=now))  # fmt: skip
    return meeting


def _day_lines(journal: _Journal, world: World, day: date, now: datetime) -> Iterator[str]:
    today = desktop(IVANOVA, day, interactions=journal.repository, partners=world.partners,
                    now=now, zone=MOSCOW)  # fmt: skip
    yield f"The desktop of {IVANOVA} for {day:%d.%m.%Y}:"
    yield from table(
        ["time", "kind", "topic", "partner", "status"],
        [[f"{i.start.astimezone(MOSCOW):%H:%M}", i.kind.value, i.topic, i.partner_id or "",
          i.status.value] for i in today.calendar],
    )  # fmt: skip
    names = ", ".join(f"{c.name} ({c.events})" for c in today.counterparties)
    yield f"{today.events} events today, {today.overdue} overdue; counterparties: {names}"


def _reminder_lines(journal: _Journal, day: date) -> Iterator[str]:
    watermark = _at(day, 7)
    for moment in (_at(day, 9, 45), _at(day, 9, 45), _at(day, 14)):
        batch = due_reminders(journal.repository.reminding(watermark, moment),
                              since=watermark, now=moment)  # fmt: skip
        due = ", ".join(f"{r.topic} at {r.at.astimezone(MOSCOW):%H:%M}" for r in batch.reminders)
        yield f"Reminders up to {moment:%H:%M}: {due or 'nothing new'}"
        watermark = batch.watermark


def _chain_lines(journal: _Journal, meeting: Interaction, day: date) -> Iterator[str]:
    done = journal.keep(complete(meeting, now=_at(day, 11), actor=IVANOVA,
                                 result="300 boxes of green tea in April"))  # fmt: skip
    call = journal.repository.get(InteractionId("i-call"))
    sergey = EntityRef(entity_type="contact_person", entity_id="sergey")
    linked = journal.keep(link_participant(call, 0, sergey, now=_at(day, 14)))
    person = linked.participants[0]
    yield f"Linked the call's participant {person.name!r} ({person.reach}) to {person.ref}"
    yield f"The chain of {done.topic!r}, in order:"
    yield from table(
        ["when", "kind", "topic", "status"],
        [[f"{i.start.astimezone(MOSCOW):%d.%m %H:%M}", i.kind.value, i.topic, i.status.value]
         for i in journal.repository.chain(done.ref)],
    )  # fmt: skip


# Per manager: deals won and lost, interactions done and overdue; now, then a year before.
_RESULTS: Final = {
    IVANOVA: ((6, 2, 9, 1), (4, 3, 7, 3)),
    UserId("u-petrov"): ((3, 3, 5, 4), (5, 1, 8, 0)),
    UserId("u-sidorova"): ((4, 1, 6, 0), (2, 2, 4, 2)),
}
_CLIENTS: Final = (PartnerId("romashka"), PartnerId("vostok"), PartnerId("petrov"))


def _spread(window: tuple[datetime, datetime], count: int) -> list[datetime]:
    start, end = window
    return [start + (end - start) * (index + 1) / (count + 1) for index in range(count)]


def _deals(manager: UserId, slot: int, window: tuple[datetime, datetime]) -> Iterator[Deal]:
    won, lost, _, _ = _RESULTS[manager][slot]
    for index, moment in enumerate(_spread(window, won + lost)):
        status = DealStatus.WON if index < won else DealStatus.LOST
        opened = moment - timedelta(days=10 + 3 * index)
        yield Deal(
            id=DealId(f"d-{manager}-{slot}-{index}"), title=f"Tea deal {index + 1}",
            partner_id=_CLIENTS[index % 3], pipeline_id=PipelineId("long_project"),
            kind=DealKind.UNSTAGED, status=status,
            amount=Money.of(90_000 + 15_000 * index + 5_000 * slot, "RUB"),
            responsible_manager=manager, created_at=opened, stage_entered_at=opened,
            closed_at=moment, lost_reason="price" if status is DealStatus.LOST else None,
        )  # fmt: skip


def _interactions(
    manager: UserId, slot: int, window: tuple[datetime, datetime]
) -> Iterator[Interaction]:
    _, _, done, late = _RESULTS[manager][slot]
    for index, moment in enumerate(_spread(window, done + late)):
        finished = index < done
        yield Interaction(
            id=InteractionId(f"k-{manager}-{slot}-{index}"), kind=InteractionKind.PLANNED,
            topic="Follow-up", start=moment - timedelta(hours=1), end=moment, author=manager,
            responsible=manager,
            status=InteractionStatus.DONE if finished else InteractionStatus.PLANNED,
            completed_at=moment if finished else None, created_at=moment - timedelta(days=2),
        )  # fmt: skip


def _history(period: Period, now: datetime) -> tuple[list[Deal], list[Interaction]]:
    current = period.bounds(MOSCOW)
    windows = ((current[0], min(current[1], now)), period.previous_year().bounds(MOSCOW))
    deals = [d for m in MANAGERS for s, w in enumerate(windows) for d in _deals(m, s, w)]
    done = [i for m in MANAGERS for s, w in enumerate(windows) for i in _interactions(m, s, w)]
    return deals, done


def _card_lines(journal: _Journal, world: World, deals: list[Deal], now: datetime) -> Iterator[str]:
    sales = MemorySalesFacts()
    sales.record_won(deals, zone=MOSCOW)
    card = partner_card(PartnerId("vostok"), partners=world.partners, contacts=world.contacts,
                        interactions=journal.repository, sales=sales, now=now)  # fmt: skip
    yield (
        f"{card.partner.short_name}: first deal {card.first_deal:%d.%m.%Y},"
        f" {card.deal_count} deals, average check {card.average_check},"
        f" total {card.total_sales}"
    )
    yield from table(
        ["contact", "phone", "email", "region", "local time"],
        [[c.name, c.phone or "", c.email or "", c.region or "",
          f"{c.local_time.at:%H:%M} {c.local_time.time_zone}" if c.local_time else "unknown"]
         for c in card.contacts],
    )  # fmt: skip
    yield "History, newest first: " + "; ".join(i.topic for i in card.history)


def _cell(value: KpiValue, *, money: bool = False) -> str:
    def shown(number: Decimal | None) -> str:
        if number is None:
            return "-"
        return f"{number:,.0f}" if money else f"{number.normalize():f}"

    change = "" if value.relative_change is None else f" ({value.relative_change:+.0f}%)"
    return f"{shown(value.current)} / {shown(value.previous)}{change}"


def _kpi_lines(kpi: KpiTable) -> Iterator[str]:
    yield f"KPI for {kpi.period} against {kpi.previous_period} (now / a year before):"
    titles = {i.name: i.title for i in BUILTIN_INDICATORS}
    rows = [
        [manager, *(_cell(kpi.value(manager, n), money=n == "won_amount") for n in _SHOWN),
         str(kpi.value(manager, "won_amount").rank)]
        for manager in kpi.managers
    ]  # fmt: skip
    rows.append(["team", *(_cell(kpi.totals[n], money=n == "won_amount") for n in _SHOWN), ""])
    yield from table(["manager", *(titles[n] for n in _SHOWN), "rank by amount"], rows)


def chapter(world: World, now: datetime) -> Iterator[str]:
    """A manager's day and reminders, a chain and a partner's card, and KPIs against last year."""
    journal = _Journal(MemoryInteractionRepository())
    day = now.astimezone(MOSCOW).date()
    # Planned first thing in the morning, so that the day's work comes after the planning.
    meeting = _plan_day(journal, day, min(now, _at(day, 7)))
    yield from _day_lines(journal, world, day, now)
    yield ""
    yield from _reminder_lines(journal, day)
    yield ""
    yield from _chain_lines(journal, meeting, day)
    yield ""
    period = Period.containing(day, Granularity.YEAR, to_date=True)
    deals, done = _history(period, now)
    yield from _card_lines(journal, world, deals, now)
    yield ""
    kpi = kpi_table(BUILTIN_INDICATORS, period=period, deals=deals, interactions=done,
                    managers=MANAGERS, zone=MOSCOW)  # fmt: skip
    yield from _kpi_lines(kpi)
    yield ""
    yield f"The interactions services returned {len(journal.events)} events."
