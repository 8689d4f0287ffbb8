"""The claims models: every problem reported by field, invariants of status and pauses,
investigation plans, round trips through the converter, and the modules' examples."""

import doctest
import pickle
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from types import ModuleType
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import crmcore.claims.editing
import crmcore.claims.investigation
import crmcore.claims.lifecycle
import crmcore.claims.model
import crmcore.claims.planning
import crmcore.claims.reports
import crmcore.claims.selfservice
import crmcore.claims.services
import crmcore.claims.settings
import crmcore.workcalendar
from crmcore import claims
from crmcore.claims import (
    Activity,
    ActivityStatus,
    Attachment,
    Claim,
    Claimant,
    ClaimChanged,
    ClaimChannel,
    ClaimDecided,
    ClaimFormLimits,
    ClaimPlanChanged,
    ClaimReason,
    ClaimRegistered,
    ClaimResult,
    ClaimSettings,
    ClaimStatus,
    ClaimStatusChanged,
    DeadlinePolicy,
    DeadlineRules,
    DocumentKind,
    InvestigationPlan,
    LinkedDocument,
    Pause,
    ReasonClassifier,
    WorkflowStep,
    plan_activity,
    update_activity,
)
from crmcore.errors import BusinessRuleError, DomainValidationError
from crmcore.ids import ClaimId
from crmcore.partners import PartnerRole
from crmcore.serialization import make_converter

AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
CONVERTER = make_converter()
MODELS: tuple[type[Any], ...] = (
    Claim, Claimant, LinkedDocument, Attachment, Pause, WorkflowStep, Activity,
    InvestigationPlan, DeadlinePolicy, DeadlineRules, ClaimReason, ReasonClassifier,
    ClaimSettings, ClaimRegistered, ClaimStatusChanged, ClaimDecided, ClaimPlanChanged,
    ClaimChanged, ClaimFormLimits,
)  # fmt: skip
MODULES: tuple[ModuleType, ...] = (
    crmcore.claims.editing, crmcore.claims.investigation, crmcore.claims.model,
    crmcore.claims.planning,
    crmcore.claims.reports, crmcore.claims.selfservice, crmcore.claims.services,
    crmcore.claims.settings, crmcore.claims.lifecycle, crmcore.workcalendar,
)  # fmt: skip


def claim(**changes: Any) -> Claim:
    fields: dict[str, Any] = {
        "id": ClaimId("c-1"),
        "claimant": Claimant(role=PartnerRole.CLIENT, name="Anna"),
        "registered_at": AT,
        "channel": ClaimChannel.CALL,
        "essence": "Broken",
        "response_due": AT,
        "resolution_due": AT + timedelta(hours=8),
    }
    fields.update(changes)
    return Claim(**fields)


def test_the_public_names_exist() -> None:
    assert len(set(claims.__all__)) == len(claims.__all__)
    assert all(hasattr(claims, name) for name in claims.__all__)


@pytest.mark.parametrize("module", MODULES, ids=lambda module: module.__name__)
def test_the_module_examples_hold(module: ModuleType) -> None:
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    results = doctest.testmod(module, optionflags=flags)
    assert results.failed == 0
    assert results.attempted > 0


def test_every_problem_of_a_claim_is_reported_by_field() -> None:
    with pytest.raises(DomainValidationError) as caught:
        claim(
            essence="",
            channel="web",
            reasons=("packaging", "packaging", "bad reason"),
            attachments=(Attachment(name="a.pdf", media_type="application/pdf", size=1), "b"),
            registered_at=datetime(2026, 3, 2),
        )
    assert caught.value.fields == (
        "registered_at", "channel", "essence", "reasons[2]", "reasons[1]", "attachments[1]",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"status": ClaimStatus.DECIDED}, "result"),
        ({"result": ClaimResult.SATISFIED, "decided_at": AT}, "result"),
        ({"status": ClaimStatus.WAITING_FOR_CLAIMANT}, "pauses"),
        ({"pauses": (Pause(started_at=AT),)}, "pauses"),
        ({"resolution_due": AT - timedelta(hours=1)}, "resolution_due"),
    ],
)
def test_the_status_invariants_hold(changes: dict[str, Any], field: str) -> None:
    with pytest.raises(DomainValidationError) as caught:
        claim(**changes)
    assert field in caught.value.fields


