"""The rules' internal commands applied through the area services, so that a rule changes
crmcore's own records exactly as a person would: lifecycle, gates, stage log and events.

``set_fields``, ``assign_manager`` and ``co_executor`` become the area's edit, move, close or
assignment service; ``create_deal`` and ``create_request`` open a deal or register a request.
On a store that keeps tasks, ``create_task`` stores a task linked to the record and
``start_project`` a project of the settings' plan with its tasks; their messages still go to
the outbox, to tell the people concerned. Every other action is for the outside world and
goes to the outbox.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final

import attrs

from crmcore.agreements import edit_agreement
from crmcore.app.handlers.base import Runtime, pipeline_of
from crmcore.app.handlers.deals import move_outcome
from crmcore.app.handlers.requests import registered
from crmcore.app.handlers.tasks import add_task, begin_project
from crmcore.app.recipients import resolve
from crmcore.app.store import Repositories
from crmcore.app.work import REPOSITORY_OF_ENTITY, REPOSITORY_OF_REFERENCE, Work
from crmcore.claims import ClaimEdit, edit_claim
from crmcore.deals import (
    DealDraft,
    DealOutcome,
    edit_deal,
    lose_deal,
    open_deal,
    reopen_deal,
    win_deal,
)
from crmcore.errors import DomainValidationError, Violation
from crmcore.events import Outcome
from crmcore.ids import EntityRef, PartnerId, UserId
from crmcore.interactions import reschedule
from crmcore.partners import edit_contact_person, edit_partner
from crmcore.requests import RequestDraft, assign_request, edit_request, register_request
from crmcore.rules import (
    AssignManager,
    Chain,
    ChangeCoExecutor,
    Command,
    CreateDeal,
    CreateRequest,
    CreateTask,
    SetFields,
    StartProject,
)
from crmcore.rules.actions import CoExecutorChange
from crmcore.rules.commands import command_updates
from crmcore.tasks import TaskDraft
from crmcore.workcalendar import elapsed, instant_after

__all__ = ["INTERNAL", "apply_internal", "is_internal", "keeps_tasks"]

INTERNAL: Final = (SetFields, AssignManager, ChangeCoExecutor, CreateDeal, CreateRequest)
_CLAIM_FIELDS: Final = frozenset(field.name for field in attrs.fields(ClaimEdit))
_INTERACTION_FIELDS: Final = frozenset({"start", "end"})
# The kind of reference to each record the rules name by their entity.
_REFERENCE_OF_ENTITY: Final = {
    entity: kind
    for entity, repository in REPOSITORY_OF_ENTITY.items()
    for kind, held_in in REPOSITORY_OF_REFERENCE.items()
    if held_in == repository
}


def is_internal(command: Command) -> bool:
    """Whether crmcore carries out ``command`` itself (else it goes to the outbox)."""
    return isinstance(command.action, INTERNAL)


def keeps_tasks(repositories: Repositories, command: Command) -> bool:
    """Whether crmcore stores the task or project ``command`` asks for itself, beside its
    message in the outbox: the store keeps tasks (and projects, to start one)."""
    action = command.action
    if isinstance(action, CreateTask):
        return repositories.tasks is not None
    if isinstance(action, StartProject):
        return repositories.tasks is not None and repositories.projects is not None
    return False


def rule_actor(command: Command) -> str:
    """The actor a rule's change is recorded under: ``rule:<id>``."""
    return f"rule:{command.rule_id}"


def apply_internal(runtime: Runtime, work: Work, command: Command, *, chain: Chain) -> None:
    """Carry out ``command`` through the area service of its entity, storing what changes and
    publishing its events in ``chain``. A command the service refuses raises its typed error
    and changes nothing."""
    action = command.action
    if isinstance(action, CreateDeal):
        _create_deal(runtime, work, command, action, chain)
        return
    if isinstance(action, CreateRequest):
        _create_request(runtime, work, command, action, chain)
        return
    if isinstance(action, CreateTask):
        _create_task(work, command, action, chain)
        return
    if isinstance(action, StartProject):
        _start_project(runtime, work, command, action, chain)
        return
    repository = REPOSITORY_OF_ENTITY.get(command.entity)
    if repository is None:
        raise DomainValidationError.single(
            "entity", "is not a record crmcore stores", value=command.entity
        )
    entity = getattr(work.repositories, repository).get(command.entity_id)
    changes = _changes(runtime, work, entity, command)
    if not changes:
        return
    _EDITORS[command.entity](runtime, work, entity, changes, command, chain)


def _changes(runtime: Runtime, work: Work, entity: Any, command: Command) -> dict[str, Any]:
    """The fields ``command`` sets on ``entity``, typed as the record holds them (the rules'
    own conversion of values), without the ones already equal."""
    action = command.action
    if command.entity == "claim" and isinstance(action, AssignManager):
        if command.assignment is None:
            raise DomainValidationError.single("action", "chose no manager")
        return {"responsible_manager": command.assignment.user}
    if command.entity == "deal" and isinstance(action, ChangeCoExecutor):
        user = UserId(action.user)
        current = entity.co_executors
        wanted = current | {user} if action.change is CoExecutorChange.ADD else current - {user}
        return {"co_executors": wanted} if wanted != current else {}
    updates = command_updates(entity, command, schemas=runtime.settings.schemas)
    return {name: value for name, value in updates.items() if getattr(entity, name) != value}


