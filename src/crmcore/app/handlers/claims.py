"""Handlers of the claims' commands: registration with working-time due dates, the
investigation, pauses, the decision and closing."""

from __future__ import annotations

from typing import Final

from crmcore.app.commands import (
    AwaitClaimant,
    CancelClaim,
    CloseClaim,
    DecideClaim,
    EditClaim,
    InvestigateClaim,
    RegisterClaim,
    ReopenClaim,
    ResumeClaim,
)
from crmcore.app.handlers.base import Handler, Runtime, drafted, handles
from crmcore.app.work import Work
from crmcore.claims import (
    Claim,
    await_claimant,
    cancel,
    close,
    decide,
    edit_claim,
    investigate,
    register_claim,
    reopen,
    resume,
)
from crmcore.ids import ClaimId, UserId, new_id

__all__ = ["HANDLERS"]

HANDLERS: Final[dict[type, Handler]] = {}


def _get(work: Work, claim_id: str) -> Claim:
    return work.repositories.claims.get(ClaimId(claim_id))


@handles(HANDLERS, RegisterClaim)
def _register(runtime: Runtime, work: Work, command: RegisterClaim) -> Claim:
    partner_id = command.draft.claimant.partner_id
    outcome = drafted(
        lambda: register_claim(
            command.draft,
            claim_id=ClaimId(command.claim_id or new_id()),
            now=work.now,
            settings=runtime.settings.claims,
            actor=UserId(work.actor),
        ),
        links={}
        if partner_id is None
        else {"claimant.partner_id": lambda: work.repositories.partners.get(partner_id)},
    )
    return work.add("claims", outcome)


@handles(HANDLERS, EditClaim)
def _edit(runtime: Runtime, work: Work, command: EditClaim) -> Claim:
    claim = _get(work, command.claim_id)
    outcome = edit_claim(
        claim,
        command.edit,
        now=work.now,
        settings=runtime.settings.claims,
        actor=UserId(work.actor),
    )
    return work.save("claims", claim, outcome)


@handles(HANDLERS, InvestigateClaim)
def _investigate(runtime: Runtime, work: Work, command: InvestigateClaim) -> Claim:
    claim = _get(work, command.claim_id)
    outcome = investigate(
        claim,
        now=work.now,
        actor=UserId(work.actor),
        comment=command.comment,
        responsible_manager=(
            UserId(command.responsible_manager) if command.responsible_manager else None
        ),
    )
    return work.save("claims", claim, outcome)


@handles(HANDLERS, AwaitClaimant)
def _await(runtime: Runtime, work: Work, command: AwaitClaimant) -> Claim:
    claim = _get(work, command.claim_id)
    outcome = await_claimant(claim, now=work.now, actor=UserId(work.actor), comment=command.comment)
    return work.save("claims", claim, outcome)


@handles(HANDLERS, ResumeClaim)
def _resume(runtime: Runtime, work: Work, command: ResumeClaim) -> Claim:
    claim = _get(work, command.claim_id)
    outcome = resume(
        claim,
        now=work.now,
        settings=runtime.settings.claims,
        actor=UserId(work.actor),
        comment=command.comment,
    )
    return work.save("claims", claim, outcome)


@handles(HANDLERS, DecideClaim)
def _decide(runtime: Runtime, work: Work, command: DecideClaim) -> Claim:
    claim = _get(work, command.claim_id)
    outcome = decide(
        claim,
        result=command.result,
        now=work.now,
        actor=UserId(work.actor),
        comment=command.comment,
    )
    return work.save("claims", claim, outcome)


@handles(HANDLERS, CloseClaim)
def _close(runtime: Runtime, work: Work, command: CloseClaim) -> Claim:
    claim = _get(work, command.claim_id)
    outcome = close(claim, now=work.now, actor=UserId(work.actor), comment=command.comment)
    return work.save("claims", claim, outcome)


@handles(HANDLERS, ReopenClaim)
def _reopen(runtime: Runtime, work: Work, command: ReopenClaim) -> Claim:
    claim = _get(work, command.claim_id)
    outcome = reopen(claim, now=work.now, comment=command.comment, actor=UserId(work.actor))
    return work.save("claims", claim, outcome)


@handles(HANDLERS, CancelClaim)
def _cancel(runtime: Runtime, work: Work, command: CancelClaim) -> Claim:
    claim = _get(work, command.claim_id)
    outcome = cancel(claim, now=work.now, comment=command.comment, actor=UserId(work.actor))
    return work.save("claims", claim, outcome)
