"""Custom fields: typed declarations per entity type, values checked against them with
every problem reported under ``custom.<name>``."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crmcore.customfields import (
    CustomField,
    CustomFieldRegistry,
    CustomFieldType,
    CustomValue,
    custom_values,
)
from crmcore.errors import DomainValidationError
from crmcore.ids import EntityRef
from crmcore.money import Money
from crmcore.testing.strategies import custom_field_registries, custom_field_values, custom_fields

Type = CustomFieldType
BRAND = CustomField(name="car_brand", type=Type.CHOICE, choices=("Audi", "BMW"))
REGISTRY = (
    CustomFieldRegistry()
    .with_field("partner", BRAND)
    .with_field("partner", CustomField(name="employees", type=Type.INTEGER, minimum=Decimal(1)))
    .with_field("partner", CustomField(name="inn_checked", type=Type.BOOLEAN, required=True))
    .with_field("deal", CustomField(name="margin", type=Type.DECIMAL, maximum=Decimal(1)))
)
PARTNER_REF = EntityRef(entity_type="partner", entity_id="p-1")


def _field(kind: CustomFieldType, **settings: object) -> CustomField:
    return CustomField(name="f", type=kind, **settings)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        (_field(Type.TEXT, max_length=3), "abc"),
        (_field(Type.INTEGER), -5),
        (_field(Type.DECIMAL), Decimal("1.5")),
        (_field(Type.MONEY), Money.of("1", "RUB")),
        (_field(Type.DATE), date(2026, 1, 1)),
        (_field(Type.BOOLEAN), False),
        (_field(Type.CHOICE, choices=("a", "b")), "b"),
        (_field(Type.REFERENCE, reference_to="partner"), PARTNER_REF),
    ],
)
def test_a_value_of_the_declared_type_fits(field: CustomField, value: object) -> None:
    assert list(field.problems(value)) == []


@pytest.mark.parametrize(
    ("field", "value", "problem"),
    [
        (_field(Type.TEXT, max_length=3), "abcd", "must be at most 3 characters"),
        (_field(Type.TEXT), 5, "must be text (str)"),
        (_field(Type.INTEGER), True, "must be integer (int)"),
        (_field(Type.INTEGER), 1.0, "must be integer (int)"),
        (_field(Type.INTEGER), Decimal(1), "must be integer (int)"),
        (_field(Type.INTEGER, minimum=Decimal(0)), -1, "must be at least 0"),
        (_field(Type.DECIMAL), 1.5, "must be decimal (Decimal)"),
        (_field(Type.DECIMAL), Decimal("NaN"), "must be finite"),
        (_field(Type.DECIMAL, maximum=Decimal(1)), Decimal("1.01"), "must be at most 1"),
        (_field(Type.MONEY), Decimal(1), "must be money (Money)"),
        (_field(Type.DATE), datetime(2026, 1, 1, tzinfo=UTC), "must be date (date)"),
        (_field(Type.BOOLEAN), 1, "must be boolean (bool)"),
        (_field(Type.CHOICE, choices=("a", "b")), "c", "must be one of 'a', 'b'"),
        (_field(Type.REFERENCE, reference_to="deal"), PARTNER_REF, "must refer to a deal"),
        (_field(Type.REFERENCE, reference_to="deal"), "p-1", "must be reference (EntityRef)"),
    ],
)
def test_a_value_that_does_not_fit_names_the_problem(
    field: CustomField, value: object, problem: str
) -> None:
    assert list(field.problems(value)) == [problem]


def test_a_declaration_reports_every_inconsistency_at_once() -> None:
    with pytest.raises(DomainValidationError) as caught:
        CustomField(
            name="f", type=Type.CHOICE, max_length=0, minimum=Decimal(2), maximum=Decimal(1)
        )
    assert caught.value.fields == ("choices", "max_length", "maximum")


@pytest.mark.parametrize(
    ("settings", "field"),
    [
        ({"name": "Brand", "type": Type.TEXT}, "name"),
        ({"name": "1st", "type": Type.TEXT}, "name"),
        ({"name": "f", "type": "text"}, "type"),
        ({"name": "f", "type": Type.REFERENCE}, "reference_to"),
        ({"name": "f", "type": Type.TEXT, "max_length": True}, "max_length"),
        ({"name": "f", "type": Type.TEXT, "max_length": 100_001}, "max_length"),
        ({"name": "f", "type": Type.CHOICE, "choices": ("a", "a")}, "choices[1]"),
        ({"name": "f", "type": Type.CHOICE, "choices": ("a", " ")}, "choices[1]"),
        ({"name": "f", "type": Type.DECIMAL, "minimum": 1.5}, "minimum"),
        ({"name": "f", "type": Type.TEXT, "label": ""}, "label"),
    ],
)
def test_a_bad_declaration_names_its_field(settings: dict[str, object], field: str) -> None:
    with pytest.raises(DomainValidationError) as caught:
        CustomField(**settings)  # type: ignore[arg-type]
    assert caught.value.fields == (field,)


def test_the_registry_reports_every_problem_of_the_values_at_once() -> None:
    values = {"car_brand": "Lada", "colour": "red", "employees": 0}
    with pytest.raises(DomainValidationError) as caught:
        REGISTRY.validate("partner", values)
    assert caught.value.fields == (
        "custom.car_brand",
        "custom.colour",
        "custom.employees",
        "custom.inn_checked",
    )
    assert [v.message for v in caught.value.violations] == [
        "must be one of 'Audi', 'BMW'",
        "is not a custom field of partner",
        "must be at least 1",
        "is required",
    ]


def test_the_registry_accepts_fitting_values_and_places_paths_under_a_prefix() -> None:
    assert REGISTRY.validate("partner", {"inn_checked": True, "employees": 3}) == {
        "inn_checked": True,
        "employees": 3,
    }
    with pytest.raises(DomainValidationError) as caught:
        REGISTRY.validate("deal", {"margin": 1.0}, prefix="deal.custom")
    assert caught.value.field == "deal.custom.margin"
    with pytest.raises(DomainValidationError) as caught:
        REGISTRY.validate("deal", {"margin": 1.0}, prefix="")
    assert caught.value.field == "margin"


def test_an_entity_type_without_declarations_takes_no_values() -> None:
    assert REGISTRY.fields_for("claim") == ()
    assert REGISTRY.validate("claim", {}) == {}
    with pytest.raises(DomainValidationError) as caught:
        REGISTRY.validate("claim", {"anything": 1})
    assert caught.value.field == "custom.anything"


def test_with_field_returns_a_new_registry_and_refuses_a_second_declaration() -> None:
    empty = CustomFieldRegistry()
    one = empty.with_field("partner", BRAND)
    assert empty.fields_for("partner") == ()
    assert one.fields_for("partner") == (BRAND,)
    with pytest.raises(DomainValidationError) as caught:
        one.with_field("partner", CustomField(name="car_brand", type=Type.TEXT))
    assert caught.value.field == "fields.partner"


def test_a_registry_holds_only_uniquely_named_declarations() -> None:
    with pytest.raises(DomainValidationError) as caught:
        CustomFieldRegistry(fields={"partner": (BRAND, "x", BRAND)})  # type: ignore[dict-item]
    assert caught.value.fields == ("fields.partner[1]", "fields.partner[2]")
    with pytest.raises(DomainValidationError):
        CustomFieldRegistry(fields=[("partner", ())])  # type: ignore[arg-type]


@settings(max_examples=40)
@given(custom_field_registries(), st.data())
def test_values_drawn_for_a_registry_pass_it(
    registry: CustomFieldRegistry, data: st.DataObject
) -> None:
    for entity_type in registry.fields:
        values = {
            field.name: data.draw(custom_field_values(field))
            for field in registry.fields_for(entity_type)
        }
        assert registry.validate(entity_type, values) == values


@given(custom_fields(), st.data())
def test_a_value_of_another_type_never_fits(field: CustomField, data: st.DataObject) -> None:
    others = [
        t for t in Type if t is not field.type and {t, field.type} != {Type.TEXT, Type.CHOICE}
    ]
    other = data.draw(custom_fields(types=others))
    value = data.draw(custom_field_values(other))
    assert list(field.problems(value)) != []


@pytest.mark.parametrize(
    ("value", "field"),
    [
        ({"ok": 1.5}, "custom.ok"),
        ({"ok": datetime(2026, 1, 1, tzinfo=UTC)}, "custom.ok"),
        ({"ok": None}, "custom.ok"),
        ({"ok": [1]}, "custom.ok"),
        ({"Bad": 1}, "custom"),
        ([("ok", 1)], "custom"),
    ],
)
def test_the_custom_mapping_of_a_model_holds_only_custom_values(value: object, field: str) -> None:
    assert [v.field for v in custom_values("custom", value)] == [field]


def test_the_custom_mapping_takes_every_kind_of_custom_value() -> None:
    value: dict[str, CustomValue] = {
        "a": "x", "b": 1, "c": True, "d": Decimal(1), "e": Money.of("1", "RUB"),
        "f": date(2026, 1, 1), "g": PARTNER_REF,
    }  # fmt: skip
    assert list(custom_values("custom", value)) == []


def test_the_custom_mapping_rejects_a_nan_decimal() -> None:
    assert [v.field for v in custom_values("custom", {"x": Decimal("NaN")})] == ["custom.x"]


@pytest.mark.parametrize("values", [None, ["car_brand"], "car_brand", 5])
def test_the_registry_refuses_values_that_are_not_a_mapping(values: object) -> None:
    with pytest.raises(DomainValidationError) as raised:
        REGISTRY.validate("partner", values)  # type: ignore[arg-type]
    assert raised.value.fields == ("custom",)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        (_field(Type.INTEGER), 10**5000),
        (_field(Type.INTEGER), -(2**63)),
        (_field(Type.TEXT), "a\ud800b"),
        (_field(Type.TEXT), "a\x00b"),
        (_field(Type.DECIMAL), Decimal("1e30")),
        (_field(Type.DATE), date(9999, 12, 31)),
    ],
    ids=["huge-int", "below-bigint", "lone-surrogate", "nul", "huge-decimal", "far-date"],
)
def test_a_value_no_store_can_keep_is_refused(field: CustomField, value: object) -> None:
    assert list(field.problems(value))
    assert list(custom_values("custom", {"f": value}))


def test_keys_of_any_type_are_named_without_failing() -> None:
    with pytest.raises(DomainValidationError) as raised:
        REGISTRY.validate("partner", {1: "x", "inn_checked": True})  # type: ignore[dict-item]
    assert raised.value.fields == ("custom.1",)
