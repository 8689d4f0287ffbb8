"""Benchmark of crmcore.sql; prints one JSON object per line, wall-clock time.

Every figure is measured on the in-memory reference store (the baseline) and on the SQL
store in the same run: on an SQLite file always, and on PostgreSQL when ``--postgres URL``
names a database it may empty (or ``CRMCORE_BENCH_POSTGRES_URL`` does).

1. Import of a partner base (100,000 partners by default), 1,000 partners a unit of work.
2. A day of manager work through ``crmcore.app.CRM`` on the store: 10 managers of 200, each
   registering partners, opening deals (a rule puts a webhook in the outbox), moving them,
   planning calls and reading the pending list and the desktop, each command one unit of
   work; the duplicate indexes are built first and timed apart.
3. The desktop's queries at the imported partners and 1,000,000 interactions by default
   (pending and overdue interactions of a manager, the day's calendar, a partner's history,
   due reminders, a manager's open deals, partner search by name prefix, phone, email and
   tax id), each the median of 15 runs. Target: under 50 ms each.

The clock is the wall clock (``time.perf_counter``): PostgreSQL works in its own processes.
Run: ``python benchmarks/sql/bench_sql.py [--partners N] [--interactions N] [--postgres URL]``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Final

from sqlalchemy import text

from crmcore.app import CRM, OutboxMessage, Settings, Store
from crmcore.app.commands import MoveDeal, OpenDeal, PlanInteraction, RegisterPartner
from crmcore.deals import TYPICAL_SALE, DealDraft, DealStatus
from crmcore.ids import DealId, InteractionId, PartnerId, RuleId, UserId
from crmcore.interactions import (
    Interaction,
    InteractionDraft,
    InteractionKind,
    InteractionStatus,
    Reminder,
)
from crmcore.memory.app import MemoryStore
from crmcore.partners import (
    Email,
    LegalData,
    Partner,
    PartnerDraft,
    PartnerKind,
    PartnerRole,
    Phone,
)
from crmcore.rules import CallWebhook, Member, Rule, Staff
from crmcore.rules.commands import Command
from crmcore.serialization import make_converter
from crmcore.sql import SqlStore
from crmcore.sql.metadata import metadata

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
# A sales department of 200 managers owns the interactions; 10 of them work the day.
STAFF = tuple(UserId(f"u-{number}") for number in range(200))
MANAGERS = STAFF[:10]
_STEMS = ("Ромашка", "Лютик", "Василёк", "Альфа", "Вектор", "Строй", "Техно", "Straße", "Nord")


def emit(**figures: object) -> None:
    print(json.dumps(figures, ensure_ascii=False), flush=True)


def timed(action: Callable[[], object]) -> float:
    """The wall-clock seconds ``action`` takes."""
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def inn(number: int) -> str:
    """A valid ten-digit INN of a legal entity, distinct for each ``number``."""
    digits = [int(d) for d in f"{number:09d}"]
    weights = (2, 4, 10, 3, 5, 9, 4, 6, 8)
    return f"{number:09d}{sum(w * d for w, d in zip(weights, digits, strict=True)) % 11 % 10}"


def partner(number: int) -> Partner:
    stem = _STEMS[number % len(_STEMS)]
    return Partner(
        id=PartnerId(f"p-{number:07d}"),
        kind=PartnerKind.LEGAL_ENTITY,
        roles=frozenset({PartnerRole.CLIENT}),
        short_name=f"{stem} {number}",
        full_name=f'ООО "{stem} {number}"',
        legal=LegalData(tax_id=inn(number)),
        phones=(Phone(number=f"+7495{number:07d}"),),
        emails=(Email(address=f"info{number}@example.ru"),),
        created_at=NOW,
    )


def interaction(number: int, partners: int, rng: random.Random) -> Interaction:
    start = NOW + timedelta(minutes=rng.randrange(-525_600, 43_200))
    pending = start > NOW - timedelta(days=7) and rng.random() < 0.8
    status = InteractionStatus.PLANNED if pending else InteractionStatus.DONE
    return Interaction(
        id=InteractionId(f"i-{number:08d}"),
        kind=InteractionKind.MEETING if number % 3 else InteractionKind.PLANNED,
        topic="Обсуждение поставки",
        start=start,
        end=start + timedelta(minutes=30),
        author=STAFF[number % len(STAFF)],
        responsible=STAFF[number % len(STAFF)],
        status=status,
        partner_id=PartnerId(f"p-{rng.randrange(partners):07d}"),
        reminders=(Reminder(before=timedelta(minutes=15)),) if pending else (),
        completed_at=None if pending else start + timedelta(minutes=30),
        created_at=start - timedelta(days=1),
    )


def in_batches(count: int, size: int) -> Iterator[range]:
    for first in range(0, count, size):
        yield range(first, min(first + size, count))


def import_partners(store: Store, count: int) -> None:
    for batch in in_batches(count, 1000):
        with store.unit_of_work() as repositories:
            for number in batch:
                repositories.partners.add(partner(number))


def import_interactions(store: Store, count: int, partners: int) -> None:
    rng = random.Random(14)
    for batch in in_batches(count, 5000):
        with store.unit_of_work() as repositories:
            for number in batch:
                repositories.interactions.add(interaction(number, partners, rng))


BIG_DEALS: Final = {
    "id": "big-deal", "name": "Tell the ERP of every new deal",
    "trigger": {"entity": "deal", "on": "created"},
    "then": [{"action": "call_webhook", "url": "https://erp.example.com/hooks/deal"}],
}  # fmt: skip


def day_crm(store: Store) -> CRM:
    """A CRM on ``store`` for the managers' day: the staff, and one rule that calls a webhook
    for every new deal (so that each opening also writes to the outbox)."""
    settings = Settings(staff=Staff(members=tuple(Member(user=user) for user in STAFF)))
    rule = make_converter().structure(BIG_DEALS, Rule)
    return CRM(store, settings=settings, rules=[rule])


def register_partner(crm: CRM, number: int, manager: UserId, deals: list[DealId]) -> None:
    new = partner(number)
    draft = PartnerDraft(
        kind="legal_entity", roles=["client"], short_name=new.short_name,
        tax_id=inn(number), phones=[new.phones[0].number], responsible_manager=manager,
    )  # fmt: skip
    command = RegisterPartner(draft=draft, partner_id=new.id, force=True)
    crm.execute(command, actor=manager, now=NOW)


def open_a_deal(crm: CRM, number: int, manager: UserId, deals: list[DealId]) -> None:
    client = PartnerId(f"p-{number % 100:07d}")  # of the first 100 imported
    draft = DealDraft(title="Поставка труб", partner_id=client, responsible_manager=manager)
    command = OpenDeal(draft=draft, pipeline_id=TYPICAL_SALE.id, deal_id=f"d-{number}")
    deals.append(crm.execute(command, actor=manager, now=NOW).result.id)


def move_a_deal(crm: CRM, number: int, manager: UserId, deals: list[DealId]) -> None:
    deal = crm.get("deal", deals[number % len(deals)])
    if deal.status is DealStatus.OPEN and deal.stage == "first_contact":
        crm.execute(MoveDeal(deal_id=deal.id, stage="qualification"), actor=manager, now=NOW)


def plan_an_interaction(crm: CRM, number: int, manager: UserId, deals: list[DealId]) -> None:
    start = NOW + timedelta(hours=number % 40)
    draft = InteractionDraft(
        kind="call", topic="Уточнить заказ", start=start, responsible=manager,
        partner_id=PartnerId(f"p-{number % 100:07d}"), direction="outgoing",
        reminders=(Reminder(before=timedelta(minutes=15)),),
    )  # fmt: skip
    crm.execute(
        PlanInteraction(draft=draft, interaction_id=f"i-day-{number}"), actor=manager, now=NOW
    )


def read_the_desktop(crm: CRM, number: int, manager: UserId, deals: list[DealId]) -> None:
    crm.pending(manager)
    crm.desktop(manager, now=NOW)


DAY: Final = (register_partner, open_a_deal, move_a_deal, plan_an_interaction, read_the_desktop)
"""The commands and reads of a manager's day, in turn, each through CRM."""


