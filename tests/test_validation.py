"""Field checks and the Model base: every check of every field runs, every problem is
reported at once, each naming its field; evolve re-validates."""

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, tzinfo
from decimal import Decimal
from pathlib import Path

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import crmcore
from crmcore.errors import DomainValidationError, Violation
from crmcore.validation import (
    MAX_DEPTH,
    MAX_INTEGER,
    MAX_TEXT,
    MAX_VALUES,
    Check,
    Model,
    aware_datetime,
    bounded_text,
    check_now,
    checks,
    clean_optional_text,
    clean_text,
    each,
    field_violations,
    finite_decimal,
    identifier,
    instance_of,
    int_at_most,
    invariant,
    mapping_of,
    non_negative_int,
    optional,
    payload_violations,
    plain_date,
    positive_int,
    raise_violations,
    read_changes,
    unique,
)


@attrs.frozen(kw_only=True)
class Booking(Model):
    """A small model with field checks, a converter and a cross-field invariant."""

    title: str = attrs.field(converter=clean_text, metadata=checks(bounded_text(10)))
    first: int = attrs.field(metadata=checks(non_negative_int))
    last: int = attrs.field(metadata=checks(non_negative_int))
    tags: tuple[str, ...] = attrs.field(
        default=(), metadata=checks(each(identifier), unique(str.casefold, what="tag"))
    )

    def _invariants(self) -> Iterator[Violation]:
        if self.last < self.first:
            yield Violation(field="last", message="must not be before first", value=self.last)


def _fields(check: object, field: str, value: object) -> list[str]:
    assert callable(check)
    return [v.field for v in check(field, value)]


def test_a_valid_model_is_built_with_converted_fields() -> None:
    booking = Booking(title="  Cafe\u0301 ", first=1, last=2, tags=("a", "b"))
    assert booking.title == "Café"


def test_every_field_problem_is_reported_at_once() -> None:
    with pytest.raises(DomainValidationError) as caught:
        Booking(title=" ", first=-1, last=1.5, tags=("ok", "bad id", "OK"))  # type: ignore[arg-type]
    assert caught.value.fields == ("title", "first", "last", "tags[1]", "tags[2]")


def test_invariants_run_once_the_fields_are_valid() -> None:
    with pytest.raises(DomainValidationError) as caught:
        Booking(title="x", first=5, last=2)
    assert caught.value.fields == ("last",)
    assert caught.value.violations[0].message == "must not be before first"


def test_evolve_validates_again() -> None:
    booking = Booking(title="x", first=1, last=2)
    with pytest.raises(DomainValidationError) as caught:
        attrs.evolve(booking, title="")
    assert caught.value.field == "title"
    assert attrs.evolve(booking, last=3).last == 3


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("  Ромашка ", "Ромашка"), ("e\u0301", "é"), ("", ""), (5, 5), (None, None)],
)
def test_clean_text_trims_and_composes(raw: object, expected: object) -> None:
    assert clean_text(raw) == expected  # type: ignore[arg-type]


def test_clean_optional_text_maps_blank_to_none() -> None:
    assert clean_optional_text("   ") is None
    assert clean_optional_text(" a ") == "a"
    assert clean_optional_text(None) is None


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (5, "must be a string"),
        ("   ", "must not be blank"),
        ("x" * 11, "must be at most 10 characters, not 11"),
        ("a\x00b", "must not contain control characters"),
        ("a\nb", "must not contain control characters"),
        ("a\u200bb", "must not contain control characters"),
        ("a\u202eb", "must not contain control characters"),
        ("a\x85b", "must not contain control characters"),
    ],
)
def test_bounded_text_names_the_problem(value: object, message: str) -> None:
    found = list(bounded_text(10)("name", value))
    assert [(v.field, v.message) for v in found] == [("name", message)]


def test_multiline_text_allows_line_breaks_but_not_other_controls() -> None:
    check = bounded_text(100, multiline=True)
    assert list(check("notes", "line one\nline two\r\n\ttab")) == []
    assert _fields(check, "notes", "bell\x07") == ["notes"]


@given(st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_.:@-]{0,127}", fullmatch=True))
def test_identifiers_of_the_documented_alphabet_pass(value: str) -> None:
    assert list(identifier("id", value)) == []


@pytest.mark.parametrize("value", ["", "-a", "_a", "a b", "a/b", "x" * 129, "ид", 5, None])
def test_other_identifiers_are_rejected(value: object) -> None:
    assert _fields(identifier, "id", value) == ["id"]


def test_instance_of_never_takes_a_bool_for_an_int() -> None:
    assert _fields(instance_of(int), "count", True) == ["count"]
    assert _fields(instance_of(int, bool), "count", True) == []
    assert _fields(instance_of(int), "count", 3) == []
    assert "must be int or str" in str(next(iter(instance_of(int, str)("f", 1.0))))


def test_optional_and_each_place_item_paths() -> None:
    assert _fields(optional(identifier), "manager", None) == []
    assert _fields(optional(identifier), "manager", "a b") == ["manager"]
    assert _fields(each(identifier), "ids", ("a", "b c", "d e")) == ["ids[1]", "ids[2]"]
    assert _fields(each(identifier), "ids", ["a"]) == ["ids"]
    assert _fields(each(identifier, container=list), "ids", ["a"]) == []


