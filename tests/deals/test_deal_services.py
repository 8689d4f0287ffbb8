"""The deal commands on each kind of sales process, and their refusals: typed errors naming
what is wrong, the deal unchanged."""

from __future__ import annotations

import copy
import pickle
from datetime import date, datetime, timedelta

import attrs
import pytest
from deal_samples import NOW, opened
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from crmcore.customfields import CustomField, CustomFieldRegistry, CustomFieldType
from crmcore.deals import (
    LONG_PROJECT,
    MANUAL_SALE,
    TYPICAL_SALE,
    Deal,
    DealDraft,
    DealMoved,
    DealStatus,
    GateContext,
    LostReasonRequirement,
    StageChange,
    edit_deal,
    lose_deal,
    move_deal,
    open_deal,
    preview_move,
    reopen_deal,
    resume_deal,
    suspend_deal,
    win_deal,
)
from crmcore.errors import (
    BusinessRuleError,
    DomainValidationError,
    InvalidTransitionError,
    PluginError,
    StageGateError,
)
from crmcore.events import changes_between
from crmcore.ids import EntityRef, PartnerId, UserId
from crmcore.money import Money
from crmcore.partners import Partner
from crmcore.testing.strategies import deals

AGREEMENT = EntityRef(entity_type="agreement", entity_id="a-1")
OFFER = EntityRef(entity_type="commercial_offer", entity_id="o-1")


def walk(deal: Deal, *stages: str, context: GateContext | None = None) -> Deal:
    for stage in stages:
        deal = move_deal(deal, stage, pipeline=deal_pipeline(deal), now=NOW,
                         context=context or GateContext()).entity  # fmt: skip
    return deal


def deal_pipeline(deal: Deal):  # type: ignore[no-untyped-def]
    return {p.id: p for p in (TYPICAL_SALE, MANUAL_SALE, LONG_PROJECT)}[deal.pipeline_id]


def test_opening_logs_the_first_stage_and_every_field(typical: Deal) -> None:
    draft = DealDraft(
        title="Pipes", partner_id="p-1", responsible_manager="u-1", amount=Money.of("10", "RUB")
    )
    outcome = open_deal(draft, pipeline=TYPICAL_SALE, now=NOW)
    assert (outcome.entity.stage, outcome.entity.status) == ("first_contact", DealStatus.OPEN)
    change = outcome.stage_change
    assert change is not None
    assert (change.from_stage, change.to_stage, change.from_status) == (None, "first_contact", None)
    assert (change.version, change.amount) == (1, Money.of("10", "RUB"))
    assert outcome.events[0].changes["title"].new == "Pipes"


def test_an_unstaged_deal_opens_without_a_stage(project: Deal) -> None:
    assert project.stage is None
    assert project.kind.value == "unstaged"


def test_a_draft_with_several_problems_reports_them_all() -> None:
    draft = DealDraft(title=" ", partner_id="", responsible_manager="u 1",
                      amount=Money.of("-5", "RUB"), custom={"budget": "x"})  # fmt: skip
    registry = CustomFieldRegistry().with_field(
        "deal", CustomField(name="budget", type=CustomFieldType.INTEGER)
    )
    with pytest.raises(DomainValidationError) as raised:
        open_deal(draft, pipeline=TYPICAL_SALE, now=NOW, custom_fields=registry)
    assert set(raised.value.fields) == {
        "custom.budget", "title", "partner_id", "responsible_manager", "amount"
    }  # fmt: skip


def test_a_move_dated_10_days_before_the_deal_entered_its_stage_is_refused(
    typical: Deal,
) -> None:
    deal = walk(typical, "qualification")
    ten_days_ago = deal.stage_entered_at - timedelta(days=10)
    with pytest.raises(DomainValidationError) as raised:
        move_deal(deal, "first_contact", pipeline=TYPICAL_SALE, now=ten_days_ago)
    assert raised.value.field == "now"
    with pytest.raises(DomainValidationError) as raised:
        lose_deal(deal, pipeline=TYPICAL_SALE, reason="price", now=ten_days_ago)
    assert raised.value.field == "now"
    with pytest.raises(DomainValidationError) as raised:
        edit_deal(deal, changes={"title": "Back-dated"}, now=ten_days_ago)
    assert raised.value.field == "now"
    lost = lose_deal(deal, pipeline=TYPICAL_SALE, reason="price", now=NOW + timedelta(hours=1))
    with pytest.raises(DomainValidationError) as raised:
        reopen_deal(lost.entity, pipeline=TYPICAL_SALE, reason="back", now=NOW)
    assert raised.value.field == "now"