def manager_day(crm: CRM, *, start: int, commands: int) -> None:
    """``commands`` steps of :data:`DAY` in turn, each a command of ``crm`` or a read."""
    deals: list[DealId] = []
    for step in range(commands):
        command = DAY[step % len(DAY)]
        command(crm, start + step, MANAGERS[step % len(MANAGERS)], deals)


def _message(message_id: str, deal_id: str) -> OutboxMessage:
    command = Command(rule_id=RuleId("big-deal"), rule_version=1, entity="deal",
                      entity_id=deal_id, action=CallWebhook(url="https://example.com/hook"),
                      caused_by="deal.opened")  # fmt: skip
    return OutboxMessage(id=message_id, command=command, created_at=NOW)


def desktop_queries(store: Store) -> dict[str, Callable[[], object]]:
    manager = MANAGERS[3]
    day = NOW.replace(hour=0)

    def run(query: Callable[..., object]) -> Callable[[], object]:
        def inside() -> object:
            with store.unit_of_work() as repositories:
                return query(repositories)

        return inside

    return {
        "pending": run(lambda x: x.interactions.pending(manager)),
        "overdue": run(lambda x: x.interactions.overdue(NOW, user=manager)),
        "day_calendar": run(
            lambda x: x.interactions.of_user(manager, start=day, end=day + timedelta(days=1))
        ),
        "partner_history_20": run(
            lambda x: x.interactions.history(PartnerId("p-0000042"), limit=20)
        ),
        "reminders_due": run(lambda x: x.interactions.reminding(NOW - timedelta(minutes=5), NOW)),
        "open_deals_of_manager": run(
            lambda x: x.deals.find(responsible_manager=manager, status=DealStatus.OPEN)
        ),
        "name_prefix_50": run(lambda x: x.partners.find_by_name_prefix("ромашка 1")),
        "phone": run(lambda x: x.partners.find_by_phone("+74950004242")),
        "email": run(lambda x: x.partners.find_by_email("INFO4242@example.ru")),
        "tax_id": run(lambda x: x.partners.find_by_tax_id(inn(4242))),
    }


