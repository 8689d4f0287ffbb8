"""Ticks fire date triggers and reminders exactly once, also across restarts; the outbox
is delivered at least once, a raising handler leaving its message pending."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta

import attrs
import pytest
from app_samples import NOW, romashka, rule, settings

from crmcore.app import CRM, OutboxMessage, OutboxStatus, Repositories, TickLog
from crmcore.app.commands import OpenDeal, PlanInteraction, RegisterPartner
from crmcore.deals import DealDraft
from crmcore.errors import DomainValidationError, EntityNotFoundError
from crmcore.interactions import InteractionDraft, Reminder
from crmcore.memory import MemoryStore
from crmcore.rules import Command, PendingSteps, Rule, WaitDue

_CLOSE_SOON = {
    "id": "close-soon", "name": "A task three days before the expected close",
    "trigger": {"entity": "deal", "on": "date", "field": "expected_close", "offset": 3},
    "then": [{"action": "create_task", "title": "Закрыть «{{ title }}»", "due_in": "P1D"}],
}  # fmt: skip
_FOLLOW_UP = {
    "id": "follow-up", "name": "Ask again in three days",
    "trigger": {"entity": "partner", "on": "created"},
    "then": [{"action": "send_message", "text": "Новый клиент"}],
    "waits": [{"after": 3, "unit": "days",
               "then": [{"action": "send_message", "text": "Позвонили?"}]}],
}  # fmt: skip


def _world(store: MemoryStore, *others: Rule) -> CRM:
    crm = CRM(store, settings=settings(), rules=[rule(_CLOSE_SOON), *others])
    partner = crm.execute(RegisterPartner(draft=romashka()), actor="anna", now=NOW).result
    draft = DealDraft(
        title="Поставка",
        partner_id=partner.id,
        responsible_manager="anna",
        expected_close=date(2026, 3, 10),
    )
    crm.execute(OpenDeal(draft=draft, pipeline_id="typical_sale"), actor="anna", now=NOW)
    meeting = InteractionDraft(
        kind="meeting", topic="Образцы", start=NOW + timedelta(days=2),
        end=NOW + timedelta(days=2, hours=1), responsible="anna",
        reminders=(Reminder(before=timedelta(hours=1)),),
    )  # fmt: skip
    crm.execute(PlanInteraction(draft=meeting), actor="anna", now=NOW)
    crm.tick(NOW)
    return crm


def test_date_triggers_and_reminders_fire_once_across_ticks_and_restarts() -> None:
    store = MemoryStore()
    crm = _world(store)
    first = crm.tick(NOW + timedelta(hours=1))
    assert first.since == NOW
    assert first.triggers == ()
    assert first.reminders == ()
    later = NOW + timedelta(days=7)
    fired = crm.tick(later)
    assert len(fired.triggers) == 1
    assert len(fired.reminders) == 1
    kinds = sorted(m.kind for m in fired.outbox)
    assert kinds == ["create_task", "send_message"]
    task = next(m for m in fired.outbox if m.kind == "create_task")
    assert [(r.symbol, r.user) for r in task.recipients] == [("responsible", "anna")]
    assert crm.tick(later).outbox == ()
    restarted = CRM(store, settings=settings(), rules=[rule(_CLOSE_SOON)])
    again = restarted.tick(later + timedelta(hours=1))
    assert again.triggers == ()
    assert again.reminders == ()
    assert len(restarted.outbox.pending()) == 2


def test_a_tick_that_is_repeated_after_rewinding_the_clock_fires_nothing_twice() -> None:
    store = MemoryStore()
    crm = _world(store)
    crm.tick(NOW + timedelta(days=7))
    with store.unit_of_work() as repositories:
        assert repositories.ticks.watermark() == NOW + timedelta(days=7)
    assert crm.tick(NOW + timedelta(days=6)).outbox == ()


class _Gateway:
    def __init__(self, *, fail: bool) -> None:
        self.fail = fail
        self.seen: list[Command] = []

    def handle(self, command: Command) -> None:
        self.seen.append(command)
        if self.fail:
            raise ConnectionError("gateway down")


def test_a_raising_handler_leaves_the_message_pending_until_its_attempts_run_out() -> None:
    store = MemoryStore()
    crm = _world(store)
    crm.tick(NOW + timedelta(days=7))
    later = NOW + timedelta(days=8)
    down = _Gateway(fail=True)
    handlers = {"create_task": down, "send_message": down}
    for attempt in range(1, crm.settings.max_delivery_attempts):
        delivery = crm.outbox.deliver(handlers, now=later)
        assert len(delivery.failed) == 2
        assert all(m.attempts == attempt for m in crm.outbox.pending())
        assert all("gateway down" in (m.last_error or "") for m in crm.outbox.pending())
    crm.outbox.deliver(handlers, now=later)
    assert crm.outbox.pending() == []
    failed = crm.outbox.failed()
    assert [m.status for m in failed] == [OutboxStatus.FAILED] * 2
    again = crm.outbox.retry(failed[0].id)
    assert again.status is OutboxStatus.PENDING
    up = _Gateway(fail=False)
    crm.handlers.update({"create_task": up, "send_message": up})
    delivery = crm.deliver(now=later)
    assert delivery.sent == (again.id,)
    sent = crm.outbox.get(again.id)
    assert sent.status is OutboxStatus.SENT
    assert sent.sent_at == later
    assert crm.outbox.mark_sent(again.id, now=later) == sent
    with pytest.raises(DomainValidationError):
        crm.outbox.mark_failed(again.id, "late", now=later)
    with pytest.raises(DomainValidationError):
        crm.outbox.retry(again.id)
    with pytest.raises(EntityNotFoundError):
        crm.outbox.get("missing")


def test_a_kind_without_a_handler_waits() -> None:
    store = MemoryStore()
    crm = _world(store)
    crm.tick(NOW + timedelta(days=7))
    delivery = crm.outbox.deliver({}, now=NOW + timedelta(days=8))
    assert len(delivery.skipped) == 2
    assert len(crm.outbox.pending()) == 2


def test_the_first_tick_looks_back_only_as_far_as_the_settings_say() -> None:
    crm = CRM.in_memory(settings=settings(first_tick=timedelta(hours=2)))
    ticked = crm.tick(NOW)
    assert ticked.since == NOW - timedelta(hours=2)
    assert ticked.until == NOW


class _Mailer:
    """A handler that takes the whole message, to send its id as the idempotency key."""

    def __init__(self) -> None:
        self.keys: list[str] = []

    def deliver(self, message: OutboxMessage) -> None:
        self.keys.append(message.id)


def test_a_message_handler_gets_the_id_and_recipients_in_the_order_they_were_made() -> None:
    crm = CRM.in_memory(
        settings=settings(),
        rules=[
            rule(
                {"id": "hello", "name": "Hello", "trigger": {"entity": "partner", "on": "created"},
                 "then": [{"action": "send_message", "text": f"{n}"} for n in range(12)]}
            )
        ],
    )  # fmt: skip
    executed = crm.execute(
        RegisterPartner(draft=romashka(responsible_manager="anna")), actor="anna", now=NOW
    )
    made = [m.id for m in executed.outbox]
    assert [m.id for m in crm.outbox.pending()] == made
    assert [m.command.action.text for m in crm.outbox.pending()] == [str(n) for n in range(12)]
    mailer = _Mailer()
    crm.handlers["send_message"] = mailer
    crm.deliver(now=NOW)
    assert mailer.keys == made


def test_a_throttled_rule_counts_its_firings_in_the_stores_ledger() -> None:
    once = {
        "id": "sms-once", "name": "One SMS a day",
        "trigger": {"entity": "partner", "on": "created"},
        "throttle": {"limit": 1, "window": "P1D"},
        "then": [{"action": "sms_client", "text": "Здравствуйте"}],
    }  # fmt: skip
    crm = CRM.in_memory(settings=settings(), rules=[rule(once)])

    def register(name: str, at: timedelta) -> int:
        draft = romashka(short_name=name, tax_id=None, kpp=None)
        executed = crm.execute(RegisterPartner(draft=draft, force=True), actor="anna", now=NOW + at)
        return len(executed.outbox)

    assert register("Первый", timedelta(0)) == 1
    assert register("Второй", timedelta(hours=1)) == 0, "held back by the throttle"
    assert register("Третий", timedelta(days=2)) == 1


def test_a_waiting_step_runs_once_on_the_tick_after_it_came_due() -> None:
    later = _FOLLOW_UP
    store = MemoryStore()
    crm = CRM(store, settings=settings(), rules=[rule(later)])
    crm.tick(NOW)
    registered = crm.execute(
        RegisterPartner(draft=romashka(responsible_manager="anna")), actor="anna", now=NOW
    )
    assert [m.command.action.text for m in registered.outbox] == ["Новый клиент"]
    assert crm.tick(NOW + timedelta(days=1)).steps == ()
    ticked = crm.tick(NOW + timedelta(days=4))
    assert len(ticked.steps) == 1
    assert [m.command.action.text for m in ticked.outbox] == ["Позвонили?"]
    restarted = CRM(store, settings=settings(), rules=[rule(later)])
    assert restarted.tick(NOW + timedelta(days=5)).steps == ()


class _StaleTicks:
    """The tick log as a tick saw it before another process's tick committed: nothing fired
    yet and the old watermark; what it records goes to the real log."""

    def __init__(self, inner: TickLog, watermark: datetime | None) -> None:
        self.inner, self._watermark = inner, watermark

    def fired(self, key: str) -> bool:
        return False

    def record(self, key: str, *, at: datetime) -> None:
        self.inner.record(key, at=at)

    def watermark(self) -> datetime | None:
        return self._watermark

    def advance(self, to: datetime) -> None:
        self.inner.advance(to)


class _StaleSteps:
    """The pending steps as they stood before another process's tick took them."""

    def __init__(self, inner: PendingSteps, due: tuple[WaitDue, ...]) -> None:
        self.inner, self._due = inner, due

    def add(self, step: WaitDue) -> None:
        self.inner.add(step)

    def due(self, *, until: datetime) -> tuple[WaitDue, ...]:
        return tuple(step for step in self._due if step.due_at <= until)

    def remove(self, step: WaitDue) -> None:
        self.inner.remove(step)


