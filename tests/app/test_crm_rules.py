"""Rules through CRM: internal commands go through the area services (gates, stage log,
events exactly as for a person), external ones to the outbox with their recipients
resolved, and the loop guard holds for rules that trigger each other."""

from __future__ import annotations

from datetime import date

import attrs
from app_samples import NOW, romashka, rule, settings

from crmcore.app import CRM, OutboxStatus
from crmcore.app.commands import (
    EditDeal,
    EditPartner,
    MoveDeal,
    OpenDeal,
    RegisterPartner,
    RegisterRequest,
    WinDeal,
)
from crmcore.deals import DealDraft, edit_deal
from crmcore.money import Money
from crmcore.partners import Partner, edit_partner
from crmcore.requests import RequestDraft, assign_request


def _crm(*rules: dict[str, object]) -> CRM:
    return CRM.in_memory(settings=settings(), rules=[rule(r) for r in rules])


def _partner(crm: CRM, **changes: object) -> Partner:
    found = crm.execute(RegisterPartner(draft=romashka(**changes)), actor="anna", now=NOW).result
    assert isinstance(found, Partner)
    return found


def _open(crm: CRM, partner: Partner, amount: str = "50000") -> str:
    draft = DealDraft(
        title="Поставка",
        partner_id=partner.id,
        responsible_manager="anna",
        amount=Money.of(amount, "RUB"),
    )
    executed = crm.execute(OpenDeal(draft=draft, pipeline_id="typical_sale"), actor="anna", now=NOW)
    return executed.result.id


def test_a_rule_that_sets_the_stage_moves_the_deal_through_the_service() -> None:
    crm = _crm(
        {"id": "qualify", "name": "Qualify at once", "trigger": {"entity": "deal", "on": "created"},
         "then": [{"action": "set_fields", "values": {"stage": "qualification"}}]},
    )  # fmt: skip
    partner = _partner(crm)
    deal_id = _open(crm, partner)
    assert crm.get("deal", deal_id).stage == "qualification"
    assert [(c.to_stage, c.by) for c in crm.stage_log(deal_id)] == [
        ("first_contact", "anna"),
        ("qualification", "rule:qualify"),
    ]


def test_a_gate_refuses_a_rules_move_and_the_persons_command_stands() -> None:
    crm = _crm(
        {"id": "jump", "name": "Offer when renamed",
         "trigger": {"entity": "deal", "on": "changed", "fields": ["title"]},
         "then": [{"action": "set_fields",
                   "values": {"stage": "commercial_offer", "expected_close": "2026-04-01"}}]},
    )  # fmt: skip
    partner = _partner(crm)
    deal_id = _open(crm, partner)
    crm.execute(MoveDeal(deal_id=deal_id, stage="qualification"), actor="anna", now=NOW)
    executed = crm.execute(
        EditDeal(deal_id=deal_id, changes={"title": "Предложение"}), actor="anna", now=NOW
    )
    (failure,) = executed.failures
    assert (failure.rule_id, failure.error) == ("jump", "StageGateError")
    assert "client_classified" in failure.message
    deal = crm.get("deal", deal_id)
    assert (deal.stage, deal.title, deal.expected_close) == ("qualification", "Предложение", None)
    assert len(crm.stage_log(deal_id)) == 2


def test_a_rule_closes_a_deal_through_win_and_lose() -> None:
    crm = _crm(
        {"id": "win-small", "name": "Small deals are won",
         "trigger": {"entity": "deal", "on": "created"},
         "when": {"field": "amount", "op": "lt", "value": 1000},
         "then": [{"action": "set_fields", "values": {"status": "won"}}]},
        {"id": "lose-big", "name": "Huge deals are lost",
         "trigger": {"entity": "deal", "on": "created"},
         "when": {"field": "amount", "op": "gt", "value": 1000000},
         "then": [{"action": "set_fields",
                   "values": {"status": "lost", "lost_reason": "no_budget"}}]},
    )  # fmt: skip
    partner = _partner(crm)
    small = crm.execute(
        OpenDeal(draft=DealDraft(title="s", partner_id=partner.id, responsible_manager="anna",
                                 amount=Money.of("500", "RUB")), pipeline_id="manual_sale"),
        actor="anna",
        now=NOW,
    )  # fmt: skip
    big = crm.execute(
        OpenDeal(draft=DealDraft(title="b", partner_id=partner.id, responsible_manager="anna",
                                 amount=Money.of("2000000", "RUB")), pipeline_id="manual_sale"),
        actor="anna",
        now=NOW,
    )  # fmt: skip
    assert "deal.won" in [e.name for e in small.events]
    assert small.result.status.value == "won"
    lost = crm.get("deal", big.result.id)
    assert (lost.status.value, lost.lost_reason) == ("lost", "no_budget")
    assert [c.status.value for c in crm.stage_log(lost.id)] == ["open", "lost"]