def median_ms(action: Callable[[], object], runs: int = 15) -> float:
    return statistics.median(timed(action) for _ in range(runs)) * 1000


def bench(name: str, store: Store, *, partners: int, interactions: int) -> None:
    seconds = timed(lambda: import_partners(store, partners))
    emit(benchmark="import_partners", store=name, partners=partners, seconds=round(seconds, 2),
         per_partner_us=round(seconds / partners * 1e6, 1))  # fmt: skip
    crm = day_crm(store)
    seconds = timed(crm.refresh_indexes)
    emit(benchmark="duplicate_index_build", store=name, partners=partners,
         seconds=round(seconds, 2))  # fmt: skip
    commands = 500
    seconds = timed(lambda: manager_day(crm, start=partners, commands=commands))
    emit(benchmark="manager_day", store=name, commands=commands, seconds=round(seconds, 3),
         per_command_ms=round(seconds / commands * 1000, 3), through="CRM")  # fmt: skip
    seconds = timed(lambda: import_interactions(store, interactions, partners))
    emit(benchmark="import_interactions", store=name, interactions=interactions,
         seconds=round(seconds, 2))  # fmt: skip
    figures = {
        query: round(median_ms(action), 3) for query, action in desktop_queries(store).items()
    }
    emit(benchmark="desktop_queries", store=name, partners=partners, interactions=interactions,
         median_ms=figures, target_ms=50, met=max(figures.values()) < 50)  # fmt: skip


def _emptied_postgres(url: str) -> SqlStore:
    store = SqlStore.from_url(url)
    with store.database.begin("reset the benchmark database", write=True) as connection:
        metadata.drop_all(connection)
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    store.upgrade()
    return store


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--partners", type=int, default=100_000)
    parser.add_argument("--interactions", type=int, default=1_000_000)
    parser.add_argument("--postgres", default=os.environ.get("CRMCORE_BENCH_POSTGRES_URL"))
    arguments = parser.parse_args()
    sizes = {"partners": arguments.partners, "interactions": arguments.interactions}
    bench("memory", MemoryStore(), **sizes)
    with tempfile.TemporaryDirectory() as folder:
        store = SqlStore.sqlite(Path(folder) / "bench.db")
        bench("sqlite_file", store, **sizes)
        store.close()
    if arguments.postgres:
        store = _emptied_postgres(arguments.postgres)
        bench("postgresql", store, **sizes)
        store.close()


if __name__ == "__main__":
    main()
