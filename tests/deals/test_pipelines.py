"""Pipelines as data: every structural problem reported at once, gates checked against the
loaded ones, JSON forms parsed strictly."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import attrs
import pytest

from crmcore.deals import (
    BUILTIN_GATES,
    BUILTIN_PIPELINES,
    TYPICAL_SALE,
    DealKind,
    Pipeline,
    Stage,
    StageGate,
    load_gates,
    parse_pipeline,
)
from crmcore.deals.pipeline import MAX_STAGES
from crmcore.errors import DomainValidationError
from crmcore.ids import PipelineId
from crmcore.serialization import make_converter


def stage(name: str, order: int, **changes: Any) -> Stage:
    return Stage(name=name, title=name.title(), order=order, probability=Decimal(50), **changes)


def test_the_builtin_pipelines_are_valid_and_know_their_gates() -> None:
    for pipeline in BUILTIN_PIPELINES.values():
        assert list(pipeline.gate_problems(BUILTIN_GATES)) == []
    assert TYPICAL_SALE.final_stages == ("contract",)
    assert TYPICAL_SALE.forward("qualification") == ("commercial_offer",)


def test_every_structural_problem_is_reported_at_once() -> None:
    with pytest.raises(DomainValidationError) as raised:
        Pipeline(
            id=PipelineId("broken"),
            title="Broken",
            kind=DealKind.CONTROLLED,
            stages=(
                stage("lead", 1, next_stages=("offer", "nowhere")),
                stage("offer", 2),
                stage("offer", 3),
                stage("tender", 3),
                stage("orphan", 9),
            ),
            lost_reasons=("price", "price"),
            win_at_any_stage=True,
        )
    fields = [violation.field for violation in raised.value.violations]
    assert fields == [
        "stages[0].next_stages[1]",
        "stages[2].name",
        "stages[3].order",
        "stages",
        "win_at_any_stage",
        "lost_reasons[1]",
    ]
    assert "final stage" in raised.value.violations[3].message


def test_unreachable_stages_and_dead_ends_of_a_controlled_pipeline_are_named() -> None:
    with pytest.raises(DomainValidationError) as raised:
        Pipeline(
            id=PipelineId("jumps"),
            title="Jumps",
            kind=DealKind.CONTROLLED,
            stages=(
                stage("lead", 1, next_stages=("contract",)),
                stage("offer", 2),
                stage("contract", 3, next_stages=("offer",), final=True),
                stage("tender", 4),
            ),
            win_at_any_stage=True,
        )
    assert [(v.field, v.value) for v in raised.value.violations] == [
        ("stages[3]", "tender"),
        ("win_at_any_stage", True),
    ]


def test_a_controlled_dead_end_that_is_reached_is_reported() -> None:
    with pytest.raises(DomainValidationError) as raised:
        Pipeline(
            id=PipelineId("dead"),
            title="Dead end",
            kind=DealKind.CONTROLLED,
            stages=(stage("lead", 1), stage("offer", 3), stage("contract", 2, final=True)),
        )  # fmt: skip
    assert raised.value.fields == ("stages[1]",)
    assert "dead end" in raised.value.violations[0].message


def test_manual_pipelines_may_reach_every_stage_and_unstaged_have_none() -> None:
    manual = Pipeline(
        id=PipelineId("free"),
        title="Free",
        kind=DealKind.MANUAL,
        stages=(stage("b", 2, final=True), stage("a", 1)),
        win_at_any_stage=True,
    )
    assert [s.name for s in manual.ordered] == ["a", "b"]
    with pytest.raises(DomainValidationError, match="unstaged pipeline has no stages"):
        Pipeline(id=PipelineId("x"), title="X", kind=DealKind.UNSTAGED, stages=(stage("a", 1),))
    with pytest.raises(DomainValidationError, match="needs stages"):
        Pipeline(id=PipelineId("x"), title="X", kind=DealKind.MANUAL)


def test_bad_fields_of_stages_name_their_paths() -> None:
    with pytest.raises(DomainValidationError) as raised:
        Stage(name="Offer!", title=" ", order=-1, probability=Decimal(101), expected_days=-2)
    assert raised.value.fields == ("name", "title", "order", "probability", "expected_days")


def test_unknown_stage_names_the_pipeline_and_its_stages() -> None:
    with pytest.raises(DomainValidationError) as raised:
        TYPICAL_SALE.stage("tender")
    assert raised.value.field == "stage"
    assert "first_contact, qualification" in raised.value.violations[0].message


def test_parse_pipeline_reports_structure_and_unknown_gates_together() -> None:
    data = make_converter().unstructure(TYPICAL_SALE)
    data["stages"][1]["gates"] = [{"gate": "credit_approved", "argument": None}]
    data["stages"][2]["name"] = "first_contact"
    with pytest.raises(DomainValidationError) as raised:
        parse_pipeline(data, gates=BUILTIN_GATES)
    assert raised.value.fields == ("stages[2].name", "stages[1].gates[0].gate")
    assert parse_pipeline(make_converter().unstructure(TYPICAL_SALE), gates=BUILTIN_GATES) == (
        TYPICAL_SALE
    )


def test_a_stage_needing_a_linked_document_of_no_kind_does_not_parse() -> None:
    custom = attrs.evolve(
        TYPICAL_SALE, stages=(*TYPICAL_SALE.stages[:3], attrs.evolve(
            TYPICAL_SALE.stages[3], gates=(StageGate(gate="document_linked"),
                                           StageGate(gate="amount_set", argument="100"),
                                           StageGate(gate="custom_field_filled"))),
            TYPICAL_SALE.stages[4]),
    )  # fmt: skip
    data = make_converter().unstructure(custom)
    with pytest.raises(DomainValidationError) as raised:
        parse_pipeline(data, gates=BUILTIN_GATES)
    assert raised.value.fields == tuple(f"stages[3].gates[{n}].argument" for n in range(3))
    assert "supplier_order" in raised.value.violations[0].message
    assert [v.field for v in custom.gate_problems(load_gates())] == list(raised.value.fields)
    fixed = attrs.evolve(custom, stages=(*custom.stages[:3], attrs.evolve(
        custom.stages[3], gates=(StageGate(gate="document_linked", argument="supplier_order"),)),
        custom.stages[4]))  # fmt: skip
    assert parse_pipeline(make_converter().unstructure(fixed), gates=BUILTIN_GATES) == fixed


def test_parse_pipeline_rejects_unknown_gates_of_a_valid_structure() -> None:
    custom = attrs.evolve(
        TYPICAL_SALE, stages=(*TYPICAL_SALE.stages[:4], attrs.evolve(
            TYPICAL_SALE.stages[4], gates=(StageGate(gate="credit_approved"),)))
    )  # fmt: skip
    data = make_converter().unstructure(custom)
    with pytest.raises(DomainValidationError) as raised:
        parse_pipeline(data, gates=BUILTIN_GATES)
    assert raised.value.fields == ("stages[4].gates[0].gate",)
    assert parse_pipeline(data, gates={*BUILTIN_GATES, "credit_approved"}) == custom
    assert [v.field for v in custom.gate_problems(BUILTIN_GATES)] == ["stages[4].gates[0].gate"]


@pytest.mark.parametrize("data", [None, [], {"stages": "x"}, {"stages": [1, {"gates": [2]}]}])
def test_parse_pipeline_of_junk_raises_a_validation_error(data: object) -> None:
    with pytest.raises(DomainValidationError):
        parse_pipeline(data, gates=BUILTIN_GATES)


def test_a_bad_stage_does_not_hide_the_pipeline_s_blank_title() -> None:
    data = make_converter().unstructure(TYPICAL_SALE)
    data["title"] = " "
    data["stages"][0]["probability"] = "150"
    with pytest.raises(DomainValidationError) as raised:
        parse_pipeline(data, gates=BUILTIN_GATES)
    assert raised.value.fields == ("stages[0].probability", "title")


def test_a_pipeline_of_more_stages_than_its_limit_is_refused_at_once() -> None:
    data = make_converter().unstructure(TYPICAL_SALE)
    first = data["stages"][0]
    data["stages"] = [{**first, "name": f"s{i}", "order": i} for i in range(MAX_STAGES + 1)]
    with pytest.raises(DomainValidationError) as raised:
        parse_pipeline(data, gates=BUILTIN_GATES)
    assert raised.value.fields == ("stages",)
    assert f"at most {MAX_STAGES} items" in str(raised.value)
