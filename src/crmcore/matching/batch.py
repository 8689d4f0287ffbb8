"""The batch plan: a base split by blocking key into independent partitions, scored apart.

Every record is filed under its blocking keys; keys shared by more than ``max_block_size``
records are skipped, as queries skip them. A block of at most ``window + 1`` records compares
all its pairs; a larger one compares each record with the ``window`` records after it once
sorted (sorted neighbourhood), so that the work per record stays bounded however large the base
and its common name words grow. A pair sharing several small blocks is scored only in the first
of them, so partitions do not repeat each other's work.

A :class:`Partition` is a plain picklable value and :func:`score_partition` a pure function of
it: a runner may score partitions in other processes or on other machines, and the union of
their pairs is the same whatever the split.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator, Mapping, Sequence
from typing import Final

import attrs

from crmcore.errors import DomainValidationError, Violation
from crmcore.matching.model import DuplicatePair, MatchModel
from crmcore.matching.records import Prepared, prepare
from crmcore.matching.scoring import TermFrequencies, probability_of, scorer_for

__all__ = [
    "WINDOW",
    "Partition",
    "RecordChunk",
    "plan_partitions",
    "prepare_chunk",
    "score_partition",
    "union",
]

WINDOW: Final = 8
"""Records after each one that a large block compares it with, once sorted."""


@attrs.frozen(kw_only=True)
class RecordChunk:
    """Records of the base to normalize apart: ``(record id, record)`` pairs."""

    model: MatchModel
    records: tuple[tuple[object, object], ...]


def prepare_chunk(chunk: RecordChunk) -> tuple[list[tuple[str, Prepared]], list[Violation]]:
    """The normalized values of ``chunk``'s records and every problem found (a pure function)."""
    prepared: list[tuple[str, Prepared]] = []
    found: list[Violation] = []
    for record_id, record in chunk.records:
        if not isinstance(record_id, str) or not record_id:
            found.append(Violation(field="records", message="ids must be non-empty strings"))
            continue
        try:
            prepared.append((record_id, prepare(chunk.model, record)))
        except DomainValidationError as error:
            found.extend(error.under(f"records[{record_id!r}]").violations)
    return prepared, found


@attrs.frozen(kw_only=True)
class Partition:
    """The blocks of one partition with everything needed to score their pairs.

    ``small`` lists, per record, its blocks small enough to compare all pairs, rarest first:
    a pair is scored in the first small block it shares. ``frequencies`` holds the counts of
    the base for the values found here.
    """

    model: MatchModel
    threshold: float
    window: int
    blocks: tuple[tuple[str, tuple[str, ...]], ...]
    values: Mapping[str, Prepared]
    positions: Mapping[str, int]
    small: Mapping[str, tuple[str, ...]]
    frequencies: TermFrequencies


def _blocks(model: MatchModel, prepared: Mapping[str, Prepared]) -> dict[str, list[str]]:
    scorer = scorer_for(model)
    blocks: dict[str, list[str]] = {}
    for record_id, values in prepared.items():
        for key in sorted(scorer.keys(values)):
            blocks.setdefault(key, []).append(record_id)
    limit = model.max_block_size
    return {key: ids for key, ids in blocks.items() if 1 < len(ids) <= limit}


def plan_partitions(
    model: MatchModel,
    prepared: Mapping[str, Prepared],
    *,
    threshold: float,
    partitions: int,
    window: int = WINDOW,
) -> list[Partition]:
    """``prepared`` (record id to normalized values, in the base's order) split by blocking
    key into at most ``partitions`` independent partitions."""
    blocks = _blocks(model, prepared)
    small: dict[str, list[str]] = {}
    for key in sorted(blocks, key=lambda k: (len(blocks[k]), k)):
        if len(blocks[key]) <= window + 1:
            for record_id in blocks[key]:
                small.setdefault(record_id, []).append(key)
    frequencies = TermFrequencies(len(model.fields))
    fields = scorer_for(model).term_frequency_fields
    for values in prepared.values():
        frequencies.add(fields, values)
    position = {record_id: number for number, record_id in enumerate(prepared)}
    split: list[list[tuple[str, tuple[str, ...]]]] = [[] for _ in range(max(partitions, 1))]
    for key in sorted(blocks):
        split[zlib.crc32(key.encode()) % len(split)].append((key, tuple(blocks[key])))
    return [
        _partition(model, threshold, window, part, prepared, position, small, frequencies)
        for part in split
        if part
    ]


def _partition(
    model: MatchModel,
    threshold: float,
    window: int,
    blocks: list[tuple[str, tuple[str, ...]]],
    prepared: Mapping[str, Prepared],
    position: Mapping[str, int],
    small: Mapping[str, list[str]],
    frequencies: TermFrequencies,
) -> Partition:
    members = sorted(
        {record_id for _, ids in blocks for record_id in ids}, key=position.__getitem__
    )
    values = {record_id: prepared[record_id] for record_id in members}
    return Partition(
        model=model,
        threshold=threshold,
        window=window,
        blocks=tuple(blocks),
        values=values,
        positions={record_id: position[record_id] for record_id in members},
        small={record_id: tuple(small.get(record_id, ())) for record_id in members},
        frequencies=frequencies.restricted(scorer_for(model).term_frequency_fields, values),
    )


def _candidates(partition: Partition) -> Iterator[tuple[str, str]]:
    """Each pair of the partition's records to score once, in its blocks' order."""
    window = partition.window
    small = partition.small
    for key, ids in partition.blocks:
        if len(ids) <= window + 1:
            for i, left in enumerate(ids):
                first = small[left]
                for right in ids[i + 1 :]:
                    if next(k for k in first if k in small[right]) == key:
                        yield left, right
            continue
        ordered = sorted(ids, key=lambda record_id: _sort_key(partition.values[record_id]))
        for i, left in enumerate(ordered):
            shared = set(small[left])
            for right in ordered[i + 1 : i + 1 + window]:
                if shared.isdisjoint(small[right]):
                    yield left, right


def _sort_key(values: Prepared) -> tuple[str, ...]:
    return tuple(value or "" for value in values)


def score_partition(partition: Partition) -> list[DuplicatePair]:
    """The pairs of ``partition`` that score its threshold or more (a pure function)."""
    scorer = scorer_for(partition.model)
    frequencies = partition.frequencies
    positions = partition.positions
    found: dict[tuple[str, str], DuplicatePair] = {}
    for a, b in _candidates(partition):
        left, right = (a, b) if positions[a] < positions[b] else (b, a)
        if (left, right) in found:
            continue
        lvalues, rvalues = partition.values[left], partition.values[right]
        weight = scorer.match_weight(lvalues, rvalues, frequencies)
        if probability_of(weight) < partition.threshold:
            continue
        candidate = scorer.candidate(right, lvalues, rvalues, frequencies)
        found[left, right] = DuplicatePair(
            left_id=left,
            right_id=right,
            probability=candidate.probability,
            explanation=candidate.explanation,
        )
    return list(found.values())


def union(parts: Sequence[Sequence[DuplicatePair]]) -> list[DuplicatePair]:
    """The pairs of every partition, each once (a pair two large blocks share comes twice)."""
    found: dict[tuple[str, str], DuplicatePair] = {}
    for part in parts:
        for pair in part:
            found.setdefault((pair.left_id, pair.right_id), pair)
    return list(found.values())
