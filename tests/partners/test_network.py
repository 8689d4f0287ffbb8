"""A partner's environment within N hops: relationships and contact membership."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from crmcore.errors import DomainValidationError
from crmcore.ids import EntityRef
from crmcore.memory import MemoryContactPersonRepository, MemoryRelationshipRepository
from crmcore.partners import ContactPerson, RelationshipKind, environment, link

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def partner(name: str) -> EntityRef:
    return EntityRef(entity_type="partner", entity_id=name)


def person(name: str) -> EntityRef:
    return EntityRef(entity_type="contact_person", entity_id=name)


@pytest.fixture
def world() -> tuple[MemoryRelationshipRepository, MemoryContactPersonRepository]:
    """holding -parent-> a -dealer-> b -competitor- c; anna@a knows boris@c."""
    relationships = MemoryRelationshipRepository()
    contacts = MemoryContactPersonRepository()
    links = [
        ("r1", RelationshipKind.PARENT_COMPANY_OF, partner("holding"), partner("a")),
        ("r2", RelationshipKind.DEALER_OF, partner("a"), partner("b")),
        ("r3", RelationshipKind.COMPETITOR_OF, partner("c"), partner("b")),
        ("r4", RelationshipKind.KNOWS, person("anna"), person("boris")),
    ]
    for link_id, kind, source, target in links:
        relationships.add(link(kind, source, target, relationship_id=link_id, now=NOW).entity)
    for person_id, partner_id in (("anna", "a"), ("boris", "c")):
        contacts.add(
            ContactPerson(id=person_id, partner_id=partner_id, name=person_id, created_at=NOW)
        )
    return relationships, contacts


def test_relationships_only(
    world: tuple[MemoryRelationshipRepository, MemoryContactPersonRepository],
) -> None:
    relationships, _ = world
    found = environment(partner("a"), relationships=relationships, hops=1)
    assert found.within(1) == [partner("a"), partner("b"), partner("holding")]
    assert found.distance(partner("c")) is None
    assert {link.relationship_id for link in found.links} == {"r1", "r2"}


def test_links_are_walked_both_ways_within_hops(
    world: tuple[MemoryRelationshipRepository, MemoryContactPersonRepository],
) -> None:
    relationships, _ = world
    found = environment(partner("holding"), relationships=relationships, hops=3)
    assert [(n.ref.entity_id, n.distance) for n in found.nodes] == [
        ("holding", 0),
        ("a", 1),
        ("b", 2),
        ("c", 3),
    ]


def test_contact_persons_connect_partners(
    world: tuple[MemoryRelationshipRepository, MemoryContactPersonRepository],
) -> None:
    relationships, contacts = world
    found = environment(partner("a"), relationships=relationships, contact_persons=contacts, hops=3)
    assert found.distance(person("anna")) == 1
    assert found.distance(person("boris")) == 2
    assert found.distance(partner("c")) == 2  # through b as well as through boris
    assert any(link.kind == "works_at" and link.source == person("anna") for link in found.links)


def test_start_may_be_a_contact_person(
    world: tuple[MemoryRelationshipRepository, MemoryContactPersonRepository],
) -> None:
    relationships, contacts = world
    found = environment(person("boris"), relationships=relationships, contact_persons=contacts)
    assert found.within(1) == [person("boris"), person("anna"), partner("c")]


def test_node_budget_truncates_the_walk(
    world: tuple[MemoryRelationshipRepository, MemoryContactPersonRepository],
) -> None:
    relationships, _ = world
    found = environment(partner("a"), relationships=relationships, hops=6, max_nodes=2)
    assert len(found.nodes) == 2
    assert found.truncated


def test_bad_arguments_are_reported_together(
    world: tuple[MemoryRelationshipRepository, MemoryContactPersonRepository],
) -> None:
    relationships, _ = world
    with pytest.raises(DomainValidationError) as error:
        environment(
            EntityRef(entity_type="deal", entity_id="d"),
            relationships=relationships,
            hops=0,
            max_nodes=True,
        )
    assert error.value.fields == ("start", "hops", "max_nodes")
