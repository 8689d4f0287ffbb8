"""The batch plan: a base split by blocking key into independent partitions, scored apart.

Every record is filed under its blocking keys (computed where the records are normalized, in
pieces); keys shared by more than ``max_block_size`` records are skipped, as queries skip them.
A block of at most ``window + 1`` records compares all its pairs; a larger one compares each
record with the ``window`` records after it once sorted (sorted neighbourhood), so that the work
per record stays bounded however large the base and its common name words grow. Every pair is
scored once: in the rarest small block it shares, else in the first large block that brings it.

The plan has two parts. A :class:`Plan` holds what every partition needs (the model, the
normalized base, where each record sits in each block, the term frequencies): a runner sends it
once to each worker. A :class:`Partition` is only a list of blocks. Both are plain picklable
values and :func:`score_partition` a pure function of them: a runner may score partitions in
other processes or on other machines, and the union of their pairs is the same whatever the
split.

Clusters need the connected components of the pairs. Each partition groups its own pairs
(:func:`score_components`, where it is scored), so that the caller only joins the groups that
share a record (:func:`merge_components`, a union-find over the groups rather than every pair).
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Final

import attrs

from crmcore.collector import PAUSE
from crmcore.errors import DomainValidationError, Violation
from crmcore.matching.model import DuplicatePair, MatchModel
from crmcore.matching.records import Prepared, prepare
from crmcore.matching.scoring import TermFrequencies, floor_of, probability_of, scorer_for

__all__ = [
    "WINDOW",
    "Component",
    "Partition",
    "Plan",
    "PreparedChunk",
    "RecordChunk",
    "components",
    "merge_components",
    "plan_partitions",
    "prepare_chunk",
    "score_components",
    "score_partition",
    "union",
]

Component = tuple[DuplicatePair, ...]
"""Pairs joined by shared records, no pair of another component touching any of them."""

WINDOW: Final = 8
"""Records after each one that a large block compares it with, once sorted."""


@attrs.frozen(kw_only=True)
class RecordChunk:
    """Records of the base to normalize apart: ``(record id, record)`` pairs."""

    model: MatchModel
    records: tuple[tuple[object, object], ...]


@attrs.frozen(kw_only=True)
class PreparedChunk:
    """A :class:`RecordChunk` normalized: each record's values and blocking keys, and every
    problem found."""

    records: tuple[tuple[str, Prepared], ...]
    keys: tuple[tuple[str, ...], ...]
    violations: tuple[Violation, ...]


def prepare_chunk(chunk: RecordChunk) -> PreparedChunk:
    """The normalized values and blocking keys of ``chunk``'s records (a pure function)."""
    scorer = scorer_for(chunk.model)
    prepared: list[tuple[str, Prepared]] = []
    keys: list[tuple[str, ...]] = []
    found: list[Violation] = []
    # One string object per distinct key or value, so that the chunk pickles each once.
    seen: dict[str, str] = {}
    same = seen.setdefault
    for record_id, record in chunk.records:
        if not isinstance(record_id, str) or not record_id:
            found.append(Violation(field="records", message="ids must be non-empty strings"))
            continue
        try:
            values = prepare(chunk.model, record)
        except DomainValidationError as error:
            found.extend(error.under(f"records[{record_id!r}]").violations)
            continue
        prepared.append((record_id, tuple(v if v is None else same(v, v) for v in values)))
        keys.append(tuple(same(key, key) for key in sorted(scorer.keys(values))))
    return PreparedChunk(records=tuple(prepared), keys=tuple(keys), violations=tuple(found))


@attrs.frozen(kw_only=True)
class Plan:
    """What every partition of one base shares; a runner sends it once to each worker.

    Records are known by their position in the base. ``small`` lists, per record, the numbers
    of its blocks small enough to compare all pairs (numbers grow with a block's size, so the
    rarest comes first); ``large``, per record, ``(block number, place once sorted)`` of its
    larger blocks. ``frequencies`` holds the counts of the whole base.
    """

    model: MatchModel
    threshold: float
    window: int
    ids: tuple[str, ...]
    values: tuple[Prepared, ...]
    small: tuple[tuple[int, ...], ...]
    large: tuple[tuple[tuple[int, int], ...], ...]
    frequencies: TermFrequencies


@attrs.frozen(kw_only=True)
class Partition:
    """Blocks of one partition: ``(key, number, member positions)``; a large block's members
    are in their sorted order, a small one's in the base's."""

    blocks: tuple[tuple[str, int, tuple[int, ...]], ...]

    @property
    def cost(self) -> int:
        """About how many pairs scoring this partition looks at."""
        return sum(_cost(len(members)) for _, _, members in self.blocks)


