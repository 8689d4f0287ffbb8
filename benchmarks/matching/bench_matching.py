"""Benchmark of crmcore.matching on a generated partner base; prints one JSON object per line.

Measures index build time and peak memory, query latency (p50/p99), pairwise precision,
recall and F1 of incremental queries and of the batch clusters, and the recall of blocking
against an exhaustive scan; runs an exhaustive ``rapidfuzz.process.extract`` scan over all
names beside it as the baseline. See README.md here for how to run it.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import partner_base
from rapidfuzz import fuzz, process, utils

from crmcore.matching import DuplicateIndex, FieldKind, FieldSpec, MatchModel
from crmcore.matching.clusters import find_duplicate_clusters
from crmcore.matching.scoring import probability_of

THRESHOLDS = (0.3, 0.5, 0.7, 0.9)
FIT_SLICE = 100_000
TARGET_MIB = 2e9 / 2**20  # 2 GB


def emit(**figures: object) -> None:
    print(json.dumps(figures, ensure_ascii=False), flush=True)


def peak_mib() -> float:
    """This process's peak resident memory in MiB. Linux's ``VmHWM`` starts anew at exec,
    where ``ru_maxrss`` keeps the peak of the process that forked it."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def base_model() -> MatchModel:
    return MatchModel(
        fields=[
            FieldSpec(name="name", kind=FieldKind.COMPANY_NAME),
            FieldSpec(name="tax_id", kind=FieldKind.TAX_ID),
            FieldSpec(name="phone", kind=FieldKind.PHONE),
            FieldSpec(name="email", kind=FieldKind.EMAIL),
            FieldSpec(name="address", kind=FieldKind.ADDRESS),
        ]
    )


def f1(tp: int, fp: int, fn: int) -> dict[str, float]:
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    score = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(score, 4)}


def labeled_pairs(records, entity_of, members, index, count, rng):
    """Decisions a manager would make: candidates a query showed, marked duplicate or not."""
    pairs = []
    ids = list(records)
    while len(pairs) < count:
        record_id = rng.choice(ids)
        for candidate in index.query(records[record_id], limit=3, threshold=0.2)[1:2]:
            other = candidate.record_id
            pairs.append(
                (records[record_id], records[other], entity_of[other] == entity_of[record_id])
            )
    return pairs


def run_queries(index, records, entity_of, members, sample, threshold_grid):
    scorer = index._scorer
    latencies = []
    counts = {t: [0, 0, 0] for t in threshold_grid}
    blocked_true = exhaustive_true = 0
    for record_id in sample:
        record = records[record_id]
        start = time.perf_counter()
        found = index.query(record, limit=11, threshold=min(threshold_grid))
        latencies.append(time.perf_counter() - start)
        truth = members[entity_of[record_id]] - {record_id}
        for t in threshold_grid:
            predicted = {c.record_id for c in found if c.probability >= t} - {record_id}
            counts[t][0] += len(predicted & truth)
            counts[t][1] += len(predicted - truth)
            counts[t][2] += len(truth - predicted)
        if truth:
            values = index._values[index._slots[record_id]]
            gathered = set(index.neighbours(values))
            for other in truth:
                weight = scorer.match_weight(
                    values, index._values[index._slots[other]], index._frequencies
                )
                if probability_of(weight) >= 0.5:
                    exhaustive_true += 1
                    blocked_true += other in gathered
    return latencies, counts, blocked_true, exhaustive_true


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def baseline(records, entity_of, members, sample):
    ids = list(records)
    names = [records[i]["name"] for i in ids]
    latencies = []
    tp = fp = fn = 0
    for record_id in sample:
        start = time.perf_counter()
        found = process.extract(
            records[record_id]["name"],
            names,
            scorer=fuzz.token_sort_ratio,
            processor=utils.default_process,
            limit=11,
            score_cutoff=90,
        )
        latencies.append(time.perf_counter() - start)
        predicted = {ids[position] for _, _, position in found} - {record_id}
        truth = members[entity_of[record_id]] - {record_id}
        tp += len(predicted & truth)
        fp += len(predicted - truth)
        fn += len(truth - predicted)
    return latencies, f1(tp, fp, fn)


