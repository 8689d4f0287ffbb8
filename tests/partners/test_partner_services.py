"""Services of the partners area: drafts in, entities and events out, every problem at once."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from crmcore.customfields import CustomField, CustomFieldRegistry, CustomFieldType
from crmcore.errors import DomainValidationError, Violation
from crmcore.ids import EntityRef
from crmcore.partners import (
    ContactPersonDraft,
    LegalData,
    PartnerDraft,
    PartnerKind,
    PartnerRole,
    Phone,
    RelationshipKind,
    add_contact_person,
    create_partner,
    edit_contact_person,
    edit_partner,
    link,
    unlink,
)

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
LATER = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
REGISTRY = CustomFieldRegistry().with_field(
    "partner",
    CustomField(name="car_brand", type=CustomFieldType.CHOICE, choices=("Audi", "BMW")),
)


def draft(**overrides: object) -> PartnerDraft:
    values: dict[str, object] = {
        "kind": "legal_entity",
        "roles": ["client"],
        "short_name": "ООО «Ромашка»",
        "tax_id": "7707083893",
        "kpp": "770701001",
        "phones": ["8 (495) 123-45-67"],
        "emails": ["Info@Romashka.RU"],
    }
    values.update(overrides)
    return PartnerDraft(**values)  # type: ignore[arg-type]


def fields_of(error: pytest.ExceptionInfo[DomainValidationError]) -> list[str]:
    return [violation.field for violation in error.value.violations]


def test_create_partner_normalizes_the_draft_and_reports_the_registration() -> None:
    outcome = create_partner(draft(), partner_id="p-1", now=NOW, actor="u-1")

    partner = outcome.entity
    assert partner.id == "p-1"
    assert partner.kind is PartnerKind.LEGAL_ENTITY
    assert partner.roles == frozenset({PartnerRole.CLIENT})
    assert partner.phones[0].number == "+74951234567"
    assert partner.emails[0].address == "Info@romashka.ru"
    assert partner.legal == LegalData(tax_id="7707083893", kpp="770701001")
    assert partner.version == 1
    assert partner.created_at == NOW
    (event,) = outcome.events
    assert event.name == "partner.registered"
    assert event.entity_id == "p-1"
    assert event.actor == "u-1"
    assert event.changes["short_name"].new == "ООО «Ромашка»"


def test_create_partner_makes_an_id_when_none_is_given() -> None:
    first = create_partner(draft(), now=NOW).entity
    second = create_partner(draft(), now=NOW).entity
    assert first.id != second.id


def test_create_partner_reports_every_problem_in_form_order() -> None:
    bad = draft(
        kind="llc",
        roles=["client", "boss"],
        short_name=" ",
        tax_id="7707083894",
        phones=["abc", 5],
        emails=["x@", "ok@mail.ru"],
        time_zone="Mars/Olympus",
        custom={"car_brand": "Lada", "colour": "red"},
    )
    with pytest.raises(DomainValidationError) as error:
        create_partner(bad, now=NOW, custom_fields=REGISTRY)
    assert fields_of(error) == [
        "kind",
        "roles[1]",
        "short_name",
        "legal.tax_id",
        "phones[0]",
        "phones[1]",
        "emails[0]",
        "time_zone",
        "custom.car_brand",
        "custom.colour",
    ]


def test_kind_decides_which_codes_are_valid() -> None:
    with pytest.raises(DomainValidationError) as error:
        create_partner(draft(kind="sole_proprietor"), now=NOW)
    assert fields_of(error) == ["legal.tax_id", "legal.kpp"]


def test_plugin_schemes_are_consulted_for_their_country() -> None:
    class StrictGerman:
        country = "DE"

        def problems(self, **codes: object) -> list[Violation]:
            return [Violation(field="tax_id", message="must start with DE", value=codes["tax_id"])]

    german = draft(country="DE", tax_id="136695976", kpp=None)
    assert create_partner(german, now=NOW).entity.legal == LegalData(
        country="DE", tax_id="136695976"
    )
    with pytest.raises(DomainValidationError) as error:
        create_partner(german, now=NOW, tax_ids={"DE": StrictGerman()})
    assert fields_of(error) == ["legal.tax_id"]


def test_custom_values_are_checked_against_the_registry() -> None:
    outcome = create_partner(draft(custom={"car_brand": "Audi"}), now=NOW, custom_fields=REGISTRY)
    assert outcome.entity.custom == {"car_brand": "Audi"}


def test_default_region_reads_numbers_without_country_code() -> None:
    outcome = create_partner(draft(phones=["030 901820"]), now=NOW, default_region="DE")
    assert outcome.entity.phones[0].number == "+4930901820"


def test_edit_partner_bumps_the_version_and_reports_old_and_new_values() -> None:
    partner = create_partner(draft(), partner_id="p-1", now=NOW).entity
    outcome = edit_partner(
        partner, changes={"phones": ["+7 423 222-33-44"], "segment": "key"}, now=LATER
    )
    assert outcome.entity.version == 2
    assert outcome.entity.phones == (Phone.parse("+7 423 222-33-44"),)
    (event,) = outcome.events
    assert event.name == "partner.changed"
    assert event.occurred_at == LATER
    assert set(event.changes) == {"phones", "segment"}
    assert event.changes["segment"].old is None
    assert event.changes["segment"].new == "key"


def test_edit_partner_without_a_difference_changes_nothing() -> None:
    partner = create_partner(draft(), now=NOW).entity
    outcome = edit_partner(partner, changes={"short_name": " ООО «Ромашка» "}, now=LATER)
    assert outcome.entity is partner
    assert outcome.events == ()


def test_edit_partner_refuses_fields_that_are_not_editable() -> None:
    partner = create_partner(draft(), now=NOW).entity
    with pytest.raises(DomainValidationError) as error:
        edit_partner(partner, changes={"id": "other", "version": 9}, now=LATER)
    assert fields_of(error) == ["id", "version"]


def test_edit_partner_checks_legal_data_against_the_kind() -> None:
    partner = create_partner(draft(), now=NOW).entity
    with pytest.raises(DomainValidationError) as error:
        edit_partner(partner, changes={"kind": "individual"}, now=LATER)
    assert "legal.tax_id" in fields_of(error)


def test_contact_person_is_added_to_its_partner_and_edited() -> None:
    partner = create_partner(draft(), partner_id="p-1", now=NOW).entity
    added = add_contact_person(
        ContactPersonDraft(name="Анна", phones=["+7 495 765-43-21"]),
        partner=partner,
        contact_person_id="c-1",
        now=NOW,
    )
    assert added.entity.partner_id == "p-1"
    assert [e.name for e in added.events] == ["contact_person.added"]
    edited = edit_contact_person(added.entity, changes={"position": "Закупки"}, now=LATER)
    assert edited.entity.position == "Закупки"
    assert edited.entity.version == 2
    assert [e.name for e in edited.events] == ["contact_person.changed"]


def test_contact_person_draft_reports_every_problem() -> None:
    partner = create_partner(draft(), now=NOW).entity
    with pytest.raises(DomainValidationError) as error:
        add_contact_person(
            ContactPersonDraft(name="", phones=["nope"], emails=["@"]), partner=partner, now=NOW
        )
    assert fields_of(error) == ["name", "phones[0]", "emails[0]"]


def test_link_and_unlink_partners() -> None:
    a = EntityRef(entity_type="partner", entity_id="a")
    b = EntityRef(entity_type="partner", entity_id="b")
    linked = link("dealer_of", a, b, relationship_id="r-1", now=NOW)
    assert linked.entity.kind is RelationshipKind.DEALER_OF
    assert linked.entity.other_end(a) == b
    assert [e.name for e in linked.events] == ["relationship.linked"]
    unlinked = unlink(linked.entity, now=LATER)
    assert [e.name for e in unlinked.events] == ["relationship.unlinked"]
    assert unlinked.events[0].entity_id == "r-1"


def test_link_refuses_unknown_kinds_and_mismatched_ends() -> None:
    a = EntityRef(entity_type="partner", entity_id="a")
    person = EntityRef(entity_type="contact_person", entity_id="c")
    with pytest.raises(DomainValidationError) as error:
        link("married_to", a, person, now=NOW)
    assert fields_of(error) == ["kind"]
    with pytest.raises(DomainValidationError) as error:
        link(RelationshipKind.KNOWS, a, person, now=NOW)
    assert fields_of(error) == ["source.entity_type"]


@pytest.mark.parametrize("changes", [None, ["short_name"], "short_name"])
def test_edit_partner_refuses_changes_that_are_not_a_mapping(changes: object) -> None:
    partner = create_partner(draft(), now=NOW).entity
    with pytest.raises(DomainValidationError) as raised:
        edit_partner(partner, changes=changes, now=LATER)  # type: ignore[arg-type]
    assert fields_of(raised) == ["changes"]


def test_edit_partner_reports_a_field_that_cannot_be_edited_beside_bad_values() -> None:
    partner = create_partner(draft(), now=NOW).entity
    changes = {"version": 9, "short_name": " ", "roles": list(range(100_000)), 1: "x"}
    with pytest.raises(DomainValidationError) as raised:
        edit_partner(partner, changes=changes, now=LATER)
    assert fields_of(raised) == ["roles", "short_name", "version", "1"]
    assert len(str(raised.value)) < 300


def test_edit_partner_refuses_unhashable_values_by_field() -> None:
    partner = create_partner(draft(), now=NOW).entity
    with pytest.raises(DomainValidationError) as raised:
        edit_partner(partner, changes={"kind": ["legal_entity"], "roles": [["client"]]}, now=LATER)
    assert fields_of(raised) == ["kind", "roles[0]"]


def test_edit_contact_person_reports_every_problem_of_its_changes() -> None:
    partner = create_partner(draft(), now=NOW).entity
    person = add_contact_person(ContactPersonDraft(name="Анна"), partner=partner, now=NOW).entity
    with pytest.raises(DomainValidationError) as raised:
        edit_contact_person(person, changes={"partner_id": "p-2", "name": ""}, now=LATER)
    assert fields_of(raised) == ["partner_id", "name"]
