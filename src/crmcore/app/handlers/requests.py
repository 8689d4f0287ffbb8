"""Handlers of the requests' commands: intake by a person or a public web form (spam-checked,
repeats linked, bound to a known client through the duplicate check), the lifecycle, and
the conversion into a partner, a contact person and a deal."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Final

from crmcore.app.commands import (
    AssignRequest,
    BindRequest,
    ConvertRequest,
    EditRequest,
    QualifyRequest,
    ReceiveWebForm,
    RegisterRequest,
    RejectRequest,
    TakeRequest,
)
from crmcore.app.handlers.base import Handler, Runtime, handles, pipeline_of
from crmcore.app.work import ROOT, Work
from crmcore.errors import DomainValidationError
from crmcore.events import Outcome
from crmcore.ids import ContactPersonId, DealId, EntityRef, PartnerId, RequestId, UserId, new_id
from crmcore.requests import (
    Conversion,
    Request,
    assign_request,
    bind_request,
    convert_request,
    edit_request,
    match_request,
    qualify_request,
    register_request,
    register_request_from_form,
    reject_request,
    take_request,
)
from crmcore.rules import Chain

__all__ = ["HANDLERS", "registered"]

HANDLERS: Final[dict[type, Handler]] = {}


def registered(
    runtime: Runtime,
    work: Work,
    register: Callable[[Sequence[Request]], Outcome[Request]],
    *,
    chain: Chain = ROOT,
) -> Request:
    """A request registered by ``register`` (called with the earlier requests from the same
    phone or email, so repeats are linked), bound to a known client when the duplicate check
    is sure, and stored."""
    first = register(())
    contact = first.entity.contact
    earlier = work.repositories.requests.from_contact(
        phones=contact.phones,
        emails=contact.emails,
        received_from=first.entity.received_at - runtime.settings.requests.duplicate_window,
    )
    outcome = register(earlier) if earlier else first
    request = outcome.entity
    events = list(outcome.events)
    if request.binding is None:
        matched = match_request(
            request, runtime.matcher(work), now=work.now, actor=UserId(work.actor)
        )
        if matched.entity.version != request.version:
            request = matched.entity
        events.extend(matched.events)
    return work.add("requests", Outcome(entity=request, events=tuple(events)), chain=chain)


@handles(HANDLERS, RegisterRequest)
def _register(runtime: Runtime, work: Work, command: RegisterRequest) -> Request:
    request_id = RequestId(command.request_id or new_id())

    def register(earlier: Sequence[Request]) -> Outcome[Request]:
        return register_request(
            command.draft,
            now=work.now,
            settings=runtime.settings.requests,
            request_id=request_id,
            received_at=command.received_at,
            earlier=earlier,
            custom_fields=runtime.settings.custom_fields,
            default_region=runtime.settings.default_region,
            actor=UserId(work.actor),
        )

    return registered(runtime, work, register)


@handles(HANDLERS, ReceiveWebForm)
def _web_form(runtime: Runtime, work: Work, command: ReceiveWebForm) -> Request:
    request_id = RequestId(command.request_id or new_id())
    matcher = runtime.matcher(work)

    def register(earlier: Sequence[Request]) -> Outcome[Request]:
        return register_request_from_form(
            command.payload,
            source=command.source,
            now=work.now,
            request_id=request_id,
            settings=runtime.settings.requests,
            spam=runtime.settings.spam,
            earlier=earlier,
            matcher=matcher,
            actor=UserId(work.actor),
            campaign_id=command.campaign_id,
        )

    return registered(runtime, work, register)


def _get(work: Work, request_id: str) -> Request:
    return work.repositories.requests.get(RequestId(request_id))


@handles(HANDLERS, EditRequest)
def _edit(runtime: Runtime, work: Work, command: EditRequest) -> Request:
    request = _get(work, command.request_id)
    outcome = edit_request(
        request,
        now=work.now,
        changes=command.changes,
        custom_fields=runtime.settings.custom_fields,
        actor=UserId(work.actor),
    )
    return work.save("requests", request, outcome)


@handles(HANDLERS, TakeRequest)
def _take(runtime: Runtime, work: Work, command: TakeRequest) -> Request:
    request = _get(work, command.request_id)
    manager = UserId(command.manager or work.actor)
    outcome = take_request(request, now=work.now, manager=manager, actor=UserId(work.actor))
    return work.save("requests", request, outcome)


@handles(HANDLERS, QualifyRequest)
def _qualify(runtime: Runtime, work: Work, command: QualifyRequest) -> Request:
    request = _get(work, command.request_id)
    outcome = qualify_request(request, now=work.now, actor=UserId(work.actor))
    return work.save("requests", request, outcome)


@handles(HANDLERS, RejectRequest)
def _reject(runtime: Runtime, work: Work, command: RejectRequest) -> Request:
    request = _get(work, command.request_id)
    outcome = reject_request(
        request,
        command.reason,
        now=work.now,
        settings=runtime.settings.requests,
        comment=command.comment,
        actor=UserId(work.actor),
    )
    return work.save("requests", request, outcome)


@handles(HANDLERS, AssignRequest)
def _assign(runtime: Runtime, work: Work, command: AssignRequest) -> Request:
    request = _get(work, command.request_id)
    outcome = assign_request(
        request, UserId(command.manager), now=work.now, actor=UserId(work.actor)
    )
    return work.save("requests", request, outcome)


@handles(HANDLERS, BindRequest)
def _bind(runtime: Runtime, work: Work, command: BindRequest) -> Request:
    request = _get(work, command.request_id)
    partner = work.repositories.partners.get(PartnerId(command.partner_id))
    person_id = command.contact_person_id
    if person_id is not None:
        person = work.repositories.contact_persons.get(ContactPersonId(person_id))
        if person.partner_id != partner.id:
            raise DomainValidationError.single(
                "contact_person_id", f"is not a contact person of {partner.id}", value=person_id
            )
    outcome = bind_request(
        request,
        partner.id,
        now=work.now,
        contact_person_id=ContactPersonId(person_id) if person_id else None,
        actor=UserId(work.actor),
    )
    return work.save("requests", request, outcome)


@handles(HANDLERS, ConvertRequest)
def _convert(runtime: Runtime, work: Work, command: ConvertRequest) -> Conversion:
    repositories = work.repositories
    request = _get(work, command.request_id)
    binding = request.binding
    partner = repositories.partners.get(binding.partner_id) if binding else None
    person = (
        repositories.contact_persons.get(binding.contact_person_id)
        if binding and binding.contact_person_id
        else None
    )
    before = {
        i.id: i
        for i in repositories.interactions.chain(
            EntityRef(entity_type="request", entity_id=request.id)
        )
    }
    conversion = convert_request(
        request,
        pipeline=pipeline_of(runtime, work, command.pipeline_id),
        now=work.now,
        responsible_manager=(
            UserId(command.responsible_manager) if command.responsible_manager else None
        ),
        title=command.title,
        partner=partner,
        contact_person=person,
        interactions=list(before.values()),
        deal_id=DealId(command.deal_id) if command.deal_id else None,
        actor=UserId(work.actor),
    )
    work.save("requests", request, Outcome(entity=conversion.request))
    if conversion.partner_created:
        work.add("partners", Outcome(entity=conversion.partner))
    if conversion.contact_person is not None and conversion.contact_person_created:
        work.add("contact_persons", Outcome(entity=conversion.contact_person))
    work.add("deals", Outcome(entity=conversion.deal))
    if conversion.stage_change is not None:
        repositories.stage_log.append(conversion.stage_change)
    for interaction in conversion.interactions:
        work.save("interactions", before[interaction.id], Outcome(entity=interaction))
    work.publish(conversion.events)
    return conversion
