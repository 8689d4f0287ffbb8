"""Batch duplicate search over a whole base: scored pairs, clusters and surviving records.

Pairs come from the batch plan (:mod:`crmcore.matching.batch`): the base split by blocking
key into independent partitions, scored wherever a runner runs them, each grouping its own
pairs into connected components; only the groups that share a record are joined here. Clusters
are built per component, here (cheaper than sending pairs and clusters to workers and back),
then the record to keep of each. Clusters grow by average linkage: a pair at or above the
threshold proposes to join the groups of its two records, and they join only when their
members are, on average, more likely duplicates than not. So one link between two otherwise
unrelated groups does not chain them together, while a record found through a friend of a
friend still joins.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext

import attrs

from crmcore.collector import PAUSE
from crmcore.errors import DomainValidationError, Violation
from crmcore.matching.batch import (
    Component,
    Plan,
    RecordChunk,
    components,
    merge_components,
    plan_partitions,
    prepare_chunk,
    score_components,
    score_partition,
    union,
)
from crmcore.matching.index import query_violations
from crmcore.matching.model import DuplicatePair, MatchModel
from crmcore.matching.records import MatchRecord, Prepared, as_record
from crmcore.matching.runners import Runner, SerialRunner
from crmcore.matching.scoring import Scorer, probability_of, scorer_for

__all__ = [
    "Cluster",
    "ClusterWork",
    "DuplicatePair",
    "FieldChoice",
    "build_clusters",
    "cluster_work",
    "find_duplicate_clusters",
    "find_duplicate_pairs",
]

_JOIN_AVERAGE = 0.5
"""The average probability across two groups at which they join (or the threshold, if lower)."""
_MAX_LINKED = 200
"""Members of a linked group compared all against all; larger groups use known pairs only."""


@attrs.frozen(kw_only=True)
class FieldChoice:
    """The value a merged record takes for one field, and the record it comes from."""

    field: str
    value: str | None
    record_id: str | None


@attrs.frozen(kw_only=True)
class Cluster:
    """Records that are one and the same, the pairs showing it, and the record to keep.

    ``survivor_id`` is the most complete record (the latest one given among equally complete
    ones); ``survivorship`` fills each of its empty fields from the other records, taking the
    most common value.
    """

    record_ids: tuple[str, ...]
    pairs: tuple[DuplicatePair, ...]
    survivor_id: str
    survivorship: tuple[FieldChoice, ...]

    def merged(self) -> dict[str, str | None]:
        """The suggested surviving record, field by field."""
        return {choice.field: choice.value for choice in self.survivorship}


@attrs.frozen(kw_only=True)
class _Base:
    """The normalized records of a base, in its order, and their blocking keys."""

    prepared: Mapping[str, Prepared]
    keys: tuple[tuple[str, ...], ...]


def _prepared(model: MatchModel, records: Mapping[str, MatchRecord], runner: Runner) -> _Base:
    """Every record normalized and its keys, in pieces on ``runner``; every problem at once."""
    if not isinstance(records, Mapping):
        raise DomainValidationError.single("records", "must map record ids to records")
    items = tuple(records.items())
    size = max(-(-len(items) // runner.partitions), 1)
    chunks = [
        RecordChunk(model=model, records=items[i : i + size]) for i in range(0, len(items), size)
    ]
    prepared: dict[str, Prepared] = {}
    found: list[Violation] = []
    keys: list[tuple[str, ...]] = []
    done = runner.map(prepare_chunk, chunks)
    with PAUSE:  # the base is kept whole, and forms no cycles
        for chunk in done:
            prepared.update(chunk.records)
            keys.extend(chunk.keys)
            found.extend(chunk.violations)
    if found:
        raise DomainValidationError(found)
    return _Base(prepared=prepared, keys=tuple(keys))


def _check_threshold(threshold: float) -> None:
    violations = query_violations(1, threshold)
    if violations:
        raise DomainValidationError(violations)


def find_duplicate_pairs(
    model: MatchModel,
    records: Mapping[str, MatchRecord],
    *,
    threshold: float,
    runner: Runner | None = None,
) -> list[DuplicatePair]:
    """Every pair of ``records`` that blocking compares and that scores ``threshold`` or more,
    most likely first; ``runner`` says where the partitions are scored (here by default)."""
    _check_threshold(threshold)
    runner = runner or SerialRunner()
    with _held(runner):
        base = _prepared(model, records, runner)
        plan, partitions = plan_partitions(
            model, base.prepared, threshold=threshold, partitions=runner.partitions, keys=base.keys
        )
        return _ranked(union(runner.map_shared(score_partition, plan, partitions)))


def _held(runner: Runner) -> AbstractContextManager[object]:
    """The runner held open for one whole run when it can be (one pool of workers for every
    step), else nothing."""
    return runner if isinstance(runner, AbstractContextManager) else nullcontext()


def _ranked(pairs: Iterable[DuplicatePair]) -> list[DuplicatePair]:
    """``pairs`` most likely first, then by their ids, so that clusters grow the same each time."""
    return sorted(pairs, key=lambda pair: (-pair.probability, pair.left_id, pair.right_id))


def find_duplicate_clusters(
    model: MatchModel,
    records: Mapping[str, MatchRecord],
    *,
    threshold: float,
    runner: Runner | None = None,
) -> list[Cluster]:
    """The groups of duplicates among ``records`` (a mapping of record id to record).

    Pure: the same records give the same clusters, largest first, whichever ``runner``
    normalizes the records and scores the partitions (:class:`~crmcore.matching.SerialRunner`,
    here, by default; :class:`~crmcore.matching.ProcessRunner`;
    ``crmcore.matching.dask.DaskRunner``).
    """
    _check_threshold(threshold)
    runner = runner or SerialRunner()
    with _held(runner):
        base = _prepared(model, records, runner)
        plan, partitions = plan_partitions(
            model, base.prepared, threshold=threshold, partitions=runner.partitions, keys=base.keys
        )
        found = merge_components(runner.map_shared(score_components, plan, partitions))
    return _clusters(records, plan, found)


def build_clusters(
    model: MatchModel,
    records: Mapping[str, MatchRecord],
    pairs: Iterable[DuplicatePair],
    *,
    threshold: float,
) -> list[Cluster]:
    """Clusters from pairs found apart (one partition of the base at a time, say)."""
    _check_threshold(threshold)
    base = _prepared(model, records, SerialRunner())
    plan, _ = plan_partitions(model, base.prepared, threshold=threshold, partitions=1, keys=())
    unique = {(min(p.left_id, p.right_id), max(p.left_id, p.right_id)): p for p in pairs}
    return _clusters(records, plan, components(_ranked(unique.values())))


class _Linkage:
    """Average-linkage merging of records joined by likely-duplicate pairs."""

    def __init__(
        self, scorer: Scorer, prepared: Mapping[str, Prepared], pairs: Sequence[DuplicatePair]
    ) -> None:
        self._scorer = scorer
        self._prepared = prepared
        self._known = {frozenset((p.left_id, p.right_id)): p.probability for p in pairs}
        self.groups: dict[str, list[str]] = {}
        self._group_of: dict[str, str] = {}

    def probability(self, left: str, right: str) -> float:
        key = frozenset((left, right))
        known = self._known.get(key)
        if known is None:
            weight = self._scorer.match_weight(self._prepared[left], self._prepared[right])
            known = self._known[key] = probability_of(weight)
        return known

    def group(self, record_id: str) -> list[str]:
        return self.groups.get(self._group_of.get(record_id, record_id), [record_id])

    def link(self, pair: DuplicatePair, threshold: float) -> None:
        left, right = self.group(pair.left_id), self.group(pair.right_id)
        if left is right or left[0] == right[0]:
            return
        if len(left) + len(right) <= _MAX_LINKED:
            scores = [self.probability(a, b) for a in left for b in right]
        else:
            scores = [self._known.get(frozenset((a, b)), 0.0) for a in left for b in right]
        if sum(scores) / len(scores) >= min(threshold, _JOIN_AVERAGE):
            merged = left + right
            for record_id in merged:
                self._group_of[record_id] = merged[0]
            self.groups.pop(right[0], None)
            self.groups[merged[0]] = merged


@attrs.frozen(kw_only=True)
class ClusterWork:
    """Connected components of pairs to cluster apart: no pair links two of them, so average
    linkage inside each, in the order of their pairs ranked, builds what it would over the
    whole. ``records`` and ``positions`` (the place in the base, hence in the plan) cover
    their members only; their normalized values come from the plan."""

    components: tuple[Component, ...]
    records: Mapping[str, Mapping[str, str | None]]
    positions: Mapping[str, int]


def _clusters(
    records: Mapping[str, MatchRecord], plan: Plan, found: Sequence[Component]
) -> list[Cluster]:
    """The clusters of the components ``found``, built here: average linkage and survivorship
    cost less than sending the pairs and the clusters to workers and back."""
    with PAUSE:  # the clusters live on, and form no cycles
        return _built(records, plan, found)


def _built(
    records: Mapping[str, MatchRecord], plan: Plan, found: Sequence[Component]
) -> list[Cluster]:
    position = {record_id: index for index, record_id in enumerate(plan.ids)}
    members = {i for component in found for p in component for i in (p.left_id, p.right_id)}
    work = ClusterWork(
        components=tuple(found),
        records={i: _fields(records[i]) for i in members},
        positions={i: position[i] for i in members},
    )
    return sorted(cluster_work(plan, work), key=lambda c: (-len(c.record_ids), c.record_ids))


def cluster_work(plan: Plan, work: ClusterWork) -> list[Cluster]:
    """The clusters of ``work``'s components and the record to keep of each (pure)."""
    scorer = scorer_for(plan.model)
    prepared = {record_id: plan.values[at] for record_id, at in work.positions.items()}
    clusters = []
    for component in work.components:
        pairs = _ranked(component)
        linkage = _Linkage(scorer, prepared, pairs)
        for pair in pairs:
            linkage.link(pair, plan.threshold)
        group_of = {member: key for key, members in linkage.groups.items() for member in members}
        inside: dict[str, list[DuplicatePair]] = {key: [] for key in linkage.groups}
        for pair in pairs:
            group = group_of.get(pair.left_id)
            if group is not None and group == group_of.get(pair.right_id):
                inside[group].append(pair)
        for key, members in linkage.groups.items():
            ordered = tuple(sorted(members, key=work.positions.__getitem__))
            clusters.append(_cluster(plan.model, work.records, ordered, tuple(inside[key])))
    return clusters


