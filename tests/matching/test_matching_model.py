"""The match model: parameters, validation, probabilities and explanations."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crmcore.errors import DomainValidationError
from crmcore.matching import FieldKind, FieldSpec, MatchModel
from crmcore.serialization import make_converter

MODEL = MatchModel(
    fields=[
        FieldSpec(name="name", kind=FieldKind.COMPANY_NAME),
        FieldSpec(name="phone", kind=FieldKind.PHONE),
        FieldSpec(name="email", kind=FieldKind.EMAIL),
        FieldSpec(name="tax_id", kind=FieldKind.TAX_ID),
    ]
)


def record(
    name: str | None = None,
    phone: str | None = None,
    email: str | None = None,
    tax_id: str | None = None,
) -> dict[str, str | None]:
    return {"name": name, "phone": phone, "email": email, "tax_id": tax_id}


def test_field_kinds_are_read_from_their_names() -> None:
    assert FieldSpec(name="name", kind="company_name").kind is FieldKind.COMPANY_NAME


def test_every_kind_has_working_defaults() -> None:
    for kind in FieldKind:
        spec = FieldSpec(name="f", kind=kind)
        assert len(spec.m) == len(spec.u) == len(spec.thresholds) + 1
        assert spec.level_weights[0] > 0 > spec.level_weights[-1]


def test_an_unknown_kind_is_named_with_the_other_problems() -> None:
    with pytest.raises(DomainValidationError) as caught:
        FieldSpec(name="", kind="colour")
    assert caught.value.fields == ("name", "kind")
    assert "company_name" in caught.value.violations[1].message


def test_bad_parameters_are_reported_together() -> None:
    with pytest.raises(DomainValidationError) as caught:
        FieldSpec(
            name="name",
            kind=FieldKind.NAME,
            thresholds=(0.8, 0.9),
            m=(0.5, 0.5),
            u=(0.2, 0.3, 0.1),
        )
    assert caught.value.fields == ("thresholds", "m", "u")


def test_a_model_needs_fields_with_distinct_names() -> None:
    with pytest.raises(DomainValidationError) as caught:
        MatchModel(fields=[FieldSpec(name="a", kind=FieldKind.NAME)] * 2, prior=1.5)
    assert caught.value.fields == ("fields[1]", "prior")
    with pytest.raises(DomainValidationError):
        MatchModel(fields=[])


def test_the_weight_scales_a_fields_evidence() -> None:
    half = FieldSpec(name="n", kind=FieldKind.NAME, weight=0.5)
    full = FieldSpec(name="n", kind=FieldKind.NAME)
    assert half.level_weights == tuple(w / 2 for w in full.level_weights)
    assert FieldSpec(name="n", kind=FieldKind.NAME, weight=0).level_weights[0] == 0


def test_romashka_in_two_scripts_is_one_company() -> None:
    result = MODEL.explain(record("ООО «Ромашка»"), record("Romashka LLC"))
    name = result.explanation[0]
    assert (name.left, name.right, name.similarity) == ("romashka", "romashka", 1.0)
    assert name.weight == pytest.approx(math.log2(0.55 / 0.005))


def test_phone_and_email_agreement_makes_a_duplicate_near_certain() -> None:
    left = record("Ромашка", "+7 (495) 123-45-67", "ivan.petrov@Mail.ru")
    right = record("Romashka Trade", "8 495 1234567", "ivan.petrov@mail.ru")
    assert MODEL.probability(left, right) > 0.99


def test_a_different_tax_id_speaks_against_a_duplicate() -> None:
    same_name = MODEL.probability(record("Ромашка"), record("Ромашка"))
    different_tax = MODEL.probability(
        record("Ромашка", tax_id="7707083893"), record("Ромашка", tax_id="5001007322")
    )
    assert different_tax < same_name


def test_missing_values_are_neutral() -> None:
    bare = MODEL.explain(record("Ромашка"), record("Ромашка"))
    with_gaps = MODEL.explain(
        record("Ромашка", phone="+74951234567"), record("Ромашка", tax_id="1")
    )
    assert bare.probability == with_gaps.probability
    assert [e.weight for e in with_gaps.explanation[1:]] == [0.0, 0.0, 0.0]
    assert with_gaps.explanation[1].similarity is None


def test_probability_is_the_logistic_of_prior_and_weights() -> None:
    result = MODEL.explain(record("Ромашка"), record("Лютик"))
    odds = math.log2(MODEL.prior / (1 - MODEL.prior)) + result.match_weight
    assert result.probability == pytest.approx(1 / (1 + 2**-odds))


NAMES = st.text(alphabet="абвгдежзABCDEFG «»-.", min_size=1, max_size=15)
PHONES = st.none() | st.from_regex(r"\+7 \(9[0-9]{2}\) [0-9]{3}-[0-9]{2}-[0-9]{2}", fullmatch=True)


@settings(max_examples=80)
@given(a=NAMES, b=NAMES, phone_a=PHONES, phone_b=PHONES)
def test_scores_are_symmetric_probabilities(
    a: str, b: str, phone_a: str | None, phone_b: str | None
) -> None:
    left, right = record(a, phone_a, tax_id="1"), record(b, phone_b, tax_id="1")
    forward, backward = MODEL.probability(left, right), MODEL.probability(right, left)
    assert forward == backward
    assert 0.0 <= forward <= 1.0


@settings(max_examples=60)
@given(a=NAMES, b=NAMES)
def test_a_record_matches_itself_at_least_as_well_as_anything_else(a: str, b: str) -> None:
    left, right = record(a, tax_id="1"), record(b, tax_id="1")
    assert MODEL.probability(left, left) >= MODEL.probability(left, right)


def test_bad_records_are_reported_field_by_field() -> None:
    with pytest.raises(DomainValidationError) as caught:
        MODEL.probability({"name": 5, "phone": None}, record("x"))  # type: ignore[dict-item]
    assert caught.value.fields == ("name", "email", "tax_id")
    with pytest.raises(DomainValidationError, match="has no value"):
        MODEL.probability(record(), record("x"))
    with pytest.raises(DomainValidationError, match="must be a mapping"):
        MODEL.probability("Ромашка", record("x"))  # type: ignore[arg-type]


def test_normalize_shows_what_the_model_compares() -> None:
    assert MODEL.normalize(record("ООО «Ромашка»", "8 495 1234567")) == {
        "name": "romashka",
        "phone": "4951234567",
        "email": None,
        "tax_id": None,
    }


def test_models_round_trip_through_the_converter() -> None:
    converter = make_converter()
    for model in (MODEL, MatchModel.for_partners()):
        assert converter.structure(converter.unstructure(model), MatchModel) == model


def test_the_partner_model_compares_partner_fields() -> None:
    model = MatchModel.for_partners()
    assert model.field_names == (
        "short_name",
        "full_name",
        "tax_id",
        "registration_number",
        "phone",
        "email",
        "address",
    )
    assert model.fields[1].weight == 0.5
