"""Conversion: a qualified request turned into a client, a contact person and a deal at once.

:func:`convert_request` reuses the partner (and contact person) the request is bound to, or
creates them from the request's contact data; opens a deal in the chosen pipeline for the
estimated amount, with the request's source and campaign; moves the request's interactions
onto the deal's chain; and marks the request converted. It is a pure function: the
:class:`Conversion` holds every new or changed object and every event, for the host to store
in one transaction. A refused conversion raises one typed error naming every problem, and
produces nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TypeVar

import attrs

from crmcore.deals import Deal, DealDraft, DealOutcome, Pipeline, StageChange, open_deal
from crmcore.errors import DomainValidationError, Violation
from crmcore.events import DomainEvent, Outcome
from crmcore.ids import ContactPersonId, DealId, PartnerId, UserId
from crmcore.interactions import Interaction, change_subject
from crmcore.partners import (
    ContactPerson,
    ContactPersonDraft,
    Partner,
    PartnerDraft,
    PartnerKind,
    add_contact_person,
    create_partner,
)
from crmcore.requests.events import RequestConverted, request_changes
from crmcore.requests.kinds import BindingMethod, RequestStatus
from crmcore.requests.lifecycle import REQUEST_LIFECYCLE
from crmcore.requests.model import REQUEST, Binding, Request, RequestedItem
from crmcore.validation import aware_datetime, bounded_text, identifier, optional, raise_violations

__all__ = ["Conversion", "convert_request", "partner_draft_of"]

T = TypeVar("T")


@attrs.frozen(kw_only=True)
class Conversion:
    """Everything a conversion produced, to be stored together.

    ``partner`` and ``contact_person`` are new when ``partner_created`` and
    ``contact_person_created`` say so (add them), else the bound ones as they were.
    ``items`` are the requested products for the deal's specification or offer; ``interactions``
    are the request's interactions moved onto the deal's chain (save each at its version less
    one). ``events`` holds every event in the order things happened.
    """

    request: Request
    partner: Partner
    partner_created: bool
    contact_person: ContactPerson | None
    contact_person_created: bool
    deal: Deal
    stage_change: StageChange | None
    items: tuple[RequestedItem, ...]
    interactions: tuple[Interaction, ...]
    events: tuple[DomainEvent, ...]


def partner_draft_of(request: Request, *, manager: UserId | None = None) -> PartnerDraft:
    """The client card a request describes: a company (a legal entity) when one is named, else
    a private client called by the person's name; with the phones, emails and region given."""
    contact = request.contact
    return PartnerDraft(
        kind="legal_entity" if contact.company else "individual",
        roles=["client"],
        short_name=contact.company or contact.name or "",
        phones=contact.phones,
        emails=contact.emails,
        region=contact.region,
        responsible_manager=manager,
    )


class _Steps:
    """Runs the steps of a conversion and keeps every problem, each under its step's name."""

    def __init__(self) -> None:
        self.found: list[Violation] = []

    def run(self, field: str, step: Callable[[], T]) -> T | None:
        try:
            return step()
        except DomainValidationError as error:
            self.found.extend(error.under(field).violations)
            return None

    def refuse(self, field: str, message: str, value: object = None) -> None:
        self.found.append(Violation(field=field, message=message, value=value))


def _bound_checks(
    request: Request, partner: Partner | None, person: ContactPerson | None, steps: _Steps
) -> None:
    binding = request.binding
    if binding is not None and (partner is None or partner.id != binding.partner_id):
        shown = None if partner is None else partner.id
        steps.refuse("partner", f"must be the bound partner {binding.partner_id!r}", shown)
    wanted = None if binding is None else binding.contact_person_id
    if wanted is not None and (person is None or person.id != wanted):
        message = f"must be the bound contact person {wanted!r}"
        steps.refuse("contact_person", message, None if person is None else person.id)
    if person is not None and partner is None:
        message = f"works for partner {person.partner_id!r}: pass that partner too"
        steps.refuse("contact_person", message, person.id)
    elif person is not None and partner is not None and person.partner_id != partner.id:
        message = f"works for partner {person.partner_id!r}, not {partner.id!r}"
        steps.refuse("contact_person", message, person.id)


def _title(request: Request) -> str:
    contact = request.contact
    who = contact.company or contact.name or request.id
    first = request.items[0].product if request.items else None
    return f"{who}: {first}" if first else f"Request from {who}"


@attrs.frozen(kw_only=True)
class _Choices:
    """What a person chose for a conversion, besides the request and the pipeline."""

    partner: Partner | None
    contact_person: ContactPerson | None
    partner_draft: PartnerDraft | None
    manager: UserId | None
    partner_id: PartnerId | None
    contact_person_id: ContactPersonId | None
    deal_id: DealId | None
    title: str | None
    actor: UserId | None


@attrs.frozen(kw_only=True)
class _Client:
    partner: Partner
    person: ContactPerson | None
    events: tuple[DomainEvent, ...]
    partner_created: bool
    person_created: bool


def _person(
    request: Request, partner: Partner, choices: _Choices, now: datetime, steps: _Steps
) -> Outcome[ContactPerson] | None:
    contact = request.contact
    if contact.name is None or partner.kind is PartnerKind.INDIVIDUAL:
        return None
    draft = ContactPersonDraft(
        name=contact.name, phones=contact.phones, emails=contact.emails, region=contact.region
    )
    return steps.run(
        "contact_person",
        lambda: add_contact_person(
            draft, partner=partner, now=now, contact_person_id=choices.contact_person_id,
            actor=choices.actor,
        ),
    )  # fmt: skip


