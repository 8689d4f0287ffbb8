"""The deal lifecycles: python-statemachine stays their definition, and the transition table
used on the hot path always agrees with running the machine."""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from crmcore.deals import (
    LONG_PROJECT,
    MANUAL_SALE,
    STATUS,
    TYPICAL_SALE,
    DealKind,
    DealStatus,
    Pipeline,
    pipeline_diagram,
    stage_lifecycle,
)
from crmcore.deals.lifecycle import event_to, stage_routes
from crmcore.errors import DomainValidationError, InvalidTransitionError
from crmcore.lifecycle import Lifecycle
from crmcore.testing.strategies import pipelines

STATUS_EVENTS = ("move", "win", "lose", "suspend", "resume", "reopen")


def outcome(lifecycle: Lifecycle, state: str, event: str, how: str) -> str | tuple[str, ...]:
    """The target by the table or by the machine, or the allowed events of a refusal."""
    try:
        return getattr(lifecycle, how)(state, event)
    except InvalidTransitionError as error:
        return error.allowed


def assert_table_agrees_with_machine(lifecycle: Lifecycle, events: list[str]) -> None:
    for state in lifecycle.definition.states:
        for event in events:
            by_table = outcome(lifecycle, state, event, "target")
            assert by_table == outcome(lifecycle, state, event, "fire"), (state, event)


@settings(max_examples=30, deadline=None)
@given(pipeline=pipelines(kinds=(DealKind.CONTROLLED, DealKind.MANUAL), max_stages=5))
def test_the_stage_table_agrees_with_the_machine(pipeline: Pipeline) -> None:
    lifecycle = stage_lifecycle(pipeline)
    names = [stage.name for stage in pipeline.ordered]
    assert_table_agrees_with_machine(lifecycle, [event_to(name) for name in [*names, "nowhere"]])


@settings(max_examples=30, deadline=None)
@given(pipeline=pipelines(kinds=(DealKind.CONTROLLED, DealKind.MANUAL), max_stages=5))
def test_the_routes_of_moves_agree_with_the_machine(pipeline: Pipeline) -> None:
    lifecycle = stage_lifecycle(pipeline)
    routes = stage_routes(pipeline)
    names = [stage.name for stage in pipeline.ordered]
    assert sorted(routes) == sorted(names)
    for source in names:
        for target in names:
            by_machine = outcome(lifecycle, source, event_to(target), "fire") == target
            assert (source in routes[target].sources) == by_machine, (source, target)
            assert routes[target].stage == pipeline.stage(target)


def test_the_status_table_agrees_with_the_machine() -> None:
    assert_table_agrees_with_machine(STATUS, list(STATUS_EVENTS))


def test_only_an_open_deal_moves_and_a_closed_one_is_reopened() -> None:
    assert STATUS.allowed_events(DealStatus.OPEN.value) == ("lose", "move", "suspend", "win")
    assert STATUS.allowed_events(DealStatus.SUSPENDED.value) == ("lose", "resume")
    assert STATUS.allowed_events(DealStatus.LOST.value) == ("reopen",)


def test_a_controlled_deal_moves_on_or_back_and_a_manual_one_anywhere() -> None:
    controlled = stage_lifecycle(TYPICAL_SALE)
    assert controlled.allowed_events("qualification") == ("to_commercial_offer", "to_first_contact")
    with pytest.raises(InvalidTransitionError) as raised:
        controlled.target("first_contact", "to_contract", entity=("deal", "d-1"))
    assert (raised.value.entity_id, raised.value.allowed) == ("d-1", ("to_qualification",))
    manual = stage_lifecycle(MANUAL_SALE)
    assert len(manual.allowed_events("first_contact")) == 4


def test_lifecycles_are_compiled_once_per_pipeline() -> None:
    assert stage_lifecycle(TYPICAL_SALE) is stage_lifecycle(TYPICAL_SALE)


def test_an_unstaged_pipeline_has_no_stage_lifecycle() -> None:
    with pytest.raises(DomainValidationError):
        stage_lifecycle(LONG_PROJECT)


def test_diagrams_are_mermaid_drawn_from_the_machines() -> None:
    typical = pipeline_diagram(TYPICAL_SALE)
    assert typical.startswith("stateDiagram-v2")
    assert "[*] --> first_contact" in typical
    assert "qualification --> commercial_offer : To commercial offer" in typical
    assert "won --> open : Reopen" in pipeline_diagram(LONG_PROJECT)