def batch(model, records, entity_of, threshold):
    start = time.perf_counter()
    clusters = find_duplicate_clusters(model, records, threshold=threshold)
    elapsed = time.perf_counter() - start
    cluster_of = {}
    for number, cluster in enumerate(clusters):
        for record_id in cluster.record_ids:
            cluster_of[record_id] = number
    by_entity = defaultdict(list)
    for record_id, entity in entity_of.items():
        by_entity[entity].append(record_id)
    tp = fn = fp = 0
    for group in by_entity.values():
        for i, a in enumerate(group):
            for b in group[i + 1 :]:
                same = a in cluster_of and cluster_of.get(a) == cluster_of.get(b)
                tp += same
                fn += not same
    for cluster in clusters:
        group = cluster.record_ids
        for i, a in enumerate(group):
            for b in group[i + 1 :]:
                fp += entity_of[a] != entity_of[b]
    return elapsed, len(clusters), f1(tp, fp, fn)


def token_sort_only(left: str, right: str) -> float:
    """The name similarity before the combined views: ``token_sort_ratio`` alone."""
    return fuzz.token_sort_ratio(left, right) / 100.0


def hard_names(index, model, records, entity_of, members, count, rng):
    """Queries with a slip in the name that the generated typos never make, and only the
    address beside it: the share that finds its original at 0.5, with the combined name
    similarity and with ``token_sort_ratio`` alone (the same blocking)."""
    originals = [
        record_id
        for record_id, record in records.items()
        if record["address"] and min(members[entity_of[record_id]], key=_number) == record_id
    ][:count]
    combined = type(index._scorer)(model)
    alone = type(index._scorer)(model)
    alone.fields[model.field_names.index("name")].compare = token_sort_only
    for kind in partner_base.HARD_KINDS:
        found = {"combined": 0, "token_sort_ratio": 0}
        asked = 0
        for record_id in originals:
            name = partner_base.hard_variant(records[record_id]["name"], kind, rng)
            if name is None:
                continue
            asked += 1
            query = dict.fromkeys(model.field_names)
            query.update(name=name, address=records[record_id]["address"])
            for label, scorer in (("combined", combined), ("token_sort_ratio", alone)):
                index._scorer = scorer
                hits = index.query(query, limit=5, threshold=0.5)
                found[label] += any(c.record_id == record_id for c in hits)
        emit(
            phase="hard_names",
            kind=kind,
            queries=asked,
            recall={label: round(hits / asked, 4) for label, hits in found.items()},
        )