def test_set_fields_on_a_deal_gives_exactly_what_the_edit_service_gives() -> None:
    crm = _crm(
        {"id": "close", "name": "Close date", "trigger": {"entity": "deal", "on": "created"},
         "then": [{"action": "set_fields", "values": {"expected_close": "2026-04-01"}}]},
    )  # fmt: skip
    plain = _crm()
    for each in (crm, plain):
        each.execute(RegisterPartner(draft=romashka(), partner_id="p-1"), actor="anna", now=NOW)
    draft = DealDraft(title="x", partner_id="p-1", responsible_manager="anna")
    command = OpenDeal(draft=draft, pipeline_id="typical_sale", deal_id="d-1")
    executed = crm.execute(command, actor="anna", now=NOW)
    opened = plain.execute(command, actor="anna", now=NOW).result
    by_hand = edit_deal(
        opened, now=NOW, changes={"expected_close": date(2026, 4, 1)}, actor="rule:close"
    )
    assert crm.get("deal", executed.result.id) == by_hand.entity
    assert executed.events[-len(by_hand.events) :] == by_hand.events
    assert len(crm.stage_log(executed.result.id)) == 1


def test_a_rule_the_service_refuses_fails_and_the_persons_command_stands() -> None:
    crm = _crm(
        {"id": "deal-from-lead", "name": "A deal for every lead",
         "trigger": {"entity": "request", "on": "created"},
         "then": [{"action": "create_deal", "title": "Сделка"}]},
    )  # fmt: skip
    draft = RequestDraft(source="call", name="Пётр", phones=["+7 912 000-11-22"])
    executed = crm.execute(RegisterRequest(draft=draft), actor="anna", now=NOW)
    (failure,) = executed.failures
    assert failure.rule_id == "deal-from-lead"
    assert "record.partner_id" in failure.message
    assert crm.get("request", executed.result.id) == executed.result


def test_set_fields_gives_exactly_what_the_edit_service_gives() -> None:
    crm = _crm(
        {"id": "key", "name": "Key clients", "trigger": {"entity": "partner", "on": "created"},
         "then": [{"action": "set_fields", "values": {"segment": "key"}}]},
    )  # fmt: skip
    command = RegisterPartner(draft=romashka(), partner_id="p-1")
    executed = crm.execute(command, actor="anna", now=NOW)
    registered = _crm().execute(command, actor="anna", now=NOW).result
    assert isinstance(registered, Partner)
    by_hand = edit_partner(registered, now=NOW, changes={"segment": "key"}, actor="rule:key")
    assert executed.result == by_hand.entity, "the result is the record after the rules"
    assert crm.get("partner", registered.id) == by_hand.entity
    assert executed.events[1:] == by_hand.events


def test_assign_manager_gives_exactly_what_the_assignment_service_gives() -> None:
    crm = _crm(
        {"id": "to-boris", "name": "Requests to Boris",
         "trigger": {"entity": "request", "on": "created"},
         "then": [{"action": "assign_manager",
                   "strategy": {"kind": "fixed_user", "user": "boris"}}]},
    )  # fmt: skip
    draft = RequestDraft(source="call", name="Пётр", phones=["+7 912 000-11-22"])
    command = RegisterRequest(draft=draft, request_id="r-1")
    executed = crm.execute(command, actor="anna", now=NOW)
    stored = crm.get("request", executed.result.id)
    before = _crm().execute(command, actor="anna", now=NOW).result
    by_hand = assign_request(before, "boris", now=NOW, actor="rule:to-boris")
    assert stored == by_hand.entity
    assert executed.events[1:] == by_hand.events


def test_a_co_executor_is_added_through_the_deal_service() -> None:
    crm = _crm(
        {"id": "lawyer", "name": "A lawyer on big deals",
         "trigger": {"entity": "deal", "on": "created"},
         "when": {"field": "amount", "op": "gt", "value": 100000},
         "then": [{"action": "co_executor", "user": "boris"}]},
    )  # fmt: skip
    partner = _partner(crm)
    small = _open(crm, partner)
    big = _open(crm, partner, amount="200000")
    assert crm.get("deal", small).co_executors == frozenset()
    opened = crm.get("deal", big)
    assert opened.co_executors == frozenset({"boris"})
    before = attrs.evolve(opened, co_executors=frozenset(), version=opened.version - 1)
    by_hand = edit_deal(
        before, now=NOW, changes={"co_executors": frozenset({"boris"})}, actor="rule:lawyer"
    )
    assert by_hand.entity == opened


