"""Segments: defined in the rules' condition language, evaluated over partners, contact
persons, custom fields, deals and purchases, with an explanation per member."""

import pytest
from marketing_samples import DAY, NOW, PARTNERS, PURCHASES, SCHEMAS, deal, partner, person

from crmcore.deals import DealStatus
from crmcore.errors import DomainValidationError
from crmcore.marketing import (
    Audience,
    Segment,
    SegmentDraft,
    SegmentId,
    SegmentKind,
    SegmentPopulation,
    change_segment,
    define_segment,
    evaluate_segment,
)
from crmcore.rules import AllOf, AnyOf, Condition, FieldCondition, Not

BIG_AUDI = AllOf(
    all=(
        FieldCondition(field="purchases_last_year", op="gt", value="50000"),
        FieldCondition(field="custom.car_brand", op="eq", value="Audi"),
    )
)
POPULATION = SegmentPopulation(partners=PARTNERS, purchases=PURCHASES)


def _segment(
    condition: Condition = BIG_AUDI, *, audience: str = "partners", currency: str = "RUB"
) -> Segment:
    draft = SegmentDraft(
        name="Audi owners who buy", condition=condition, audience=audience, currency=currency
    )
    return define_segment(draft, segment_id=SegmentId("s-1"), now=NOW, schemas=SCHEMAS).entity


def test_bought_more_than_50000_last_year_and_owns_an_audi() -> None:
    segment = _segment()
    found = evaluate_segment(segment, POPULATION, now=NOW, schemas=SCHEMAS)
    assert found.count == 1
    (member,) = found.members
    assert member.entity_id == "p-audi-big"
    assert member.reasons == (
        "purchases_last_year gt 50000: 55000 (holds)",
        "custom.car_brand eq Audi: Audi (holds)",
    )


def test_purchases_this_year_and_the_last_twelve_months_are_apart() -> None:
    this_year = FieldCondition(field="purchases_this_year", op="ge", value="80000")
    segment = _segment(this_year)
    found = evaluate_segment(segment, POPULATION, now=NOW, schemas=SCHEMAS)
    assert found.ids == {"p-audi-small"}
    twelve = FieldCondition(field="purchases_last_12_months", op="gt", value="50000")
    found = evaluate_segment(_segment(twelve), POPULATION, now=NOW, schemas=SCHEMAS)
    assert found.ids == {"p-audi-small"}
    last = FieldCondition(field="purchases_last_year", op="gt", value="85000")
    found = evaluate_segment(_segment(last), POPULATION, now=NOW, schemas=SCHEMAS)
    assert found.ids == {"p-bmw-big"}


def test_products_counts_and_no_purchases_read_as_empty() -> None:
    condition = AnyOf(
        any=(
            FieldCondition(field="products_bought", op="contains", value="filter"),
            FieldCondition(field="purchase_count", op="eq", value=0),
        )
    )
    found = evaluate_segment(_segment(condition), POPULATION, now=NOW, schemas=SCHEMAS)
    assert found.ids == {"p-audi-big", "p-none"}
    assert found.partner_ids == found.ids


def test_purchases_after_now_do_not_count() -> None:
    condition = FieldCondition(field="last_purchase_at", op="is_not_empty")
    found = evaluate_segment(_segment(condition), POPULATION, now=NOW - 200 * DAY, schemas=SCHEMAS)
    assert found.ids == {"p-audi-big", "p-audi-small", "p-bmw-big"}
    found = evaluate_segment(_segment(condition), POPULATION, now=NOW - 500 * DAY, schemas=SCHEMAS)
    assert found.count == 0


def test_a_segment_of_contact_persons_reads_their_partner() -> None:
    condition = Not(
        condition=FieldCondition(field="partner.custom.car_brand", op="eq", value="Audi")
    )
    segment = _segment(condition, audience="contact_persons")
    people = (person("cp-1", "p-audi-big"), person("cp-2", "p-bmw-big"), person("cp-3", "gone"))
    population = SegmentPopulation(partners=PARTNERS, contact_persons=people)
    found = evaluate_segment(segment, population, now=NOW, schemas=SCHEMAS, explain=False)
    assert [(m.entity_id, m.partner_id, m.reasons) for m in found.members] == [
        ("cp-2", "p-bmw-big", ())
    ]


