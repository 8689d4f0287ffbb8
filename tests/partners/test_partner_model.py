"""Partners, contact persons and relationships: valid models only, every problem reported
at once, legal data that fits the kind, evolve validating again."""

from datetime import UTC, date, datetime
from decimal import Decimal

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crmcore.errors import DomainValidationError
from crmcore.ids import ContactPersonId, EntityRef, PartnerId, RelationshipId
from crmcore.partners.contact_data import Email, Phone
from crmcore.partners.kinds import PartnerKind, PartnerRole, RelationshipKind
from crmcore.partners.model import ContactPerson, LegalData, Partner, Relationship
from crmcore.testing.strategies import contact_persons, inns, partners, relationships

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
LEGAL, SOLE, PERSON = PartnerKind.LEGAL_ENTITY, PartnerKind.SOLE_PROPRIETOR, PartnerKind.INDIVIDUAL
SBERBANK = LegalData(tax_id="7707083893", kpp="773601001", registration_number="1027700132195")
PERSON_INN = "500100732259"


def _partner(**changes: object) -> Partner:
    fields: dict[str, object] = {
        "id": PartnerId("p-1"),
        "kind": LEGAL,
        "roles": frozenset({PartnerRole.CLIENT}),
        "short_name": "ПАО Сбербанк",
        "legal": SBERBANK,
        "created_at": NOW,
    }
    return Partner(**{**fields, **changes})  # type: ignore[arg-type]


def _problems(**changes: object) -> tuple[str, ...]:
    with pytest.raises(DomainValidationError) as caught:
        _partner(**changes)
    return caught.value.fields


def test_a_partner_keeps_clean_names_and_several_roles() -> None:
    partner = _partner(
        short_name="  Ромашка ",
        full_name=" ",
        roles=frozenset({PartnerRole.CLIENT, PartnerRole.SUPPLIER, PartnerRole.DEALER}),
    )
    assert (partner.short_name, partner.full_name, partner.version) == ("Ромашка", None, 1)
    assert partner.has_role(PartnerRole.DEALER)
    assert not partner.has_role(PartnerRole.COMPETITOR)
    assert partner.ref == EntityRef(entity_type="partner", entity_id="p-1")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"short_name": "   "}, "short_name"),
        ({"short_name": "x" * 201}, "short_name"),
        ({"short_name": "a\u202eb"}, "short_name"),
        ({"short_name": None}, "short_name"),
        ({"full_name": "x" * 501}, "full_name"),
        ({"roles": frozenset()}, "roles"),
        ({"roles": {PartnerRole.CLIENT}}, "roles"),
        ({"roles": frozenset({"client"})}, "roles"),
        ({"kind": "legal_entity"}, "kind"),
        ({"id": "p 1"}, "id"),
        ({"created_at": datetime(2026, 3, 1)}, "created_at"),
        ({"version": -1}, "version"),
        ({"version": 1.0}, "version"),
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"time_zone": "../etc/passwd"}, "time_zone"),
        ({"responsible_manager": "ivan petrov"}, "responsible_manager"),
        ({"notes": "bell\x07"}, "notes"),
        ({"custom": {"rating": 4.5}}, "custom.rating"),
        ({"custom": {"Rating": 4}}, "custom"),
        ({"legal": "7707083893"}, "legal"),
        ({"addresses": ("Москва",)}, "addresses[0]"),
        ({"phones": [Phone(number="+74951234567")]}, "phones"),
    ],
)
def test_a_bad_field_is_named(changes: dict[str, object], field: str) -> None:
    assert _problems(**changes) == (field,)


def test_every_bad_field_is_reported_at_once() -> None:
    problems = _problems(
        id="",
        roles=frozenset(),
        short_name=" ",
        created_at=datetime(2026, 3, 1),
        custom={"x": 1.5},
        version=-1,
    )
    assert problems == ("id", "roles", "short_name", "custom.x", "created_at", "version")