def test_unique_names_each_repetition() -> None:
    check = unique(str.casefold, what="email")
    found = list(check("emails", ("a@x.ru", "A@X.RU", "b@x.ru", "a@x.ru")))
    assert [v.field for v in found] == ["emails[1]", "emails[3]"]
    assert found[0].message == "repeats email 'a@x.ru'"
    assert _fields(check, "emails", ("a", 5)) == []
    assert _fields(check, "emails", "not a collection") == []


class NoOffset(tzinfo):
    """A tzinfo that does not know its offset: as ambiguous as a naive datetime."""

    def utcoffset(self, dt: datetime | None) -> timedelta | None:
        return None


@pytest.mark.parametrize(
    "value",
    [datetime(2026, 1, 1), datetime(2026, 1, 1, tzinfo=NoOffset()), date(2026, 1, 1), "2026"],
)
def test_only_aware_datetimes_pass(value: object) -> None:
    assert _fields(aware_datetime, "occurred_at", value) == ["occurred_at"]


def test_aware_datetime_messages_say_why() -> None:
    (naive,) = aware_datetime("at", datetime(2026, 1, 1))
    assert "timezone-aware" in naive.message
    assert list(aware_datetime("at", datetime(2026, 1, 1, tzinfo=UTC))) == []


def test_plain_dates_are_not_datetimes() -> None:
    assert _fields(plain_date, "since", date(2026, 1, 1)) == []
    assert _fields(plain_date, "since", datetime(2026, 1, 1, tzinfo=UTC)) == ["since"]
    assert _fields(plain_date, "since", "2026-01-01") == ["since"]


@pytest.mark.parametrize("value", [-1, True, 1.0, "1", None])
def test_non_negative_int_rejects(value: object) -> None:
    assert _fields(non_negative_int, "version", value) == ["version"]


@pytest.mark.parametrize(
    ("value", "messages"),
    [(1, []), (10**6, []), (0, ["must be an integer >= 1"]), (True, ["must be an integer >= 1"]),
     (1.0, ["must be an integer >= 1"]), ("2", ["must be an integer >= 1"])],
)  # fmt: skip
def test_positive_int_takes_one_or_more(value: object, messages: list[str]) -> None:
    assert [v.message for v in positive_int("limit", value)] == messages


@pytest.mark.parametrize(
    "value", [1.5, Decimal("NaN"), Decimal("sNaN"), Decimal("Infinity"), Decimal("-Infinity"), 1]
)
def test_finite_decimal_rejects_floats_ints_and_specials(value: object) -> None:
    assert _fields(finite_decimal, "amount", value) == ["amount"]


def test_mapping_of_checks_keys_and_values_with_paths() -> None:
    check = mapping_of(identifier, non_negative_int)
    assert _fields(check, "limits", {"a": 1, "b c": 2, "d": -1}) == ["limits", "limits.d"]
    assert _fields(check, "limits", [("a", 1)]) == ["limits"]


def test_field_violations_convert_first_like_init() -> None:
    assert field_violations(Booking, "title", "   ") == [
        Violation(field="title", message="must not be blank", value="")
    ]
    assert field_violations(Booking, "title", " ok ") == []


def test_raise_violations_raises_only_when_something_is_wrong() -> None:
    raise_violations([])
    with pytest.raises(DomainValidationError) as caught:
        raise_violations(
            iter([Violation(field="a", message="x"), Violation(field="b", message="y")])
        )
    assert caught.value.fields == ("a", "b")


def test_text_with_a_lone_surrogate_is_refused() -> None:
    check = bounded_text(10)
    assert [v.message for v in check("name", "A\ud800")] == [
        "must be valid Unicode (no lone surrogates)"
    ]


@pytest.mark.parametrize(
    ("value", "messages"),
    [(0, []), (10, []), (11, ["must be at most 10"]), (-1, ["must be an integer >= 0"]),
     (True, ["must be an integer >= 0"]), ("5", ["must be an integer >= 0"])],
)  # fmt: skip
def test_int_at_most_takes_counts_up_to_its_maximum(value: object, messages: list[str]) -> None:
    assert [v.message for v in int_at_most(10)("limit", value)] == messages


@pytest.mark.parametrize("value", ["p-1\n", "p-1\r\n", "\np-1"])
def test_an_identifier_with_a_line_break_is_refused(value: str) -> None:
    assert list(identifier("id", value))


@pytest.mark.parametrize(
    ("check", "value"),
    [
        (aware_datetime, datetime(9999, 12, 31, 23, tzinfo=UTC)),
        (aware_datetime, datetime(1, 1, 2, tzinfo=UTC)),
        (plain_date, date.max),
        (plain_date, date(1899, 12, 31)),
    ],
)
def test_dates_near_the_ends_of_the_calendar_are_refused(check: Check, value: object) -> None:
    (violation,) = check("when", value)
    assert violation.message == "must lie from 1900-01-01 to 2999-12-31"


