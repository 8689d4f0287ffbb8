"""Matching rules beside the probability: one exact strong identifier is always reported."""

import pickle

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crmcore.errors import DomainValidationError
from crmcore.matching import (
    Candidate,
    DuplicateIndex,
    FieldKind,
    FieldSpec,
    MatchingRule,
    MatchModel,
    find_duplicate_pairs,
)
from crmcore.serialization import make_converter

PARTNERS = MatchModel.for_partners()
EMPTY = dict.fromkeys(PARTNERS.field_names)
ROMASHKA = {**EMPTY, "short_name": "ООО Ромашка", "phone": "+74951234567", "tax_id": "7707083893"}
LUTIK = {**EMPTY, "short_name": "Лютик Торг", "email": "info@lutik.ru", "phone": "+74957654321"}


def partners(*records: dict[str, str | None], model: MatchModel = PARTNERS) -> DuplicateIndex:
    index = DuplicateIndex(model)
    for number, item in enumerate(records):
        index.add(f"p{number}", item)
    return index


def found(candidates: list[Candidate]) -> list[tuple[str, tuple[str, ...]]]:
    return [(candidate.record_id, candidate.rules) for candidate in candidates]


def test_the_partner_model_has_a_rule_per_strong_identifier() -> None:
    assert [rule.name for rule in PARTNERS.rules] == [
        "exact_tax_id",
        "exact_registration_number",
        "exact_phone",
        "exact_email",
    ]


@pytest.mark.parametrize(
    ("query", "rule"),
    [
        ({"phone": "8 495 123-45-67"}, "exact_phone"),
        ({"tax_id": "7707083893"}, "exact_tax_id"),
        ({"email": "INFO@lutik.ru"}, "exact_email"),
    ],
)
def test_one_shared_identifier_under_another_name_is_reported(
    query: dict[str, str], rule: str
) -> None:
    record = {**EMPTY, "short_name": "Вектор Плюс", **query}
    (candidate,) = partners(ROMASHKA, LUTIK).query(record)
    assert candidate.rules == (rule,)
    assert candidate.probability < 0.7  # Below the default threshold of 0.5 or near it.
    (evidence,) = [e for e in candidate.explanation if e.rule is not None]
    assert evidence.field == rule.removeprefix("exact_")
    assert evidence.similarity == 1.0


def test_a_probable_duplicate_names_the_rule_that_also_caught_it() -> None:
    (candidate,) = partners(ROMASHKA).query(
        {**EMPTY, "short_name": "Romashka", "phone": "84951234567"}
    )
    assert candidate.probability > 0.9
    assert candidate.rules == ("exact_phone",)


def test_one_shared_phone_among_several_is_exact() -> None:
    record = {**EMPTY, "short_name": "Иное", "phone": "+74990000000;+74951234567"}
    assert found(partners(ROMASHKA).query(record)) == [("p0", ("exact_phone",))]


def test_a_close_identifier_is_no_rule_match() -> None:
    record = {**EMPTY, "short_name": "Вектор Плюс", "phone": "+74951234568"}
    assert partners(ROMASHKA).query(record) == []


def test_a_value_shared_by_too_many_records_identifies_none() -> None:
    model = MatchModel.with_exact_rules(PARTNERS.fields, max_block_size=2)
    shared = ({**EMPTY, "short_name": f"Фирма {n}", "phone": "+74951234567"} for n in range(3))
    index = partners(*shared, model=model)
    assert index.query({**EMPTY, "short_name": "Вектор", "phone": "+74951234567"}) == []


def test_rule_matches_come_beside_the_limit_not_instead_of_it() -> None:
    same = [{**EMPTY, "short_name": "Ромашка", "phone": f"+7495123456{n}"} for n in range(3)]
    index = partners(*same, {**EMPTY, "short_name": "Вектор", "email": "a@b.ru"})
    query = {**EMPTY, "short_name": "Ромашка", "email": "a@b.ru"}
    result = index.query(query, limit=2, threshold=0.1)
    assert len(result) == 3
    assert found(result)[-1] == ("p3", ("exact_email",))
    assert [c.probability for c in result] == sorted((c.probability for c in result), reverse=True)


def test_a_model_without_rules_reports_by_probability_alone() -> None:
    model = MatchModel(fields=PARTNERS.fields)
    record = {**EMPTY, "short_name": "Вектор Плюс", "phone": "8 495 123-45-67"}
    assert partners(ROMASHKA, model=model).query(record) == []


def test_rules_of_several_fields_need_all_of_them() -> None:
    rule = MatchingRule(name="phone_and_email", fields=("phone", "email"))
    model = MatchModel(fields=PARTNERS.fields, rules=[rule])
    index = partners({**LUTIK}, model=model)
    phone_only = {**EMPTY, "short_name": "Вектор", "phone": "+74957654321"}
    both = {**phone_only, "email": "info@lutik.ru"}
    assert index.query(phone_only) == []
    assert found(index.query(both)) == [("p0", ("phone_and_email",))]


def test_removed_and_updated_records_leave_the_rules_index() -> None:
    index = partners(ROMASHKA)
    record = {**EMPTY, "short_name": "Вектор", "phone": "+74951234567"}
    index.update("p0", {**ROMASHKA, "phone": "+74990000000"})
    assert index.query(record) == []
    index.remove("p0")
    index.add("p0", ROMASHKA)
    assert found(index.query(record)) == [("p0", ("exact_phone",))]
    assert found(pickle.loads(pickle.dumps(index)).query(record)) == [("p0", ("exact_phone",))]


def test_the_batch_path_scores_by_probability_alone() -> None:
    records = {"a": ROMASHKA, "b": {**EMPTY, "short_name": "Вектор", "phone": "+74951234567"}}
    assert find_duplicate_pairs(PARTNERS, records, threshold=0.5) == []


def test_bad_rules_are_reported_together() -> None:
    with pytest.raises(DomainValidationError) as raised:
        MatchModel(
            fields=PARTNERS.fields,
            rules=[
                MatchingRule.exact("fax"),
                MatchingRule.exact("phone"),
                MatchingRule.exact("phone"),
            ],
        )
    fields = [violation.field for violation in raised.value.violations]
    assert fields == ["rules[0].fields", "rules[2]"]
    with pytest.raises(DomainValidationError) as raised:
        MatchingRule(name="", fields=("", 3))
    assert [v.field for v in raised.value.violations] == ["name", "fields[0]", "fields[1]"]
    with pytest.raises(DomainValidationError, match="non-empty tuple"):
        MatchingRule(name="none", fields=())


def test_models_with_rules_round_trip_through_the_converter() -> None:
    converter = make_converter()
    assert converter.structure(converter.unstructure(PARTNERS), MatchModel) == PARTNERS


@settings(max_examples=40, deadline=None)
@given(
    name=st.text(alphabet="абвгдежзиклмн ", min_size=1, max_size=20),
    digits=st.text(alphabet="0123456789", min_size=10, max_size=10),
)
def test_a_shared_exact_phone_is_always_reported(name: str, digits: str) -> None:
    model = MatchModel.with_exact_rules(
        [
            FieldSpec(name="name", kind=FieldKind.COMPANY_NAME),
            FieldSpec(name="phone", kind=FieldKind.PHONE),
        ]
    )
    index = DuplicateIndex(model)
    index.add("known", {"name": "Ромашка", "phone": "+7" + digits})
    result = index.query({"name": name, "phone": "8" + digits}, threshold=1.0)
    assert [c.record_id for c in result] == ["known"]
    assert result[0].rules == ("exact_phone",)
