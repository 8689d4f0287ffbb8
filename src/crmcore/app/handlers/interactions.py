"""Handlers of the interactions' commands: planning, recording and the lifecycle of a
meeting, call or letter."""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from crmcore.app.commands import (
    CancelInteraction,
    CompleteInteraction,
    PlanInteraction,
    RecordInteraction,
    RescheduleInteraction,
    StartInteraction,
)
from crmcore.app.handlers.base import Handler, Runtime, drafted, handles
from crmcore.app.work import Work
from crmcore.ids import InteractionId, PartnerId, UserId, new_id
from crmcore.interactions import (
    Interaction,
    InteractionDraft,
    cancel,
    complete,
    create_interaction,
    record_interaction,
    reschedule,
    start,
)

__all__ = ["HANDLERS"]

HANDLERS: Final[dict[type, Handler]] = {}


def _links(work: Work, draft: InteractionDraft) -> dict[str, Callable[[], object]]:
    """The look-ups of the records ``draft`` links to, by the draft's field."""
    subject, partner_id = draft.subject, draft.partner_id
    links: dict[str, Callable[[], object]] = {}
    if subject is not None:
        links["subject"] = lambda: work.get_ref(subject)
    if partner_id is not None:
        links["partner_id"] = lambda: work.repositories.partners.get(PartnerId(partner_id))
    return links


@handles(HANDLERS, PlanInteraction)
def _plan(runtime: Runtime, work: Work, command: PlanInteraction) -> Interaction:
    outcome = drafted(
        lambda: create_interaction(
            command.draft,
            interaction_id=InteractionId(command.interaction_id or new_id()),
            author=UserId(work.actor),
            now=work.now,
        ),
        links=_links(work, command.draft),
    )
    return work.add("interactions", outcome)


@handles(HANDLERS, RecordInteraction)
def _record(runtime: Runtime, work: Work, command: RecordInteraction) -> Interaction:
    outcome = drafted(
        lambda: record_interaction(
            command.draft,
            interaction_id=InteractionId(command.interaction_id or new_id()),
            author=UserId(work.actor),
            now=work.now,
            result=command.result,
            duration=command.duration,
        ),
        links=_links(work, command.draft),
    )
    return work.add("interactions", outcome)


def _get(work: Work, interaction_id: str) -> Interaction:
    return work.repositories.interactions.get(InteractionId(interaction_id))


@handles(HANDLERS, StartInteraction)
def _start(runtime: Runtime, work: Work, command: StartInteraction) -> Interaction:
    interaction = _get(work, command.interaction_id)
    outcome = start(interaction, now=work.now, actor=UserId(work.actor))
    return work.save("interactions", interaction, outcome)


@handles(HANDLERS, CompleteInteraction)
def _complete(runtime: Runtime, work: Work, command: CompleteInteraction) -> Interaction:
    interaction = _get(work, command.interaction_id)
    outcome = complete(
        interaction,
        now=work.now,
        actor=UserId(work.actor),
        result=command.result,
        duration=command.duration,
    )
    return work.save("interactions", interaction, outcome)


@handles(HANDLERS, CancelInteraction)
def _cancel(runtime: Runtime, work: Work, command: CancelInteraction) -> Interaction:
    interaction = _get(work, command.interaction_id)
    outcome = cancel(interaction, now=work.now, actor=UserId(work.actor))
    return work.save("interactions", interaction, outcome)


@handles(HANDLERS, RescheduleInteraction)
def _reschedule(runtime: Runtime, work: Work, command: RescheduleInteraction) -> Interaction:
    interaction = _get(work, command.interaction_id)
    outcome = reschedule(
        interaction, start=command.start, end=command.end, now=work.now, actor=UserId(work.actor)
    )
    return work.save("interactions", interaction, outcome)
