"""One run, one pool: a held runner keeps its workers and what they share; components merge."""

import gc
import os
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from match_samples import MODEL, record
from test_matching_batch import bases

from crmcore.errors import DomainValidationError
from crmcore.matching import ProcessRunner, find_duplicate_clusters
from crmcore.matching.batch import (
    components,
    merge_components,
    plan_partitions,
    score_components,
    score_partition,
)
from crmcore.matching.model import DuplicatePair
from crmcore.matching.records import prepare


def where(shared: list[int], item: int) -> tuple[int, int, int]:
    """The worker process, the identity of its copy of ``shared``, and the item's share."""
    return os.getpid(), id(shared), shared[item]


def pair(left: str, right: str) -> DuplicatePair:
    return DuplicatePair(left_id=left, right_id=right, probability=0.9, explanation=())


def members(found: list[tuple[DuplicatePair, ...]]) -> set[frozenset[str]]:
    return {frozenset(i for p in group for i in (p.left_id, p.right_id)) for group in found}


def test_a_held_process_runner_keeps_its_workers_and_the_shared_value() -> None:
    shared = list(range(100_000))
    runner = ProcessRunner(2)
    with runner:
        first = runner.map_shared(where, shared, [1, 2, 3, 4, 5, 6])
        again = runner.map_shared(where, shared, [7, 8, 9, 10, 11, 12])
        other = runner.map_shared(where, [5] * 20, [1, 2, 3, 4, 5, 6])
        assert runner.map(abs, [-1, -2, 3]) == [1, 2, 3]
    assert [item for _, _, item in first + again] == list(range(1, 13))
    # The same processes hold the same copy: the value was unpickled once per worker.
    assert {(pid, copy) for pid, copy, _ in again} <= {(pid, copy) for pid, copy, _ in first}
    # Another value starts other workers holding it.
    assert not {pid for pid, _, _ in other} & {pid for pid, _, _ in first}
    assert [item for _, _, item in other] == [5] * 6
    assert runner._pool is None
    assert runner._holding is None


def test_an_unheld_process_runner_starts_and_stops_its_workers_per_call() -> None:
    runner = ProcessRunner(2)
    assert [item for _, _, item in runner.map_shared(where, [4, 5, 6], [0, 1, 2])] == [4, 5, 6]
    assert runner._pool is None
    assert runner._holding is None
    with runner, runner:  # Held twice: released once the outer block ends.
        runner.map_shared(where, [1, 2], [0, 1])
        pool = runner._pool
    assert pool is not None
    assert runner._pool is None


def test_components_of_each_partition_merge_into_those_of_the_whole() -> None:
    pairs = [pair("a", "b"), pair("c", "d"), pair("b", "c"), pair("e", "f"), pair("g", "h")]
    whole = components(pairs)
    assert members(whole) == {frozenset("abcd"), frozenset("ef"), frozenset("gh")}
    parts = [components(pairs[:2]), components(pairs[2:4]), components(pairs[4:])]
    merged = merge_components(parts)
    assert members(merged) == members(whole)
    assert merged[0] == (pairs[0], pairs[1], pairs[2])  # Group by group, part by part.
    assert merge_components([]) == []


@settings(max_examples=40, deadline=None)
@given(records=bases(), partitions=st.integers(min_value=1, max_value=6))
def test_partitions_grouped_apart_give_the_components_of_all_their_pairs(
    records: dict[str, dict[str, str | None]], partitions: int
) -> None:
    prepared = {key: prepare(MODEL, value) for key, value in records.items()}
    plan, parts = plan_partitions(MODEL, prepared, threshold=0.5, partitions=partitions)
    every = [p for part in parts for p in score_partition(plan, part)]
    merged = merge_components(score_components(plan, part) for part in parts)
    assert members(merged) == members(components(every))
    assert sorted((p.left_id, p.right_id) for group in merged for p in group) == sorted(
        (p.left_id, p.right_id) for p in every
    )


def test_a_held_runner_gives_the_clusters_of_the_calling_process() -> None:
    records = {
        "a1": record("ООО «Ромашка»", "+7 (495) 123-45-67"),
        "a2": record("Romashka LLC", "8 495 1234567"),
        "b1": record("Лютик", "+7 (916) 000-00-01"),
        "b2": record("ООО Лютик", "89160000001"),
    }
    single = find_duplicate_clusters(MODEL, records, threshold=0.5)
    with ProcessRunner(2, pieces_per_worker=2) as runner:
        assert find_duplicate_clusters(MODEL, records, threshold=0.5, runner=runner) == single
        assert find_duplicate_clusters(MODEL, records, threshold=0.5, runner=runner) == single


class _Noting:
    """Blocking keys that note whether the garbage collector runs while they are read."""

    def __init__(self, keys: list[str], seen: list[bool]) -> None:
        self.keys, self.seen = keys, seen

    def __iter__(self) -> Iterator[str]:
        self.seen.append(gc.isenabled())
        return iter(self.keys)


def test_planning_pauses_the_collector_and_resumes_it_even_on_bad_records() -> None:
    records = {f"r{n}": record(f"Romashka {n % 3}", "+7 495 000-00-0" + str(n)) for n in range(6)}
    prepared = {key: prepare(MODEL, value) for key, value in records.items()}
    seen: list[bool] = []
    keys = [_Noting(["k"], seen) for _ in prepared]
    plan, _ = plan_partitions(MODEL, prepared, threshold=0.5, partitions=2, keys=keys)
    assert seen == [False] * len(prepared)
    assert gc.isenabled()
    assert len(plan.ids) == len(prepared)
    with pytest.raises(DomainValidationError):
        find_duplicate_clusters(MODEL, {"": records["r0"]}, threshold=0.5)
    assert gc.isenabled()
    assert find_duplicate_clusters(MODEL, records, threshold=0.99) == []
    assert gc.isenabled()
