"""Business cases of the application layer: a rule that moves a meeting keeps its real
length, across a clock change too, and a pipeline is checked against the gates it runs with."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import attrs
import pytest
from app_samples import NOW, rule, settings

from crmcore.app import CRM
from crmcore.app.commands import AddPipeline, PlanInteraction
from crmcore.deals import TYPICAL_SALE, StageGate
from crmcore.errors import DomainValidationError, EntityNotFoundError
from crmcore.ids import PipelineId
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


def test_settings_with_a_stage_asking_for_a_linked_document_of_no_kind_are_refused() -> None:
    stages = list(TYPICAL_SALE.stages)
    stages[1] = attrs.evolve(stages[1], gates=(StageGate(gate="document_linked"),))
    stages[2] = attrs.evolve(stages[2], gates=(StageGate(gate="signed_in_blood"),))
    pipeline = attrs.evolve(TYPICAL_SALE, id=PipelineId("own_sale"), stages=tuple(stages))
    with pytest.raises(DomainValidationError) as refused:
        settings(pipelines=(TYPICAL_SALE, pipeline))
    assert [violation.field for violation in refused.value.violations] == [
        "pipelines[1].stages[2].gates[0].gate",
        "pipelines[1].stages[1].gates[0].argument",
    ]
    fixed = (StageGate(gate="document_linked", argument="sales_document"),)
    stages[1] = attrs.evolve(stages[1], gates=fixed)
    stages[2] = TYPICAL_SALE.stages[2]
    assert settings(pipelines=(attrs.evolve(pipeline, stages=tuple(stages)),)).pipelines


def test_a_pipeline_added_with_a_stage_asking_for_a_document_of_no_kind_is_refused() -> None:
    crm = CRM.in_memory(settings=settings())
    stages = list(TYPICAL_SALE.stages)
    stages[1] = attrs.evolve(stages[1], gates=(StageGate(gate="document_linked"),))
    pipeline = attrs.evolve(TYPICAL_SALE, id=PipelineId("own_sale"), stages=tuple(stages))
    with pytest.raises(DomainValidationError) as refused:
        crm.execute(AddPipeline(pipeline=pipeline), actor="anna", now=NOW)
    assert refused.value.field == "pipeline.stages[1].gates[0].argument"
    with pytest.raises(EntityNotFoundError):
        crm.funnel("own_sale", start=NOW, end=NOW)
