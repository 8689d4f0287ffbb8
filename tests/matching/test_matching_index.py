"""The duplicate index: incremental filing, bounded queries, explanations, bad input."""

import pickle
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from match_samples import MODEL, record

from crmcore.errors import DomainValidationError, EntityNotFoundError
from crmcore.ids import PartnerId
from crmcore.matching import DuplicateIndex, MatchModel
from crmcore.partners import Email, LegalData, Partner, PartnerKind, PartnerRole, Phone


def index_of(*records: dict[str, str | None], model: MatchModel = MODEL) -> DuplicateIndex:
    index = DuplicateIndex(model)
    for number, item in enumerate(records):
        index.add(f"r{number}", item)
    return index


def ids(candidates: list) -> list[str]:  # type: ignore[type-arg]
    return [candidate.record_id for candidate in candidates]


def test_a_transliterated_name_with_a_reformatted_phone_is_found() -> None:
    index = index_of(
        record("ООО «Ромашка»", "+7 (495) 123-45-67", "ivan.petrov@Mail.ru"),
        record("ООО «Лютик»", "+7 (495) 765-43-21"),
    )
    found = index.query(record("Romashka LLC", "8 495 1234567"))
    assert ids(found) == ["r0"]
    name, phone, email = found[0].explanation
    assert (name.left, name.right, name.similarity) == ("romashka", "romashka", 1.0)
    assert (phone.left, phone.right) == ("4951234567", "4951234567")
    assert (email.left, email.right, email.weight) == (None, "ivan.petrov@mail.ru", 0.0)
    assert found[0].probability > 0.99


def test_a_typo_in_a_name_still_finds_the_record() -> None:
    index = index_of(record("Стройинвестгрупп"), record("Агрокомплект"))
    assert ids(index.query(record("Стройинвестгруп"), threshold=0.05)) == ["r0"]


def test_an_email_in_another_case_is_the_same_email() -> None:
    index = index_of(record("Acme", email="ivan.petrov@mail.ru"))
    found = index.query(record("ACME Corp", email="Ivan.Petrov@Mail.ru"))
    assert ids(found) == ["r0"]


def test_results_are_ordered_limited_and_thresholded() -> None:
    index = index_of(
        record("Ромашка", "+74951234567"),
        record("Ромашка"),
        record("Ромашка Плюс"),
        record("Лютик"),
    )
    everything = index.query(record("Ромашка", "+74951234567"), threshold=0.0, limit=10)
    assert ids(everything)[:2] == ["r0", "r1"]
    probabilities = [c.probability for c in everything]
    assert probabilities == sorted(probabilities, reverse=True)
    assert len(index.query(record("Ромашка", "+74951234567"), threshold=0.0, limit=1)) == 1
    assert all(c.probability >= 0.5 for c in index.query(record("Ромашка")))


def test_a_rare_name_weighs_more_than_a_common_one() -> None:
    common = [record("Иванов", f"+7495{n:07d}") for n in range(30)]
    index = index_of(*common, record("Зубрилкин", "+79161234567"))
    on_common = index.query(record("Иванов"), threshold=0.0, limit=1)[0]
    on_rare = index.query(record("Зубрилкин"), threshold=0.0, limit=1)[0]
    assert on_rare.explanation[0].weight > on_common.explanation[0].weight
    assert on_rare.probability > on_common.probability


def test_remove_and_update() -> None:
    index = index_of(record("Ромашка"), record("Лютик"))
    index.remove("r0")
    assert "r0" not in index
    assert len(index) == 1
    assert index.query(record("Ромашка"), threshold=0.0) == []
    index.update("r1", record("Ромашка"))
    assert ids(index.query(record("Ромашка"))) == ["r1"]
    assert index.normalized("r1") == {"name": "romashka", "phone": None, "email": None}
    index.add("r0", record("Василёк"))
    assert sorted(index) == ["r0", "r1"]


def test_missing_records_are_not_found() -> None:
    index = index_of(record("Ромашка"))
    for call in (index.remove, index.normalized):
        with pytest.raises(EntityNotFoundError):
            call("nope")
    with pytest.raises(EntityNotFoundError):
        index.update("nope", record("x"))


def test_a_failed_add_changes_nothing() -> None:
    index = index_of(record("Ромашка"))
    before = pickle.dumps(index)
    with pytest.raises(DomainValidationError) as caught:
        index.add("r0", {"name": 5, "phone": None})  # type: ignore[dict-item]
    assert caught.value.fields == ("record_id", "name", "email")
    with pytest.raises(DomainValidationError, match="has no value"):
        index.add("r9", record(None, "", "  "))
    with pytest.raises(DomainValidationError):
        index.add("", record("x"))
    with pytest.raises(DomainValidationError):
        index.update("r0", record())
    assert pickle.dumps(index) == before


