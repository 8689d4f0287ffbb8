"""Fitting: EM over blocked pairs of unlabeled records, refined by labeled decisions."""

import random

import pytest

from crmcore.errors import DomainValidationError
from crmcore.matching import FieldKind, FieldSpec, MatchModel

MODEL = MatchModel(
    fields=[
        FieldSpec(name="name", kind=FieldKind.COMPANY_NAME),
        FieldSpec(name="phone", kind=FieldKind.PHONE),
        FieldSpec(name="city", kind=FieldKind.CATEGORY),
    ]
)
SYLLABLES = ["ро", "ма", "шка", "лю", "тик", "ве", "га", "стр", "ой", "тех", "сиб", "ур"]
CITIES = ["Москва", "Казань", "Самара"]


def base(size: int, seed: int = 3) -> list[dict[str, str | None]]:
    """Companies, a third of them entered twice with a typo or another phone format."""
    rng = random.Random(seed)
    records: list[dict[str, str | None]] = []
    for number in range(size):
        name = "".join(rng.choice(SYLLABLES) for _ in range(3)) + f" {number}"
        phone = f"+7 495 {number:07d}"
        records.append({"name": name, "phone": phone, "city": rng.choice(CITIES)})
        if number % 3 == 0:
            records.append({"name": name + "а", "phone": f"8 (495) {number:07d}", "city": None})
    return records


def test_fit_returns_a_new_model_with_learned_parameters() -> None:
    fitted = MODEL.fit(base(150))
    assert fitted is not MODEL
    assert fitted.field_names == MODEL.field_names
    assert fitted != MODEL
    assert 0 < fitted.prior < 0.5
    for spec in fitted.fields:
        assert sum(spec.m) == pytest.approx(1)
        assert sum(spec.u) == pytest.approx(1)
    phone = fitted.fields[1].level_weights
    assert phone[0] > 5 > phone[-1]


def test_fitting_is_deterministic_for_a_seed() -> None:
    records = base(60)
    assert MODEL.fit(records, seed=7) == MODEL.fit(records, seed=7)


def test_nothing_to_learn_from_gives_the_model_back() -> None:
    assert MODEL.fit([]) is MODEL
    assert MODEL.fit([{"name": "x", "phone": None, "city": None}]) is MODEL


def test_labels_move_the_parameters_their_way() -> None:
    left = {"name": "Ромашка", "phone": None, "city": "Москва"}
    right = {"name": "Ромашка", "phone": None, "city": "Казань"}
    labels = [(left, right, True)] * 40
    refined = MODEL.fit([], labeled_pairs=labels)
    # Forty confirmed duplicates in different cities: a city mismatch stops counting against.
    assert refined.fields[2].level_weights[-1] > MODEL.fields[2].level_weights[-1]
    assert refined.probability(left, right) > MODEL.probability(left, right)
    rejected = MODEL.fit([], labeled_pairs=[(left, right, False)] * 40)
    assert rejected.probability(left, right) < MODEL.probability(left, right)


def test_labels_and_records_together() -> None:
    records = base(90)
    labels = [(records[0], records[1], True), (records[0], records[2], False)]
    refined = MODEL.fit(records, labeled_pairs=labels)
    assert refined.probability(records[0], records[1]) > refined.probability(records[0], records[2])


def test_bad_input_is_reported_together() -> None:
    with pytest.raises(DomainValidationError) as caught:
        MODEL.fit(
            [{"name": "x", "phone": None, "city": None}, {"name": 1}],  # type: ignore[dict-item]
            labeled_pairs=[("a", "b")],  # type: ignore[list-item]
        )
    assert caught.value.fields == ("records[1].name", "records[1].phone", "records[1].city")
    with pytest.raises(DomainValidationError) as caught:
        MODEL.fit([], labeled_pairs=[("a", "b")])  # type: ignore[list-item]
    assert caught.value.fields == ("labeled_pairs[0]",)
    with pytest.raises(DomainValidationError) as caught:
        MODEL.fit([], sample_size=0, iterations=True)
    assert caught.value.fields == ("sample_size", "iterations")