def test_rules_that_trigger_each_other_stop_at_the_loop_guard() -> None:
    crm = _crm(
        {"id": "ping", "name": "ping",
         "trigger": {"entity": "deal", "on": "changed", "fields": ["title"]},
         "when": {"field": "title", "op": "ne", "value": "pong"},
         "then": [{"action": "set_fields", "values": {"title": "pong"}}]},
        {"id": "pong", "name": "pong",
         "trigger": {"entity": "deal", "on": "changed", "fields": ["title"]},
         "when": {"field": "title", "op": "eq", "value": "pong"},
         "then": [{"action": "set_fields", "values": {"title": "ping"}}]},
    )  # fmt: skip
    partner = _partner(crm)
    deal_id = _open(crm, partner)
    executed = crm.execute(
        EditDeal(deal_id=deal_id, changes={"title": "start"}), actor="anna", now=NOW
    )
    assert executed.loops, "the chain was stopped"
    assert {r for loop in executed.loops for r in loop.rules} <= {"ping", "pong"}
    assert len(executed.commands) < 20
    assert crm.get("deal", deal_id).title in {"ping", "pong"}


def test_external_commands_wait_in_the_outbox_with_their_recipients_explained() -> None:
    crm = _crm(
        {"id": "thanks", "name": "Thank the client",
         "trigger": {"entity": "partner", "on": "created"},
         "then": [{"action": "sms_client", "text": "Спасибо, {{ short_name }}!"},
                  {"action": "email_client", "subject": "Добро пожаловать", "body": "..."},
                  {"action": "send_message", "to": ["responsible", "head", "co_executors"],
                   "text": "Новый клиент"},
                  {"action": "call_webhook", "url": "https://hooks.example/partner"}]},
    )  # fmt: skip
    executed = crm.execute(
        RegisterPartner(draft=romashka(responsible_manager="anna")), actor="anna", now=NOW
    )
    by_kind = {m.kind: m for m in executed.outbox}
    assert set(by_kind) == {"sms_client", "email_client", "send_message", "call_webhook"}
    (phone,) = by_kind["sms_client"].recipients
    assert phone.address == "+74951234567"
    assert "phone" in phone.explanation
    (email,) = by_kind["email_client"].recipients
    assert email.address == "info@romashka.ru"
    people = by_kind["send_message"].recipients
    assert [(r.symbol, r.user) for r in people] == [
        ("responsible", "anna"),
        ("head", "olga"),
        ("co_executors", None),
    ]
    assert by_kind["call_webhook"].recipients[0].address == "https://hooks.example/partner"
    pending = crm.outbox.pending()
    assert {m.id for m in pending} == {m.id for m in executed.outbox}
    assert all(m.status is OutboxStatus.PENDING for m in pending)


def test_a_client_without_a_phone_gets_its_contact_persons_or_an_explanation() -> None:
    crm = _crm(
        {"id": "sms", "name": "SMS on a change", "trigger": {"entity": "partner", "on": "changed"},
         "then": [{"action": "sms_client", "text": "Изменения"}]},
    )  # fmt: skip
    partner = _partner(crm, phones=[])
    executed = crm.execute(
        EditPartner(partner_id=partner.id, changes={"segment": "b"}), actor="anna", now=NOW
    )
    (message,) = executed.outbox
    (nobody,) = message.recipients
    assert nobody.address is None
    assert "has no phone" in nobody.explanation


def test_create_deal_and_create_request_open_records_through_their_services() -> None:
    crm = _crm(
        {"id": "upsell", "name": "Upsell",
         "trigger": {"entity": "deal", "on": "status_set", "to_value": "won"},
         "then": [{"action": "create_deal", "title": "Сервис для {{ title }}",
                   "pipeline_id": "manual_sale"},
                  {"action": "create_request", "title": "Опрос после сделки"}]},
    )  # fmt: skip
    partner = _partner(crm)
    draft = DealDraft(title="Поставка", partner_id=partner.id, responsible_manager="anna")
    deal = crm.execute(OpenDeal(draft=draft, pipeline_id="manual_sale"), actor="anna", now=NOW)
    won = crm.execute(WinDeal(deal_id=deal.result.id), actor="anna", now=NOW)
    assert won.failures == ()
    names = [e.name for e in won.events]
    assert "deal.opened" in names
    assert "request.registered" in names
    view = crm.partner_view(partner.id)
    upsell = next(d for d in view.deals if d.id != deal.result.id)
    assert upsell.title == "Сервис для Поставка"
    assert upsell.responsible_manager == "anna"
    assert len(crm.stage_log(upsell.id)) == 1
