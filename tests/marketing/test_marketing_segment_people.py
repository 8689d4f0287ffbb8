"""A segment of contact persons by their own custom field and by what their partner bought:
each member with its partner, the count, and the reason of each condition."""

import attrs
from marketing_samples import NOW, PARTNERS, PURCHASES, person

from crmcore.conditions.model import AllOf, FieldCondition
from crmcore.customfields import CustomField, CustomFieldRegistry, CustomFieldType
from crmcore.marketing import (
    SegmentDraft,
    SegmentId,
    SegmentPopulation,
    define_segment,
    evaluate_segment,
    segment_schemas,
)

FIELDS = (
    CustomFieldRegistry()
    .with_field("partner", CustomField(name="car_brand", type=CustomFieldType.TEXT))
    .with_field("contact_person", CustomField(name="language", type=CustomFieldType.TEXT))
)
SCHEMAS = segment_schemas(FIELDS)
RUSSIAN_SPEAKERS_AT_BIG_AUDI_BUYERS = AllOf(
    all=(
        FieldCondition(field="custom.language", op="eq", value="ru"),
        FieldCondition(field="partner.custom.car_brand", op="eq", value="Audi"),
        FieldCondition(field="partner.purchases_last_year", op="gt", value="50000"),
    )
)


def test_contact_persons_by_their_custom_field_and_their_partner() -> None:
    draft = SegmentDraft(
        name="Russian speakers at Audi owners", audience="contact_persons",
        condition=RUSSIAN_SPEAKERS_AT_BIG_AUDI_BUYERS,
    )  # fmt: skip
    segment = define_segment(draft, segment_id=SegmentId("s-ru"), now=NOW, schemas=SCHEMAS).entity
    people = (
        attrs.evolve(person("cp-1", "p-audi-big"), custom={"language": "ru"}),
        attrs.evolve(person("cp-2", "p-audi-small"), custom={"language": "de"}),
        attrs.evolve(person("cp-3", "p-bmw-big"), custom={"language": "ru"}),
        person("cp-4", "p-audi-small"),
        attrs.evolve(person("cp-5", "p-audi-small"), custom={"language": "ru"}),
    )
    population = SegmentPopulation(partners=PARTNERS, contact_persons=people, purchases=PURCHASES)
    found = evaluate_segment(segment, population, now=NOW, schemas=SCHEMAS)
    # cp-5 speaks Russian at an Audi owner who bought only 10,000 RUB last year.
    assert found.count == 1
    assert [(m.entity_id, m.partner_id) for m in found.members] == [("cp-1", "p-audi-big")]
    assert [str(reason) for reason in found.members[0].reasons] == [
        "custom.language eq ru: ru (holds)",
        "partner.custom.car_brand eq Audi: Audi (holds)",
        "partner.purchases_last_year gt 50000: 55000 (holds)",
    ]
