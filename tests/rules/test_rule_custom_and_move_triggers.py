"""Date and change triggers on custom fields, and status moves seen by ``changed`` triggers."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from crmcore.app import CRM, Settings
from crmcore.app.commands import RegisterPartner
from crmcore.customfields import CustomField, CustomFieldRegistry, CustomFieldType
from crmcore.deals import DealChanged, DealMoved, DealWon
from crmcore.errors import DomainValidationError
from crmcore.events import Change, DomainEvent
from crmcore.memory import MemoryStore
from crmcore.partners import PartnerChanged, PartnerDraft
from crmcore.requests import RequestStatusChanged
from crmcore.rules import (
    Member,
    Rule,
    RuleContext,
    RuleEngine,
    Staff,
    default_schemas,
    due_time_triggers,
    validate_rule,
)
from crmcore.serialization import make_converter

NOW = datetime(2026, 6, 1, 9, tzinfo=UTC)
CONVERTER = make_converter()
REGISTRY = (
    CustomFieldRegistry()
    .with_field("partner", CustomField(name="contract_end", type=CustomFieldType.DATE))
    .with_field("partner", CustomField(name="tier", type=CustomFieldType.TEXT))
)
SCHEMAS = default_schemas(REGISTRY)
CONTRACT_ENDS_SOON = {
    "id": "contract-ends", "name": "Three days before the contract ends",
    "trigger": {"entity": "partner", "on": "date", "field": "custom.contract_end", "offset": 3},
    "then": [{"action": "send_message", "text": "The contract of {{ short_name }} ends soon"}],
}  # fmt: skip


def _rule(data: dict[str, Any]) -> Rule:
    rule: Rule = CONVERTER.structure(data, Rule)
    validate_rule(rule, schemas=SCHEMAS, lifecycle_moves=True)
    return rule


def test_a_date_trigger_on_a_partners_contract_end_comes_due_three_days_before() -> None:
    rule = _rule(CONTRACT_ENDS_SOON)
    records = {"partner": [
        {"id": "p-1", "custom": {"contract_end": date(2026, 6, 5)}},
        {"id": "p-2", "custom": {"contract_end": date(2026, 7, 1)}},
        {"id": "p-3", "custom": {}},
    ]}  # fmt: skip
    due = due_time_triggers(
        [rule], records, since=NOW, now=NOW + timedelta(days=1), schemas=SCHEMAS
    )
    assert [(d.entity_id, d.field, d.due_at) for d in due.due] == [
        ("p-1", "custom.contract_end", datetime(2026, 6, 2, tzinfo=UTC))
    ]


def test_a_date_trigger_on_a_custom_text_field_is_refused() -> None:
    data = {
        **CONTRACT_ENDS_SOON,
        "trigger": {**CONTRACT_ENDS_SOON["trigger"], "field": "custom.tier"},
    }  # type: ignore[dict-item]
    with pytest.raises(DomainValidationError, match=r"trigger\.field: must be a date field"):
        _rule(data)


def test_crm_tick_reminds_of_a_contract_that_ends_in_three_days() -> None:
    settings = Settings(
        custom_fields=REGISTRY,
        staff=Staff(members=(Member(user="anna"),)),
    )
    crm = CRM(MemoryStore(), settings=settings, rules=[_rule(CONTRACT_ENDS_SOON)])
    draft = PartnerDraft(
        kind="legal_entity", roles=["client"], short_name="ООО «Ромашка»",
        responsible_manager="anna", custom={"contract_end": date(2026, 6, 5)},
    )  # type: ignore[arg-type]  # fmt: skip
    crm.execute(RegisterPartner(draft=draft), actor="anna", now=NOW)
    crm.tick(NOW)
    assert crm.tick(NOW + timedelta(hours=12)).outbox == ()
    ticked = crm.tick(NOW + timedelta(days=1))
    (message,) = ticked.outbox
    assert message.command.action.text == "The contract of ООО «Ромашка» ends soon"  # type: ignore[attr-defined]
    assert crm.tick(NOW + timedelta(days=2)).outbox == ()


def _fired(rules: list[Rule], event: DomainEvent, record: Any = None) -> list[str]:
    engine = RuleEngine(rules, schemas=SCHEMAS, lifecycle_moves=True)
    outcome = engine.process(event, context=RuleContext(record=record), now=NOW)
    assert outcome.failures == ()
    return [command.rule_id for command in outcome.commands]


def _watching(rule_id: str, entity: str, *fields: str, **trigger: Any) -> Rule:
    return _rule({
        "id": rule_id, "name": f"Watch {', '.join(fields)}",
        "trigger": {"entity": entity, "on": "changed", "fields": list(fields), **trigger},
        "then": [{"action": "send_message", "text": "Changed"}],
    })  # fmt: skip


def _custom_change(old: dict[str, Any], new: dict[str, Any]) -> PartnerChanged:
    return PartnerChanged(
        entity_id="p-1", occurred_at=NOW, changes={"custom": Change(old=old, new=new)}
    )


def test_a_changed_trigger_watches_one_custom_field_of_the_partner() -> None:
    rules = [_watching("contract", "partner", "custom.contract_end")]
    moved = _custom_change({"contract_end": "2026-06-30"}, {"contract_end": "2026-07-31"})
    other = _custom_change(
        {"contract_end": "2026-06-30", "tier": "gold"},
        {"contract_end": "2026-06-30", "tier": "silver"},
    )
    assert _fired(rules, moved) == ["contract"]
    assert _fired(rules, other) == []


def test_a_changed_trigger_on_a_custom_field_can_await_its_new_value() -> None:
    rules = [_watching("gold", "partner", "custom.tier", to_value="gold")]
    assert _fired(rules, _custom_change({"tier": "silver"}, {"tier": "gold"})) == ["gold"]
    assert _fired(rules, _custom_change({"tier": "gold"}, {"tier": "silver"})) == []
    assert _fired(rules, _custom_change({}, {"contract_end": "2026-06-30"})) == []


def test_a_changed_trigger_on_a_field_and_a_custom_field_fires_on_either() -> None:
    rules = [_watching("either", "partner", "segment", "custom.tier")]
    segment = PartnerChanged(
        entity_id="p-1", occurred_at=NOW, changes={"segment": Change(old=None, new="key")}
    )
    assert _fired(rules, segment) == ["either"]
    assert _fired(rules, _custom_change({"tier": "a"}, {"tier": "b"})) == ["either"]
    assert _fired(rules, _custom_change({"contract_end": "x"}, {"contract_end": "y"})) == []


def test_a_fact_cannot_be_watched() -> None:
    schemas = SCHEMAS.with_fact(
        "partner", "last_purchase_amount", SCHEMAS.get("deal").fields["amount"].type
    )
    rule = CONVERTER.structure(
        {"id": "fact", "name": "Fact", "then": [{"action": "send_message", "text": "x"}],
         "trigger": {"entity": "partner", "on": "changed", "fields": ["last_purchase_amount"]}},
        Rule,
    )  # fmt: skip
    with pytest.raises(
        DomainValidationError, match="must be a field or custom field of the record"
    ):
        validate_rule(rule, schemas=schemas)


def test_a_won_deal_reaches_the_rules_watching_its_status() -> None:
    rules = [
        _watching("status", "deal", "status"),
        _watching("won", "deal", "status", to_value="won"),
        _watching("title", "deal", "title"),
        _rule({"id": "any-edit", "name": "Any edit", "trigger": {"entity": "deal", "on": "changed"},
               "then": [{"action": "send_message", "text": "Edited"}]}),
    ]  # fmt: skip
    won = DealWon(
        entity_id="d-1", occurred_at=NOW, changes={"status": Change(old="open", new="won")}
    )
    assert _fired(rules, won) == ["status", "won"]
    edited = DealChanged(
        entity_id="d-1", occurred_at=NOW, changes={"title": Change(old="Tea", new="Green tea")}
    )
    assert _fired(rules, edited) == ["any-edit", "title"]


def test_a_stage_move_reaches_the_rules_watching_the_stage() -> None:
    rules = [_watching("stage", "deal", "stage", from_value="offer")]
    moved = DealMoved(
        entity_id="d-1", occurred_at=NOW, changes={"stage": Change(old="offer", new="contract")}
    )
    assert _fired(rules, moved) == ["stage"]


def test_taking_a_request_into_work_reaches_the_rules_watching_its_manager() -> None:
    rules = [_watching("manager", "request", "responsible_manager")]
    taken = RequestStatusChanged(
        entity_id="r-1", occurred_at=NOW,
        changes={"status": Change(old="new", new="in_progress"),
                 "responsible_manager": Change(old=None, new="anna")},
    )  # fmt: skip
    assert _fired(rules, taken) == ["manager"]
