"""Spam rules of the shared intake: a honeypot, too many links, blocked domains."""

import pickle

import pytest
from hypothesis import given

from crmcore.errors import DomainValidationError, SpamError, Violation
from crmcore.intake import IntakeForm, SpamRules, TextField, TrapField
from crmcore.testing.strategies import hostile_payloads

RULES = SpamRules(max_links=2, blocked_domains=frozenset({"spam.example", "bad.test"}))
FORM = IntakeForm(fields={"message": TextField(max_length=2000), **RULES.trap_fields()})


def problems(payload: dict[str, object]) -> list[str]:
    return [str(v) for v in RULES.problems(FORM.read(payload))]


def test_an_honest_message_shows_no_sign_of_spam() -> None:
    assert problems({"message": "Price for 300 crates? See https://shop.example/1"}) == []
    assert problems({"message": "Hi", "website": ""}) == []
    assert problems({"message": "Hi", "website": None}) == []


@pytest.mark.parametrize("filled", ["x", " ", 0, False, ["a"], {"a": 1}])
def test_a_filled_honeypot_is_spam_whatever_it_holds(filled: object) -> None:
    assert problems({"message": "Hi", "website": filled}) == [
        "website: is a trap field that people leave empty"
    ]


def test_too_many_links_in_one_field_are_spam() -> None:
    text = "http://a.example www.b.example HTTPS://c.example/x"
    assert problems({"message": text}) == ["message: has 3 links, at most 2 are allowed"]
    assert problems({"message": "http://a.example www.b.example"}) == []


@pytest.mark.parametrize(
    "text",
    [
        "write to boss@spam.example",
        "see https://www.SPAM.example/offer",
        "see http://bad.test:8080/x",
        "mail me at a@mail.bad.test.",
    ],
)
def test_links_and_addresses_at_blocked_domains_are_spam(text: str) -> None:
    [problem] = RULES.problems({"message": text})
    assert problem.field == "message"
    assert "uses the blocked domain" in problem.message


def test_lookalike_domains_are_not_blocked() -> None:
    assert RULES.problems({"message": "a@notspam.example and http://bad.testing"}) == []


def test_values_inside_lists_and_objects_are_scanned() -> None:
    found = RULES.problems({"items": [{"note": "x@spam.example"}], "flag": True, "n": 3})
    assert [v.field for v in found] == ["items"]


def test_rules_without_a_honeypot_add_no_field() -> None:
    assert SpamRules(honeypot=None).trap_fields() == {}
    assert SpamRules(honeypot=None).problems({"website": True}) == []


def test_a_trap_field_never_fails_to_read() -> None:
    assert TrapField().read("website", object())[1] == []
    assert TrapField().read("website", "")[0] is False


def test_spam_error_is_a_validation_error_that_survives_pickling() -> None:
    error = SpamError([Violation(field="website", message="is a trap field")])
    assert isinstance(error, DomainValidationError)
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is SpamError
    assert copy.violations == error.violations


@given(hostile_payloads(["message", "website"]))
def test_hostile_payloads_never_break_the_rules(payload: object) -> None:
    values, _ = FORM.read_with_violations(payload)
    for violation in RULES.problems(values):
        assert violation.field in {"message", "website"}
