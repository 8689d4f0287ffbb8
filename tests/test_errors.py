"""The error tree: context kept as attributes, builtin mix-ins, every violation reported,
errors that survive pickling (a worker process hands them to its parent)."""

import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crmcore.errors import (
    MAX_REPORTED,
    ConcurrencyConflictError,
    CRMError,
    CurrencyMismatchError,
    DomainValidationError,
    DuplicateEntityError,
    EntityNotFoundError,
    InvalidOperandError,
    PluginError,
    RepositoryError,
    Violation,
    shown,
)

fields = st.from_regex(r"[a-z_]{1,10}(\.[a-z_]{1,10}|\[[0-9]\]){0,3}", fullmatch=True)
violations = st.builds(
    Violation,
    field=fields,
    message=st.text(min_size=1, max_size=30),
    value=st.none() | st.integers() | st.text(max_size=100),
)


def test_a_violation_shows_field_message_and_value() -> None:
    assert str(Violation(field="kpp", message="is wrong", value="1")) == "kpp: is wrong (got '1')"
    assert str(Violation(field="kpp", message="is wrong")) == "kpp: is wrong"


def test_a_long_value_is_shortened_in_the_message_but_kept_whole() -> None:
    violation = Violation(field="notes", message="is too long", value="x" * 1000)
    assert len(str(violation)) < 100
    assert str(violation).endswith("... (1000 characters))")
    assert violation.value == "x" * 1000


def _nested(depth: int) -> list[object]:
    value: list[object] = []
    for _ in range(depth):
        value = [value]
    return value


class _BrokenRepr:
    def __repr__(self) -> str:
        raise RuntimeError("no repr")


@pytest.mark.parametrize(
    "value",
    [10**5000, -(10**5000), _nested(100_000), "x" * 1_000_000, _BrokenRepr(), {"k": _nested(50)}],
    ids=["huge-int", "huge-negative-int", "deep-list", "megabyte", "broken-repr", "deep-dict"],
)
def test_a_message_quotes_any_value_in_a_few_characters(value: object) -> None:
    message = str(DomainValidationError.single("field", "is wrong", value=value))
    assert message.startswith("field: is wrong (got ")
    assert len(message) < 120


def test_a_huge_integer_is_described_by_its_digits() -> None:
    assert shown(10**5000) == "<an integer of 5001 digits>"
    assert shown(12345) == "12345"


def test_a_message_spells_out_a_bounded_number_of_violations_and_keeps_them_all() -> None:
    found = [Violation(field=f"k{i}", message="is not a known field") for i in range(20_000)]
    error = DomainValidationError(found)
    assert len(error.violations) == 20_000
    assert len(str(error)) < 2_000
    assert str(error).endswith(f"and {20_000 - MAX_REPORTED} more problems")


def test_a_long_field_path_is_cut_in_the_message() -> None:
    message = str(Violation(field="k" * 100_000, message="is not a known field"))
    assert len(message) < 200
    assert "(100000 characters)" in message


def test_an_entity_id_is_quoted_shortly() -> None:
    assert len(str(EntityNotFoundError("partner", "p" * 1_000_000))) < 150


@pytest.mark.parametrize(
    ("field", "prefix", "expected"),
    [
        ("tax_id", "legal", "legal.tax_id"),
        ("[2]", "phones", "phones[2]"),
        ("[0].number", "phones", "phones[0].number"),
        ("", "email", "email"),
        ("tax_id", "", "tax_id"),
    ],
)
def test_under_places_the_path_below_a_prefix(field: str, prefix: str, expected: str) -> None:
    assert Violation(field=field, message="m").under(prefix).field == expected


def test_a_validation_error_needs_a_violation() -> None:
    with pytest.raises(ValueError, match="at least one violation"):
        DomainValidationError([])


