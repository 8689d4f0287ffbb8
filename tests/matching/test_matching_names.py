"""Names that differ by one slip look alike: a typo in a first letter, words run together or
split apart, whatever order the words come in."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from match_samples import MODEL, record

from crmcore.matching import DuplicateIndex, FieldKind
from crmcore.matching.compare import blocking_keys, similarity


@pytest.mark.parametrize(
    ("left", "right", "least"),
    [
        ("htama mervolg", "shtama mervolg", 0.95),
        ("stroyuralkomgazmer", "stroyuralkom gazmer", 0.95),
        ("stroyural komgazmer", "stroyuralkom gazmer", 0.95),
        ("torg romashka", "romashka torg", 1.0),
    ],
)
def test_one_slip_keeps_two_names_close(left: str, right: str, least: float) -> None:
    assert similarity(FieldKind.COMPANY_NAME, left, right) >= least
    assert similarity(FieldKind.COMPANY_NAME, right, left) >= least


def test_names_equal_only_without_spaces_are_close_not_the_same() -> None:
    assert similarity(FieldKind.COMPANY_NAME, "stroyural komgazmer", "stroyuralkom gazmer") < 1.0


def test_different_names_stay_apart() -> None:
    assert similarity(FieldKind.COMPANY_NAME, "romashka plus", "romashka torg") < 0.8
    assert similarity(FieldKind.COMPANY_NAME, "vostok", "zapad") < 0.5


def test_words_run_together_share_a_key_with_the_words_apart() -> None:
    merged = set(blocking_keys(FieldKind.COMPANY_NAME, "stroyuralkomgazmer"))
    apart = set(blocking_keys(FieldKind.COMPANY_NAME, "stroyuralkom gazmer"))
    assert "tstroyuralkomgazmer" in merged & apart


@pytest.mark.parametrize(
    ("known", "asked"),
    [
        ("ООО «Штама Мерволг»", "ООО «Тама Мерволг»"),
        ("ООО «Стройуралком Газмер»", "Стройуралкомгазмер"),
        ("Shtama Mervolg GmbH", "htama Mervolg"),
    ],
)
def test_the_index_finds_a_name_with_one_slip(known: str, asked: str) -> None:
    index = DuplicateIndex(MODEL)
    index.add("known", record(known, email="office@example.org"))
    index.add("other", record("ООО «Лютик Плюс»"))
    found = index.query(record(asked, email="office@example.org"), threshold=0.9)
    assert [c.record_id for c in found] == ["known"]
    (name, *_) = found[0].explanation
    assert name.similarity is not None
    assert name.similarity >= 0.9


@settings(max_examples=60, deadline=None)
@given(
    left=st.text(alphabet="abcdeмнопр ", max_size=20),
    right=st.text(alphabet="abcdeмнопр ", max_size=20),
)
def test_name_similarity_is_a_symmetric_share(left: str, right: str) -> None:
    forward = similarity(FieldKind.COMPANY_NAME, left, right)
    assert 0.0 <= forward <= 1.0
    assert forward == pytest.approx(similarity(FieldKind.COMPANY_NAME, right, left))
