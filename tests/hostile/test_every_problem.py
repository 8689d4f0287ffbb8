"""Every problem at once: a field that fails its own checks, or a nested record that cannot be
read, does not hide the checks whose inputs are valid.

One test per example of the promise ("every problem at once", across layers), and one per
cross-field rule that reads only a few fields, each beside an unrelated bad field.
"""

from __future__ import annotations

import copy
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import pytest

from crmcore.agreements import Agreement, AgreementKind
from crmcore.catalog import create_group
from crmcore.claims import Activity, Claim, Claimant, ClaimChannel, ClaimResult, LinkedDocument
from crmcore.claims.kinds import DocumentKind
from crmcore.customfields import CustomField, CustomFieldType
from crmcore.deals import (
    TYPICAL_SALE,
    Deal,
    DealDraft,
    DealKind,
    edit_deal,
    open_deal,
    parse_pipeline,
)
from crmcore.deals.gates import BUILTIN_GATES
from crmcore.deals.items import LineItem
from crmcore.errors import DomainValidationError
from crmcore.ids import EntityRef
from crmcore.interactions import Participant
from crmcore.matching import FieldSpec
from crmcore.money import Money
from crmcore.partners import PartnerRole, Relationship, RelationshipKind
from crmcore.requests import (
    ContactData,
    Request,
    RequestDraft,
    RequestedItem,
    RequestStatus,
    edit_request,
    register_request,
)
from crmcore.serialization import make_converter
from crmcore.testing.hostile import attempt, entry_point
from crmcore.workcalendar import WorkingCalendar, WorkingPeriod

CONVERTER = make_converter()
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
NEW_YEAR = date(2026, 1, 1)
BAD: Any = 5  # a value of the wrong type, as untrusted input may hold


def _fields(call: Any, *args: Any, **kwargs: Any) -> tuple[str, ...]:
    with pytest.raises(DomainValidationError) as caught:
        call(*args, **kwargs)
    return caught.value.fields


def test_a_pipeline_with_a_bad_probability_reports_its_blank_title_and_repeated_name() -> None:
    pipeline: dict[str, Any] = copy.deepcopy(CONVERTER.unstructure(TYPICAL_SALE))
    pipeline["title"] = " "
    pipeline["stages"][1]["probability"] = "lots"
    pipeline["stages"][2]["name"] = pipeline["stages"][1]["name"]
    pipeline["stages"][3]["order"] = pipeline["stages"][0]["order"]
    fields = _fields(parse_pipeline, pipeline, gates=tuple(BUILTIN_GATES), converter=CONVERTER)
    assert set(fields) == {
        "stages[1].probability",
        "title",
        "stages[2].name",
        "stages[3].order",
    }


def test_a_pipeline_that_reads_reports_a_repeated_name_once() -> None:
    pipeline: dict[str, Any] = copy.deepcopy(CONVERTER.unstructure(TYPICAL_SALE))
    pipeline["stages"][2]["name"] = pipeline["stages"][1]["name"]
    fields = _fields(parse_pipeline, pipeline, gates=tuple(BUILTIN_GATES), converter=CONVERTER)
    assert fields.count("stages[2].name") == 1


def test_the_pipeline_entry_point_reports_every_problem() -> None:
    entry = entry_point("pipeline_json")
    pipeline = copy.deepcopy(entry.valid)
    pipeline["title"] = ""
    pipeline["stages"][0]["probability"] = 250
    pipeline["stages"][1]["name"] = pipeline["stages"][0]["name"]
    outcome = attempt(entry, pipeline)
    assert outcome.result == "refused"
    assert isinstance(outcome.error, DomainValidationError)
    assert {"title", "stages[0].probability", "stages[1].name"} <= set(outcome.error.fields)


def test_a_damaged_stored_deal_reports_its_blank_title_beside_its_bad_currency() -> None:
    deal: dict[str, Any] = copy.deepcopy(entry_point("stored_deal").valid)
    deal["title"] = " "
    deal["amount"] = {"amount": "10", "currency": "RUS"}
    assert set(_fields(CONVERTER.structure, deal, Deal)) == {"amount.currency", "title"}


def test_a_bad_stage_in_edit_deal_hides_neither_the_amount_nor_the_title() -> None:
    entry = entry_point("edit_deal")
    outcome = attempt(entry, {"stage": "nowhere", "amount": {"x": 1}, "title": ""})
    assert isinstance(outcome.error, DomainValidationError)
    assert outcome.error.fields == ("stage", "amount", "title")
    assert outcome.unchanged