def test_check_now_refuses_a_moment_beyond_the_date_range() -> None:
    with pytest.raises(DomainValidationError) as raised:
        check_now(datetime.max.replace(tzinfo=UTC))
    assert raised.value.fields == ("now",)


@pytest.mark.parametrize("check", [non_negative_int, positive_int])
def test_integers_beyond_what_a_store_holds_are_refused(check: Check) -> None:
    assert not list(check("n", MAX_INTEGER))
    (violation,) = check("n", MAX_INTEGER + 1)
    assert violation.message == f"must be at most {MAX_INTEGER}"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (Decimal("1e18"), "must be below 10**18 in absolute value"),
        (Decimal("-1e400"), "must be below 10**18 in absolute value"),
        (Decimal("0." + "1" * 29), "must have at most 28 significant digits"),
    ],
)
def test_decimals_that_default_arithmetic_cannot_hold_exactly_are_refused(
    value: Decimal, message: str
) -> None:
    (violation,) = finite_decimal("rate", value)
    assert violation.message == message
    assert not list(finite_decimal("rate", Decimal("999999999999999999.5")))


def _containers(children: st.SearchStrategy[object]) -> st.SearchStrategy[object]:
    return st.lists(children, max_size=5) | st.dictionaries(
        st.text(max_size=5), children, max_size=5
    )


def _nested(depth: int) -> list[object]:
    value: list[object] = []
    for _ in range(depth):
        value = [value]
    return value


@pytest.mark.parametrize(
    ("value", "field", "message"),
    [
        (_nested(100_000), "$" + "[0]" * MAX_DEPTH, f"must not nest more than {MAX_DEPTH} levels"),
        ({"roles": list(range(100_000))}, "roles", "must have at most 1000 items, not 100000"),
        ({"a": {"b": "x" * (MAX_TEXT + 1)}}, "a.b", f"must be at most {MAX_TEXT} characters"),
        ({"n": [10**5000]}, "n[0]", f"must be at most {MAX_INTEGER} in absolute value"),
        ([list(range(900))] * 30, "$", f"must hold at most {MAX_VALUES} values in all"),
    ],
)
def test_payloads_beyond_the_input_limits_are_refused(
    value: object, field: str, message: str
) -> None:
    (violation,) = payload_violations(value)
    assert (violation.field, violation.message[: len(message)]) == (field, message)


_LEAVES = st.none() | st.booleans() | st.integers(-MAX_INTEGER, MAX_INTEGER) | st.text()


@given(st.recursive(_LEAVES, _containers, max_leaves=40))
def test_payloads_within_the_limits_pass(value: object) -> None:
    assert payload_violations(value) == []


def test_read_changes_keeps_the_editable_changes_and_names_every_other_problem() -> None:
    changes = {"title": "Pumps", "stage": "won", 7: "x", "roles": list(range(5_000))}
    kept, found = read_changes(changes, editable={"title", "roles"})
    assert kept == {"title": "Pumps"}
    assert [(v.field, v.message) for v in found] == [
        ("7", "cannot be changed here (not an editable field)"),
        ("stage", "cannot be changed here (not an editable field)"),
        ("roles", "must have at most 1000 items, not 5000"),
    ]


@pytest.mark.parametrize("changes", [None, ["title"], "title", 5])
def test_read_changes_refuses_what_is_not_a_mapping(changes: object) -> None:
    kept, (violation,) = read_changes(changes, editable={"title"})
    assert (kept, violation.field) == ({}, "changes")


def test_read_changes_reports_a_bounded_number_of_unknown_fields() -> None:
    _, found = read_changes({f"k{i}": i for i in range(900)}, editable={"title"})
    assert len(found) == 21
    assert found[-1].message == "has 880 more fields that cannot be changed"


def test_no_pattern_of_the_library_anchors_its_end_with_a_dollar() -> None:
    # "$" also matches before a trailing newline: "RUB\n" or "p-1\n" would pass as whole.
    source = Path(crmcore.__file__).parent
    anchored = re.compile(r"re\.compile\(r?\"\^[^\"]*\$\"\)")
    offenders = [
        f"{path.relative_to(source)}:{number}"
        for path in source.rglob("*.py")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if anchored.search(line)
    ]
    assert offenders == []


@attrs.frozen(kw_only=True)
class _Call(Model):
    topic: str = attrs.field(metadata=checks(bounded_text(50)))
    kind: str = attrs.field(metadata=checks(instance_of(str)))
    direction: str | None = None

    @invariant("kind", "direction")
    def _directed(self) -> Iterator[Violation]:
        if self.kind == "call" and self.direction is None:
            yield Violation(field="direction", message="is required for a call")


def test_an_invariant_runs_when_the_fields_it_reads_passed() -> None:
    with pytest.raises(DomainValidationError) as raised:
        _Call(topic=" ", kind="call")
    assert raised.value.fields == ("topic", "direction")


def test_an_invariant_is_skipped_when_a_field_it_reads_failed() -> None:
    with pytest.raises(DomainValidationError) as raised:
        _Call(topic="Terms", kind=5)  # type: ignore[arg-type]
    assert raised.value.fields == ("kind",)
