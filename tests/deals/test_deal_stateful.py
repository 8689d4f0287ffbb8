"""Random sequences of moves, wins, losses, suspensions and reopenings on pipelines of every
kind never leave a deal in a state its kind forbids; each command succeeds exactly when an
independent reading of the rules says it should, and a refused one changes nothing."""

from __future__ import annotations

from datetime import date, timedelta

import attrs
from deal_samples import NOW
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from crmcore.deals import (
    Deal,
    DealDraft,
    DealKind,
    DealOutcome,
    DealStatus,
    DocumentKind,
    GateContext,
    Pipeline,
    StageChange,
    StageGate,
    edit_deal,
    lose_deal,
    move_deal,
    open_deal,
    reopen_deal,
    resume_deal,
    suspend_deal,
    win_deal,
)
from crmcore.errors import BusinessRuleError, CRMError, DomainValidationError
from crmcore.ids import EntityRef, PartnerId
from crmcore.money import Money
from crmcore.partners import Partner, PartnerKind, PartnerRole
from crmcore.testing.strategies import pipelines

CLIENT = Partner(id=PartnerId("p-1"), kind=PartnerKind.LEGAL_ENTITY,
                 roles=frozenset({PartnerRole.CLIENT}), short_name="Ромашка", segment="A",
                 created_at=NOW)  # fmt: skip
DOCUMENTS = tuple(kind.value for kind in DocumentKind)


def gate_met(gate: StageGate, deal: Deal, classified: bool) -> bool:
    """The gates' meaning, read from the issue rather than from the code under test."""
    kinds = {ref.entity_type for ref in deal.documents}
    meanings = {
        "agreement_linked": "agreement" in kinds,
        "commercial_offer_registered": "commercial_offer" in kinds,
        "document_linked": gate.argument in kinds,
        "amount_set": deal.amount is not None and deal.amount.amount > 0,
        "expected_close_set": deal.expected_close is not None,
        "client_classified": classified,
        "custom_field_filled": gate.argument in deal.custom,
    }
    return meanings[gate.gate]


