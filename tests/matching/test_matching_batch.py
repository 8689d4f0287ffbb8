"""The batch plan: partitions scored apart, on any runner, give the single-process clusters."""

import operator
import pickle
from collections.abc import Callable, Sequence
from typing import TypeVar

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from match_samples import MODEL, record

from crmcore.errors import DomainValidationError
from crmcore.matching import (
    ProcessRunner,
    SerialRunner,
    find_duplicate_clusters,
    find_duplicate_pairs,
)
from crmcore.matching.batch import Plan, _candidates, plan_partitions, score_partition
from crmcore.matching.records import prepare
from crmcore.matching.scoring import floor_of, probability_of, scorer_for

T = TypeVar("T")
R = TypeVar("R")
S = TypeVar("S")

STEMS = ("Ромашка", "Romashka", "Лютик", "Vostok", "Восток Торг", "Стройурал Газмер")


class Shuffled:
    """A runner that splits the work into many pieces and runs them last first."""

    def __init__(self, partitions: int) -> None:
        self.partitions = partitions

    def map(self, function: Callable[[T], R], items: Sequence[T]) -> list[R]:
        return [function(item) for item in reversed(items)][::-1]

    def map_shared(self, function: Callable[[S, T], R], shared: S, items: Sequence[T]) -> list[R]:
        copy = pickle.loads(pickle.dumps(shared))
        return [function(copy, item) for item in reversed(items)][::-1]


@st.composite
def bases(draw: st.DrawFn) -> dict[str, dict[str, str | None]]:
    """Small bases of near-namesakes, shared phones and e-mails, some of them duplicates."""
    size = draw(st.integers(min_value=2, max_value=24))
    records = {}
    for number in range(size):
        stem = draw(st.sampled_from(STEMS))
        suffix = draw(st.sampled_from(("", " Плюс", " LLC", "a", " Group")))
        phone = draw(st.sampled_from((None, "+7 495 123-45-67", "8 495 1234567", "+7 916 0000001")))
        email = draw(st.sampled_from((None, "info@romashka.ru", "office@vostok.ru")))
        records[f"r{number}"] = record(stem + suffix, phone, email)
    return records


def ids(clusters: list) -> list[tuple[str, ...]]:  # type: ignore[type-arg]
    return [cluster.record_ids for cluster in clusters]


@settings(max_examples=60, deadline=None)
@given(records=bases(), partitions=st.integers(min_value=1, max_value=9))
def test_any_split_gives_the_same_pairs_and_clusters(
    records: dict[str, dict[str, str | None]], partitions: int
) -> None:
    runner = Shuffled(partitions)
    single = find_duplicate_clusters(MODEL, records, threshold=0.5)
    assert find_duplicate_clusters(MODEL, records, threshold=0.5, runner=runner) == single
    pairs = find_duplicate_pairs(MODEL, records, threshold=0.5)
    assert find_duplicate_pairs(MODEL, records, threshold=0.5, runner=runner) == pairs


def test_partitions_are_plain_values_and_scored_apart() -> None:
    names = ["Ромашка", "Romashka", "Лютик"]
    records = {f"r{n}": record(name, "+74951234567") for n, name in enumerate(names)}
    prepared = {key: prepare(MODEL, value) for key, value in records.items()}
    plan, parts = plan_partitions(MODEL, prepared, threshold=0.5, partitions=4)
    found = [(p.left_id, p.right_id) for part in parts for p in score_partition(plan, part)]
    assert found == [("r0", "r1")]  # Лютик shares the phone only: 0.41
    shared, copies = pickle.loads(pickle.dumps((plan, parts)))
    scored = [score_partition(plan, part) for part in parts]
    assert [score_partition(shared, part) for part in copies] == scored


def test_a_large_block_compares_each_record_with_its_sorted_neighbours() -> None:
    # Every record shares the word "torg" only: one block, larger than the window.
    names = [f"Torg {'bdfg'[n // 5]}{'mprst'[n % 5]}" for n in range(20)]
    prepared = {f"r{n}": prepare(MODEL, record(name)) for n, name in enumerate(names)}
    plan, (part,) = plan_partitions(MODEL, prepared, threshold=0.5, partitions=1, window=8)
    assert [key for key, _, _ in part.blocks] == ["0:ttorg"]
    pairs = list(_candidates(plan, part))
    assert len(pairs) == 8 * 12 + sum(range(8))  # Not all 190.
    assert (0, 1) in pairs
    assert (0, 9) not in pairs


