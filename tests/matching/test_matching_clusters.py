"""Batch clusters: pairs with explanations, no chaining through weak links, survivorship."""

import pickle

import pytest
from match_samples import MODEL, record

from crmcore.errors import DomainValidationError
from crmcore.matching import (
    build_clusters,
    find_duplicate_clusters,
    find_duplicate_pairs,
)
from crmcore.matching.compare import blocking_keys

RECORDS = {
    "a1": record("ООО «Ромашка»", "+7 (495) 123-45-67"),
    "a2": record("Romashka LLC", "8 495 1234567", "info@romashka.ru"),
    "a3": record("Ромашка", None, "INFO@romashka.ru"),
    "b1": record("Лютик", "+7 (916) 000-00-01"),
    "b2": record("ООО Лютик", "89160000001"),
    "c1": record("Василёк", "+7 (812) 555-55-55"),
}


def test_duplicates_are_grouped_with_their_evidence() -> None:
    clusters = find_duplicate_clusters(MODEL, RECORDS, threshold=0.9)
    assert [c.record_ids for c in clusters] == [("a1", "a2", "a3"), ("b1", "b2")]
    first = clusters[0]
    assert {(p.left_id, p.right_id) for p in first.pairs} >= {("a1", "a2")}
    pair = next(p for p in first.pairs if {p.left_id, p.right_id} == {"a1", "a2"})
    assert pair.probability >= 0.9
    assert [e.field for e in pair.explanation] == ["name", "phone", "email"]


def test_the_most_complete_record_survives_and_gaps_are_filled() -> None:
    cluster = find_duplicate_clusters(MODEL, RECORDS, threshold=0.9)[0]
    assert cluster.survivor_id == "a2"
    assert cluster.merged() == {
        "name": "Romashka LLC",
        "phone": "8 495 1234567",
        "email": "info@romashka.ru",
    }
    records = {"x": record("Ромашка", "+74951234567"), "y": record("Romashka", None, "a@b.ru")}
    merged = find_duplicate_clusters(MODEL, records, threshold=0.5)[0]
    # Equally complete: the later record survives, the other fills its gap.
    assert merged.survivor_id == "y"
    assert [(c.field, c.record_id) for c in merged.survivorship] == [
        ("name", "y"),
        ("phone", "x"),
        ("email", "y"),
    ]


def test_one_weak_link_does_not_chain_two_groups() -> None:
    records = {
        "a1": record("Альфа", "+74950000001", "a@alfa.ru"),
        "a2": record("Alfa", "+74950000001", "a@alfa.ru"),
        "b1": record("Бета", "+74950000002", "b@beta.ru"),
        "b2": record("Beta", "+74950000002", "b@beta.ru"),
        # Lists the phones of both: strong links to the alfas and to the betas.
        "x": record(None, "+74950000001; +74950000002"),
    }
    assert MODEL.probability(records["x"], records["a1"]) > 0.8
    assert MODEL.probability(records["x"], records["b1"]) > 0.8
    clusters = find_duplicate_clusters(MODEL, records, threshold=0.8)
    groups = sorted(sorted(c.record_ids) for c in clusters)
    assert groups in (
        [["a1", "a2"], ["b1", "b2", "x"]],
        [["a1", "a2", "x"], ["b1", "b2"]],
    )


def test_pairs_found_partition_by_partition_give_the_same_clusters() -> None:
    whole = find_duplicate_clusters(MODEL, RECORDS, threshold=0.9)
    partitions: dict[str, dict[str, dict[str, str | None]]] = {}
    for record_id, item in RECORDS.items():
        for spec in MODEL.fields:
            value = MODEL.normalize(item)[spec.name]
            for key in blocking_keys(spec.kind, value) if value else ():
                partitions.setdefault(f"{spec.name}:{key}", {})[record_id] = item
    pairs = [
        pair
        for part in partitions.values()
        for pair in find_duplicate_pairs(MODEL, part, threshold=0.5)
    ]
    rebuilt = build_clusters(MODEL, RECORDS, pairs, threshold=0.9)
    assert [c.record_ids for c in rebuilt] == [c.record_ids for c in whole]


def test_the_batch_path_is_pure_and_picklable() -> None:
    clusters = find_duplicate_clusters(MODEL, RECORDS, threshold=0.9)
    assert find_duplicate_clusters(MODEL, dict(RECORDS), threshold=0.9) == clusters
    assert pickle.loads(pickle.dumps(clusters)) == clusters
    assert pickle.loads(pickle.dumps(MODEL)) == MODEL


def test_bad_input_is_reported() -> None:
    with pytest.raises(DomainValidationError) as caught:
        find_duplicate_clusters(MODEL, {"a": record(), "b": {"name": 1}}, threshold=0.5)  # type: ignore[dict-item]
    assert caught.value.fields[:2] == ("records['a'].record", "records['b'].name")
    with pytest.raises(DomainValidationError):
        find_duplicate_clusters(MODEL, RECORDS, threshold=-0.1)
    with pytest.raises(DomainValidationError):
        find_duplicate_clusters(MODEL, [RECORDS["a1"]], threshold=0.5)  # type: ignore[arg-type]
    with pytest.raises(DomainValidationError):
        find_duplicate_clusters(MODEL, {"": RECORDS["a1"]}, threshold=0.5)