def test_repeated_phones_and_emails_are_named_by_position() -> None:
    phone = Phone(number="+74951234567")
    problems = _problems(
        phones=(phone, Phone(number="+74232223344"), attrs.evolve(phone, extension="1")),
        emails=(Email(address="Ivan@mail.ru"), Email(address="ivan@mail.ru")),
    )
    assert problems == ("phones[2]", "emails[1]")


@pytest.mark.parametrize(
    ("kind", "legal", "fields"),
    [
        (SOLE, SBERBANK, ("legal.tax_id", "legal.kpp", "legal.registration_number")),
        (PERSON, LegalData(registration_number="1027700132195"), ("legal.registration_number",)),
        (LEGAL, LegalData(tax_id=PERSON_INN), ("legal.tax_id",)),
        (PERSON, LegalData(tax_id="7707083893"), ("legal.tax_id",)),
        (SOLE, LegalData(registration_number="1027700132195"), ("legal.registration_number",)),
    ],
)
def test_legal_data_must_fit_the_kind(
    kind: PartnerKind, legal: LegalData, fields: tuple[str, ...]
) -> None:
    assert _problems(kind=kind, legal=legal) == fields


def test_legal_data_of_each_kind() -> None:
    assert _partner(
        kind=SOLE, legal=LegalData(tax_id=PERSON_INN, registration_number="304500116000157")
    )
    assert _partner(kind=PERSON, legal=LegalData(tax_id=PERSON_INN), short_name="Иванов И. И.")
    assert _partner(kind=PERSON, legal=None).legal is None


def test_a_field_problem_does_not_hide_the_legal_data_problem() -> None:
    assert _problems(short_name=" ", legal=LegalData(tax_id=PERSON_INN)) == (
        "short_name",
        "legal.tax_id",
    )


def test_a_time_zone_directory_is_not_a_time_zone() -> None:
    assert _problems(time_zone="Europe") == ("time_zone",)


def test_the_custom_values_of_a_partner_cannot_be_changed_in_place() -> None:
    partner = _partner(custom={"employees": 120})
    with pytest.raises(TypeError):
        partner.custom["rating"] = 4.5  # type: ignore[index]
    assert partner.custom == {"employees": 120}


@settings(max_examples=40)
@given(partners())
def test_evolve_validates_again(partner: Partner) -> None:
    assert attrs.evolve(partner) == partner
    with pytest.raises(DomainValidationError) as caught:
        attrs.evolve(partner, short_name="  ")
    assert caught.value.fields == ("short_name",)
    assert attrs.evolve(partner, version=partner.version + 1).version == partner.version + 1


@settings(max_examples=40)
@given(partners(kinds=(SOLE, PERSON)), inns(kind=LEGAL))
def test_a_person_cannot_take_an_organization_inn(partner: Partner, inn: str) -> None:
    with pytest.raises(DomainValidationError) as caught:
        attrs.evolve(partner, legal=LegalData(tax_id=inn))
    assert caught.value.fields == ("legal.tax_id",)


def test_changing_the_kind_checks_the_legal_data_again() -> None:
    person = _partner(kind=SOLE, legal=LegalData(tax_id=PERSON_INN))
    with pytest.raises(DomainValidationError) as caught:
        attrs.evolve(person, kind=LEGAL)
    assert caught.value.fields == ("legal.tax_id",)


def test_a_contact_person_belongs_to_a_partner() -> None:
    person = ContactPerson(
        id=ContactPersonId("c-1"),
        partner_id=PartnerId("p-1"),
        name=" Иванов Иван Иванович ",
        position="Директор",
        time_zone="Asia/Vladivostok",
        created_at=NOW,
    )
    assert person.name == "Иванов Иван Иванович"
    assert person.ref == EntityRef(entity_type="contact_person", entity_id="c-1")


def test_a_contact_person_reports_every_problem_at_once() -> None:
    with pytest.raises(DomainValidationError) as caught:
        ContactPerson(
            id=ContactPersonId("c 1"),
            partner_id=PartnerId(""),
            name="",
            emails=(Email(address="a@b.ru"), Email(address="A@b.ru")),
            custom={"x": None},  # type: ignore[dict-item]
            created_at="2026-03-01",  # type: ignore[arg-type]
        )
    assert caught.value.fields == (
        "id",
        "partner_id",
        "name",
        "emails[1]",
        "custom.x",
        "created_at",
    )


