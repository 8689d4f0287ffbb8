"""Benchmark of the batch duplicate search at the size of a national base; JSON lines.

Generates a partner base where short company names repeat as real ones do (Zipf frequencies)
and clusters it with ``crmcore.matching.find_duplicate_clusters``: single process at every size
(the cost per record), then at the largest size also with the local runner (every core) and
on a Dask LocalCluster. Each measurement runs in a process of its own, so that its peak memory
is its own. See README.md here for how to run it.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import resource
import subprocess
import sys
import time
from collections import defaultdict
from contextlib import AbstractContextManager
from pathlib import Path

import partner_base

from crmcore.matching import FieldKind, FieldSpec, MatchModel, ProcessRunner, SerialRunner
from crmcore.matching.batch import _candidates, plan_partitions
from crmcore.matching.clusters import find_duplicate_clusters
from crmcore.matching.records import prepare

COMMON_SHARE = 0.5
TARGET_SECONDS = 300
TARGET_MIB = 2e9 / 2**20  # 2 GB


def emit(**figures: object) -> None:
    print(json.dumps(figures, ensure_ascii=False), flush=True)


def peak_mib() -> float:
    """This process's peak resident memory in MiB (Linux ``VmHWM``, else ``ru_maxrss``)."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def model() -> MatchModel:
    return MatchModel(
        fields=[
            FieldSpec(name="name", kind=FieldKind.COMPANY_NAME),
            FieldSpec(name="tax_id", kind=FieldKind.TAX_ID),
            FieldSpec(name="phone", kind=FieldKind.PHONE),
            FieldSpec(name="email", kind=FieldKind.EMAIL),
            FieldSpec(name="address", kind=FieldKind.ADDRESS),
        ]
    )


def quality(clusters, entity_of) -> dict[str, float]:
    """Pairwise precision, recall and F1 of the clusters against the generated truth."""
    cluster_of = {r: n for n, cluster in enumerate(clusters) for r in cluster.record_ids}
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
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


def blocking(records, entity_of) -> dict[str, float]:
    """The pairs the batch plan scores per record, and its blocking recall: the share of true
    duplicate pairs that some block brings together (so that they are scored at all)."""
    match_model = model()
    prepared = {record_id: prepare(match_model, record) for record_id, record in records.items()}
    plan, parts = plan_partitions(match_model, prepared, threshold=0.5, partitions=1)
    by_entity = defaultdict(list)
    for position, record_id in enumerate(plan.ids):
        by_entity[entity_of[record_id]].append(position)
    true_pairs = {
        (a, b) for group in by_entity.values() for i, a in enumerate(group) for b in group[i + 1 :]
    }
    scored = found = 0
    for part in parts:
        for left, right in _candidates(plan, part):
            scored += 1
            found += (min(left, right), max(left, right)) in true_pairs
    return {
        "pairs_per_record": round(scored / len(records), 2),
        "blocking_recall": round(found / len(true_pairs), 4) if true_pairs else 1.0,
    }


def fingerprint(clusters) -> str:
    """A digest of every cluster's members, pairs and survivor: equal digests, equal clusters."""
    digest = hashlib.sha256()
    for cluster in clusters:
        pairs = [(p.left_id, p.right_id, p.probability) for p in cluster.pairs]
        digest.update(repr((cluster.record_ids, pairs, cluster.survivor_id)).encode())
    return digest.hexdigest()[:16]


class _Measured:
    """``function`` that also returns the peak memory of the process it ran in."""

    def __init__(self, function) -> None:
        self.function = function

    def __call__(self, item):
        return self.function(item), peak_mib()


class _MeasuredShared:
    """``function(shared, item)`` that also returns the peak memory of its process."""

    def __init__(self, function) -> None:
        self.function = function

    def __call__(self, shared, item):
        return self.function(shared, item), peak_mib()