def test_a_controlled_move_names_every_unmet_gate_and_changes_nothing(typical: Deal) -> None:
    deal = walk(typical, "qualification")
    before = copy.deepcopy(deal)
    with pytest.raises(StageGateError) as raised:
        move_deal(deal, "commercial_offer", pipeline=TYPICAL_SALE, now=NOW)
    error = raised.value
    assert (error.entity_id, error.stage) == ("d-1", "commercial_offer")
    assert [gate.field for gate in error.unmet] == ["client_classified", "agreement_linked"]
    assert deal == before


def test_a_controlled_move_passes_when_the_gates_hold(typical: Deal, client: Partner) -> None:
    deal = walk(typical, "qualification")
    deal = edit_deal(deal, changes={"documents": (AGREEMENT,)}, now=NOW).entity
    outcome = move_deal(deal, "commercial_offer", pipeline=TYPICAL_SALE, now=NOW,
                        context=GateContext(partner=client), actor=UserId("u-1"))  # fmt: skip
    assert outcome.entity.stage == "commercial_offer"
    assert outcome.entity.version == deal.version + 1
    assert outcome.stage_change is not None
    assert outcome.stage_change.by == "u-1"
    assert outcome.events[0].changes["stage"].old == "qualification"


def test_a_controlled_deal_cannot_skip_a_stage_but_may_go_back(typical: Deal) -> None:
    with pytest.raises(InvalidTransitionError) as raised:
        move_deal(typical, "negotiation", pipeline=TYPICAL_SALE, now=NOW)
    assert raised.value.allowed == ("to_qualification",)
    back = walk(typical, "qualification", "first_contact")
    assert back.stage == "first_contact"


def test_a_manual_deal_skips_stages_with_warnings(manual: Deal) -> None:
    outcome = move_deal(manual, "negotiation", pipeline=MANUAL_SALE, now=NOW)
    assert outcome.entity.stage == "negotiation"
    assert [w.field for w in outcome.warnings] == ["commercial_offer_registered", "amount_set"]
    assert outcome.events[0].warnings == tuple(str(w) for w in outcome.warnings)  # type: ignore[attr-defined]


def test_preview_tells_what_blocks_and_what_warns(typical: Deal, manual: Deal) -> None:
    deal = walk(typical, "qualification")
    preview = preview_move(deal, "commercial_offer", pipeline=TYPICAL_SALE)
    assert not preview.allowed
    assert [v.field for v in preview.blocking] == ["client_classified", "agreement_linked"]
    skipping = preview_move(typical, "contract", pipeline=TYPICAL_SALE)
    assert [v.field for v in skipping.blocking] == ["stage", "expected_close_set"]
    advisory = preview_move(manual, "contract", pipeline=MANUAL_SALE)
    assert advisory.allowed
    assert [v.field for v in advisory.warnings] == ["expected_close_set"]
    unknown = preview_move(typical, "tender", pipeline=TYPICAL_SALE)
    assert [v.field for v in unknown.blocking] == ["stage"]
    lost = lose_deal(typical, pipeline=TYPICAL_SALE, reason="price", now=NOW).entity
    assert [
        v.field for v in preview_move(lost, "qualification", pipeline=TYPICAL_SALE).blocking
    ] == ["status"]


def test_won_requires_the_final_stage_of_a_controlled_deal(typical: Deal) -> None:
    with pytest.raises(StageGateError) as raised:
        win_deal(typical, pipeline=TYPICAL_SALE, now=NOW)
    assert raised.value.stage == "won"
    assert [gate.field for gate in raised.value.unmet] == ["final_stage"]
    ready = {
        "documents": (AGREEMENT, OFFER),
        "amount": Money.of(5, "RUB"),
        "expected_close": date(2026, 4, 1),
    }
    deal = edit_deal(typical, changes=ready, now=NOW).entity
    deal = attrs.evolve(deal, stage="negotiation")
    deal = walk(deal, "contract")
    won = win_deal(deal, pipeline=TYPICAL_SALE, now=NOW)
    assert (won.entity.status, won.entity.closed_at) == (DealStatus.WON, NOW)
    assert won.stage_change is not None
    assert (won.stage_change.from_status, won.stage_change.status) == (
        DealStatus.OPEN,
        DealStatus.WON,
    )