@pytest.mark.parametrize(
    ("build", "field"),
    [
        (lambda: Claimant(role=PartnerRole.CLIENT), "name"),
        (lambda: Claimant(role="client", name="Anna"), "role"),
        (lambda: LinkedDocument(kind=DocumentKind.ORDER), "number"),
        (lambda: Attachment(name="a", media_type="image", size=1), "media_type"),
        (lambda: Attachment(name="a", media_type="image/png", size=-1), "size"),
        (lambda: Attachment(name="a", media_type=None, size=1), "media_type"),
        (lambda: Pause(started_at=AT, ended_at=AT - timedelta(1)), "ended_at"),
        (lambda: DeadlinePolicy(response=timedelta(2), resolution=timedelta(1)), "resolution"),
        (lambda: DeadlinePolicy(response=timedelta(0), resolution=timedelta(1)), "response"),
        (lambda: ReasonClassifier(reasons=(ClaimReason(code="a", name="A"),) * 2), "reasons[1]"),
        (lambda: Activity(id="a", name="A", planned_start=AT,
                          planned_finish=AT - timedelta(1)), "planned_finish"),
    ],
)  # fmt: skip
def test_value_objects_name_the_bad_field(build: Any, field: str) -> None:
    with pytest.raises(DomainValidationError) as caught:
        build()
    assert caught.value.field == field


def test_media_types_are_kept_in_lower_case() -> None:
    assert Attachment(name="a.jpg", media_type=" Image/JPEG ", size=1).media_type == "image/jpeg"
    assert str(LinkedDocument(kind=DocumentKind.INVOICE, document_id="i-7")) == "invoice i-7"


def test_the_plan_reports_progress_and_overdue_activities() -> None:
    def activity(number: int, status: ActivityStatus, *, mandatory: bool = True) -> Activity:
        return Activity(
            id=f"a-{number}", name=f"Step {number}", planned_start=AT,
            planned_finish=AT + timedelta(hours=number), status=status, mandatory=mandatory,
        )  # fmt: skip

    plan = InvestigationPlan(
        activities=(
            activity(1, ActivityStatus.DONE),
            activity(2, ActivityStatus.IN_PROGRESS),
            activity(3, ActivityStatus.CANCELLED),
            activity(4, ActivityStatus.PLANNED, mandatory=False),
        )
    )
    assert plan.progress == Decimal(1) / Decimal(3)
    assert [a.id for a in plan.overdue(AT + timedelta(hours=3))] == ["a-2"]
    assert [a.id for a in plan.open_mandatory()] == ["a-2"]
    assert InvestigationPlan().progress == 1
    assert plan.find("a-9") is None


def test_plan_changes_are_refused_on_bad_input_and_on_closed_claims() -> None:
    open_claim = claim()
    first = Activity(id="a-1", name="Inspect", planned_start=AT, planned_finish=AT)
    planned = plan_activity(open_claim, first, now=AT).entity
    with pytest.raises(DomainValidationError) as caught:
        plan_activity(planned, first, now=AT)
    assert caught.value.field == "plan.activities[1]"
    with pytest.raises(DomainValidationError) as caught:
        plan_activity(planned, "Inspect", now=AT)  # type: ignore[arg-type]
    assert caught.value.field == "activity"
    with pytest.raises(DomainValidationError) as caught:
        update_activity(planned, "a-9", status=ActivityStatus.DONE, now=AT)
    assert caught.value.field == "activity_id"
    with pytest.raises(DomainValidationError) as caught:
        update_activity(planned, "a-1", planned_finish=AT - timedelta(hours=1), now=AT)
    assert caught.value.field == "planned_finish"
    cancelled = attrs.evolve(planned, status=ClaimStatus.CANCELLED)
    with pytest.raises(BusinessRuleError, match="reopen it"):
        update_activity(cancelled, "a-1", status=ActivityStatus.DONE, now=AT)


def test_recording_an_activity_as_it_stands_is_no_new_version_and_no_event() -> None:
    first = Activity(id="a-1", name="Inspect", planned_start=AT, planned_finish=AT)
    planned = plan_activity(claim(), first, now=AT).entity
    again = update_activity(planned, "a-1", status=first.status, now=AT + timedelta(hours=1))
    assert again.entity == planned
    assert again.events == ()


def test_plan_changes_bump_the_version_and_are_announced() -> None:
    first = Activity(id="a-1", name="Inspect", planned_start=AT, planned_finish=AT)
    outcome = plan_activity(claim(), first, now=AT)
    updated = update_activity(
        outcome.entity, "a-1", status=ActivityStatus.DONE, result="Found", assignee="u-2", now=AT
    )
    activity = updated.entity.plan.activities[0]
    assert (activity.status, activity.result, activity.assignee) == (
        ActivityStatus.DONE, "Found", "u-2",
    )  # fmt: skip
    assert updated.entity.version == 3
    assert [e.name for e in (*outcome.events, *updated.events)] == ["claim.plan_changed"] * 2


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
@settings(max_examples=15)
@given(data=st.data())
def test_every_model_round_trips_through_the_converter(model: type[Any], data: Any) -> None:
    converter = CONVERTER
    value = data.draw(st.from_type(model))
    primitive = converter.unstructure(value)
    again = converter.structure(primitive, model)
    # Compared as JSON: a wall time that a clock change repeats is equal only as an offset.
    assert converter.unstructure(again) == primitive
    assert pickle.loads(pickle.dumps(value)) == value
    assert attrs.evolve(value) == value
