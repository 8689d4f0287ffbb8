"""Reading untrusted form input: text cleaned, every field checked, every problem reported by
field, and no exception but DomainValidationError, whatever the payload."""

import doctest
import unicodedata
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import crmcore.intake
from crmcore.errors import DomainValidationError
from crmcore.intake import (
    ChoiceField,
    FlagField,
    IntakeForm,
    IntegerField,
    ListField,
    NestedField,
    ParsedField,
    TextField,
    clean_input_text,
)
from crmcore.partners import Email
from crmcore.testing.strategies import hostile_payloads, hostile_texts

FILE = IntakeForm(fields={"name": TextField(max_length=20), "size": IntegerField(maximum=1000)})
FORM = IntakeForm(
    fields={
        "name": TextField(max_length=50),
        "message": TextField(max_length=200, multiline=True),
        "email": ParsedField(parse=Email.parse, required=False),
        "kind": ChoiceField(choices={"quality": 1, "delivery": 2}),
        "tags": ListField(item=TextField(max_length=10), max_items=3, required=False),
        "files": ListField(item=NestedField(form=FILE), max_items=2, required=False),
        "urgent": FlagField(required=False),
    }
)
VALID = {"name": "Anna", "message": "Broken crate", "kind": "quality"}


def test_the_module_examples_hold() -> None:
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    assert doctest.testmod(crmcore.intake, optionflags=flags).failed == 0


def test_a_valid_payload_gives_clean_values_of_the_fields_present() -> None:
    values = FORM.read(
        {
            **VALID,
            "email": " Anna@Example.COM ",
            "tags": ["a", " b "],
            "files": [{"name": "photo.jpg", "size": 10}],
            "urgent": True,
        }
    )
    assert values == {
        "name": "Anna",
        "message": "Broken crate",
        "kind": 1,
        "email": Email.parse("Anna@example.com"),
        "tags": ("a", "b"),
        "files": ({"name": "photo.jpg", "size": 10},),
        "urgent": True,
    }


def test_every_problem_is_reported_at_once_by_field() -> None:
    with pytest.raises(DomainValidationError) as caught:
        FORM.read(
            {
                "name": ["Anna"],
                "message": "x" * 201,
                "email": "not-an-email",
                "kind": "other",
                "tags": ["ok", "far too long a tag", 5],
                "files": [{"name": "a", "size": -1, "path": "/etc"}],
                "urgent": "yes",
                "admin": True,
            }
        )
    assert caught.value.fields == (
        "admin",
        "name",
        "message",
        "email",
        "kind",
        "tags[1]",
        "tags[2]",
        "files[0].path",
        "files[0].size",
        "urgent",
    )


def test_missing_required_fields_and_non_mappings_are_refused() -> None:
    with pytest.raises(DomainValidationError) as caught:
        FORM.read({"name": None})
    assert caught.value.fields == ("name", "message", "kind")
    with pytest.raises(DomainValidationError) as caught:
        FORM.read(["name", "Anna"])
    assert caught.value.fields == ("$",)


def test_lists_and_huge_texts_are_refused_before_they_are_read_whole() -> None:
    with pytest.raises(DomainValidationError) as caught:
        FORM.read({**VALID, "tags": ["a"] * 10_000, "name": "я" * 1_000_000})
    messages = [str(v) for v in caught.value.violations]
    assert messages == [
        "name: must be at most 50 characters, not 1000000",
        "tags: must have at most 3 items, not 10000",
    ]


def test_unknown_fields_are_reported_up_to_a_limit() -> None:
    payload = {**VALID, **{f"extra{i}": i for i in range(100)}, 7: "seven"}
    with pytest.raises(DomainValidationError) as caught:
        FORM.read(payload)
    assert len(caught.value.violations) == 21
    assert caught.value.violations[-1].message == "has 81 more unknown fields"
    with pytest.raises(DomainValidationError) as caught:
        FORM.read({**VALID, "": 1, " x": 2, "a\x00": 3})
    assert caught.value.fields == ("''", "' x'", "'a\\x00'")


def test_shown_values_are_shortened_and_stripped_of_control_characters() -> None:
    with pytest.raises(DomainValidationError) as caught:
        FORM.read({**VALID, "kind": "\x1b[31m" + "x" * 500, "urgent": 10**5000})
    kind, urgent = caught.value.violations
    assert kind.value == "?[31m" + "x" * 55
    assert urgent.value == "<a very large integer>"
    assert "10000" not in str(caught.value)


@pytest.mark.parametrize(
    ("raw", "multiline", "expected"),
    [
        ("  Anna  Petrova ", False, "Anna Petrova"),
        ("Anna\tPetrova\nSmith", False, "Anna Petrova Smith"),
        ("line 1  \r\nline 2\rline 3", True, "line 1\nline 2\nline 3"),
        ("\u202eevil\u202c \u200bname\ufeff", False, "evil name"),
        ("Cafe\u0301", False, "Café"),
        ("\ud800broken", False, "broken"),
        ("\x00\x07\x1b", False, ""),
    ],
)
def test_text_is_cleaned_before_it_is_checked(raw: str, multiline: bool, expected: str) -> None:
    assert clean_input_text(raw, multiline=multiline) == expected


def test_nfkc_folds_look_alike_characters_when_asked() -> None:
    assert clean_input_text("ｆｕｌｌ", form="NFKC") == "full"
    assert TextField(max_length=10, normalization="NFKC").read("f", "ｆｕｌｌ") == ("full", [])


@given(hostile_texts())
def test_cleaned_text_has_no_control_characters_and_is_stable(raw: str) -> None:
    for multiline in (False, True):
        cleaned = clean_input_text(raw, multiline=multiline)
        assert clean_input_text(cleaned, multiline=multiline) == cleaned
        assert cleaned == cleaned.strip()
        allowed = "\n\t" if multiline else ""
        removed = {"Cc", "Cf", "Cs", "Co"}
        assert all(c in allowed or unicodedata.category(c) not in removed for c in cleaned)
        cleaned.encode("utf-8")


@given(hostile_payloads(tuple(FORM.fields), valid=st.just(VALID)))
def test_hostile_payloads_raise_only_the_typed_error(payload: Any) -> None:
    try:
        values = FORM.read(payload)
    except DomainValidationError as error:
        problems = [str(v) for v in error.violations]
        values = {}
    else:
        problems = []
    assert set(values) <= set(FORM.fields)
    assert all(problems)
    assert problems or {"name", "message", "kind"} <= set(values)
