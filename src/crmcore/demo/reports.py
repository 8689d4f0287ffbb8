"""The demo's reports chapter, read from what the CRM stored: a manager's desktop and
reminders fired by ticks, the funnel and the forecast, the claim reports, a partner's
360-degree view, and KPIs against the same period last year."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Final

from crmcore.analytics import BUILTIN_INDICATORS, Granularity, KpiTable, KpiValue, Period
from crmcore.app.commands import LoseDeal, OpenDeal, PlanInteraction, RecordInteraction, WinDeal
from crmcore.claims import claim_satisfaction
from crmcore.deals import DealDraft, Pipeline, upcoming
from crmcore.demo.story import CLAIMS, MOSCOW, Story
from crmcore.demo.world import table
from crmcore.ids import EntityRef, PartnerId, UserId
from crmcore.interactions import InteractionDraft, Participant, Reminder
from crmcore.money import Money

__all__ = ["chapter"]

MANAGERS: Final = ("anna", "boris", "gleb")
_SHOWN: Final = ("deals_won", "won_amount", "win_rate", "interactions_done", "overdue_interactions")
# Per manager: deals won and lost, interactions done and overdue; now, then a year before.
_RESULTS: Final = {
    "anna": ((6, 2, 9, 1), (4, 3, 7, 3)),
    "boris": ((3, 3, 5, 4), (5, 1, 8, 0)),
    "gleb": ((4, 1, 6, 0), (2, 2, 4, 2)),
}
_CLIENTS: Final = ("romashka", "vostok", "petrov")


def chapter(story: Story) -> Iterator[str]:
    """The day, the funnel, the claims, a partner and the KPIs."""
    yield from _day(story)
    yield ""
    yield from _funnel(story)
    yield ""
    yield from _claims(story)
    yield ""
    yield from _partner(story)
    yield ""
    yield from _kpi(story)


def _day(story: Story) -> Iterator[str]:
    """The manager's day around the story's moment: planned the day before, and ticked."""
    romashka, vostok = PartnerId("romashka"), PartnerId("vostok")
    now, hour = story.now, timedelta(hours=1)
    anna_smirnova = EntityRef(entity_type="contact_person", entity_id="anna-smirnova")
    plans = (
        ("i-meeting", InteractionDraft(kind="meeting", topic="Spring tea order",
            start=now + hour, end=now + 2 * hour, partner_id=romashka,
            location="Тверская, 7", reminders=[Reminder(before=timedelta(minutes=30))],
            participants=[Participant(ref=anna_smirnova)])),
        ("i-call", InteractionDraft(kind="call", direction="outgoing", topic="Delivery slots",
            start=now + 5 * hour, end=now + 5.25 * hour, partner_id=vostok,
            reminders=[Reminder(at=now + 4.75 * hour)])),
        ("i-late", InteractionDraft(kind="planned", topic="Send the price list",
            start=now - 24 * hour, end=now - 23 * hour, partner_id=romashka)),
    )  # fmt: skip
    for interaction_id, draft in plans:
        story.run(PlanInteraction(draft=draft, interaction_id=interaction_id), actor="anna",
                  at=now - 26 * hour)  # fmt: skip
    email = InteractionDraft(kind="email", direction="incoming", topic="Re: spring order",
                             start=now - hour / 3, partner_id=romashka)  # fmt: skip
    story.run(RecordInteraction(draft=email, interaction_id="i-email"), actor="anna")
    today = story.crm.desktop("anna", now=now)
    yield f"The desktop of anna for {today.day:%d.%m.%Y}:"
    yield from table(
        ["time", "kind", "topic", "partner", "status"],
        [[f"{i.start.astimezone(MOSCOW):%H:%M}", i.kind.value, i.topic, i.partner_id or "",
          i.status.value] for i in today.calendar],
    )  # fmt: skip
    names = ", ".join(f"{c.name} ({c.events})" for c in today.counterparties)
    yield f"{today.events} events today, {today.overdue} overdue; counterparties: {names}"
    for moment in (now + 0.75 * hour, now + 0.75 * hour, now + 5 * hour):
        ticked = story.crm.tick(moment)
        texts = (getattr(m.command.action, "text", "") for m in ticked.outbox)
        yield f"crm.tick at {moment.astimezone(MOSCOW):%H:%M}: {', '.join(texts) or 'nothing new'}"


def _funnel(story: Story) -> Iterator[str]:
    start, end = story.now - timedelta(days=30), story.now + timedelta(days=1)
    report = story.crm.funnel("typical_sale", start=start, end=end)
    yield "Funnel of the typical sale, last 30 days, from the stage log:"
    yield from table(
        ["stage", "entered", "moved on", "won", "lost", "conversion", "median h"],
        [[row.title, str(row.entered), str(row.moved_on), str(row.won), str(row.lost),
          f"{row.conversion}%" if row.conversion is not None else "", str(row.median_hours or "")]
         for row in report.stages],
    )  # fmt: skip
    amounts = ", ".join(str(m) for m in report.won_amounts) or "nothing"
    yield f"won {report.won}, lost {report.lost}, open {report.open}; win rate {report.win_rate}%"
    yield f"won amounts: {amounts}"
    with story.crm.store.unit_of_work() as stored:
        deals = list(stored.deals.iterate())
    pipelines: dict[str, Pipeline] = {p.id: p for p in story.crm.settings.pipelines}
    today = story.day_at(0).date()
    forecast = upcoming(deals, pipelines=pipelines, today=today, days=30, currency="RUB")
    yield ""
    yield "Open deals expected to close in the next 30 days, weighted by stage probability:"
    yield from table(
        ["deal", "expected", "amount", "probability", "weighted"],
        [[line.title, f"{line.expected_close}", str(line.amount), f"{line.probability}%",
          str(line.weighted)] for line in forecast.upcoming],
    )  # fmt: skip
    yield f"total {forecast.total}, weighted {forecast.weighted}; overdue: {len(forecast.overdue)}"


def _claims(story: Story) -> Iterator[str]:
    start = (story.now - timedelta(days=80)).date()
    dynamics, structure, overdue = story.crm.claims_report(
        start=start, end=story.now.date(), now=story.now
    )
    yield "Overdue claims now:"
    yield from table(["id", "department", "missed"], [
        [c.id, c.department or "", ", ".join(c.missed_deadlines(story.now))] for c in overdue
    ])  # fmt: skip
    yield ""
    busiest = dynamics.busiest.strftime("%B %Y") if dynamics.busiest else "none"
    yield f"Claim dynamics by month (the month with most claims: {busiest}):"
    yield from dynamics.table()
    yield ""
    with story.crm.store.unit_of_work() as stored:
        claims = stored.claims.find()
    yield "Satisfaction by reason:"
    yield from claim_satisfaction(claims, classifier=CLAIMS.reasons).table()
    yield ""
    yield "Structure by department and reason:"
    yield from structure.table()


def _partner(story: Story) -> Iterator[str]:
    view = story.crm.partner_view("romashka")
    yield f"{view.partner.short_name}, the 360-degree view (crm.partner_view):"
    yield from table(
        ["contacts", "relationships", "deals", "interactions", "agreements", "claims", "requests"],
        [[str(len(part)) for part in (view.contact_persons, view.relationships, view.deals,
          view.interactions, view.agreements, view.claims, view.requests)]],
    )  # fmt: skip


def _spread(window: tuple[datetime, datetime], count: int) -> list[datetime]:
    start, end = window
    return [start + (end - start) * (index + 1) / (count + 1) for index in range(count)]


def _history(story: Story, manager: str, slot: int, window: tuple[datetime, datetime]) -> None:
    """The deals and interactions of ``manager`` over ``window``, as commands at their time."""
    won, lost, done, late = _RESULTS[manager][slot]
    for index, moment in enumerate(_spread(window, won + lost)):
        deal_id = f"k-{manager}-{slot}-{index}"
        draft = DealDraft(
            title=f"Tea deal {index + 1}", partner_id=_CLIENTS[index % 3],
            responsible_manager=manager,
            amount=Money.of(90_000 + 15_000 * index + 5_000 * slot, "RUB"),
        )  # fmt: skip
        opened = moment - timedelta(days=10 + 3 * index)
        story.run(OpenDeal(draft=draft, pipeline_id="long_project", deal_id=deal_id),
                  actor=manager, at=opened)  # fmt: skip
        close = (
            WinDeal(deal_id=deal_id) if index < won else LoseDeal(deal_id=deal_id, reason="price")
        )
        story.run(close, actor=manager, at=moment)
    for index, moment in enumerate(_spread(window, done + late)):
        draft_of = InteractionDraft(
            kind="call" if index < done else "planned",
            direction="outgoing" if index < done else None,
            topic="Follow-up", start=moment - timedelta(hours=1), end=moment,
            responsible=UserId(manager),
        )  # fmt: skip
        interaction_id = f"f-{manager}-{slot}-{index}"
        if index < done:
            command = RecordInteraction(draft=draft_of, interaction_id=interaction_id)
            story.run(command, actor=manager, at=moment)
        else:
            planned = PlanInteraction(draft=draft_of, interaction_id=interaction_id)
            story.run(planned, actor=manager, at=moment - timedelta(days=2))


def _kpi(story: Story) -> Iterator[str]:
    day = story.now.astimezone(MOSCOW).date()
    period = Period.containing(day, Granularity.YEAR, to_date=True)
    current = period.bounds(MOSCOW)
    windows = ((current[0], min(current[1], story.now)), period.previous_year().bounds(MOSCOW))
    for manager in MANAGERS:
        for slot, window in enumerate(windows):
            _history(story, manager, slot, window)
    kpi = story.crm.kpi(period, now=story.now, managers=MANAGERS)
    yield from _kpi_lines(kpi)


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