def test_unhashable_tags_in_edit_deal_are_refused_by_field_beside_a_blank_title() -> None:
    outcome = attempt(entry_point("edit_deal"), {"tags": [["vip"], {"a": 1}], "title": ""})
    assert isinstance(outcome.error, DomainValidationError)
    assert outcome.error.fields == ("tags", "title")
    assert outcome.unchanged


def test_an_interaction_draft_with_a_blank_topic_reports_the_missing_direction() -> None:
    entry = entry_point("interaction_draft")
    outcome = attempt(entry, {**entry.valid, "topic": "", "direction": None, "start": "x"})
    assert isinstance(outcome.error, DomainValidationError)
    assert {"topic", "direction", "start"} <= set(outcome.error.fields)


def _claim(**changes: Any) -> Claim:
    fields: dict[str, Any] = {
        "id": "c-1",
        "claimant": Claimant(role=PartnerRole.CLIENT, name="Anna"),
        "registered_at": NOW,
        "channel": ClaimChannel.CALL,
        "essence": "Broken",
        "response_due": NOW,
        "resolution_due": NOW + timedelta(hours=8),
    }
    return Claim(**{**fields, **changes})


def test_a_claim_reports_its_due_dates_beside_a_blank_essence() -> None:
    fields = _fields(_claim, essence=" ", resolution_due=NOW - timedelta(hours=1))
    assert fields == ("essence", "resolution_due")


def test_a_claim_reports_a_result_without_a_decision_beside_a_bad_channel() -> None:
    fields = _fields(_claim, channel="pigeon", result=next(iter(ClaimResult)))
    assert set(fields) == {"channel", "result"}


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda: Claimant(role=BAD, partner_id=None, name=None), {"role", "name"}),
        (lambda: LinkedDocument(kind=BAD, document_id=None, number=None), {"kind", "number"}),
        (
            lambda: Activity(
                id="a 1", name="Inspect", planned_start=NOW, planned_finish=NOW - timedelta(hours=1)
            ),
            {"id", "planned_finish"},
        ),
        (lambda: Participant(name=None, ref=None, reach=BAD), {"reach", "name"}),
    ],
)
def test_a_cross_field_rule_is_reported_beside_an_unrelated_bad_field(
    make: Any, expected: set[str]
) -> None:
    assert set(_fields(make)) == expected


def test_an_agreement_reports_its_validity_beside_a_blank_name() -> None:
    fields = _fields(
        Agreement, id="a-1", kind=AgreementKind.TYPICAL, name=" ",
        valid_from=date(2026, 3, 1), valid_to=date(2026, 2, 1), created_at=NOW,
    )  # fmt: skip
    assert {"name", "valid_to"} <= set(fields)


def test_a_relationship_reports_its_ends_beside_a_bad_field() -> None:
    partner = EntityRef(entity_type="partner", entity_id="p-1")
    fields = _fields(
        Relationship, id="r 1", kind=next(iter(RelationshipKind)), source=partner,
        target=partner, created_at=NOW,
    )  # fmt: skip
    assert {"id", "target"} <= set(fields)


def test_the_claimant_rule_still_waits_for_its_own_fields() -> None:
    # A bad name is its own problem: the rule that reads it does not add a second one.
    assert _fields(Claimant, role=PartnerRole.CLIENT, name=5) == ("name",)


def test_a_document_kind_sample_is_a_document_kind() -> None:
    assert LinkedDocument(kind=next(iter(DocumentKind)), number="42").number == "42"


def _open_deal(**fields: Any) -> Any:
    draft = DealDraft(
        **{"title": "Pipes", "partner_id": "p-1", "responsible_manager": "u-1", **fields}
    )
    return open_deal(draft, pipeline=TYPICAL_SALE, now=NOW)


def test_a_deal_draft_with_a_blank_title_reports_the_manager_among_co_executors() -> None:
    with pytest.raises(DomainValidationError) as caught:
        _open_deal(title=" ", co_executors=["u-1"])
    assert caught.value.fields == ("title", "co_executors")


def test_a_deal_reports_every_cross_field_rule_beside_a_blank_title() -> None:
    fields = _fields(
        Deal, id="d-1", title=" ", partner_id="p-1", pipeline_id="typical_sale",
        kind=DealKind.UNSTAGED, stage="first_contact", responsible_manager="u-1",
        co_executors=frozenset({"u-1"}), competitor_id="p-2", created_at=NOW,
        stage_entered_at=NOW, closed_at=NOW,
    )  # fmt: skip
    assert set(fields) == {"title", "stage", "closed_at", "competitor_id", "co_executors"}


