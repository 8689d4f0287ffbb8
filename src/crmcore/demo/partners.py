"""The demo's first chapter: partners, contact persons, relationships, local time."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from crmcore.demo.world import World, table
from crmcore.errors import DomainValidationError
from crmcore.ids import ContactPersonId, EntityRef, PartnerId, RelationshipId
from crmcore.partners import (
    ContactPersonDraft,
    Partner,
    PartnerDraft,
    RelationshipKind,
    add_contact_person,
    create_partner,
    environment,
    link,
    local_time,
)

__all__ = ["build_world", "chapter"]


_PARTNERS = (
    ("romashka", PartnerDraft(kind="legal_entity", roles=["client"], short_name="ООО «Ромашка»",
        tax_id="7707083893", kpp="770701001", registration_number="1027700132195",
        phones=["+7 (495) 123-45-67"], emails=["info@romashka.ru"], region="Москва")),
    ("petrov", PartnerDraft(kind="sole_proprietor", roles=["supplier"],
        short_name="ИП Петров И. С.", tax_id="500100732259",
        registration_number="304500116000157", phones=["8 (4852) 30-12-45"])),
    ("vostok", PartnerDraft(kind="legal_entity", roles=["carrier", "supplier"],
        short_name="Vostok Logistics", phones=["+7 423 222-33-44"], region="Приморский край")),
    ("lilie", PartnerDraft(kind="legal_entity", roles=["competitor"], short_name="Lilie GmbH",
        country="DE", tax_id="DE 136 695 976", phones=["+49 30 901820"])),
)  # fmt: skip

_CONTACTS = (
    ("anna", "romashka", ContactPersonDraft(name="Анна Смирнова", position="Закупки",
        phones=["+7 495 765-43-21"], emails=["a.smirnova@romashka.ru"])),
    ("sergey", "vostok", ContactPersonDraft(name="Сергей Ким", position="Director",
        phones=["+7 423 240-11-22"])),
    ("hans", "lilie", ContactPersonDraft(name="Hans Müller", position="Vertrieb",
        phones=["+49 89 1234567"], time_zone="Europe/Berlin")),
)  # fmt: skip

_LINKS = (
    ("r1", RelationshipKind.CARRIER_OF, ("partner", "vostok"), ("partner", "romashka")),
    ("r2", RelationshipKind.COMPETITOR_OF, ("partner", "lilie"), ("partner", "romashka")),
    ("r3", RelationshipKind.KNOWS, ("contact_person", "anna"), ("contact_person", "sergey")),
)


def build_world(world: World, now: datetime) -> None:
    """Register the demo's partners, contact persons and relationships in ``world``."""
    for partner_id, draft in _PARTNERS:
        outcome = create_partner(draft, partner_id=PartnerId(partner_id), now=now)
        world.partners.add(outcome.entity)
        world.events.extend(outcome.events)
    for person_id, partner_id, person_draft in _CONTACTS:
        partner = world.partners.get(PartnerId(partner_id))
        added = add_contact_person(
            person_draft, partner=partner, contact_person_id=ContactPersonId(person_id), now=now
        )
        world.contacts.add(added.entity)
        world.events.extend(added.events)
    for link_id, kind, source, target in _LINKS:
        linked = link(kind, _ref(*source), _ref(*target), relationship_id=RelationshipId(link_id),
                      now=now)  # fmt: skip
        world.relationships.add(linked.entity)
        world.events.extend(linked.events)


def _ref(entity_type: str, entity_id: str) -> EntityRef:
    return EntityRef(entity_type=entity_type, entity_id=entity_id)


def chapter(world: World, now: datetime) -> Iterator[str]:
    """Partners registered, their contacts' local time, an environment, a rejected draft."""
    yield "Partners registered:"
    yield from table(
        ["id", "name", "kind", "roles", "tax id", "phone"],
        [_partner_row(partner) for partner in world.partners.iterate()],
    )
    yield ""
    yield "Contact persons and their local time now:"
    yield from table(["name", "partner", "phone", "local time", "from"], _contact_rows(world, now))
    yield ""
    yield "Who is connected to ООО «Ромашка» within 3 hops:"
    found = environment(
        _ref("partner", "romashka"),
        relationships=world.relationships,
        contact_persons=world.contacts,
        hops=3,
    )
    yield from table(
        ["hops", "who"], [[str(n.distance), _name(world, n.ref)] for n in found.nodes[1:]]
    )
    yield ""
    yield "A draft with mistakes is rejected whole, every problem named, nothing stored:"
    yield from _rejected_draft(world, now)


def _partner_row(partner: Partner) -> list[str]:
    tax_id = partner.legal.tax_id if partner.legal and partner.legal.tax_id else ""
    roles = ", ".join(sorted(role.value for role in partner.roles))
    phone = str(partner.phones[0]) if partner.phones else ""
    return [partner.id, partner.short_name, partner.kind.value, roles, tax_id, phone]


def _contact_rows(world: World, now: datetime) -> list[list[str]]:
    rows = []
    for partner in world.partners.iterate():
        for person in world.contacts.of_partner(partner.id):
            found = local_time(person, now)
            shown = f"{found.at:%H:%M} {found.time_zone}" if found else "unknown"
            source = found.source if found else ""
            phone = str(person.phones[0]) if person.phones else ""
            rows.append([person.name, partner.short_name, phone, shown, source])
    return rows


def _name(world: World, ref: EntityRef) -> str:
    if ref.entity_type == "partner":
        return world.partners.get(PartnerId(ref.entity_id)).short_name
    person = world.contacts.get(ContactPersonId(ref.entity_id))
    return f"{person.name} ({world.partners.get(person.partner_id).short_name})"


def _rejected_draft(world: World, now: datetime) -> Iterator[str]:
    draft = PartnerDraft(
        kind="legal_entity",
        roles=["client", "friend"],
        short_name=" ",
        tax_id="7707083894",
        phones=["+7 (495) 12"],
        emails=["sales@@mail"],
    )
    before = world.partners.count()
    try:
        create_partner(draft, now=now)
    except DomainValidationError as error:
        for violation in error.violations:
            yield f"  - {violation}"
    yield f"  partners stored before: {before}, after: {world.partners.count()}"
