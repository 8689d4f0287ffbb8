"""The demo's CRM: one :class:`~crmcore.app.crm.CRM` on a memory store, its settings, staff
and rules, and the story's clock; every chapter changes the CRM only through commands."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Any, Final
from zoneinfo import ZoneInfo

import attrs

from crmcore.app.commands import CRMCommand
from crmcore.app.crm import CRM, Executed
from crmcore.app.settings import Settings
from crmcore.app.store import Store
from crmcore.claims import (
    ClaimPriority,
    ClaimReason,
    ClaimSettings,
    DeadlinePolicy,
    DeadlineRules,
    ReasonClassifier,
)
from crmcore.customfields import CustomField, CustomFieldRegistry, CustomFieldType
from crmcore.ids import UserId
from crmcore.intake import SpamRules
from crmcore.rules import Command, FieldType, Member, Rule, Staff, default_schemas
from crmcore.serialization import make_converter
from crmcore.workcalendar import HolidayRule, WorkingCalendar, WorkingPeriod

__all__ = ["MOSCOW", "RULES", "STAFF", "Story", "new_crm", "settings"]

MOSCOW: Final = ZoneInfo("Europe/Moscow")
RULES: Final[tuple[Mapping[str, Any], ...]] = (
    {"id": "big-deals", "name": "Big deals go to the head of sales", "priority": 10,
     "trigger": {"entity": "deal", "on": "created"},
     "when": {"all": [{"field": "amount", "op": "gt", "value": 1000000},
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
     "when": {"all": [
         {"field": "pipeline_id", "op": "eq", "value": "typical_sale"},
         {"any": [{"field": "partner.custom.car_brand", "op": "eq", "value": "Audi"},
                  {"field": "partner.last_purchase_amount", "op": "gt", "value": 50000}]}]},
     "then": [{"action": "sms_client", "text": "Спасибо за покупку, {{ partner.short_name }}!"}]},
    {"id": "won-to-erp", "name": "Won typical sales go to the ERP",
     "trigger": {"entity": "deal", "on": "status_set", "to_value": "won"},
     "when": {"field": "pipeline_id", "op": "eq", "value": "typical_sale"},
     "then": [{"action": "call_webhook", "url": "https://erp.example/hooks/deal-won",
               "body": "{\"deal\": \"{{ id }}\"}"},
              {"action": "send_message", "to": ["head"],
               "text": "Сделка «{{ title }}» выиграна"}]},
    {"id": "claim-received", "name": "Acknowledge an emailed claim, tell the head",
     "trigger": {"entity": "claim", "on": "created"},
     "when": {"field": "channel", "op": "eq", "value": "email"},
     "then": [{"action": "email_client", "subject": "Претензия {{ id }} принята",
               "body": "Мы ответим в срок."},
              {"action": "send_message", "to": ["head"], "text": "Новая претензия {{ id }}"}]},
    {"id": "close-soon", "name": "A task three days before the expected close",
     "trigger": {"entity": "deal", "on": "date", "field": "expected_close", "offset": 3},
     "then": [{"action": "create_task", "title": "Закрыть сделку «{{ title }}»",
               "due_in": "P1D"}]},
)  # fmt: skip
STAFF: Final = Staff(
    members=(
        Member(user=UserId("anna"), teams=("sales",), department="sales"),
        Member(user=UserId("boris"), teams=("sales",), department="sales"),
        Member(user=UserId("gleb"), teams=("tea",), department="sales"),
        Member(user=UserId("olga"), department="sales"),
        Member(user=UserId("igor"), department="quality"),
    ),
    heads={"sales": UserId("olga"), "quality": UserId("igor")},
)
_HOUR: Final = timedelta(hours=1)
_CALENDAR: Final = WorkingCalendar(
    time_zone="Europe/Moscow",
    hours=(WorkingPeriod(start=time(9), end=time(13)), WorkingPeriod(start=time(14), end=time(18))),
    holiday_rules=(
        HolidayRule(name="New Year", rule="FREQ=YEARLY;BYMONTH=1;BYMONTHDAY=1,2,3,4,5,6,7,8"),
        HolidayRule(name="Defender's Day", rule="FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=23"),
        HolidayRule(name="Women's Day", rule="FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=8"),
        HolidayRule(name="Spring and Labour Day", rule="FREQ=YEARLY;BYMONTH=5;BYMONTHDAY=1"),
        HolidayRule(name="Victory Day", rule="FREQ=YEARLY;BYMONTH=5;BYMONTHDAY=9"),
        HolidayRule(name="Russia Day", rule="FREQ=YEARLY;BYMONTH=6;BYMONTHDAY=12"),
        HolidayRule(name="Unity Day", rule="FREQ=YEARLY;BYMONTH=11;BYMONTHDAY=4"),
    ),
)
CLAIMS: Final = ClaimSettings(
    reasons=ReasonClassifier(
        reasons=(
            ClaimReason(code="packaging", name="Damaged packaging"),
            ClaimReason(code="delivery", name="Late delivery"),
            ClaimReason(code="quality", name="Product quality"),
            ClaimReason(code="billing", name="Billing error"),
        )
    ),
    deadlines=DeadlineRules(
        default=DeadlinePolicy(response=8 * _HOUR, resolution=40 * _HOUR),
        by_priority={ClaimPriority.CRITICAL: DeadlinePolicy(response=_HOUR, resolution=8 * _HOUR)},
    ),
    calendar=_CALENDAR,
)
_LAST_PURCHASES: Final = {"vostok": Decimal("72000"), "romashka": Decimal("8000")}


class _SalesHistory:
    """The host's facts the rules read beside crmcore's records: last purchase amounts."""

    def record(self, entity: str, entity_id: str) -> object | None:
        return None

    def fact(self, entity: str, entity_id: str, name: str) -> object | None:
        return _LAST_PURCHASES.get(entity_id) if name == "last_purchase_amount" else None


def settings() -> Settings:
    """The demo company's settings: staff, a car brand on partner cards, claim deadlines in
    Moscow working hours, and a spam filter for the web forms."""
    brand = CustomField(name="car_brand", type=CustomFieldType.CHOICE, choices=("Audi", "BMW"))
    fields = CustomFieldRegistry().with_field("partner", brand)
    schemas = default_schemas(fields).with_fact(
        "partner", "last_purchase_amount", FieldType.DECIMAL
    )
    return Settings(
        staff=STAFF,
        calendar=_CALENDAR,
        zone=MOSCOW,
        custom_fields=fields,
        schemas=schemas,
        claims=CLAIMS,
        spam=SpamRules(max_links=2, blocked_domains=frozenset({"casino.example"})),
    )


def new_crm(store: Store | None = None) -> CRM:
    """The demo's CRM on ``store`` (a new memory store by default), with its rules stored."""
    converter = make_converter()
    rules = [converter.structure(dict(data), Rule) for data in RULES]
    if store is None:
        return CRM.in_memory(settings=settings(), rules=rules, facts=_SalesHistory())
    return CRM(store, settings=settings(), rules=rules, facts=_SalesHistory())


@attrs.define
class Story:
    """The CRM the chapters share, the moment the story is told at, and every command run."""

    now: datetime
    crm: CRM = attrs.field(factory=new_crm)
    executed: list[Executed[Any]] = attrs.field(factory=list)

    def run(self, command: CRMCommand, *, actor: str, at: datetime | None = None) -> Any:
        """Execute ``command`` for ``actor`` at ``at`` (the story's moment by default) and
        return its result; what it did is kept for the last chapters."""
        done = self.crm.execute(command, actor=actor, now=at or self.now)
        self.executed.append(done)
        return done.result

    @property
    def last(self) -> Executed[Any]:
        """What the last command did."""
        return self.executed[-1]

    def rule_commands(self) -> Iterator[Command]:
        """The commands the rules produced, in the order of the story."""
        for done in self.executed:
            yield from done.commands

    def day_at(self, hour: int, minute: int = 0, *, days: int = 0) -> datetime:
        """``hour:minute`` in Moscow on the story's day, ``days`` later (or earlier)."""
        day = self.now.astimezone(MOSCOW).date() + timedelta(days=days)
        return datetime.combine(day, time(hour, minute), tzinfo=MOSCOW)