@given(st.lists(violations, min_size=1, max_size=5))
def test_a_validation_error_reports_every_violation(found: list[Violation]) -> None:
    error = DomainValidationError(iter(found))
    assert error.violations == tuple(found)
    assert error.field == found[0].field
    assert error.value == found[0].value
    assert error.fields == tuple(dict.fromkeys(v.field for v in found))
    assert str(error) == "; ".join(str(v) for v in found)


@given(st.lists(violations, min_size=1, max_size=5), st.from_regex(r"[a-z]{1,8}", fullmatch=True))
def test_under_keeps_every_violation(found: list[Violation], prefix: str) -> None:
    moved = DomainValidationError(found).under(prefix)
    assert [v.field for v in moved.violations] == [v.under(prefix).field for v in found]
    assert all(field.startswith(prefix) for field in moved.fields)


def test_errors_mix_in_the_builtins_callers_expect() -> None:
    assert issubclass(DomainValidationError, CRMError)
    assert issubclass(DomainValidationError, ValueError)
    assert issubclass(CurrencyMismatchError, DomainValidationError)
    assert issubclass(EntityNotFoundError, RepositoryError)
    assert issubclass(EntityNotFoundError, LookupError)
    assert issubclass(DuplicateEntityError, RepositoryError)
    assert issubclass(ConcurrencyConflictError, RepositoryError)
    assert issubclass(RepositoryError, CRMError)
    assert issubclass(PluginError, ImportError)
    assert issubclass(PluginError, CRMError)


def test_messages_say_what_to_do() -> None:
    assert "use save()" in str(DuplicateEntityError("partner", "p-1"))
    assert "'p-1' does not exist" in str(EntityNotFoundError("partner", "p-1"))
    conflict = ConcurrencyConflictError("deal", "d-1", expected_version=3, actual_version=5)
    assert "version 5, not 3" in str(conflict)
    assert "read it again" in str(conflict)
    mismatch = CurrencyMismatchError("RUB", "EUR")
    assert "cannot combine RUB with EUR" in str(mismatch)
    assert mismatch.field == "currency"
    plugin = PluginError("crmcore.actions", "sms", "crm-sms", "no callable 'send'")
    assert str(plugin) == (
        "plugin 'sms' of group 'crmcore.actions' from distribution 'crm-sms': no callable 'send'"
    )


def _round_trip(error: BaseException) -> BaseException:
    return pickle.loads(pickle.dumps(error))


@given(st.lists(violations, min_size=1, max_size=4))
def test_validation_errors_pickle_with_their_violations(found: list[Violation]) -> None:
    copy = _round_trip(DomainValidationError(found))
    assert isinstance(copy, DomainValidationError)
    assert copy.violations == tuple(found)
    assert str(copy) == str(DomainValidationError(found))


@pytest.mark.parametrize(
    ("error", "attributes"),
    [
        (CurrencyMismatchError("RUB", "EUR", field="lines[1].price"), ("left", "right", "field")),
        (EntityNotFoundError("partner", "p-1"), ("entity_type", "entity_id")),
        (DuplicateEntityError("partner", "7707083893", key="tax_id"), ("entity_id", "key")),
        (
            ConcurrencyConflictError("deal", "d-1", expected_version=2, actual_version=4),
            ("entity_type", "entity_id", "expected_version", "actual_version"),
        ),
        (
            PluginError("crmcore.gates", "g", None, "boom"),
            ("group", "name", "distribution", "reason"),
        ),
        (
            InvalidOperandError("+", left="Money", right="int"),
            ("operation", "left", "right"),
        ),
    ],
)
def test_errors_pickle_with_their_context(error: CRMError, attributes: tuple[str, ...]) -> None:
    copy = _round_trip(error)
    assert type(copy) is type(error)
    assert str(copy) == str(error)
    for name in attributes:
        assert getattr(copy, name) == getattr(error, name)


def test_a_currency_mismatch_can_be_placed_under_a_path() -> None:
    error = CurrencyMismatchError("RUB", "EUR").under("lines[0]")
    assert error.field == "lines[0].currency"