def test_bad_query_arguments_are_reported_together() -> None:
    index = index_of(record("Ромашка"))
    with pytest.raises(DomainValidationError) as caught:
        index.query({}, limit=0, threshold=1.5)
    assert caught.value.fields == ("limit", "threshold", "name", "phone", "email")
    with pytest.raises(DomainValidationError):
        index.query(record("x"), threshold=True)
    with pytest.raises(DomainValidationError):
        DuplicateIndex("model")  # type: ignore[arg-type]


def test_hostile_strings_neither_crash_nor_stall() -> None:
    hostile = ("ООО Ромашка\x00\x1b[2J\u202e" + "ꙮ" * 100 + "Ромашка漢字") * 1000
    index = index_of(record(hostile, hostile, hostile), record("Ромашка"))
    found = index.query(record(hostile, hostile, hostile), threshold=0.0)
    assert found[0].record_id == "r0"
    assert all(len(e.left or "") <= 200 for e in found[0].explanation)


def test_common_keys_are_skipped_but_rarer_ones_still_find_the_record() -> None:
    model = MatchModel(fields=MODEL.fields, max_block_size=5, max_candidates=3)
    many = [record(f"Торг {n:03d}") for n in range(20)]
    index = index_of(*many, record("Торг Ромашка", "+74951234567"), model=model)
    assert ids(index.query(record("Торг Ромашка", "+74951234567"), limit=1)) == ["r20"]


def test_the_index_pickles_with_its_contents() -> None:
    index = index_of(record("Ромашка", "+74951234567"))
    copy = pickle.loads(pickle.dumps(index))
    assert copy.model == index.model
    assert ids(copy.query(record("Romashka"), threshold=0.0)) == ["r0"]


def test_partners_are_records_too() -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    partner = Partner(
        id=PartnerId("p-1"),
        kind=PartnerKind.LEGAL_ENTITY,
        roles=frozenset({PartnerRole.CLIENT}),
        short_name="ООО «Ромашка»",
        legal=LegalData(tax_id="7707083893"),
        phones=(Phone(number="+74951234567"), Phone(number="+74957654321")),
        emails=(Email(address="info@romashka.ru"),),
        created_at=now,
    )
    index = DuplicateIndex(MatchModel.for_partners())
    index.add(partner.id, partner)
    draft = dict.fromkeys(MatchModel.for_partners().field_names)
    found = index.query({**draft, "short_name": "Romashka", "phone": "8 495 765-43-21"})
    assert ids(found) == ["p-1"]
    assert index.normalized("p-1")["phone"] == "4951234567;4957654321"


NAMES = st.text(alphabet="абвгдежзклмнопрстуф ", min_size=3, max_size=20).filter(str.strip)
RECORDS = st.builds(
    record,
    name=NAMES,
    phone=st.none() | st.from_regex(r"\+7 9[0-9]{2} [0-9]{7}", fullmatch=True),
)


@settings(max_examples=40)
@given(base=st.lists(RECORDS, min_size=1, max_size=15), pick=st.integers(min_value=0))
def test_a_record_matches_itself_with_the_top_probability(
    base: list[dict[str, str | None]], pick: int
) -> None:
    index = index_of(*base)
    chosen = pick % len(base)
    found = index.query(base[chosen], threshold=0.0, limit=len(base))
    own = next(c for c in found if c.record_id == f"r{chosen}")
    assert own.probability == max(c.probability for c in found)


UNRELATED = st.builds(
    record,
    name=st.text(alphabet="xyzwq", min_size=3, max_size=12),
    phone=st.none() | st.from_regex(r"\+44 20 [0-9]{8}", fullmatch=True),
)


@settings(max_examples=30)
@given(base=st.lists(RECORDS, min_size=1, max_size=8), others=st.lists(UNRELATED, max_size=30))
def test_unrelated_records_never_push_a_true_candidate_out(
    base: list[dict[str, str | None]], others: list[dict[str, str | None]]
) -> None:
    index = index_of(*base)
    query = base[0]
    before = ids(index.query(query, threshold=0.0, limit=len(base)))
    for number, other in enumerate(others):
        index.add(f"u{number}", other)
    after = ids(index.query(query, threshold=0.0, limit=len(base)))
    assert "r0" in before
    assert set(before) <= set(after)


@settings(max_examples=30)
@given(base=st.lists(RECORDS, min_size=1, max_size=10), extra=RECORDS, probe=RECORDS)
def test_remove_undoes_add(
    base: list[dict[str, str | None]],
    extra: dict[str, str | None],
    probe: dict[str, str | None],
) -> None:
    index = index_of(*base)
    before = index.query(probe, threshold=0.0, limit=20)
    state = pickle.dumps(index)
    index.add("extra", extra)
    index.remove("extra")
    assert index.query(probe, threshold=0.0, limit=20) == before
    index.add("extra", extra)
    index.remove("extra")
    assert len(pickle.loads(state)) == len(index)