class MeasuredProcessRunner(ProcessRunner):
    """The local runner, keeping the largest peak memory its workers reported."""

    peak = 0.0

    def _kept(self, results):
        self.peak = max([self.peak, *(peak for _, peak in results)])
        return [result for result, _ in results]

    def map(self, function, items):
        if len(items) <= 1:
            return super().map(function, items)
        return self._kept(super().map(_Measured(function), items))

    def map_shared(self, function, shared, items):
        if len(items) <= 1:
            return super().map_shared(function, shared, items)
        return self._kept(super().map_shared(_MeasuredShared(function), shared, items))


class _Timed:
    """``function`` that also returns the processor seconds it took where it ran."""

    def __init__(self, function) -> None:
        self.function = function
        self.__name__ = function.__name__

    def __call__(self, item):
        start = time.process_time()
        return self.function(item), time.process_time() - start


class _TimedShared(_Timed):
    def __call__(self, shared, item):
        start = time.process_time()
        return self.function(shared, item), time.process_time() - start


class Staged:
    """A runner that times each step it runs: wall seconds from call to last result on the
    driver (what is spread over the workers; the rest of the run is the driver's own), and
    the processor seconds its pieces took wherever they ran (``cpu``)."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.stages: dict[str, float] = {}
        self.cpu: dict[str, float] = {}

    def _spent(self, name, results):
        self.cpu[name] = self.cpu.get(name, 0.0) + sum(cpu for _, cpu in results)
        return [result for result, _ in results]

    @property
    def partitions(self) -> int:
        return self.inner.partitions

    def __enter__(self):
        if isinstance(self.inner, AbstractContextManager):
            self.inner.__enter__()
        return self

    def __exit__(self, *exc_info) -> None:
        if isinstance(self.inner, AbstractContextManager):
            self.inner.__exit__(*exc_info)

    def _timed(self, name, call):
        start = time.perf_counter()
        results = call()
        self.stages[name] = self.stages.get(name, 0.0) + time.perf_counter() - start
        return results

    def map(self, function, items):
        name = function.__name__
        timed = _Timed(function)
        return self._spent(name, self._timed(name, lambda: self.inner.map(timed, items)))

    def map_shared(self, function, shared, items):
        name = function.__name__
        timed = _TimedShared(function)
        results = self._timed(name, lambda: self.inner.map_shared(timed, shared, items))
        return self._spent(name, results)


def runner_for(name: str, workers: int):
    """The runner called ``name``, and a function giving its workers' peak memory in MiB."""
    if name == "single":
        return SerialRunner(), lambda: [round(peak_mib(), 1)], lambda: None
    if name == "local":
        runner = MeasuredProcessRunner(workers)
        return runner, lambda: [round(runner.peak, 1)], lambda: None
    from distributed import Client, LocalCluster  # noqa: PLC0415 - only for this runner

    from crmcore.matching.dask import DaskRunner  # noqa: PLC0415

    cluster = LocalCluster(
        n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
    )
    client = Client(cluster)

    def workers_peak() -> list[float]:
        return [round(mib, 1) for mib in client.run(peak_mib).values()]

    def close() -> None:
        client.close()
        cluster.close()

    return DaskRunner(client), workers_peak, close