def test_an_edit_of_a_deal_reports_the_manager_among_co_executors_beside_a_blank_title() -> None:
    deal = _open_deal(co_executors=["u-2"]).entity
    with pytest.raises(DomainValidationError) as caught:
        edit_deal(deal, now=NOW, changes={"title": "", "co_executors": ["u-1"]})
    assert caught.value.fields == ("title", "co_executors")


def test_an_edit_of_a_deal_takes_co_executors_as_a_list() -> None:
    deal = _open_deal().entity
    edited = edit_deal(deal, now=NOW, changes={"co_executors": ["u-2", "u-3"]}).entity
    assert edited.co_executors == frozenset({"u-2", "u-3"})


def test_a_request_draft_reports_mixed_currencies_beside_a_bad_manager() -> None:
    items = [
        RequestedItem(product="Pipe", amount=Money.of("10", "RUB")),
        RequestedItem(product="Valve", amount=Money.of("10", "EUR")),
    ]
    draft = RequestDraft(source="call", name=" ", items=items, responsible_manager="u 1")
    fields = _fields(register_request, draft, now=NOW)
    assert set(fields) == {"name", "responsible_manager", "estimated_amount"}


def test_an_edit_of_a_request_reports_mixed_currencies_beside_a_bad_campaign() -> None:
    request = register_request(RequestDraft(source="call", name="Anna"), now=NOW).entity
    changes = {"campaign_id": "x y", "estimated_amount": Money.of("5", "EUR"),
               "items": (RequestedItem(product="Pipe", amount=Money.of("10", "RUB")),)}  # fmt: skip
    fields = _fields(edit_request, request, now=NOW, changes=changes)
    assert set(fields) == {"campaign_id", "estimated_amount"}


def test_a_request_reports_itself_as_its_own_duplicate_beside_a_bad_status() -> None:
    contact = ContactData(name="Anna")
    fields = _fields(
        Request, id="r-1", source="call", received_at=NOW, contact=contact, status=BAD,
        duplicate_of="r-1", rejection_reason="spam",
    )  # fmt: skip
    assert set(fields) == {"status", "duplicate_of"}


def test_a_request_reports_each_close_rule_beside_the_others() -> None:
    contact = ContactData(name="Anna")
    fields = _fields(
        Request, id="r-1", source="call", received_at=NOW, contact=contact,
        status=RequestStatus.REJECTED, deal_id="d 1", closed_at=NOW,
    )  # fmt: skip
    assert set(fields) == {"deal_id", "rejection_reason"}


def test_contact_data_reports_that_it_reaches_nobody_beside_a_bad_message() -> None:
    assert set(_fields(ContactData, region=BAD)) == {"region", "name"}


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda: CustomField(name="", type=CustomFieldType.CHOICE), {"name", "choices"}),
        (
            lambda: WorkingCalendar(time_zone="Mars/Olympus", holidays=frozenset({NEW_YEAR}),
                                    extra_working_days=frozenset({NEW_YEAR})),
            {"time_zone", "extra_working_days"},
        ),
        (
            lambda: WorkingPeriod(start=time(18), end=time(9)),
            {"end"},
        ),
        (
            lambda: LineItem(product_id="x 1", quantity=Decimal(1),
                             unit_price=Money.of("10", "RUB"), amount=Money.of("10", "EUR"),
                             tax=Money.of("0", "RUB")),
            {"product_id", "amount"},
        ),
    ],
)  # fmt: skip
def test_a_cross_field_rule_of_any_area_is_reported_beside_a_bad_field(
    make: Any, expected: set[str]
) -> None:
    assert set(_fields(make)) == expected


def test_a_rule_over_an_invalid_field_is_not_run() -> None:
    # The default levels of a field spec follow its kind; a bad kind is the one problem.
    assert _fields(FieldSpec, name="phone", kind="colour") == ("kind",)


def test_a_product_group_that_is_its_own_parent_is_reported_beside_a_blank_name() -> None:
    parent = create_group("Pumps", now=NOW, group_id="g-1").entity
    fields = _fields(create_group, " ", now=NOW, parent=parent, group_id="g-1")
    assert fields == ("name", "parent_id")