def test_the_process_runner_gives_the_same_clusters() -> None:
    records = {
        "a1": record("ООО «Ромашка»", "+7 (495) 123-45-67"),
        "a2": record("Romashka LLC", "8 495 1234567"),
        "b1": record("Лютик", "+7 (916) 000-00-01"),
        "b2": record("ООО Лютик", "89160000001"),
        "c1": record("Стройурал Газмер", email="info@sg.ru"),
        "c2": record("СтройуралГазмер", email="info@sg.ru"),
    }
    runner = ProcessRunner(2, pieces_per_worker=2)
    assert runner.partitions == 4
    clusters = find_duplicate_clusters(MODEL, records, threshold=0.5, runner=runner)
    assert clusters == find_duplicate_clusters(MODEL, records, threshold=0.5)
    assert ids(clusters) == [("a1", "a2"), ("b1", "b2"), ("c1", "c2")]


def test_a_process_runner_takes_positive_numbers_only() -> None:
    with pytest.raises(DomainValidationError, match="workers"):
        ProcessRunner(0)
    with pytest.raises(DomainValidationError, match="pieces_per_worker"):
        ProcessRunner(pieces_per_worker=True)
    assert ProcessRunner().workers >= 1
    assert ProcessRunner(3).map(len, ["ab"]) == [2]
    assert SerialRunner().map(len, ["ab", "c"]) == [2, 1]


def test_importing_crmcore_does_not_import_dask() -> None:
    import subprocess  # noqa: PLC0415 - only this test starts an interpreter
    import sys  # noqa: PLC0415

    code = "import sys, crmcore, crmcore.matching; print('dask' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
    assert result.stdout.strip() == b"False"


def _expected_candidates(plan: Plan) -> set[tuple[int, int]]:
    """Pairs sharing a small block, or at most ``window`` apart in a large one, by brute force."""
    found: set[tuple[int, int]] = set()
    for left in range(len(plan.ids)):
        for right in range(left + 1, len(plan.ids)):
            places = dict(plan.large[right])
            if not set(plan.small[left]).isdisjoint(plan.small[right]) or any(
                number in places and abs(places[number] - place) <= plan.window
                for number, place in plan.large[left]
            ):
                found.add((left, right))
    return found


@settings(max_examples=60, deadline=None)
@given(
    records=bases(),
    partitions=st.integers(min_value=1, max_value=5),
    window=st.integers(min_value=1, max_value=4),
)
def test_every_pair_a_block_brings_is_scored_once_whatever_the_split(
    records: dict[str, dict[str, str | None]], partitions: int, window: int
) -> None:
    prepared = {key: prepare(MODEL, value) for key, value in records.items()}
    plan, parts = plan_partitions(
        MODEL, prepared, threshold=0.5, partitions=partitions, window=window
    )
    pairs = [tuple(sorted(pair)) for part in parts for pair in _candidates(plan, part)]
    assert len(pairs) == len(set(pairs))
    assert set(pairs) == _expected_candidates(plan)
    assert len(parts) <= partitions
    assert sum(part.cost for part in parts) >= len(pairs)


@settings(max_examples=200, deadline=None)
@given(
    left=st.sampled_from(STEMS),
    right=st.sampled_from(STEMS),
    phones=st.sampled_from((None, "+7 495 123-45-67", "8 495 1234567", "+7 916 0000001")),
    emails=st.sampled_from((None, "info@romashka.ru", "office@vostok.ru")),
    threshold=st.sampled_from((0.0, 0.05, 0.3, 0.5, 0.9, 1.0)),
)
def test_scoring_stops_early_only_below_the_threshold(
    left: str, right: str, phones: str | None, emails: str | None, threshold: float
) -> None:
    scorer = scorer_for(MODEL)
    a = prepare(MODEL, record(left, phones, "info@romashka.ru"))
    b = prepare(MODEL, record(right, "+7 495 123-45-67", emails))
    weight = scorer.match_weight(a, b)
    early = scorer.weight_at_least(a, b, None, floor_of(threshold))
    if early is None:
        assert probability_of(weight) < threshold
    else:
        assert early == weight


def test_a_process_runner_sends_the_shared_value_to_its_workers() -> None:
    runner = ProcessRunner(2)
    assert runner.map_shared(operator.add, "ab", ["c", "d", "e"]) == ["abc", "abd", "abe"]
    assert runner.map_shared(operator.add, "ab", ["c"]) == ["abc"]
    assert SerialRunner().map_shared(operator.add, "ab", ["c", "d"]) == ["abc", "abd"]