def _fields(record: MatchRecord) -> Mapping[str, str | None]:
    plain = as_record(record)
    assert isinstance(plain, Mapping)
    return plain


def _cluster(
    model: MatchModel,
    records: Mapping[str, Mapping[str, str | None]],
    members: tuple[str, ...],
    pairs: tuple[DuplicatePair, ...],
) -> Cluster:
    names = model.field_names
    # The most complete record survives; among equals, the one given last (the most recent).
    survivor = max(
        enumerate(members),
        key=lambda item: (sum(records[item[1]][n] is not None for n in names), item[0]),
    )[1]
    choices = tuple(_choice(records, members, survivor, name) for name in names)
    return Cluster(record_ids=members, pairs=pairs, survivor_id=survivor, survivorship=choices)


def _choice(
    records: Mapping[str, Mapping[str, str | None]],
    members: tuple[str, ...],
    survivor: str,
    name: str,
) -> FieldChoice:
    value = records[survivor][name]
    if value is not None:
        return FieldChoice(field=name, value=value, record_id=survivor)
    counts = Counter(v for m in members if (v := records[m][name]) is not None)
    if not counts:
        return FieldChoice(field=name, value=None, record_id=None)
    best = counts.most_common(1)[0][0]
    source = next(m for m in members if records[m][name] == best)
    return FieldChoice(field=name, value=best, record_id=source)
