"""Throttles per recipient, first-time enrollment and waits through the CRM's store: two CRM
objects on one store stand for two processes."""

from __future__ import annotations

from datetime import timedelta

from app_samples import NOW, romashka, rule, settings

from crmcore.app import CRM
from crmcore.app.commands import EditPartner, RegisterPartner, RegisterRequest, TakeRequest
from crmcore.memory import MemoryStore
from crmcore.requests import RequestDraft

_ONE_A_DAY = {
    "id": "sms-per-client", "name": "At most one SMS per client per day",
    "trigger": {"entity": "partner", "on": "changed", "fields": ["short_name"]},
    "throttle": {"limit": 1, "window": "P1D", "per": "id"},
    "then": [{"action": "sms_client", "text": "Your card changed"}],
}  # fmt: skip
_FIRST_TIME = {
    "id": "welcome", "name": "Welcome once",
    "trigger": {"entity": "partner", "on": "changed", "fields": ["short_name"]},
    "enrollment": "first_time",
    "then": [{"action": "send_message", "text": "Welcome"}],
}  # fmt: skip


def _two_processes(*rules: dict[str, object]) -> tuple[CRM, CRM]:
    store = MemoryStore()
    first = CRM(store, settings=settings(), rules=[rule(r) for r in rules])
    return first, CRM(store, settings=settings())


def _register(crm: CRM, name: str) -> str:
    draft = romashka(short_name=name, tax_id=None, kpp=None)
    return crm.execute(RegisterPartner(draft=draft, force=True), actor="anna", now=NOW).result.id


def _rename(crm: CRM, partner_id: str, name: str, at: timedelta) -> list[str]:
    edited = crm.execute(
        EditPartner(partner_id=partner_id, changes={"short_name": name}),
        actor="anna", now=NOW + at,
    )  # fmt: skip
    return [m.command.rule_id for m in edited.outbox]


def test_a_throttle_per_recipient_holds_across_processes_and_recipients_apart() -> None:
    one, other = _two_processes(_ONE_A_DAY)
    first, second = _register(one, "Первый"), _register(one, "Второй")
    assert _rename(one, first, "Первый-1", timedelta(hours=1)) == ["sms-per-client"]
    assert _rename(other, first, "Первый-2", timedelta(hours=2)) == [], "the same client"
    assert _rename(other, second, "Второй-1", timedelta(hours=2)) == ["sms-per-client"]
    assert _rename(other, first, "Первый-3", timedelta(days=2)) == ["sms-per-client"]


def test_first_time_enrollment_holds_across_processes() -> None:
    one, other = _two_processes(_FIRST_TIME)
    partner = _register(one, "Первый")
    assert _rename(one, partner, "Первый-1", timedelta(hours=1)) == ["welcome"]
    assert _rename(other, partner, "Первый-2", timedelta(days=3)) == []
    assert _rename(other, _register(other, "Второй"), "Второй-1", timedelta(0)) == ["welcome"]


def test_a_waiting_step_is_cancelled_on_the_tick_when_the_record_no_longer_qualifies() -> None:
    unanswered = {
        "id": "escalate", "name": "Escalate a request not taken",
        "trigger": {"entity": "request", "on": "created"},
        "when": {"field": "status", "op": "eq", "value": "new"},
        "then": [{"action": "send_message", "text": "New request"}],
        "waits": [{"after": 3, "unit": "days", "working_days": True,
                   "then": [{"action": "send_message", "text": "Still not taken"}]}],
    }  # fmt: skip
    one, other = _two_processes(unanswered)
    one.tick(NOW)
    taken = one.execute(RegisterRequest(draft=_request()), actor="anna", now=NOW).result
    kept = one.execute(RegisterRequest(draft=_request()), actor="anna", now=NOW).result
    other.execute(TakeRequest(request_id=taken.id), actor="anna", now=NOW + timedelta(days=1))
    ticked = other.tick(NOW + timedelta(days=7))
    assert [m.command.action.text for m in ticked.outbox] == ["Still not taken"]
    assert [m.command.entity_id for m in ticked.outbox] == [kept.id]


def _request() -> RequestDraft:
    return RequestDraft(source="call", name="Пётр", phones=["+7 912 000-11-22"])
