"""Handlers of the deals' commands: pipelines, opening, editing, moving through gates,
closing and reopening; each stage or status change is appended to the stage log."""

from __future__ import annotations

from typing import Final

from crmcore.app.commands import (
    AddPipeline,
    EditDeal,
    LoseDeal,
    MoveDeal,
    OpenDeal,
    ReopenDeal,
    WinDeal,
)
from crmcore.app.handlers.base import Handler, Runtime, drafted, handles, pipeline_of
from crmcore.app.work import ROOT, Work
from crmcore.deals import (
    Deal,
    DealOutcome,
    GateContext,
    Pipeline,
    edit_deal,
    lose_deal,
    move_deal,
    open_deal,
    reopen_deal,
    win_deal,
)
from crmcore.errors import DomainValidationError
from crmcore.ids import DealId, PartnerId, UserId
from crmcore.rules import Chain
from crmcore.validation import raise_violations

__all__ = ["HANDLERS", "gate_context", "move_outcome", "moved"]

HANDLERS: Final[dict[type, Handler]] = {}


def gate_context(work: Work, deal: Deal) -> GateContext:
    """What the gates read beside the deal: its partner and its commercial offers as stored
    (no offers looked up in a store that keeps none)."""
    partner = work.latest("partner", deal.partner_id) if deal.partner_id else None
    kept = work.repositories.offers
    offers = None if kept is None else tuple(kept.of_deal(deal.id))
    return GateContext(partner=partner, offers=offers)


def moved(
    runtime: Runtime,
    work: Work,
    deal: Deal,
    stage: str,
    *,
    actor: str,
    reason: str | None = None,
    chain: Chain = ROOT,
) -> Deal:
    """``deal`` moved to ``stage`` through its pipeline's gates, stored and logged."""
    outcome = move_outcome(runtime, work, deal, stage, actor=actor, reason=reason)
    return work.save_deal(deal, outcome, chain=chain)


def move_outcome(
    runtime: Runtime, work: Work, deal: Deal, stage: str, *, actor: str, reason: str | None
) -> DealOutcome:
    """What moving ``deal`` to ``stage`` through its pipeline's gates gives; nothing stored."""
    return move_deal(
        deal,
        stage,
        pipeline=pipeline_of(runtime, work, deal.pipeline_id),
        now=work.now,
        gates=runtime.settings.gates,
        context=gate_context(work, deal),
        actor=UserId(actor),
        reason=reason,
    )


@handles(HANDLERS, AddPipeline)
def _add_pipeline(runtime: Runtime, work: Work, command: AddPipeline) -> Pipeline:
    if runtime.settings.pipeline(command.pipeline.id) is not None:
        raise DomainValidationError.single(
            "pipeline.id", "is a pipeline of the settings", value=command.pipeline.id
        )
    # Checked against the gates it will run with: a stage no deal can enter is refused.
    problems = command.pipeline.gate_problems(runtime.settings.gates)
    raise_violations(problem.under("pipeline") for problem in problems)
    work.check_write("pipelines", None, command.pipeline)
    work.repositories.pipelines.add(command.pipeline)
    work.record_change("pipelines", None, command.pipeline)
    return command.pipeline


@handles(HANDLERS, OpenDeal)
def _open(runtime: Runtime, work: Work, command: OpenDeal) -> Deal:
    pipeline = pipeline_of(runtime, work, command.pipeline_id)
    partner_id = command.draft.partner_id
    outcome = drafted(
        lambda: open_deal(
            command.draft,
            pipeline=pipeline,
            now=work.now,
            deal_id=DealId(command.deal_id) if command.deal_id else None,
            custom_fields=runtime.settings.custom_fields,
            actor=UserId(work.actor),
        ),
        links={"partner_id": lambda: work.repositories.partners.get(PartnerId(partner_id))},
    )
    return work.add_deal(outcome)


@handles(HANDLERS, EditDeal)
def _edit(runtime: Runtime, work: Work, command: EditDeal) -> Deal:
    deal = work.repositories.deals.get(DealId(command.deal_id))
    outcome = edit_deal(
        deal,
        now=work.now,
        changes=command.changes,
        custom_fields=runtime.settings.custom_fields,
        actor=UserId(work.actor),
    )
    return work.save_deal(deal, outcome)


@handles(HANDLERS, MoveDeal)
def _move(runtime: Runtime, work: Work, command: MoveDeal) -> Deal:
    deal = work.repositories.deals.get(DealId(command.deal_id))
    return moved(runtime, work, deal, command.stage, actor=work.actor, reason=command.reason)


@handles(HANDLERS, WinDeal)
def _win(runtime: Runtime, work: Work, command: WinDeal) -> Deal:
    deal = work.repositories.deals.get(DealId(command.deal_id))
    outcome = win_deal(
        deal,
        pipeline=pipeline_of(runtime, work, deal.pipeline_id),
        now=work.now,
        actor=UserId(work.actor),
        reason=command.reason,
    )
    return work.save_deal(deal, outcome)


@handles(HANDLERS, LoseDeal)
def _lose(runtime: Runtime, work: Work, command: LoseDeal) -> Deal:
    deal = work.repositories.deals.get(DealId(command.deal_id))
    competitor = command.competitor_id
    outcome = drafted(
        lambda: lose_deal(
            deal,
            pipeline=pipeline_of(runtime, work, deal.pipeline_id),
            reason=command.reason,
            now=work.now,
            competitor_id=PartnerId(competitor) if competitor else None,
            comment=command.comment,
            actor=UserId(work.actor),
        ),
        links={}
        if competitor is None
        else {"competitor_id": lambda: work.repositories.partners.get(PartnerId(competitor))},
    )
    return work.save_deal(deal, outcome)


@handles(HANDLERS, ReopenDeal)
def _reopen(runtime: Runtime, work: Work, command: ReopenDeal) -> Deal:
    deal = work.repositories.deals.get(DealId(command.deal_id))
    outcome = reopen_deal(
        deal,
        pipeline=pipeline_of(runtime, work, deal.pipeline_id),
        now=work.now,
        reason=command.reason,
        actor=UserId(work.actor),
    )
    return work.save_deal(deal, outcome)