def _cost(size: int, window: int = WINDOW) -> int:
    return size * (size - 1) // 2 if size <= window + 1 else size * window


def _sort_key(values: Prepared) -> tuple[str, ...]:
    return tuple(value or "" for value in values)


def plan_partitions(
    model: MatchModel,
    prepared: Mapping[str, Prepared],
    *,
    threshold: float,
    partitions: int,
    window: int = WINDOW,
    keys: Sequence[Iterable[str]] | None = None,
) -> tuple[Plan, list[Partition]]:
    """``prepared`` (record id to normalized values, in the base's order) split by blocking
    key into at most ``partitions`` independent partitions of about equal work.

    ``keys`` are the records' blocking keys in the same order, when computed already (by
    :func:`prepare_chunk`); else they are computed here. The cyclic garbage collector is
    paused meanwhile (:data:`crmcore.collector.PAUSE`): the plan is millions of objects that
    live on and form no cycles.
    """
    with PAUSE:
        return _plan(model, prepared, threshold=threshold, partitions=partitions, window=window,
                     keys=keys)  # fmt: skip


def _plan(
    model: MatchModel, prepared: Mapping[str, Prepared], *, threshold: float, partitions: int,
    window: int, keys: Sequence[Iterable[str]] | None,
) -> tuple[Plan, list[Partition]]:  # fmt: skip
    ids = tuple(prepared)
    values = tuple(prepared.values())
    if keys is None:
        scorer = scorer_for(model)
        keys = [sorted(scorer.keys(record)) for record in values]
    filed: dict[str, list[int]] = {}
    for position, record_keys in enumerate(keys):
        for key in record_keys:
            filed.setdefault(key, []).append(position)
    limit = model.max_block_size
    blocks = sorted(
        ((key, members) for key, members in filed.items() if 1 < len(members) <= limit),
        key=lambda item: (len(item[1]), item[0]),
    )
    del filed
    rank = [0] * len(values)
    for place, position in enumerate(
        sorted(range(len(values)), key=lambda p: _sort_key(values[p]))
    ):
        rank[position] = place
    small: list[list[int]] = [[] for _ in values]
    large: list[list[tuple[int, int]]] = [[] for _ in values]
    numbered: list[tuple[str, int, tuple[int, ...]]] = []
    for number, (key, members) in enumerate(blocks):
        if len(members) <= window + 1:
            for position in members:
                small[position].append(number)
        else:
            members.sort(key=rank.__getitem__)
            for place, position in enumerate(members):
                large[position].append((number, place))
        numbered.append((key, number, tuple(members)))
    plan = Plan(
        model=model,
        threshold=threshold,
        window=window,
        ids=ids,
        values=values,
        small=tuple(map(tuple, small)),
        large=tuple(map(tuple, large)),
        frequencies=_frequencies(model, values),
    )
    return plan, _split(numbered, partitions, window)


def _frequencies(model: MatchModel, values: Iterable[Prepared]) -> TermFrequencies:
    frequencies = TermFrequencies(len(model.fields))
    fields = scorer_for(model).term_frequency_fields
    for record in values:
        frequencies.add(fields, record)
    return frequencies


def _split(
    blocks: list[tuple[str, int, tuple[int, ...]]], partitions: int, window: int
) -> list[Partition]:
    """Blocks dealt out dearest first, each to the partition with the least work so far."""
    loads = [(0, number) for number in range(max(partitions, 1))]
    split: list[list[tuple[str, int, tuple[int, ...]]]] = [[] for _ in loads]
    for block in sorted(blocks, key=lambda b: (-_cost(len(b[2]), window), b[1])):
        load, number = heapq.heappop(loads)
        split[number].append(block)
        heapq.heappush(loads, (load + _cost(len(block[2]), window), number))
    return [
        Partition(blocks=tuple(sorted(part, key=lambda block: block[1]))) for part in split if part
    ]


def _candidates(plan: Plan, partition: Partition) -> Iterator[tuple[int, int]]:
    """Each pair of the partition's records that is scored here, once over the whole plan."""
    places: dict[int, dict[int, int]] = {}
    for _, number, members in partition.blocks:
        if len(members) <= plan.window + 1:
            yield from _small_pairs(plan, number, members)
        else:
            yield from _large_pairs(plan, number, members, places)