def test_deal_facts_count_won_and_open_deals() -> None:
    deals = [
        deal("d-1", "p-none", DealStatus.WON),
        deal("d-2", "p-none", DealStatus.OPEN),
        deal("d-3", "p-bmw-big", DealStatus.OPEN),
        deal("d-4", "p-bmw-big", DealStatus.LOST),
        deal("d-5", "p-audi-small", DealStatus.LOST),
    ]
    population = SegmentPopulation(partners=PARTNERS, deals=deals)
    won = _segment(FieldCondition(field="won_deals", op="ge", value=1))
    assert evaluate_segment(won, population, now=NOW, schemas=SCHEMAS).ids == {"p-none"}
    busy = _segment(FieldCondition(field="open_deals", op="eq", value=1))
    assert evaluate_segment(busy, population, now=NOW, schemas=SCHEMAS).ids == {
        "p-none",
        "p-bmw-big",
    }
    idle = _segment(FieldCondition(field="open_deals", op="eq", value=0))
    assert evaluate_segment(idle, population, now=NOW, schemas=SCHEMAS).ids == {
        "p-audi-big",
        "p-audi-small",
    }


def test_amounts_in_another_currency_count_as_purchases_but_not_in_the_sum() -> None:
    found = evaluate_segment(
        _segment(FieldCondition(field="purchases_total", op="gt", value=0), currency="USD"),
        POPULATION, now=NOW, schemas=SCHEMAS,
    )  # fmt: skip
    assert found.count == 0


def test_a_static_segment_lists_its_members_and_what_is_missing() -> None:
    draft = SegmentDraft(name="VIP", members=("p-none", "p-gone", "p-audi-big"))
    segment = define_segment(draft, segment_id=SegmentId("vip"), now=NOW).entity
    assert segment.kind is SegmentKind.STATIC
    found = evaluate_segment(segment, POPULATION, now=NOW)
    assert [m.entity_id for m in found.members] == ["p-audi-big", "p-none"]
    assert found.members[0].reasons == ("listed in the segment",)
    assert found.missing == ("p-gone",)


def test_every_problem_of_a_draft_is_reported_at_once() -> None:
    condition = AllOf(
        all=(
            FieldCondition(field="colour", op="eq", value="red"),
            FieldCondition(field="purchases_total", op="gt", value="many"),
            FieldCondition(field="short_name", op="changed"),
        )
    )
    draft = SegmentDraft(name="", condition=condition, members=("p-1",), audience="everyone")
    with pytest.raises(DomainValidationError) as raised:
        define_segment(draft, segment_id=SegmentId("s-1"), now=NOW, schemas=SCHEMAS)
    fields = {v.field for v in raised.value.violations}
    assert {"audience", "members", "name"} <= fields
    condition_audience = SegmentDraft(name="x", condition=condition)
    with pytest.raises(DomainValidationError) as raised:
        define_segment(condition_audience, segment_id=SegmentId("s-1"), now=NOW, schemas=SCHEMAS)
    assert {v.field for v in raised.value.violations} == {
        "condition.all[0].field",
        "condition.all[1].value",
        "condition.all[2].op",
    }


def test_changing_a_segment_bumps_its_version_and_checks_the_kind() -> None:
    segment = _segment()
    same = change_segment(segment, now=NOW, name=segment.name)
    assert same.entity is segment
    assert same.events == ()
    renamed = change_segment(
        segment, now=NOW, name="Renamed",
        condition=FieldCondition(field="purchases_total", op="gt", value="1"), schemas=SCHEMAS,
    )  # fmt: skip
    assert renamed.entity.version == 2
    assert set(renamed.events[0].changes) == {"name", "condition"}
    with pytest.raises(DomainValidationError) as raised:
        change_segment(segment, now=NOW, members=("p-1",))
    assert raised.value.field == "members"
    static = define_segment(SegmentDraft(name="List"), segment_id=SegmentId("l"), now=NOW).entity
    with pytest.raises(DomainValidationError) as raised:
        change_segment(static, now=NOW, condition=BIG_AUDI)
    assert raised.value.field == "condition"
    listed = change_segment(static, now=NOW, members=("p-1",)).entity
    assert listed.members == ("p-1",)
    assert listed.audience is Audience.PARTNERS


def test_a_static_segment_refuses_a_bad_member_id() -> None:
    draft = SegmentDraft(name="x", members=(partner("p-1").id, "bad id!"))
    with pytest.raises(DomainValidationError) as raised:
        define_segment(draft, segment_id=SegmentId("s"), now=NOW)
    assert raised.value.field.startswith("members")
