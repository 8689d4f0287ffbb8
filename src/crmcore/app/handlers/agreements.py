"""Handlers of the agreements' commands: typical and individual agreements and their
approval, checked against the base and the partner's other agreements."""

from __future__ import annotations

from typing import Final

from crmcore.agreements import (
    Agreement,
    approve,
    close,
    create_individual_agreement,
    create_typical_agreement,
    reject,
    submit_for_approval,
)
from crmcore.app.commands import (
    ApproveAgreement,
    CloseAgreement,
    CreateIndividualAgreement,
    CreateTypicalAgreement,
    RejectAgreement,
    SubmitAgreement,
)
from crmcore.app.handlers.base import Handler, Runtime, handles
from crmcore.app.work import Work
from crmcore.ids import AgreementId, PartnerId, UserId

__all__ = ["HANDLERS"]

HANDLERS: Final[dict[type, Handler]] = {}


def _get(work: Work, agreement_id: str) -> Agreement:
    return work.repositories.agreements.get(AgreementId(agreement_id))


def _base(work: Work, agreement: Agreement) -> Agreement | None:
    return _get(work, agreement.base_id) if agreement.base_id else None


@handles(HANDLERS, CreateTypicalAgreement)
def _typical(runtime: Runtime, work: Work, command: CreateTypicalAgreement) -> Agreement:
    outcome = create_typical_agreement(
        name=command.title,
        conditions=command.conditions,
        valid_from=command.valid_from,
        now=work.now,
        valid_to=command.valid_to,
        audience=command.audience,
        limits=command.limits,
        agreement_id=AgreementId(command.agreement_id) if command.agreement_id else None,
        manager=UserId(command.manager) if command.manager else None,
        actor=UserId(work.actor),
    )
    return work.add("agreements", outcome)


@handles(HANDLERS, CreateIndividualAgreement)
def _individual(runtime: Runtime, work: Work, command: CreateIndividualAgreement) -> Agreement:
    outcome = create_individual_agreement(
        name=command.title,
        partner=work.repositories.partners.get(PartnerId(command.partner_id)),
        base=_get(work, command.base_id),
        now=work.now,
        overrides=command.overrides,
        valid_from=command.valid_from,
        valid_to=command.valid_to,
        agreement_id=AgreementId(command.agreement_id) if command.agreement_id else None,
        manager=UserId(command.manager) if command.manager else None,
        actor=UserId(work.actor),
    )
    return work.add("agreements", outcome)


@handles(HANDLERS, SubmitAgreement)
def _submit(runtime: Runtime, work: Work, command: SubmitAgreement) -> Agreement:
    agreement = _get(work, command.agreement_id)
    outcome = submit_for_approval(
        agreement, now=work.now, base=_base(work, agreement), actor=UserId(work.actor)
    )
    return work.save("agreements", agreement, outcome)


@handles(HANDLERS, ApproveAgreement)
def _approve(runtime: Runtime, work: Work, command: ApproveAgreement) -> Agreement:
    agreement = _get(work, command.agreement_id)
    others = (
        [
            a
            for a in work.repositories.agreements.of_partner(agreement.partner_id)
            if a.id != agreement.id
        ]
        if agreement.partner_id
        else []
    )
    outcome = approve(
        agreement,
        now=work.now,
        base=_base(work, agreement),
        others=others,
        actor=UserId(work.actor),
    )
    return work.save("agreements", agreement, outcome)


@handles(HANDLERS, RejectAgreement)
def _reject(runtime: Runtime, work: Work, command: RejectAgreement) -> Agreement:
    agreement = _get(work, command.agreement_id)
    outcome = reject(agreement, reason=command.reason, now=work.now, actor=UserId(work.actor))
    return work.save("agreements", agreement, outcome)


@handles(HANDLERS, CloseAgreement)
def _close(runtime: Runtime, work: Work, command: CloseAgreement) -> Agreement:
    agreement = _get(work, command.agreement_id)
    outcome = close(agreement, now=work.now, reason=command.reason, actor=UserId(work.actor))
    return work.save("agreements", agreement, outcome)