def test_manual_and_unstaged_deals_are_won_at_any_stage_by_configuration(
    manual: Deal, project: Deal
) -> None:
    assert win_deal(manual, pipeline=MANUAL_SALE, now=NOW).entity.status is DealStatus.WON
    assert win_deal(project, pipeline=LONG_PROJECT, now=NOW).entity.status is DealStatus.WON
    strict = attrs.evolve(MANUAL_SALE, win_at_any_stage=False)
    with pytest.raises(StageGateError):
        win_deal(manual, pipeline=strict, now=NOW)


def test_lost_needs_a_reason_from_the_list_and_keeps_the_competitor(typical: Deal) -> None:
    with pytest.raises(DomainValidationError) as raised:
        lose_deal(typical, pipeline=TYPICAL_SALE, reason="", now=NOW, competitor_id=PartnerId(" "))
    assert raised.value.fields == ("reason", "competitor_id")
    with pytest.raises(DomainValidationError, match="price, competitor"):
        lose_deal(typical, pipeline=TYPICAL_SALE, reason="weather", now=NOW)
    lost = lose_deal(typical, pipeline=TYPICAL_SALE, reason="competitor", now=NOW,
                     competitor_id=PartnerId("p-rival"), comment="  Скидка 7 % ")  # fmt: skip
    assert (lost.entity.lost_reason, lost.entity.competitor_id) == ("competitor", "p-rival")
    assert lost.entity.lost_comment == "Скидка 7 %"
    assert lost.events[0].name == "deal.lost"


def test_a_deal_lost_to_a_competitor_must_name_the_competitor(typical: Deal) -> None:
    with pytest.raises(DomainValidationError) as raised:
        lose_deal(typical, pipeline=TYPICAL_SALE, reason="competitor", now=NOW)
    assert raised.value.fields == ("competitor_id",)
    strict = attrs.evolve(
        MANUAL_SALE, lost_requirements=(
            LostReasonRequirement(reason="other", fields=("comment",)),
            LostReasonRequirement(reason="competitor", fields=("competitor_id", "comment")),
        ),
    )  # fmt: skip
    deal = opened(strict)
    with pytest.raises(DomainValidationError) as raised:
        lose_deal(deal, pipeline=strict, reason="competitor", now=NOW, comment="  ")
    assert raised.value.fields == ("competitor_id", "comment")
    lost = lose_deal(deal, pipeline=strict, reason="other", now=NOW, comment="Closed down")
    assert lost.entity.lost_comment == "Closed down"
    with pytest.raises(DomainValidationError) as raised:
        attrs.evolve(strict, lost_reasons=("price",))
    assert raised.value.fields == ("lost_requirements[0].reason", "lost_requirements[1].reason")


def test_reopening_is_explicit_logged_and_clears_the_result(typical: Deal) -> None:
    lost = lose_deal(typical, pipeline=TYPICAL_SALE, reason="price", now=NOW,
                     competitor_id=PartnerId("p-rival")).entity  # fmt: skip
    with pytest.raises(InvalidTransitionError):
        move_deal(lost, "qualification", pipeline=TYPICAL_SALE, now=NOW)
    with pytest.raises(DomainValidationError) as raised:
        reopen_deal(lost, pipeline=TYPICAL_SALE, now=NOW, reason="  ")
    assert raised.value.field == "reason"
    later = NOW + timedelta(days=3)
    reopened = reopen_deal(lost, pipeline=TYPICAL_SALE, now=later, reason="Новый бюджет")
    deal = reopened.entity
    assert (deal.status, deal.lost_reason, deal.competitor_id, deal.closed_at) == (
        DealStatus.OPEN, None, None, None
    )  # fmt: skip
    assert reopened.stage_change is not None
    assert (reopened.stage_change.reason, reopened.stage_change.at) == ("Новый бюджет", later)
    with pytest.raises(InvalidTransitionError) as again:
        reopen_deal(deal, pipeline=TYPICAL_SALE, now=NOW, reason="again")
    assert again.value.allowed == ("lose", "move", "suspend", "win")


