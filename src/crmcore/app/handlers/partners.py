"""Handlers of the partners' commands: registration through the duplicate check, cards,
contact persons and relationships."""

from __future__ import annotations

from typing import Final

from crmcore.access import part_change
from crmcore.app.commands import (
    AddContactPerson,
    EditContactPerson,
    EditPartner,
    LinkRelationship,
    RegisterPartner,
    UnlinkRelationship,
)
from crmcore.app.handlers.base import Handler, Runtime, handles
from crmcore.app.work import Work
from crmcore.ids import ContactPersonId, PartnerId, RelationshipId, UserId
from crmcore.partners import (
    ContactPerson,
    Partner,
    PossibleDuplicates,
    Relationship,
    add_contact_person,
    edit_contact_person,
    edit_partner,
    link,
    register_partner,
    unlink,
)

__all__ = ["HANDLERS"]

HANDLERS: Final[dict[type, Handler]] = {}


@handles(HANDLERS, RegisterPartner)
def _register(
    runtime: Runtime, work: Work, command: RegisterPartner
) -> Partner | PossibleDuplicates:
    found = register_partner(
        command.draft,
        repository=work.repositories.partners,
        index=runtime.partner_index(work),
        now=work.now,
        force=command.force,
        partner_id=PartnerId(command.partner_id) if command.partner_id else None,
        actor=UserId(work.actor),
    )
    if isinstance(found, PossibleDuplicates):
        return found
    return work.add("partners", found)


@handles(HANDLERS, EditPartner)
def _edit(runtime: Runtime, work: Work, command: EditPartner) -> Partner:
    partner = work.repositories.partners.get(PartnerId(command.partner_id))
    outcome = edit_partner(
        partner,
        now=work.now,
        changes=command.changes,
        custom_fields=runtime.settings.custom_fields,
        default_region=runtime.settings.default_region,
        actor=UserId(work.actor),
    )
    return work.save("partners", partner, outcome)


@handles(HANDLERS, AddContactPerson)
def _add_person(runtime: Runtime, work: Work, command: AddContactPerson) -> ContactPerson:
    partner = work.repositories.partners.get(PartnerId(command.partner_id))
    outcome = add_contact_person(
        command.draft,
        partner=partner,
        now=work.now,
        contact_person_id=(
            ContactPersonId(command.contact_person_id) if command.contact_person_id else None
        ),
        custom_fields=runtime.settings.custom_fields,
        default_region=runtime.settings.default_region,
        actor=UserId(work.actor),
    )
    return work.add("contact_persons", outcome)


@handles(HANDLERS, EditContactPerson)
def _edit_person(runtime: Runtime, work: Work, command: EditContactPerson) -> ContactPerson:
    person = work.repositories.contact_persons.get(ContactPersonId(command.contact_person_id))
    outcome = edit_contact_person(
        person,
        now=work.now,
        changes=command.changes,
        custom_fields=runtime.settings.custom_fields,
        default_region=runtime.settings.default_region,
        actor=UserId(work.actor),
    )
    return work.save("contact_persons", person, outcome)


@handles(HANDLERS, LinkRelationship)
def _link(runtime: Runtime, work: Work, command: LinkRelationship) -> Relationship:
    for ref in (command.source, command.target):
        work.get_ref(ref)
    outcome = link(
        command.kind,
        command.source,
        command.target,
        now=work.now,
        relationship_id=RelationshipId(command.relationship_id)
        if command.relationship_id
        else None,
        since=command.since,
        note=command.note,
        actor=UserId(work.actor),
    )
    work.check_write("relationships", None, outcome.entity)
    work.repositories.relationships.add(outcome.entity)
    _audit_relationship(work, None, outcome.entity)
    work.publish(outcome.events)
    return outcome.entity


def _audit_relationship(
    work: Work, before: Relationship | None, after: Relationship | None
) -> None:
    """Keep a link made or removed in its source's audit trail, as ``relationships.<id>``."""
    relationship = after or before
    assert relationship is not None
    source = work.load(relationship.source)
    if source is not None:
        change = part_change(f"relationships.{relationship.id}", before, after)
        work.record_part(source, relationship.source.entity_type, change)


@handles(HANDLERS, UnlinkRelationship)
def _unlink(runtime: Runtime, work: Work, command: UnlinkRelationship) -> Relationship:
    relationship = work.repositories.relationships.get(RelationshipId(command.relationship_id))
    work.check_delete("relationships", relationship)
    outcome = unlink(relationship, now=work.now, actor=UserId(work.actor))
    work.repositories.relationships.remove(relationship.id)
    _audit_relationship(work, relationship, None)
    work.publish(outcome.events)
    return outcome.entity