def _number(record_id: str) -> int:
    return int(record_id[1:])


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=2_000)
    parser.add_argument("--baseline-queries", type=int, default=200)
    parser.add_argument("--labels", type=int, default=300)
    parser.add_argument("--hard-queries", type=int, default=1_000)
    parser.add_argument("--batch", action="store_true", help="also cluster the whole base")
    parser.add_argument(
        "--batch-thresholds", type=float, nargs="+", default=[0.5, 0.9], metavar="P"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--build-from", type=Path, help=argparse.SUPPRESS)
    return parser.parse_args()


def generated(size, seed, saved):
    """The generated base, each record also written to ``saved`` as a JSON line."""
    start = time.perf_counter()
    records, entity_of = {}, {}
    members = defaultdict(set)
    for record_id, entity, record in partner_base.generate(size, seed=seed):
        records[record_id] = record
        entity_of[record_id] = entity
        members[entity].add(record_id)
        saved.write(json.dumps([record_id, record], ensure_ascii=False) + "\n")
    duplicates = sum(len(m) * (len(m) - 1) // 2 for m in members.values())
    seconds = round(time.perf_counter() - start, 2)
    emit(phase="generate", size=size, duplicate_pairs=duplicates, seconds=seconds)
    return records, entity_of, members


def fitted_model(model, records):
    start = time.perf_counter()
    # A slice of the base, not a thin random sample: duplicates stay as frequent as in the
    # whole, which EM needs to tell them apart.
    sample_records = list(records.values())[:FIT_SLICE]
    fitted = model.fit(sample_records)
    emit(
        phase="fit",
        records=len(sample_records),
        seconds=round(time.perf_counter() - start, 2),
        prior=round(fitted.prior, 4),
        weights={s.name: [round(w, 2) for w in s.level_weights] for s in fitted.fields},
    )
    return fitted, sample_records


def built_index(model, records):
    gc.collect()
    before = peak_mib()
    start = time.perf_counter()
    index = DuplicateIndex(model)
    for record_id, record in records.items():
        index.add(record_id, record)
    emit(
        phase="build",
        size=len(index),
        seconds=round(time.perf_counter() - start, 2),
        peak_rss_mib=round(peak_mib(), 1),
        rss_growth_mib=round(peak_mib() - before, 1),
    )
    return index


def build_streamed(path):
    """The index built from records read one by one off ``path``, as a host builds it from a
    database cursor: the process keeps nothing else, so its peak is the index's and the
    interpreter's (whose own peak, crmcore imported, is printed beside it)."""
    gc.collect()
    interpreter = peak_mib()
    start = time.perf_counter()
    index = DuplicateIndex(base_model())
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            record_id, record = json.loads(line)
            index.add(record_id, record)
    peak = peak_mib()
    emit(
        phase="build_streamed",
        size=len(index),
        seconds=round(time.perf_counter() - start, 2),
        peak_rss_mib=round(peak, 1),
        interpreter_rss_mib=round(interpreter, 1),
        target_mib=round(TARGET_MIB, 1),
        met=peak <= TARGET_MIB,
    )


def measure_streamed_build(path):
    """Run :func:`build_streamed` in a process of its own, so that its peak is its own."""
    command = [sys.executable, __file__, "--build-from", str(path)]
    subprocess.run(command, check=True)


def measure_queries(index, scoring, truth, sample, **figures):
    # The same filed records are scored with each model in turn: blocking keys do not depend
    # on the parameters, so swapping the compiled scorer spares a rebuild per model.
    index._scorer = type(index._scorer)(scoring)
    latencies, counts, blocked, exhaustive = run_queries(index, *truth, sample, THRESHOLDS)
    emit(
        phase="query",
        queries=len(sample),
        **figures,
        p50_ms=round(percentile(latencies, 0.5) * 1000, 3),
        p99_ms=round(percentile(latencies, 0.99) * 1000, 3),
        blocking_recall=round(blocked / exhaustive, 4) if exhaustive else None,
        quality={str(t): f1(*counts[t]) for t in THRESHOLDS},
    )


def main() -> None:
    args = arguments()
    if args.build_from:
        build_streamed(args.build_from)
        return
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "records.jsonl"
        with path.open("w", encoding="utf-8") as saved:
            records, entity_of, members = generated(args.size, args.seed, saved)
        measure_streamed_build(path)
    truth = (records, entity_of, members)
    model = base_model()
    fitted, sample_records = fitted_model(model, records)
    index = built_index(fitted, records)

    with_duplicates = [i for i in records if len(members[entity_of[i]]) > 1]
    sample = rng.sample(with_duplicates, min(len(with_duplicates), args.queries // 2))
    sample += rng.sample(list(records), min(len(records), args.queries // 2))
    measure_queries(index, model, truth, sample, model="default")
    measure_queries(index, fitted, truth, sample, model="fitted")
    if args.labels:
        labels = labeled_pairs(records, entity_of, members, index, args.labels, rng)
        start = time.perf_counter()
        refined = fitted.fit(sample_records, labeled_pairs=labels)
        seconds = round(time.perf_counter() - start, 2)
        name = f"fitted+{len(labels)} labels"
        measure_queries(index, refined, truth, sample, model=name, fit_seconds=seconds)

    hard_names(index, model, records, entity_of, members, args.hard_queries, rng)
    base_sample = sample[: args.baseline_queries]
    latencies, quality = baseline(records, entity_of, members, base_sample)
    emit(
        phase="baseline",
        scan="rapidfuzz.process.extract token_sort_ratio>=90 over all names",
        queries=len(base_sample),
        p50_ms=round(percentile(latencies, 0.5) * 1000, 3),
        p99_ms=round(percentile(latencies, 0.99) * 1000, 3),
        quality=quality,
    )
    for threshold in args.batch_thresholds if args.batch else ():
        seconds, clusters, quality = batch(fitted, records, entity_of, threshold)
        emit(
            phase="batch",
            threshold=threshold,
            seconds=round(seconds, 2),
            clusters=clusters,
            quality=quality,
            peak_rss_mib=round(peak_mib(), 1),
        )


if __name__ == "__main__":
    sys.exit(main())
