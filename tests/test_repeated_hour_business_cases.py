"""Moments written on one local clock in the hour that repeats when the clocks go back: a
report and a rule's effective period judge them as instants, not by their wall clocks (Python
compares two moments of one zone by the clock alone)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from crmcore.app import CRM
from crmcore.app.commands import ReceiveWebForm
from crmcore.rules import Rule, SendMessage, Trigger, TriggerKind

BERLIN = ZoneInfo("Europe/Berlin")
# 25 October 2026: at 03:00 summer time the clocks go back to 02:00, so 02:00-03:00 repeats.
MIDNIGHT = datetime(2026, 10, 25, 0, 0, tzinfo=BERLIN)
END = datetime(2026, 10, 25, 2, 30, tzinfo=BERLIN)  # the first 02:30, 00:30 UTC
BEFORE_END = datetime(2026, 10, 25, 2, 20, tzinfo=BERLIN)  # the first 02:20, 00:20 UTC
AFTER_END = datetime(2026, 10, 25, 2, 10, fold=1, tzinfo=BERLIN)  # the second 02:10, 01:10 UTC


def test_a_lead_of_the_second_0210_is_after_a_period_ending_at_the_first_0230() -> None:
    crm = CRM.in_memory()
    for email, at in (("anna@example.com", BEFORE_END), ("boris@example.com", AFTER_END)):
        crm.execute(ReceiveWebForm(payload={"name": "A", "email": email}), actor="system", now=at)
    report = crm.marketing.attribution(start=MIDNIGHT, end=END)
    assert report.unattributed_leads == 1


def test_a_rule_may_run_from_the_first_0240_until_the_second_0210() -> None:
    rule = Rule(
        id="night",
        name="Night shift",
        trigger=Trigger(entity="deal", on=TriggerKind.CREATED),
        then=(SendMessage(text="hello"),),
        effective_from=datetime(2026, 10, 25, 2, 40, tzinfo=BERLIN),  # 00:40 UTC
        effective_until=AFTER_END,  # 01:10 UTC, half an hour later
    )
    assert rule.effective_until == AFTER_END