Editor = Callable[[Runtime, Work, Any, dict[str, Any], Command, Chain], None]


def _card_editor(repository: str, edit: Callable[..., Outcome[Any]]) -> Editor:
    """The editor of a partner's or a contact person's card: the same edit arguments."""

    def editor(
        runtime: Runtime,
        work: Work,
        card: Any,
        changes: dict[str, Any],
        command: Command,
        chain: Chain,
    ) -> None:
        outcome = edit(
            card,
            now=work.now,
            changes=changes,
            custom_fields=runtime.settings.custom_fields,
            default_region=runtime.settings.default_region,
            actor=UserId(rule_actor(command)),
        )
        work.save(repository, card, outcome, chain=chain)

    return editor


def _edit_deal(
    runtime: Runtime, work: Work, deal: Any, changes: dict[str, Any], command: Command, chain: Chain
) -> None:
    # Stage and status go through the deal's services (gates, stage log, events), the other
    # fields through its edit: computed first, stored together, so a refusal stores nothing.
    actor = UserId(rule_actor(command))
    stage = changes.pop("stage", None)
    status = changes.pop("status", None)
    reason = changes.pop("lost_reason", None)
    comment = changes.pop("lost_comment", None)
    for moved_along in ("stage_entered_at", "closed_at", "competitor_id"):
        changes.pop(moved_along, None)
    steps: list[tuple[Any, DealOutcome]] = []
    current = deal
    if changes:
        edited = edit_deal(
            current,
            now=work.now,
            changes=changes,
            custom_fields=runtime.settings.custom_fields,
            actor=actor,
        )
        steps.append((current, edited))
        current = edited.entity
    if stage is not None:
        step = move_outcome(
            runtime, work, current, stage, actor=actor, reason=f"rule {command.rule_id}"
        )
        steps.append((current, step))
        current = step.entity
    if status is not None:
        steps.append((current, _closed(runtime, work, current, status, reason, comment, command)))
    for before, outcome in steps:
        work.save_deal(before, outcome, chain=chain)


def _closed(
    runtime: Runtime,
    work: Work,
    deal: Any,
    status: Any,
    reason: Any,
    comment: Any,
    command: Command,
) -> DealOutcome:
    actor = UserId(rule_actor(command))
    pipeline = pipeline_of(runtime, work, deal.pipeline_id)
    value = getattr(status, "value", status)
    if value == "won":
        return win_deal(deal, pipeline=pipeline, now=work.now, actor=actor)
    if value == "lost":
        if reason is None:
            raise DomainValidationError.single(
                "values.lost_reason", "is required to close a deal as lost"
            )
        return lose_deal(
            deal, pipeline=pipeline, reason=reason, now=work.now, comment=comment, actor=actor
        )
    if value == "open":
        return reopen_deal(
            deal, pipeline=pipeline, now=work.now, reason=f"rule {command.rule_id}", actor=actor
        )
    raise DomainValidationError.single(
        "values.status", "is changed by its own service", value=value
    )


def _edit_request(
    runtime: Runtime,
    work: Work,
    request: Any,
    changes: dict[str, Any],
    command: Command,
    chain: Chain,
) -> None:
    actor = UserId(rule_actor(command))
    manager = changes.pop("responsible_manager", None)
    steps: list[tuple[Any, Outcome[Any]]] = []
    current = request
    if changes:
        edited = edit_request(
            current,
            now=work.now,
            changes=changes,
            custom_fields=runtime.settings.custom_fields,
            actor=actor,
        )
        steps.append((current, edited))
        current = edited.entity
    if manager is not None:
        steps.append((current, assign_request(current, UserId(manager), now=work.now, actor=actor)))
    for before, outcome in steps:
        work.save("requests", before, outcome, chain=chain)


def _edit_agreement(
    runtime: Runtime,
    work: Work,
    agreement: Any,
    changes: dict[str, Any],
    command: Command,
    chain: Chain,
) -> None:
    outcome = edit_agreement(
        agreement, changes=changes, now=work.now, actor=UserId(rule_actor(command))
    )
    work.save("agreements", agreement, outcome, chain=chain)


def _edit_claim(
    runtime: Runtime,
    work: Work,
    claim: Any,
    changes: dict[str, Any],
    command: Command,
    chain: Chain,
) -> None:
    _only(changes, _CLAIM_FIELDS)
    outcome = edit_claim(
        claim,
        ClaimEdit(**changes),
        now=work.now,
        settings=runtime.settings.claims,
        actor=UserId(rule_actor(command)),
    )
    work.save("claims", claim, outcome, chain=chain)