def _small_pairs(plan: Plan, number: int, members: tuple[int, ...]) -> Iterator[tuple[int, int]]:
    """Every pair of a small block whose rarest shared small block it is."""
    small = plan.small
    for i, left in enumerate(members):
        first = small[left]
        for right in members[i + 1 :]:
            if next(n for n in first if n in small[right]) == number:
                yield left, right


def _large_pairs(
    plan: Plan, number: int, members: tuple[int, ...], places: dict[int, dict[int, int]]
) -> Iterator[tuple[int, int]]:
    """Each record of a large block with the ``window`` after it, unless a small block or an
    earlier large block brings the pair already. ``places`` caches records' places."""
    small, large, window = plan.small, plan.large, plan.window
    for i, left in enumerate(members):
        shared = set(small[left])
        earlier = [(n, p) for n, p in large[left] if n < number]
        for right in members[i + 1 : i + 1 + window]:
            if not shared.isdisjoint(small[right]):
                continue  # Scored in a small block.
            if earlier:
                known = places.get(right)
                if known is None:
                    known = places[right] = dict(large[right])
                if _brought_before(earlier, known, window):
                    continue  # Scored in an earlier large block.
            yield left, right


def _brought_before(earlier: list[tuple[int, int]], right: Mapping[int, int], window: int) -> bool:
    """Whether an earlier large block compares the pair: both in it, ``window`` apart at most."""
    for number, place in earlier:
        other = right.get(number)
        if other is not None and abs(other - place) <= window:
            return True
    return False


def score_partition(plan: Plan, partition: Partition) -> list[DuplicatePair]:
    """The pairs of ``partition`` that score the plan's threshold or more (a pure function)."""
    scorer = scorer_for(plan.model)
    frequencies = plan.frequencies
    values = plan.values
    ids = plan.ids
    floor = floor_of(plan.threshold)
    found: list[DuplicatePair] = []
    for a, b in _candidates(plan, partition):
        left, right = (a, b) if a < b else (b, a)
        lvalues, rvalues = values[left], values[right]
        weight = scorer.weight_at_least(lvalues, rvalues, frequencies, floor)
        if weight is None or probability_of(weight) < plan.threshold:
            continue
        candidate = scorer.candidate(ids[right], lvalues, rvalues, frequencies)
        found.append(
            DuplicatePair(
                left_id=ids[left],
                right_id=ids[right],
                probability=candidate.probability,
                explanation=candidate.explanation,
            )
        )
    return found


def union(parts: Sequence[Sequence[DuplicatePair]]) -> list[DuplicatePair]:
    """The pairs of every partition, each once."""
    found: dict[tuple[str, str], DuplicatePair] = {}
    for part in parts:
        for pair in part:
            found.setdefault((pair.left_id, pair.right_id), pair)
    return list(found.values())


def components(pairs: Iterable[DuplicatePair]) -> list[Component]:
    """``pairs`` split into connected components (union-find), each in the order given."""
    pairs = list(pairs)
    parent: dict[str, str] = {}
    for pair in pairs:
        left, right = _root(parent, pair.left_id), _root(parent, pair.right_id)
        if left != right:
            parent[max(left, right)] = min(left, right)
    grouped: dict[str, list[DuplicatePair]] = {}
    for pair in pairs:
        grouped.setdefault(_root(parent, pair.left_id), []).append(pair)
    return [tuple(group) for group in grouped.values()]


def _root(parent: dict[str, str], record_id: str) -> str:
    parent.setdefault(record_id, record_id)
    while parent[record_id] != record_id:
        parent[record_id] = parent[parent[record_id]]
        record_id = parent[record_id]
    return record_id


def score_components(plan: Plan, partition: Partition) -> list[Component]:
    """The pairs of ``partition`` at or above the threshold (:func:`score_partition`), grouped
    by connected component of this partition's pairs (a pure function)."""
    return components(score_partition(plan, partition))


def merge_components(parts: Iterable[Iterable[Component]]) -> list[Component]:
    """The connected components of every partition's pairs, from each partition's own: the
    groups that share a record are joined (their pairs in the order of the parts, then of
    each part), by a union-find over the groups' records, cheap beside scoring them."""
    groups = [group for part in parts for group in part]
    parent: dict[str, str] = {}
    for group in groups:
        first = _root(parent, group[0].left_id)
        for pair in group:
            for record_id in (pair.left_id, pair.right_id):
                other = _root(parent, record_id)
                if other != first:
                    low, high = min(first, other), max(first, other)
                    parent[high] = low
                    first = low
    merged: dict[str, list[DuplicatePair]] = {}
    for group in groups:
        merged.setdefault(_root(parent, group[0].left_id), []).extend(group)
    return [tuple(pairs) for pairs in merged.values()]
