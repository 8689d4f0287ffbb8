"""Addresses and mailboxes that differ by their numbers are different; a typo keeps them close."""

import pytest

from crmcore.matching import FieldKind, FieldSpec, MatchModel
from crmcore.matching.compare import similarity
from crmcore.matching.normalize import PART_SEPARATOR as PART

CLOSE = 0.88
"""The lowest threshold of an e-mail's close level, under which a value counts as different."""


@pytest.mark.parametrize(
    ("kind", "left", "right"),
    [
        (FieldKind.EMAIL, "romashka469@mail.ru", "romashka539@mail.ru"),
        (FieldKind.EMAIL, "sales1@vostok.ru", "sales2@vostok.ru"),
        (FieldKind.EMAIL, f"ivanov@x.ru{PART}sales1@vostok.ru", f"sales2@vostok.ru{PART}b@y.ru"),
        (FieldKind.ADDRESS, "moskva st lenina 45", "moskva st lenina 62"),
        (FieldKind.ADDRESS, "city kazan st gagarina 110", "kazan st gagarina 62"),
    ],
)
def test_other_numbers_make_two_values_different(kind: FieldKind, left: str, right: str) -> None:
    assert similarity(kind, left, right) == 0.5
    assert similarity(kind, right, left) == 0.5


@pytest.mark.parametrize(
    ("kind", "left", "right"),
    [
        (FieldKind.EMAIL, "romashka.info@mail.ru", "romashka.ifno@mail.ru"),
        (FieldKind.EMAIL, "romashka469@mail.ru", "romashka469@mail.ry"),
        (FieldKind.EMAIL, "romashka.info5@mail.ru", "romashkainfo5@mail.ru"),
        (FieldKind.ADDRESS, "moskva st lenina 45", "moskva st lenin 45"),
        (FieldKind.ADDRESS, "moskva st lenina 45 2", "moskva st lenina 45"),
    ],
)
def test_a_typo_or_a_missing_number_keeps_two_values_close(
    kind: FieldKind, left: str, right: str
) -> None:
    assert similarity(kind, left, right) >= CLOSE
    assert similarity(kind, right, left) >= CLOSE


def test_namesakes_with_numbered_mailboxes_are_not_duplicates() -> None:
    model = MatchModel(
        fields=[
            FieldSpec(name="name", kind=FieldKind.COMPANY_NAME),
            FieldSpec(name="email", kind=FieldKind.EMAIL),
            FieldSpec(name="address", kind=FieldKind.ADDRESS),
        ]
    )
    left = {"name": "ООО Ромашка", "email": "romashka469@mail.ru", "address": "Казань, Мира 12"}
    right = {"name": "ООО Ромашка", "email": "romashka539@mail.ru", "address": "Казань, Мира 75"}
    assert model.probability(left, right) < 0.5
    same = {"name": "Romashka LLC", "email": "Romashka469@mail.ru", "address": "Казань, Мира 12"}
    assert model.probability(left, same) > 0.9
