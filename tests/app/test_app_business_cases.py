"""Business cases of the application layer: a rule that moves a meeting keeps its real
length, across a clock change too."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from app_samples import NOW, rule, settings

from crmcore.app import CRM
from crmcore.app.commands import PlanInteraction
from crmcore.interactions import InteractionDraft

BERLIN = ZoneInfo("Europe/Berlin")


def test_a_rule_moving_a_two_hour_meeting_onto_the_clock_change_night_keeps_two_hours() -> None:
    # Clocks in Berlin go from 02:00 to 03:00 on 29 March 2026.
    moved_to = datetime(2026, 3, 29, 1, 30, tzinfo=BERLIN)
    data = {
        "id": "r", "name": "Move meetings",
        "trigger": {"entity": "interaction", "on": "created"},
        "then": [{"action": "set_fields", "values": {"start": moved_to.isoformat()}}],
    }  # fmt: skip
    crm = CRM.in_memory(settings=settings(), rules=[rule(data)])
    draft = InteractionDraft(
        kind="meeting", topic="Образцы",
        start=datetime(2026, 3, 28, 10, tzinfo=BERLIN),
        end=datetime(2026, 3, 28, 12, tzinfo=BERLIN),
    )  # fmt: skip
    planned = crm.execute(PlanInteraction(draft=draft), actor="anna", now=NOW)
    assert planned.failures == ()
    meeting = crm.get("interaction", planned.result.id)
    assert meeting.start.astimezone(UTC) == moved_to.astimezone(UTC)
    assert meeting.end.astimezone(UTC) - meeting.start.astimezone(UTC) == timedelta(hours=2)
