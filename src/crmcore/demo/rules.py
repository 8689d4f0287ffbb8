"""The demo's automation chapter: the four If/Then rules a sales team asks for first, the
commands they hand to the host, and one explain trace."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, Final

import attrs

from crmcore.customfields import CustomField, CustomFieldRegistry, CustomFieldType
from crmcore.deals import DealOpened, DealWon
from crmcore.demo.world import World, table
from crmcore.errors import EntityNotFoundError
from crmcore.events import Change
from crmcore.ids import PartnerId, RequestId, UserId
from crmcore.memory import MemoryRuleRepository
from crmcore.money import Money
from crmcore.partners import Email
from crmcore.requests import ContactData, Request, RequestedItem, RequestRegistered
from crmcore.rules import (
    Command,
    FieldType,
    Member,
    Rule,
    RuleContext,
    RuleEngine,
    RuleOutcome,
    SchemaRegistry,
    Staff,
    default_schemas,
    due_time_triggers,
)
from crmcore.serialization import make_converter

__all__ = ["chapter"]

RULES: Final[tuple[Mapping[str, Any], ...]] = (
    {"id": "big-deals", "name": "Big deals go to the head of sales", "priority": 10,
     "trigger": {"entity": "deal", "on": "created"},
     "when": {"all": [{"field": "amount", "op": "gt", "value": 100000},
                      {"not": {"field": "partner.segment", "op": "eq", "value": "key"}}]},
     "then": [{"action": "assign_manager", "strategy": "head_of_department"}]},
    {"id": "new-requests", "name": "New requests by mapping, else round robin",
     "trigger": {"entity": "request", "on": "created"},
     "then": [{"action": "assign_manager", "strategy": {
         "kind": "field_mapping",
         "rows": [{"when": {"field": "region", "op": "eq", "value": "Сибирь"}, "user": "boris"},
                  {"when": {"field": "product", "op": "starts_with", "value": "чай"},
                   "team": "tea"}],
         "otherwise": {"kind": "round_robin", "team": "sales"}}}]},
    {"id": "audi-sms", "name": "SMS to Audi drivers and big buyers",
     "trigger": {"entity": "deal", "on": "status_set", "to_value": "won"},
     "when": {"any": [{"field": "partner.custom.car_brand", "op": "eq", "value": "Audi"},
                      {"field": "partner.last_purchase_amount", "op": "gt", "value": 50000}]},
     "then": [{"action": "sms_client", "text": "Спасибо за покупку, {{ partner.short_name }}!"}]},
    {"id": "close-soon", "name": "A task three days before the expected close",
     "trigger": {"entity": "deal", "on": "date", "field": "expected_close", "offset": 3},
     "then": [{"action": "create_task", "title": "Закрыть сделку «{{ title }}»",
               "due_in": "P1D"}]},
)  # fmt: skip
STAFF: Final = Staff(
    members=(
        Member(user=UserId("anna"), teams=("sales",), department="sales"),
        Member(user=UserId("boris"), teams=("sales",), department="sales"),
        Member(user=UserId("vera"), teams=("sales",), department="sales", on_leave=True),
        Member(user=UserId("gleb"), teams=("tea",), department="sales"),
        Member(user=UserId("olga"), department="sales"),
    ),
    heads={"sales": UserId("olga")},
)
_CAR_BRANDS: Final = {"romashka": "Audi"}
_LAST_PURCHASES: Final = {"vostok": Decimal("72000"), "romashka": Decimal("8000")}


@attrs.frozen
class _Facts:
    """The host's view of partners for rules: the world's cards with their car brand, and
    the last purchase amounts from its sales history."""

    world: World

    def record(self, entity: str, entity_id: str) -> object | None:
        if entity != "company":
            return None
        try:
            partner = self.world.partners.get(PartnerId(entity_id))
        except EntityNotFoundError:
            return None
        brand = _CAR_BRANDS.get(entity_id)
        return attrs.evolve(partner, custom={"car_brand": brand}) if brand else partner

    def fact(self, entity: str, entity_id: str, name: str) -> object | None:
        return _LAST_PURCHASES.get(entity_id) if name == "last_purchase_amount" else None


def _schemas() -> SchemaRegistry:
    brand = CustomField(name="car_brand", type=CustomFieldType.CHOICE, choices=("Audi", "BMW"))
    schemas = default_schemas(CustomFieldRegistry().with_field("partner", brand))
    return schemas.with_fact("company", "last_purchase_amount", FieldType.DECIMAL)


def _deal(deal_id: str, partner: str, amount: str, now: datetime) -> dict[str, Any]:
    return {
        "id": deal_id, "title": f"Поставка {deal_id}", "amount": Decimal(amount),
        "partner_id": partner, "responsible_manager": "anna",
        "expected_close": (now + timedelta(days=10)).date(),
    }  # fmt: skip


def _request(request_id: str, region: str, product: str, now: datetime) -> Request:
    return Request(
        id=RequestId(request_id), source="website_form", received_at=now,
        contact=ContactData(name="Клиент", region=region, emails=(Email.parse("c@example.com"),)),
        items=(RequestedItem(product=product, quantity=Decimal(1)),),
        estimated_amount=Money.of("20000", "RUB"),
    )  # fmt: skip


def _row(command: Command) -> list[str]:
    action = command.action
    shown = getattr(action, "text", None) or getattr(action, "title", None) or ""
    if command.assignment is not None:
        shown = f"{command.assignment.user}: {command.assignment.reason}"
    return [command.rule_id, command.entity_id, action.kind, shown]


def chapter(world: World, now: datetime) -> Iterator[str]:
    """The four rules stored, run on events of deals and requests, and one trace explained."""
    converter = make_converter()
    repository = MemoryRuleRepository()
    for data in RULES:
        repository.add(converter.structure(data, Rule))
    engine = RuleEngine(repository.list(all_versions=True), schemas=_schemas())
    context = RuleContext(facts=_Facts(world), staff=STAFF)
    yield f"{len(repository.list())} rules are stored:"
    yield from table(["rule", "when"], [[r.id, r.name] for r in repository.list()])
    deals = [_deal("d-1", "romashka", "150000", now), _deal("d-2", "vostok", "40000", now)]
    commands = [
        *_deal_commands(engine, context, deals, now),
        *_request_commands(engine, context, now),
        *_due_commands(engine, context, repository.list(), deals, now),
    ]
    yield ""
    yield f"The rules handed {len(commands)} commands to the host:"
    yield from table(["rule", "record", "action", "details"], [_row(c) for c in commands])
    yield from _explained(engine, context, deals[1], now)


def _deal_commands(
    engine: RuleEngine, context: RuleContext, deals: list[dict[str, Any]], now: datetime
) -> Iterator[Command]:
    for deal in deals:
        opened = DealOpened(entity_id=deal["id"], occurred_at=now)
        yield from _run(engine, opened, context, deal, now).commands
        won = DealWon(entity_id=deal["id"], occurred_at=now, changes={"status": Change(new="won")})
        yield from _run(engine, won, context, deal, now).commands


def _request_commands(engine: RuleEngine, context: RuleContext, now: datetime) -> Iterator[Command]:
    staff = context.staff or STAFF
    arrivals = (("q-1", "Сибирь", "кружки"), ("q-2", "Москва", "чай зелёный"),
                ("q-3", "Москва", "кружки"), ("q-4", "Тула", "кружки"))  # fmt: skip
    for request_id, region, product in arrivals:
        request = _request(request_id, region, product, now)
        event = RequestRegistered(entity_id=request.id, occurred_at=now)
        outcome = _run(engine, event, attrs.evolve(context, staff=staff), request, now)
        yield from outcome.commands
        staff = _rotated(staff, outcome)


def _due_commands(
    engine: RuleEngine,
    context: RuleContext,
    rules: tuple[Rule, ...],
    deals: list[dict[str, Any]],
    now: datetime,
) -> Iterator[Command]:
    due = due_time_triggers(rules, {"deal": deals}, since=now, now=now + timedelta(days=8))
    for trigger in due.due:
        record = next(deal for deal in deals if deal["id"] == trigger.entity_id)
        yield from engine.process_due(
            trigger, context=attrs.evolve(context, record=record), now=now
        ).commands


def _run(
    engine: RuleEngine, event: Any, context: RuleContext, record: object, now: datetime
) -> RuleOutcome:
    return engine.process(event, context=attrs.evolve(context, record=record), now=now)


def _rotated(staff: Staff, outcome: RuleOutcome) -> Staff:
    for command in outcome.commands:
        if command.assignment is not None and command.assignment.rotation:
            staff = attrs.evolve(staff, rotation=command.assignment.rotation)
    return staff


def _explained(
    engine: RuleEngine, context: RuleContext, deal: dict[str, Any], now: datetime
) -> Iterator[str]:
    opened = DealOpened(entity_id=deal["id"], occurred_at=now)
    outcome = engine.process(
        opened, context=attrs.evolve(context, record=deal), now=now, explain=True
    )
    (trace,) = outcome.trace
    yield ""
    yield f"Why {trace.rule_id} did not fire for {deal['id']} ({trace.reason}):"
    rows = [
        [
            node.path,
            node.field or "",
            node.op,
            str(node.actual),
            str(node.expected),
            str(node.result),
        ]
        for node in trace.nodes
    ]
    yield from table(["node", "field", "op", "actual", "expected", "result"], rows)
