"""The converter: JSON-ready forms, strict structuring of untrusted input, tagged unions."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crmcore.customfields import CustomValue
from crmcore.errors import DomainValidationError
from crmcore.events import DomainEvent, Outcome, changes_between
from crmcore.ids import EntityRef
from crmcore.money import Money
from crmcore.partners import (
    LegalData,
    Partner,
    PartnerChanged,
    PartnerKind,
    PartnerRegistered,
    PartnerRole,
    Phone,
)
from crmcore.serialization import make_converter
from crmcore.testing.strategies.registration import model_strategies

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
CONVERTER = make_converter()


def sample_partner() -> Partner:
    return Partner(
        id="p-1",
        kind=PartnerKind.LEGAL_ENTITY,
        roles=frozenset({PartnerRole.CLIENT, PartnerRole.DEALER}),
        short_name="Ромашка",
        legal=LegalData(tax_id="7707083893", kpp="770701001"),
        phones=(Phone.parse("+7 495 123-45-67"),),
        custom={
            "brand": "Audi",
            "seats": 5,
            "vip": True,
            "rate": Decimal("1.25"),
            "since": date(2020, 1, 31),
            "budget": Money.of("100.00", "RUB"),
            "deal": EntityRef(entity_type="deal", entity_id="d-1"),
        },
        created_at=NOW,
    )


def json_round_trip(value: object, cls: object) -> object:
    text = json.dumps(CONVERTER.unstructure(value, cls), ensure_ascii=False)
    return CONVERTER.structure(json.loads(text), cls)


def test_partner_round_trips_through_json() -> None:
    partner = sample_partner()
    assert json_round_trip(partner, Partner) == partner


def test_scalars_have_plain_json_forms() -> None:
    data = CONVERTER.unstructure(sample_partner())
    assert data["kind"] == "legal_entity"
    assert data["roles"] == ["client", "dealer"]
    assert data["created_at"] == "2026-03-02T09:00:00+00:00"
    assert data["custom"]["rate"] == {"decimal": "1.25"}
    assert data["custom"]["since"] == {"date": "2020-01-31"}
    assert data["custom"]["budget"] == {"money": {"amount": "100.00", "currency": "RUB"}}
    assert data["custom"]["seats"] == 5


def test_events_are_tagged_by_their_name() -> None:
    partner = sample_partner()
    event = PartnerRegistered(
        entity_id=partner.id, occurred_at=NOW, changes=changes_between(None, partner)
    )
    data = CONVERTER.unstructure(event, DomainEvent)
    assert data["type"] == "partner.registered"
    assert json_round_trip(event, DomainEvent) == event
    assert json_round_trip(event, PartnerRegistered) == event


def test_outcomes_round_trip_with_their_events() -> None:
    partner = sample_partner()
    outcome = Outcome(
        entity=partner, events=(PartnerChanged(entity_id="p-1", occurred_at=NOW, actor="u-1"),)
    )
    assert json_round_trip(outcome, Outcome[Partner]) == outcome


@pytest.mark.parametrize(
    ("data", "fields"),
    [
        ({"type": "nope", "entity_id": "p", "occurred_at": "2026-01-01T00:00:00Z"}, ["type"]),
        ({"entity_id": "p"}, ["type"]),
        ({"type": "partner.changed", "entity_id": "p"}, ["occurred_at"]),
        (
            {"type": "partner.changed", "entity_id": "p", "occurred_at": "2026-01-01T00:00:00"},
            ["occurred_at"],
        ),
        ([], ["$"]),
    ],
)
def test_bad_events_name_their_paths(data: object, fields: list[str]) -> None:
    with pytest.raises(DomainValidationError) as error:
        CONVERTER.structure(data, DomainEvent)
    assert list(error.value.fields) == fields


def test_untrusted_partner_input_reports_every_path() -> None:
    data = CONVERTER.unstructure(sample_partner())
    data.update(
        short_name=5,
        extra="x",
        version="2",
        roles=["client", "boss"],
        created_at="2026-03-02T09:00:00",
        phones=[{"number": "+7", "kind": "work", "extension": None}],
        custom={"rate": 1.5},
    )
    with pytest.raises(DomainValidationError) as error:
        CONVERTER.structure(data, Partner)
    assert set(error.value.fields) == {
        "short_name",
        "extra",
        "version",
        "roles[1]",
        "created_at",
        "phones[0].number",
        "custom.rate",
    }


@pytest.mark.parametrize(
    ("data", "cls", "field"),
    [
        ({"amount": 10.5, "currency": "RUB"}, Money, "amount"),
        ({"amount": "NaN", "currency": "RUB"}, Money, "amount"),
        ({"amount": "ten", "currency": "RUB"}, Money, "amount"),
        ({"amount": True, "currency": "RUB"}, Money, "amount"),
        ({"amount": "1", "currency": "rub"}, Money, "currency"),
        ({"amount": "1"}, Money, "currency"),
        ({"entity_type": "deal", "entity_id": 7}, EntityRef, "entity_id"),
        ({"decimal": "x"}, CustomValue, "$"),
        ({"date": "2020-02-30"}, CustomValue, "$"),
        ({"unknown": 1}, CustomValue, "$"),
        ("not a mapping", Money, "$"),
    ],
)
def test_wrong_types_are_rejected(data: object, cls: object, field: str) -> None:
    with pytest.raises(DomainValidationError) as error:
        CONVERTER.structure(data, cls)
    assert error.value.field == field


def test_each_call_makes_a_new_converter() -> None:
    assert make_converter() is not make_converter()


def json_form(value: object, cls: Any) -> Any:
    return json.loads(json.dumps(CONVERTER.unstructure(value, cls), ensure_ascii=False))


@pytest.mark.parametrize("model", list(model_strategies()), ids=lambda model: model.__name__)
@settings(max_examples=20)
@given(data=st.data())
def test_every_registered_model_round_trips_through_json(
    model: type[Any], data: st.DataObject
) -> None:
    value = data.draw(st.from_type(model))
    assert isinstance(value, model)
    form = json_form(value, model)
    again = CONVERTER.structure(form, model)
    assert isinstance(again, model)
    # Compared in JSON form: a local time that a zone repeats at a clock change is not equal
    # to itself across zones in Python, though it names the same instant.
    assert json_form(again, model) == form


@pytest.mark.parametrize("target", [tuple[str, ...], list[str], frozenset[str]])
def test_a_string_is_not_taken_for_a_list_of_its_characters(target: Any) -> None:
    with pytest.raises(DomainValidationError, match="must be a list"):
        CONVERTER.structure("price", target)


def test_every_bad_item_of_a_list_is_named_by_its_index() -> None:
    with pytest.raises(DomainValidationError) as raised:
        CONVERTER.structure(["a", 1, "b", None], tuple[str, ...])
    assert raised.value.fields == ("[1]", "[3]")


def test_unknown_keys_of_mixed_types_are_all_named() -> None:
    payload = {"amount": "1", "currency": "RUB", 1: "x", "cents": 5, (2,): 0}
    with pytest.raises(DomainValidationError) as raised:
        CONVERTER.structure(payload, Money)
    assert set(raised.value.fields) == {"1", "cents", "(2,)"}


def _nested(depth: int) -> dict[str, Any]:
    value: dict[str, Any] = {}
    for _ in range(depth):
        value = {"a": value}
    return value


@pytest.mark.parametrize(
    "payload",
    [_nested(50_000), {"amount": "1" * 200_000, "currency": "RUB"}, [{}] * 50_000],
    ids=["deep", "long-text", "many-items"],
)
def test_a_payload_beyond_the_input_limits_is_refused_before_it_is_read(payload: Any) -> None:
    with pytest.raises(DomainValidationError) as raised:
        CONVERTER.structure(payload, Partner)
    assert len(raised.value.violations) == 1
    assert len(str(raised.value)) < 300


def test_a_damaged_record_reports_its_other_fields_beside_a_bad_nested_one() -> None:
    record = CONVERTER.unstructure(sample_partner())
    record.update(short_name=" ", version=-1, phones=[{"number": "x", "kind": "nowhere"}])
    with pytest.raises(DomainValidationError) as raised:
        CONVERTER.structure(record, Partner)
    assert {"short_name", "version"} <= set(raised.value.fields)
    assert any(field.startswith("phones[0]") for field in raised.value.fields)


def test_a_model_whose_own_checks_fail_reports_each_problem_once() -> None:
    with pytest.raises(DomainValidationError) as raised:
        CONVERTER.structure({"amount": "1", "currency": "RUBX"}, Money)
    assert len(raised.value.violations) == 1