def test_a_suspended_deal_keeps_its_stage_and_resumes(typical: Deal) -> None:
    suspended = suspend_deal(typical, pipeline=TYPICAL_SALE, now=NOW, reason="Отпуск").entity
    assert (suspended.status, suspended.stage) == (DealStatus.SUSPENDED, "first_contact")
    with pytest.raises(InvalidTransitionError):
        win_deal(suspended, pipeline=TYPICAL_SALE, now=NOW)
    assert resume_deal(suspended, pipeline=TYPICAL_SALE, now=NOW).entity.status is DealStatus.OPEN
    assert lose_deal(
        suspended, pipeline=TYPICAL_SALE, reason="no_response", now=NOW
    ).entity.status is (DealStatus.LOST)


def test_moving_an_unstaged_deal_names_the_stage(project: Deal) -> None:
    with pytest.raises(DomainValidationError) as raised:
        move_deal(project, "qualification", pipeline=LONG_PROJECT, now=NOW)
    assert raised.value.field == "stage"


def test_unknown_stage_and_another_pipeline_are_named(typical: Deal) -> None:
    with pytest.raises(DomainValidationError) as raised:
        move_deal(typical, "tender", pipeline=TYPICAL_SALE, now=NOW)
    assert (raised.value.field, raised.value.value) == ("stage", "tender")
    with pytest.raises(DomainValidationError) as other:
        move_deal(typical, "qualification", pipeline=MANUAL_SALE, now=NOW)
    assert other.value.field == "pipeline"


def test_naive_now_and_bad_actor_are_refused(typical: Deal) -> None:
    with pytest.raises(DomainValidationError) as raised:
        move_deal(typical, "qualification", pipeline=TYPICAL_SALE, now=datetime(2026, 3, 2))
    assert raised.value.field == "now"
    with pytest.raises(DomainValidationError) as actor:
        win_deal(typical, pipeline=MANUAL_SALE, now=NOW, actor=UserId("u 1"))
    assert actor.value.field == "actor"


def test_edit_changes_fields_and_bumps_the_version(typical: Deal) -> None:
    outcome = edit_deal(typical, changes={"amount": Money.of("99.90", "RUB"), "title": "Новое"},
                        now=NOW)  # fmt: skip
    assert outcome.entity.version == 2
    assert set(outcome.events[0].changes) == {"amount", "title"}
    assert edit_deal(outcome.entity, changes={"title": "Новое"}, now=NOW).events == ()
    with pytest.raises(DomainValidationError) as raised:
        edit_deal(typical, changes={"stage": "contract", "amount": "5", "documents": (
            EntityRef(entity_type="partner", entity_id="p-1"),)}, now=NOW)  # fmt: skip
    # A field that cannot be edited does not hide the problems of those that can.
    assert raised.value.fields == ("stage", "amount", "documents[0].entity_type")
    with pytest.raises(DomainValidationError) as fields:
        edit_deal(typical, changes={"amount": "5", "documents": (
            EntityRef(entity_type="partner", entity_id="p-1"),)}, now=NOW)  # fmt: skip
    assert fields.value.fields == ("amount", "documents[0].entity_type")


def test_a_failing_plugin_gate_is_named(typical: Deal) -> None:
    def broken(deal: Deal, context: GateContext, argument: str | None, /) -> str | None:
        raise RuntimeError("credit service down")

    gates = {"agreement_linked": broken, "client_classified": broken}
    deal = walk(typical, "qualification")
    with pytest.raises(PluginError) as raised:
        move_deal(deal, "commercial_offer", pipeline=TYPICAL_SALE, now=NOW, gates=gates)
    assert (raised.value.group, raised.value.name) == ("crmcore.gates", "client_classified")