@given(contact_persons(partner_ids=("p-1", "p-2")))
def test_drawn_contact_persons_are_valid_and_belong_to_given_partners(
    person: ContactPerson,
) -> None:
    assert attrs.evolve(person) == person
    assert person.partner_id in {"p-1", "p-2"}


def _link(kind: RelationshipKind, source: EntityRef, target: EntityRef) -> Relationship:
    return Relationship(
        id=RelationshipId("r-1"), kind=kind, source=source, target=target, created_at=NOW
    )


PARTNER_A = EntityRef(entity_type="partner", entity_id="a")
PARTNER_B = EntityRef(entity_type="partner", entity_id="b")
PERSON_A = EntityRef(entity_type="contact_person", entity_id="a")
PERSON_B = EntityRef(entity_type="contact_person", entity_id="b")


def test_a_relationship_joins_two_ends_of_the_kind() -> None:
    link = _link(RelationshipKind.PARENT_COMPANY_OF, PARTNER_A, PARTNER_B)
    assert link.other_end(PARTNER_A) == PARTNER_B
    assert link.other_end(PARTNER_B) == PARTNER_A
    assert _link(RelationshipKind.REPORTS_TO, PERSON_A, PERSON_B).kind.between == "contact_person"


@pytest.mark.parametrize(
    ("kind", "source", "target", "fields"),
    [
        (
            RelationshipKind.DEALER_OF,
            PERSON_A,
            PERSON_B,
            ("source.entity_type", "target.entity_type"),
        ),
        (RelationshipKind.KNOWS, PARTNER_A, PERSON_B, ("source.entity_type",)),
        (RelationshipKind.SUPPLIER_OF, PARTNER_A, PERSON_B, ("target.entity_type",)),
        (RelationshipKind.COMPETITOR_OF, PARTNER_A, PARTNER_A, ("target",)),
        (RelationshipKind.COLLEAGUE_OF, PERSON_A, PERSON_A, ("target",)),
        ("knows", PERSON_A, PERSON_B, ("kind",)),
        (RelationshipKind.KNOWS, "a", PERSON_B, ("source",)),
    ],
)
def test_a_relationship_must_fit_its_kind_and_link_two_things(
    kind: RelationshipKind, source: EntityRef, target: EntityRef, fields: tuple[str, ...]
) -> None:
    with pytest.raises(DomainValidationError) as caught:
        _link(kind, source, target)
    assert caught.value.fields == fields


def test_a_relationship_reports_every_bad_field_at_once() -> None:
    with pytest.raises(DomainValidationError) as caught:
        Relationship(
            id=RelationshipId(""),
            kind=RelationshipKind.KNOWS,
            source=PERSON_A,
            target=PERSON_B,
            since=datetime(2020, 1, 1, tzinfo=UTC),
            note=" \x00 ",
            created_at=date(2026, 3, 1),  # type: ignore[arg-type]
        )
    assert caught.value.fields == ("id", "since", "note", "created_at")


@given(relationships(partner_ids=("a", "b", "c"), contact_person_ids=("x", "y")))
def test_drawn_relationships_link_two_different_ends_of_their_kind(link: Relationship) -> None:
    assert attrs.evolve(link) == link
    assert link.source != link.target
    assert link.source.entity_type == link.target.entity_type == link.kind.between
    expected = {"a", "b", "c"} if link.kind.between == "partner" else {"x", "y"}
    assert {link.source.entity_id, link.target.entity_id} <= expected


@given(st.sampled_from(RelationshipKind))
def test_symmetric_kinds_are_the_undirected_ones(kind: RelationshipKind) -> None:
    undirected = {"competitor_of", "partner_of", "knows", "relative_of", "colleague_of"}
    assert kind.symmetric == (kind.value in undirected)


def test_custom_values_of_every_kind_are_kept() -> None:
    custom = {"employees": 120, "rating": Decimal("4.5"), "vip": True, "since": date(2020, 1, 1)}
    assert _partner(custom=custom).custom == custom