def _edit_interaction(
    runtime: Runtime,
    work: Work,
    interaction: Any,
    changes: dict[str, Any],
    command: Command,
    chain: Chain,
) -> None:
    _only(changes, _INTERACTION_FIELDS)
    start = changes.get("start", interaction.start)
    end = changes.get("end", interaction.end)
    if "end" not in changes and interaction.end is not None:
        # A moved start keeps the real length, across a clock change too.
        end = instant_after(start, elapsed(interaction.start, interaction.end))
    outcome = reschedule(
        interaction,
        start=start,
        end=end,
        now=work.now,
        actor=UserId(rule_actor(command)),
    )
    work.save("interactions", interaction, outcome, chain=chain)


def _only(changes: Mapping[str, Any], allowed: frozenset[str]) -> None:
    wrong = sorted(set(changes) - allowed)
    if wrong:
        raise DomainValidationError(
            [
                Violation(field=f"values.{name}", message="is changed by its own service")
                for name in wrong
            ]
        )


_EDITORS: Final[Mapping[str, Editor]] = {
    "partner": _card_editor("partners", edit_partner),
    "contact_person": _card_editor("contact_persons", edit_contact_person),
    "deal": _edit_deal,
    "request": _edit_request,
    "agreement": _edit_agreement,
    "claim": _edit_claim,
    "interaction": _edit_interaction,
}


def _partner_of(work: Work, command: Command) -> PartnerId | None:
    record = work.latest(command.entity, command.entity_id)
    if command.entity == "partner":
        return PartnerId(command.entity_id)
    partner_id = getattr(record, "partner_id", None)
    if partner_id is None and command.entity == "request":
        binding = getattr(record, "binding", None)
        partner_id = getattr(binding, "partner_id", None)
    return PartnerId(partner_id) if partner_id else None


def _manager_of(work: Work, command: Command) -> UserId | None:
    record = work.latest(command.entity, command.entity_id)
    for name in ("responsible_manager", "responsible", "manager"):
        value = getattr(record, name, None)
        if isinstance(value, str):
            return UserId(value)
    return None


def _create_deal(
    runtime: Runtime, work: Work, command: Command, action: CreateDeal, chain: Chain
) -> None:
    pipeline_id = action.pipeline_id or runtime.settings.default_pipeline
    if pipeline_id is None:
        pipeline_id = runtime.settings.pipelines[0].id
    partner_id = _partner_of(work, command)
    manager = _manager_of(work, command)
    missing = [
        Violation(field=f"record.{name}", message="is needed to open a deal")
        for name, value in (("partner_id", partner_id), ("responsible_manager", manager))
        if value is None
    ]
    if partner_id is None or manager is None:
        raise DomainValidationError(missing)
    draft = DealDraft(title=action.title, partner_id=partner_id, responsible_manager=manager)
    outcome = open_deal(
        draft,
        pipeline=pipeline_of(runtime, work, pipeline_id),
        now=work.now,
        custom_fields=runtime.settings.custom_fields,
        actor=UserId(rule_actor(command)),
    )
    work.add_deal(outcome, chain=chain)


def _create_request(
    runtime: Runtime, work: Work, command: Command, action: CreateRequest, chain: Chain
) -> None:
    partner_id = _partner_of(work, command)
    partner = work.latest("partner", partner_id) if partner_id else None
    name = partner.short_name if partner is not None else action.title
    draft = RequestDraft(
        source=action.source or "other",
        name=name,
        company=partner.short_name if partner is not None else None,
        phones=partner.phones if partner is not None else (),
        emails=partner.emails if partner is not None else (),
        message=action.title,
        responsible_manager=_manager_of(work, command),
    )

    def register(earlier: Any) -> Outcome[Any]:
        return register_request(
            draft,
            now=work.now,
            settings=runtime.settings.requests,
            earlier=earlier,
            custom_fields=runtime.settings.custom_fields,
            default_region=runtime.settings.default_region,
            actor=UserId(rule_actor(command)),
        )

    registered(runtime, work, register, chain=chain)


def _record_ref(command: Command) -> EntityRef:
    """The record ``command`` is about, as a task or project links to it."""
    kind = _REFERENCE_OF_ENTITY.get(command.entity, command.entity)
    return EntityRef(entity_type=kind, entity_id=command.entity_id)


def _create_task(work: Work, command: Command, action: CreateTask, chain: Chain) -> None:
    users = [r.user for r in resolve(work, command, work.staff) if r.user is not None]
    if not users:
        raise DomainValidationError.single(
            "action.assignee", "names nobody for this record", value=action.assignee
        )
    draft = TaskDraft(
        title=action.title,
        description=action.description,
        assignee=UserId(users[0]),
        due=None if action.due_in is None else instant_after(work.now, action.due_in),
        links=(_record_ref(command),),
    )
    add_task(work, draft, task_id=None, actor=UserId(rule_actor(command)), chain=chain)


def _start_project(
    runtime: Runtime, work: Work, command: Command, action: StartProject, chain: Chain
) -> None:
    manager = _manager_of(work, command)
    if manager is None:
        raise DomainValidationError.single(
            "record.responsible_manager", "is needed to start a project"
        )
    begin_project(
        runtime, work, action.template_id, manager=manager, actor=UserId(rule_actor(command)),
        name=action.name, links=(_record_ref(command),), chain=chain,
    )  # fmt: skip
