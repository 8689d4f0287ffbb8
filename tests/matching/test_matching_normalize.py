"""Normalization: one comparable form for the many ways people write one value."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crmcore.matching import FieldKind, normalize
from crmcore.matching.compare import blocking_keys, similarity
from crmcore.matching.normalize import MAX_INPUT_LENGTH, MAX_NORMALIZED_LENGTH

MIXED_TEXT = st.text(
    alphabet=st.characters(
        codec="utf-8", categories=("L", "M", "N", "P", "S", "Z", "Cc"), exclude_characters="\x00"
    ),
    max_size=80,
)


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("ООО «Ромашка»", "Romashka LLC"),
        ('Общество с ограниченной ответственностью "Ромашка"', "ООО Ромашка"),
        ("Müller GmbH & Co. KG", "Mueller GmbH"),
        ("Яндекс", "Yandex B.V."),
        ("ПАО «Сбербанк»", "Sberbank PJSC"),
        ("Acme, Inc.", "ACME Incorporated"),
        ("Тинькофф", "Tinkoff"),
    ],
)
def test_company_names_written_differently_normalize_alike(left: str, right: str) -> None:
    assert normalize(FieldKind.COMPANY_NAME, left) == normalize(FieldKind.COMPANY_NAME, right)


def test_a_name_that_is_only_a_legal_form_is_kept() -> None:
    assert normalize(FieldKind.COMPANY_NAME, "AG") == "ag"


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("+7 (495) 123-45-67", "8 495 1234567"),
        ("+7 495 123 45 67", "84951234567"),
        ("4951234567", "+74951234567"),
    ],
)
def test_phones_compare_as_the_digits_of_the_national_number(left: str, right: str) -> None:
    assert normalize(FieldKind.PHONE, left) == normalize(FieldKind.PHONE, right) == "4951234567"


def test_several_phones_in_one_value_are_kept_apart() -> None:
    assert normalize(FieldKind.PHONE, "+7 495 123-45-67; 8 (916) 000-11-22") == (
        "4951234567;9160001122"
    )


def test_emails_are_case_folded() -> None:
    assert normalize(FieldKind.EMAIL, "ivan.petrov@Mail.ru") == normalize(
        FieldKind.EMAIL, "ivan.petrov@mail.ru"
    )
    assert normalize(FieldKind.EMAIL, "mailto:Ivan@Mail.RU") == "ivan@mail.ru"


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("ул. Ленина, д. 5", "улица Ленина, дом 5"),
        ("Hauptstraße 12", "Haupt Str. 12"),
        ("10 Downing Street", "10 Downing St."),
        ("пр-т Мира, 3", "проспект Мира 3"),
    ],
)
def test_address_abbreviations_are_unified(left: str, right: str) -> None:
    assert normalize(FieldKind.ADDRESS, left) == normalize(FieldKind.ADDRESS, right)


def test_cyrillic_and_latin_addresses_meet() -> None:
    russian = normalize(FieldKind.ADDRESS, "ул. Ленина, д. 5")
    latin = normalize(FieldKind.ADDRESS, "Lenina street 5")
    assert russian is not None
    assert latin is not None
    assert similarity(FieldKind.ADDRESS, russian, latin) == 1.0


@pytest.mark.parametrize(
    ("kind", "raw", "expected"),
    [
        (FieldKind.DATE, "2020-01-05", "2020-01-05"),
        (FieldKind.DATE, "05.01.2020", "2020-01-05"),
        (FieldKind.DATE, "not a date", "notadate"),
        (FieldKind.TAX_ID, " 7701-234567 ", "7701234567"),
        (FieldKind.POSTCODE, "SW1A 1AA", "sw1a1aa"),
        (FieldKind.CATEGORY, "Оптовый  Клиент", "optovi klient"),
        (FieldKind.PERSON_NAME, "Иванов Иван", "ivanov ivan"),
        (FieldKind.TEXT, "Ёлка, ёжик!", "elka ezhik"),
    ],
)
def test_each_kind_has_its_form(kind: FieldKind, raw: str, expected: str) -> None:
    assert normalize(kind, raw) == expected


@pytest.mark.parametrize("raw", ["", "   ", "«»", "!!!", "\x01\x02"])
def test_nothing_left_is_a_missing_value(raw: str) -> None:
    assert normalize(FieldKind.COMPANY_NAME, raw) is None
    assert normalize(FieldKind.PHONE, raw) is None


def test_none_stays_missing() -> None:
    assert normalize(FieldKind.EMAIL, None) is None


@settings(max_examples=150)
@given(kind=st.sampled_from(FieldKind), value=MIXED_TEXT)
def test_normalization_is_idempotent(kind: FieldKind, value: str) -> None:
    once = normalize(kind, value)
    assert normalize(kind, once) == once


@settings(max_examples=60)
@given(kind=st.sampled_from(FieldKind), value=MIXED_TEXT)
def test_normalized_values_are_bounded_and_keys_are_strings(kind: FieldKind, value: str) -> None:
    normalized = normalize(kind, value)
    if normalized is not None:
        assert len(normalized) <= MAX_NORMALIZED_LENGTH
        assert all(isinstance(key, str) and key for key in blocking_keys(kind, normalized))


@pytest.mark.parametrize("kind", list(FieldKind))
def test_hostile_values_do_not_stall(kind: FieldKind) -> None:
    hostile = ("Ромашка\x00\u202e" + "a" * 50 + "\u0301" * 10 + "漢字") * 2000
    normalized = normalize(kind, hostile)
    assert normalized is None or len(normalized) <= MAX_NORMALIZED_LENGTH
    # Only a bounded prefix is ever read, so the cost cannot grow with the input.
    assert normalized == normalize(kind, hostile[:MAX_INPUT_LENGTH])


@settings(max_examples=100)
@given(
    kind=st.sampled_from(FieldKind),
    left=st.text(alphabet="abcdeфыв 12;@", max_size=20),
    right=st.text(alphabet="abcdeфыв 12;@", max_size=20),
)
def test_similarity_is_symmetric_and_bounded(kind: FieldKind, left: str, right: str) -> None:
    a, b = normalize(kind, left), normalize(kind, right)
    if a is not None and b is not None:
        assert similarity(kind, a, b) == similarity(kind, b, a)
        assert 0.0 <= similarity(kind, a, b) <= 1.0
        assert similarity(kind, a, a) == 1.0