def _client(request: Request, choices: _Choices, now: datetime, steps: _Steps) -> _Client | None:
    """The bound or chosen client, or a new one; ``None`` when it cannot be made."""
    events: list[DomainEvent] = []
    partner = choices.partner
    if partner is None:
        draft = choices.partner_draft or partner_draft_of(request, manager=choices.manager)
        registered = steps.run(
            "partner",
            lambda: create_partner(
                draft, now=now, partner_id=choices.partner_id, actor=choices.actor
            ),
        )
        if registered is None:
            return None
        partner = registered.entity
        events.extend(registered.events)
    person = choices.contact_person
    added = None if person is not None else _person(request, partner, choices, now, steps)
    if added is not None:
        person = added.entity
        events.extend(added.events)
    return _Client(
        partner=partner, person=person, events=tuple(events),
        partner_created=choices.partner is None, person_created=added is not None,
    )  # fmt: skip


def _converted(
    request: Request, client: _Client, deal: Deal, now: datetime, actor: UserId | None
) -> Outcome[Request]:
    target = REQUEST_LIFECYCLE.target(request.status.value, "convert")
    binding = request.binding or Binding(
        partner_id=client.partner.id,
        contact_person_id=None if client.person is None else client.person.id,
        method=BindingMethod.MANUAL, bound_at=now, by=actor,
    )  # fmt: skip
    converted = attrs.evolve(
        request, status=RequestStatus(target), deal_id=deal.id, closed_at=now, binding=binding,
        proposals=(), version=request.version + 1,
    )  # fmt: skip
    event = RequestConverted(
        entity_id=request.id, occurred_at=now, actor=actor, deal_id=deal.id,
        changes=request_changes(request, converted),
    )  # fmt: skip
    return Outcome(entity=converted, events=(event,))


def _deal(
    request: Request, client: _Client | None, pipeline: Pipeline, choices: _Choices,
    now: datetime, steps: _Steps,
) -> DealOutcome | None:  # fmt: skip
    if choices.manager is None:
        steps.refuse("responsible_manager", "is needed: the request has none to hand the deal to")
    if client is None or choices.manager is None:
        return None
    draft = DealDraft(
        title=choices.title or _title(request), partner_id=client.partner.id,
        responsible_manager=choices.manager, amount=request.estimated_amount,
        source=request.source, campaign_id=request.campaign_id,
    )  # fmt: skip
    return steps.run(
        "deal",
        lambda: open_deal(
            draft, pipeline=pipeline, now=now, deal_id=choices.deal_id, actor=choices.actor
        ),
    )


def convert_request(
    request: Request,
    *,
    pipeline: Pipeline,
    now: datetime,
    responsible_manager: UserId | None = None,
    title: str | None = None,
    partner: Partner | None = None,
    contact_person: ContactPerson | None = None,
    partner_draft: PartnerDraft | None = None,
    interactions: Sequence[Interaction] = (),
    deal_id: DealId | None = None,
    partner_id: PartnerId | None = None,
    contact_person_id: ContactPersonId | None = None,
    actor: UserId | None = None,
) -> Conversion:
    """Convert a qualified ``request`` into a client and a deal of ``pipeline``.

    A bound request needs its bound ``partner`` (and contact person) passed in, as read from
    the repositories; an unbound one reuses ``partner`` when a person chose one, else gets a
    new partner from ``partner_draft`` (by default :func:`partner_draft_of`) and, when the
    contact has a name and the client is not a private person, a new contact person. The deal
    is ``responsible_manager``'s (by default the request's, else ``actor``'s).

    Raises :class:`~crmcore.errors.InvalidTransitionError` unless the request is qualified,
    else :class:`DomainValidationError` listing every problem; nothing is produced then.
    """
    REQUEST_LIFECYCLE.target(request.status.value, "convert", entity=(REQUEST, request.id))
    raise_violations(
        [*aware_datetime("now", now), *optional(identifier)("actor", actor),
         *optional(bounded_text(200))("title", title)]
    )  # fmt: skip
    choices = _Choices(
        partner=partner, contact_person=contact_person, partner_draft=partner_draft,
        manager=responsible_manager or request.responsible_manager or actor,
        partner_id=partner_id, contact_person_id=contact_person_id, deal_id=deal_id,
        title=title, actor=actor,
    )  # fmt: skip
    steps = _Steps()
    _bound_checks(request, partner, contact_person, steps)
    client = _client(request, choices, now, steps)
    opened = _deal(request, client, pipeline, choices, now, steps)
    raise_violations(steps.found)
    assert client is not None
    assert opened is not None
    converted = _converted(request, client, opened.entity, now, actor)
    deal = opened.entity
    moved = [
        change_subject(i, deal.ref, now=now, actor=actor, partner_id=deal.partner_id)
        for i in interactions
    ]
    return Conversion(
        request=converted.entity, partner=client.partner, partner_created=client.partner_created,
        contact_person=client.person, contact_person_created=client.person_created,
        deal=deal, stage_change=opened.stage_change, items=request.items,
        interactions=tuple(outcome.entity for outcome in moved),
        events=(*client.events, *opened.events, *converted.events,
                *(event for outcome in moved for event in outcome.events)),
    )  # fmt: skip