class _Stale:
    """A store read as it stood before another process's tick: the race two ticks run."""

    def __init__(self, inner: MemoryStore, watermark: datetime, due: tuple[WaitDue, ...]) -> None:
        self.inner, self.watermark, self.due = inner, watermark, due

    @contextmanager
    def unit_of_work(self) -> Iterator[Repositories]:
        with self.inner.unit_of_work() as repositories:
            assert repositories.pending_steps is not None
            yield attrs.evolve(
                repositories,
                ticks=_StaleTicks(repositories.ticks, self.watermark),
                pending_steps=_StaleSteps(repositories.pending_steps, self.due),
            )


def test_a_tick_that_loses_the_race_to_another_process_skips_what_that_tick_ran() -> None:
    store = MemoryStore()
    rules = [rule(_CLOSE_SOON), rule(_FOLLOW_UP)]
    crm = _world(store, rules[1])
    with store.unit_of_work() as repositories:
        watermark = repositories.ticks.watermark()
        assert repositories.pending_steps is not None
        due = repositories.pending_steps.due(until=NOW + timedelta(days=30))
    assert watermark is not None
    assert len(due) == 1
    later = NOW + timedelta(days=7)
    first = CRM(store, settings=settings(), rules=rules).tick(later)
    assert (len(first.triggers), len(first.steps), len(first.reminders)) == (1, 1, 1)
    sent = len(crm.outbox.pending())
    # The losing tick read the store before the first one committed, and commits after it.
    losing = CRM(_Stale(store, watermark, due), settings=settings(), rules=rules).tick(later)
    assert (losing.triggers, losing.steps, losing.reminders, losing.outbox) == ((), (), (), ())
    assert len(crm.outbox.pending()) == sent
