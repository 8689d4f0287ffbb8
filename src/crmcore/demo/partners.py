"""The demo's first chapter: partners, contact persons and relationships registered through
the CRM, their contacts' local time, an environment, and a draft refused whole."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from crmcore.app.commands import AddContactPerson, LinkRelationship, RegisterPartner
from crmcore.demo.story import Story
from crmcore.demo.world import table
from crmcore.errors import DomainValidationError
from crmcore.ids import EntityRef
from crmcore.partners import (
    ContactPersonDraft,
    Partner,
    PartnerDraft,
    RelationshipKind,
    environment,
    local_time,
)

__all__ = ["chapter", "register_base"]

_PARTNERS = (
    ("romashka", PartnerDraft(kind="legal_entity", roles=["client"], short_name="ООО «Ромашка»",
        tax_id="7707083893", kpp="770701001", registration_number="1027700132195",
        phones=["+7 (495) 123-45-67"], emails=["info@romashka.ru"], region="Москва",
        custom={"car_brand": "Audi"})),
    ("petrov", PartnerDraft(kind="sole_proprietor", roles=["supplier"],
        short_name="ИП Петров И. С.", tax_id="500100732259",
        registration_number="304500116000157", phones=["8 (4852) 30-12-45"])),
    ("vostok", PartnerDraft(kind="legal_entity", roles=["carrier", "dealer"],
        short_name="Vostok Logistics", phones=["+7 423 222-33-44"], region="Приморский край")),
    ("lilie", PartnerDraft(kind="legal_entity", roles=["competitor"], short_name="Lilie GmbH",
        country="DE", tax_id="DE 136 695 976", phones=["+49 30 901820"])),
)  # fmt: skip
_CONTACTS = (
    ("anna-smirnova", "romashka", ContactPersonDraft(name="Анна Смирнова", position="Закупки",
        phones=["+7 495 765-43-21"], emails=["a.smirnova@romashka.ru"])),
    ("sergey", "vostok", ContactPersonDraft(name="Сергей Ким", position="Director",
        phones=["+7 423 240-11-22"])),
    ("hans", "lilie", ContactPersonDraft(name="Hans Müller", position="Vertrieb",
        phones=["+49 89 1234567"], time_zone="Europe/Berlin")),
)  # fmt: skip
_LINKS = (
    ("r1", RelationshipKind.CARRIER_OF, ("partner", "vostok"), ("partner", "romashka")),
    ("r2", RelationshipKind.COMPETITOR_OF, ("partner", "lilie"), ("partner", "romashka")),
    ("r3", RelationshipKind.KNOWS, ("contact_person", "anna-smirnova"),
     ("contact_person", "sergey")),
)  # fmt: skip


def _ref(entity_type: str, entity_id: str) -> EntityRef:
    return EntityRef(entity_type=entity_type, entity_id=entity_id)


def register_base(story: Story) -> None:
    """The partners, contact persons and relationships the CRM holds when the story starts."""
    at = story.now - timedelta(days=90)
    for partner_id, draft in _PARTNERS:
        story.run(RegisterPartner(draft=draft, partner_id=partner_id), actor="anna", at=at)
    for person_id, partner_id, person in _CONTACTS:
        added = AddContactPerson(partner_id=partner_id, draft=person, contact_person_id=person_id)
        story.run(added, actor="anna", at=at)
    for link_id, kind, source, target in _LINKS:
        linked = LinkRelationship(
            kind=kind.value, source=_ref(*source), target=_ref(*target), relationship_id=link_id
        )
        story.run(linked, actor="anna", at=at)


def chapter(story: Story) -> Iterator[str]:
    """Partners registered, their contacts' local time, an environment, a refused draft."""
    register_base(story)
    with story.crm.store.unit_of_work() as stored:
        partners = list(stored.partners.iterate())
        yield "Partners registered through RegisterPartner:"
        yield from table(
            ["id", "name", "kind", "roles", "tax id", "phone"], [_row(p) for p in partners]
        )
        yield ""
        yield "Contact persons and their local time now:"
        rows = []
        for partner in partners:
            for person in stored.contact_persons.of_partner(partner.id):
                found = local_time(person, story.now)
                shown = f"{found.at:%H:%M} {found.time_zone}" if found else "unknown"
                phone = str(person.phones[0]) if person.phones else ""
                rows.append(
                    [person.name, partner.short_name, phone, shown, found.source if found else ""]
                )
        yield from table(["name", "partner", "phone", "local time", "from"], rows)
        yield ""
        yield "Who is connected to ООО «Ромашка» within 3 hops:"
        found_around = environment(
            _ref("partner", "romashka"),
            relationships=stored.relationships,
            contact_persons=stored.contact_persons,
            hops=3,
        )
        names: dict[str, str] = {p.id: p.short_name for p in partners}
        people: dict[str, str] = {
            person.id: f"{person.name} ({names[person.partner_id]})"
            for partner in partners
            for person in stored.contact_persons.of_partner(partner.id)
        }
        who = {**names, **people}
        yield from table(
            ["hops", "who"],
            [[str(n.distance), who[n.ref.entity_id]] for n in found_around.nodes[1:]],
        )
    yield ""
    yield "A draft with mistakes is refused whole, every problem named, nothing stored:"
    yield from _refused(story, len(partners))


def _row(partner: Partner) -> list[str]:
    tax_id = partner.legal.tax_id if partner.legal and partner.legal.tax_id else ""
    roles = ", ".join(sorted(role.value for role in partner.roles))
    phone = str(partner.phones[0]) if partner.phones else ""
    return [partner.id, partner.short_name, partner.kind.value, roles, tax_id, phone]


def _refused(story: Story, before: int) -> Iterator[str]:
    draft = PartnerDraft(
        kind="legal_entity",
        roles=["client", "friend"],
        short_name=" ",
        tax_id="7707083894",
        phones=["+7 (495) 12"],
        emails=["sales@@mail"],
    )
    try:
        story.run(RegisterPartner(draft=draft), actor="anna")
    except DomainValidationError as error:
        yield from (f"  - {violation}" for violation in error.violations)
    with story.crm.store.unit_of_work() as stored:
        after = stored.partners.count()
    yield f"  partners stored before: {before}, after: {after}"