def measure(size: int, runner_name: str, workers: int, seed: int, with_blocking: bool) -> None:
    """One clustering of a generated base of ``size`` records, in this process."""
    start = time.perf_counter()
    records, entity_of = {}, {}
    for record_id, entity, record in partner_base.generate(
        size, seed=seed, common_share=COMMON_SHARE
    ):
        records[record_id] = record
        entity_of[record_id] = entity
    generated = time.perf_counter() - start
    inner, worker_peaks, close = runner_for(runner_name, workers)
    runner = Staged(inner)
    start, cpu_start = time.perf_counter(), time.process_time()
    clusters = find_duplicate_clusters(model(), records, threshold=0.5, runner=runner)
    seconds = time.perf_counter() - start
    driver_cpu = time.process_time() - cpu_start
    peaks = worker_peaks()
    close()
    single = runner_name == "single"
    plan = blocking(records, entity_of) if single and with_blocking else {}
    spread = sum(runner.stages.values())
    spread_cpu = sum(runner.cpu.values())
    own_cpu = driver_cpu - spread_cpu if single else driver_cpu
    emit(
        phase="batch",
        size=size,
        runner=runner_name,
        workers=1 if single else workers,
        generate_seconds=round(generated, 1),
        seconds=round(seconds, 1),
        us_per_record=round(seconds / size * 1e6),
        stage_seconds={name: round(value, 1) for name, value in runner.stages.items()},
        spread_seconds=round(spread, 1),
        driver_seconds=round(seconds - spread, 1),
        stage_cpu_seconds={name: round(value, 1) for name, value in runner.cpu.items()},
        spread_cpu_seconds=round(spread_cpu, 1),
        driver_cpu_seconds=round(own_cpu, 1),
        clusters=len(clusters),
        quality=quality(clusters, entity_of),
        fingerprint=fingerprint(clusters),
        driver_peak_mib=round(peak_mib(), 1),
        worker_peak_mib=peaks,
        **plan,
    )


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--compare-size", type=int, help="size of the runners' comparison")
    parser.add_argument("--rounds", type=int, default=1, help="comparisons, best one kept")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--runners", nargs="+", default=["local", "dask"])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--one", nargs=2, metavar=("SIZE", "RUNNER"), help=argparse.SUPPRESS)
    parser.add_argument("--no-blocking", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args()


def run_one(size: int, name: str, args: argparse.Namespace, *, with_blocking: bool) -> dict:
    command = [sys.executable, __file__, "--one", str(size), name]
    command += ["--workers", str(args.workers), "--seed", str(args.seed)]
    command += [] if with_blocking else ["--no-blocking"]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    line = json.loads(output.strip().splitlines()[-1])
    emit(**line)
    return line


def main() -> None:
    args = arguments()
    if args.one:
        measure(int(args.one[0]), args.one[1], args.workers, args.seed, not args.no_blocking)
        return
    compared = args.compare_size or max(args.sizes)
    sizes = [size for size in sorted(args.sizes) if size != compared]
    lines = [run_one(size, "single", args, with_blocking=True) for size in sizes]
    rounds = []
    for number in range(args.rounds):
        for name in ["single", *args.runners]:
            line = run_one(compared, name, args, with_blocking=name == "single" and not number)
            rounds.append(line)
    best = {}
    for line in rounds:
        if line["runner"] not in best or line["seconds"] < best[line["runner"]]["seconds"]:
            best[line["runner"]] = line
    single = best["single"]
    per_size = sorted(
        [*lines, next(line for line in rounds if "blocking_recall" in line)],
        key=lambda line: line["size"],
    )
    figures = {
        "phase": "comparison",
        "size": compared,
        "rounds": args.rounds,
        "baseline_seconds": single["seconds"],
        "best_seconds": {name: line["seconds"] for name, line in best.items()},
        "all_seconds": {
            name: [line["seconds"] for line in rounds if line["runner"] == name] for name in best
        },
        "identical_clusters": len({line["fingerprint"] for line in rounds}) == 1,
        "identical_f1": len({line["quality"]["f1"] for line in rounds}) == 1,
        "us_per_record": {line["size"]: line["us_per_record"] for line in per_size},
        "blocking_recall": {line["size"]: line["blocking_recall"] for line in per_size},
        "pairs_per_record": {line["size"]: line["pairs_per_record"] for line in per_size},
        "serial_share": round(single["driver_seconds"] / single["seconds"], 3),
    }
    for name, line in best.items():
        # On cores that nothing else uses: the driver's own processor time, then the pieces'
        # processor time (transfers included) shared among the cores.
        figures.setdefault("idle_estimate_seconds", {})[name] = {
            cores: round(line["driver_cpu_seconds"] + line["spread_cpu_seconds"] / cores, 1)
            for cores in ((1,) if name == "single" else (args.workers, 4, 8, 16))
        }
    figures.update(
        target_seconds=TARGET_SECONDS,
        target_worker_mib=round(TARGET_MIB, 1),
        met={
            name: line["seconds"] <= TARGET_SECONDS and max(line["worker_peak_mib"]) <= TARGET_MIB
            for name, line in best.items()
            if name != "single"
        },
    )
    emit(**figures)


if __name__ == "__main__":
    sys.exit(main())
