"""The four rules of the automation how-to, and the world they run in."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, Final

from crmcore.customfields import CustomField, CustomFieldRegistry, CustomFieldType
from crmcore.rules import (
    FieldType,
    Member,
    Operator,
    Rule,
    SchemaRegistry,
    Staff,
    default_schemas,
)
from crmcore.serialization import make_converter

NOW: Final = datetime(2026, 6, 1, 9, tzinfo=UTC)
CONVERTER: Final = make_converter()

BIG_DEALS: Final = {
    "id": "big-deals",
    "name": "Big deals go to the head of sales",
    "priority": 10,
    "trigger": {"entity": "deal", "on": "created"},
    "when": {
        "all": [
            {"field": "amount", "op": "gt", "value": 100000},
            {"not": {"field": "partner.segment", "op": "eq", "value": "key"}},
        ]
    },
    "then": [{"action": "assign_manager", "strategy": "head_of_department"}],
}
NEW_REQUESTS: Final = {
    "id": "new-requests",
    "name": "New requests by region, source, amount and product",
    "trigger": {"entity": "request", "on": "created"},
    "then": [
        {
            "action": "assign_manager",
            "strategy": {
                "kind": "field_mapping",
                "rows": [
                    {
                        "when": {
                            "all": [
                                {"field": "region", "op": "eq", "value": "Siberia"},
                                {"field": "amount", "op": "ge", "value": 500000},
                            ]
                        },
                        "user": "vera",
                    },
                    {
                        "when": {"field": "source", "op": "eq", "value": "exhibition"},
                        "user": "gleb",
                    },
                    {
                        "when": {"field": "product", "op": "starts_with", "value": "tea"},
                        "team": "tea",
                    },
                ],
                "otherwise": {"kind": "round_robin", "team": "sales"},
            },
        }
    ],
}
AUDI_SMS: Final = {
    "id": "audi-sms",
    "name": "SMS to Audi drivers and big buyers",
    "trigger": {"entity": "deal", "on": "status_set", "to_value": "won"},
    "when": {
        "any": [
            {"field": "partner.custom.car_brand", "op": "eq", "value": "Audi"},
            {"field": "partner.last_purchase_amount", "op": "gt", "value": 50000},
        ]
    },
    "then": [{"action": "sms_client", "text": "Thank you, {{ partner.short_name }}!"}],
}
CLOSE_SOON: Final = {
    "id": "close-soon",
    "name": "A task three days before the expected close",
    "trigger": {"entity": "deal", "on": "date", "field": "expected_close", "offset": 3},
    "then": [{"action": "create_task", "title": "Close {{ title }}", "due_in": "P1D"}],
}
EXAMPLES: Final = (BIG_DEALS, NEW_REQUESTS, AUDI_SMS, CLOSE_SOON)


def schemas() -> SchemaRegistry:
    """Default schemas with the car brand custom field and the last purchase fact."""
    brand = CustomField(name="car_brand", type=CustomFieldType.CHOICE, choices=("Audi", "BMW"))
    registry = CustomFieldRegistry().with_field("partner", brand)
    return default_schemas(registry).with_fact("partner", "last_purchase_amount", FieldType.DECIMAL)


def example_rules() -> list[Rule]:
    """The four examples as rules."""
    return [CONVERTER.structure(data, Rule) for data in EXAMPLES]


STAFF: Final = Staff(
    members=(
        Member(user="anna", teams=("sales",), department="sales"),
        Member(user="boris", teams=("sales",), department="sales"),
        Member(user="vera", teams=("sales",), department="sales", on_leave=True),
        Member(user="gleb", teams=("tea",), department="sales"),
        Member(user="olga", department="sales"),
    ),
    heads={"sales": "olga"},
)


class Facts:
    """Partners and their last purchases as a host would know them."""

    def __init__(self, partners: dict[str, dict[str, Any]], purchases: dict[str, Decimal]) -> None:
        self.partners = partners
        self.purchases = purchases
        self.asked: list[tuple[str, str]] = []

    def record(self, entity: str, entity_id: str) -> object | None:
        self.asked.append((entity, entity_id))
        return self.partners.get(entity_id) if entity == "partner" else None

    def fact(self, entity: str, entity_id: str, name: str) -> object | None:
        return self.purchases.get(entity_id) if name == "last_purchase_amount" else None


def deal(**fields: Any) -> dict[str, Any]:
    """A deal record as a mapping."""
    record: dict[str, Any] = {
        "id": "d-1",
        "title": "Green tea",
        "amount": Decimal(150000),
        "partner_id": "p-1",
        "responsible_manager": "anna",
        "expected_close": date(2026, 6, 10),
        "status": "open",
    }
    record.update(fields)
    return record


def _longer_than(actual: object, expected: object) -> bool:
    return isinstance(actual, str) and isinstance(expected, int) and len(actual) > expected


LONGER_THAN: Final = Operator(
    name="longer_than",
    test=_longer_than,
    types=frozenset({FieldType.TEXT}),
    value_type=FieldType.INTEGER,
)
"""An operator as a plugin would ship it."""