class DealLifecycle(RuleBasedStateMachine):
    pipeline: Pipeline
    deal: Deal
    log: list[StageChange]
    classified: bool

    @initialize(pipeline=pipelines(max_stages=5))
    def open(self, pipeline: Pipeline) -> None:
        self.pipeline = pipeline
        self.classified = False
        draft = DealDraft(title="Deal", partner_id="p-1", responsible_manager="u-1")
        outcome = open_deal(draft, pipeline=pipeline, now=NOW)
        self.deal = outcome.entity
        assert outcome.stage_change is not None
        self.log = [outcome.stage_change]
        self.now = NOW

    def attempt(self, expected: bool, command: object) -> None:
        """Run ``command`` (a no-argument callable); it must succeed exactly when
        ``expected``, and a refusal must be typed and leave the deal as it was."""
        before = self.deal
        self.now += timedelta(minutes=7)
        refusal: CRMError | None = None
        try:
            outcome: DealOutcome = command()  # type: ignore[operator]
        except (BusinessRuleError, DomainValidationError) as error:
            refusal = error
        if refusal is not None:
            assert not expected, f"refused with {refusal!r}"
            assert self.deal == before
            return
        assert expected, "a command the rules forbid succeeded"
        assert outcome.entity.version == before.version + 1
        self.deal = outcome.entity
        if outcome.stage_change is not None:
            self.log.append(outcome.stage_change)

    def moves_to(self, stage: str) -> bool:
        deal, pipeline = self.deal, self.pipeline
        if deal.status is not DealStatus.OPEN or not pipeline.has_stage(stage):
            return False
        if stage == deal.stage:
            return False
        if pipeline.kind is DealKind.MANUAL:
            return True
        target, current = pipeline.stage(stage), pipeline.stage(str(deal.stage))
        reachable = stage in pipeline.forward(current.name) or target.order < current.order
        return reachable and all(gate_met(g, deal, self.classified) for g in target.gates)

    @rule(choice=st.integers(0, 6))
    def move(self, choice: int) -> None:
        names = [stage.name for stage in self.pipeline.ordered]
        stage = names[choice] if choice < len(names) else "nowhere"
        context = GateContext(partner=CLIENT if self.classified else None)
        self.attempt(self.moves_to(stage), lambda: move_deal(
            self.deal, stage, pipeline=self.pipeline, now=self.now, context=context))  # fmt: skip

    @rule()
    def win(self) -> None:
        pipeline, deal = self.pipeline, self.deal
        at_final = (
            deal.stage is None or pipeline.win_at_any_stage or pipeline.stage(deal.stage).final
        )
        expected = deal.status is DealStatus.OPEN and at_final
        self.attempt(expected, lambda: win_deal(deal, pipeline=pipeline, now=self.now))

    @rule(known=st.booleans())
    def lose(self, known: bool) -> None:
        reason = self.pipeline.lost_reasons[0] if known else "weather_on_mars"
        expected = known and self.deal.status in {DealStatus.OPEN, DealStatus.SUSPENDED}
        self.attempt(expected, lambda: lose_deal(
            self.deal, pipeline=self.pipeline, reason=reason, now=self.now))  # fmt: skip

    @rule()
    def suspend(self) -> None:
        self.attempt(self.deal.status is DealStatus.OPEN, lambda: suspend_deal(
            self.deal, pipeline=self.pipeline, now=self.now, reason="Отпуск"))  # fmt: skip

    @rule()
    def resume(self) -> None:
        self.attempt(self.deal.status is DealStatus.SUSPENDED, lambda: resume_deal(
            self.deal, pipeline=self.pipeline, now=self.now))  # fmt: skip

    @rule()
    def reopen(self) -> None:
        self.attempt(self.deal.status.closed, lambda: reopen_deal(
            self.deal, pipeline=self.pipeline, now=self.now, reason="Новый бюджет"))  # fmt: skip

    @rule(kind=st.sampled_from(DOCUMENTS), amount=st.booleans(), close=st.booleans())
    def fill(self, kind: str, amount: bool, close: bool) -> None:
        ref = EntityRef(entity_type=kind, entity_id=f"{kind}-1")
        changes = {
            "documents": tuple(dict.fromkeys((*self.deal.documents, ref))),
            "amount": Money.of(100, "RUB") if amount else None,
            "expected_close": date(2026, 6, 1) if close else None,
        }
        outcome = edit_deal(self.deal, changes=changes, now=self.now)
        self.deal = outcome.entity

    @rule()
    def classify(self) -> None:
        self.classified = not self.classified

    @invariant()
    def the_deal_is_what_its_kind_allows(self) -> None:
        deal, pipeline = self.deal, self.pipeline
        assert deal.kind is pipeline.kind
        assert (deal.stage is None) == (pipeline.kind is DealKind.UNSTAGED)
        assert deal.stage is None or pipeline.has_stage(deal.stage)
        assert (deal.closed_at is not None) == deal.status.closed
        if deal.status is DealStatus.WON and pipeline.kind is DealKind.CONTROLLED:
            assert pipeline.stage(str(deal.stage)).final

    @invariant()
    def the_log_tells_the_deal_story(self) -> None:
        for previous, entry in zip(self.log, self.log[1:], strict=False):
            assert entry.from_stage == previous.to_stage
            assert entry.from_status is previous.status
            assert entry.version > previous.version
        last = self.log[-1]
        assert (last.to_stage, last.status) == (self.deal.stage, self.deal.status)

    @invariant()
    def the_deal_passes_every_check_of_its_model(self) -> None:
        assert attrs.evolve(self.deal) == self.deal


DealLifecycle.TestCase.settings = settings(
    max_examples=60, stateful_step_count=30, deadline=None, database=None
)
TestDealLifecycle = DealLifecycle.TestCase