def test_a_gate_that_is_not_loaded_blocks_the_move(typical: Deal) -> None:
    deal = walk(typical, "qualification")
    with pytest.raises(StageGateError) as raised:
        move_deal(deal, "commercial_offer", pipeline=TYPICAL_SALE, now=NOW, gates={})
    assert ["not a loaded gate" in gate.message for gate in raised.value.unmet] == [True, True]


def test_opened_helper_builds_valid_deals() -> None:
    assert opened(MANUAL_SALE, "d-9").id == "d-9"


def test_a_stage_gate_error_survives_pickling_with_its_context(typical: Deal) -> None:
    deal = walk(typical, "qualification")
    with pytest.raises(StageGateError) as raised:
        move_deal(deal, "commercial_offer", pipeline=TYPICAL_SALE, now=NOW)
    again = pickle.loads(pickle.dumps(raised.value))
    assert isinstance(again, BusinessRuleError)
    assert (again.entity_id, again.stage, again.unmet) == (
        "d-1",
        "commercial_offer",
        raised.value.unmet,
    )
    assert str(again) == str(raised.value)


@settings(max_examples=60, deadline=None)
@given(
    deal=deals(pipelines=(MANUAL_SALE,), statuses=(DealStatus.OPEN,)),
    target=st.sampled_from([stage.name for stage in MANUAL_SALE.ordered]),
    later=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=400)),
    actor=st.sampled_from([None, UserId("u-2")]),
)
def test_a_move_builds_what_the_checked_constructors_build(
    deal: Deal, target: str, later: timedelta, actor: UserId | None
) -> None:
    assume(target != deal.stage)
    now = deal.last_changed_at + later
    outcome = move_deal(deal, target, pipeline=MANUAL_SALE, now=now, actor=actor)
    moved = attrs.evolve(deal, stage=target, stage_entered_at=now, version=deal.version + 1)
    assert outcome.entity == moved
    assert outcome.stage_change == StageChange(
        deal_id=deal.id, pipeline_id=deal.pipeline_id, from_stage=deal.stage, to_stage=target,
        from_status=deal.status, status=deal.status, at=now, by=actor, amount=deal.amount,
        version=deal.version + 1,
    )  # fmt: skip
    changes = changes_between(deal, moved)
    event = DealMoved(entity_id=deal.id, occurred_at=now, changes=changes, actor=actor,
                      warnings=tuple(str(warning) for warning in outcome.warnings))  # fmt: skip
    assert outcome.events == (event,)
    assert type(outcome.events[0].changes) is type(event.changes)


@pytest.mark.parametrize("reason", ["x" * 2001, 12345, "bad\x00text"])
def test_every_command_checks_the_reason_it_logs(reason: object) -> None:
    deal = opened(MANUAL_SALE)
    suspended = suspend_deal(deal, pipeline=MANUAL_SALE, now=NOW, reason="Пауза").entity
    commands = {
        "move": lambda r: move_deal(deal, "contract", pipeline=MANUAL_SALE, now=NOW, reason=r),
        "win": lambda r: win_deal(deal, pipeline=MANUAL_SALE, now=NOW, reason=r),
        "resume": lambda r: resume_deal(suspended, pipeline=MANUAL_SALE, now=NOW, reason=r),
    }
    for name, command in commands.items():
        with pytest.raises(DomainValidationError) as raised:
            command(reason)
        assert raised.value.fields == ("reason",), name
        logged = command("  Бюджет согласован ").stage_change
        assert logged is not None
        assert logged.reason == "Бюджет согласован", name


def test_edit_reports_a_bad_stage_beside_a_negative_amount_and_a_blank_title(
    typical: Deal,
) -> None:
    changes = {"stage": "nowhere", "amount": Money.of("-1", "RUB"), "title": "  "}
    with pytest.raises(DomainValidationError) as raised:
        edit_deal(typical, changes=changes, now=NOW)
    assert raised.value.fields == ("stage", "amount", "title")


@pytest.mark.parametrize("changes", [None, ["title"], "title"])
def test_edit_refuses_changes_that_are_not_a_mapping(typical: Deal, changes: object) -> None:
    with pytest.raises(DomainValidationError) as raised:
        edit_deal(typical, changes=changes, now=NOW)  # type: ignore[arg-type]
    assert raised.value.fields == ("changes",)
