"""What crmcore costs other projects at import; prints one JSON object per line.

Each figure is the median wall-clock time of fresh interpreters (``--runs``, 15 by default)
running one import, beside its baseline in the same run:

1. ``import hypothesis`` where crmcore is installed: with crmcore's entry point (lazy
   registration), against hypothesis reading its entry points but running none (the
   baseline: ``HYPOTHESIS_NO_PLUGINS=1`` and the same ``entry_points(group="hypothesis")``
   call), and against what the entry point used to do, build and register every strategy
   (``import crmcore.testing.strategies``). Target: under 50 ms over the baseline.
   ``hypothesis_hook`` times the hook alone inside the interpreter: loading it (which imports
   ``crmcore``) and calling it.
2. ``import crmcore``, against an empty interpreter (the baseline), and with
   ``crmcore.__version__`` read, which reads the installed package metadata.

Run: ``python benchmarks/testing/bench_imports.py [--runs N]``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from typing import Final

_NO_PLUGINS: Final = {"HYPOTHESIS_NO_PLUGINS": "1"}
_SCAN: Final = (
    "import hypothesis, importlib.metadata; "
    "list(importlib.metadata.entry_points(group='hypothesis'))"
)
_HOOK: Final = """
import time, hypothesis, importlib.metadata
(entry,) = [e for e in importlib.metadata.entry_points(group="hypothesis") if e.name == "crmcore"]
started = time.perf_counter()
entry.load()()
print(time.perf_counter() - started)
"""


def _median_seconds(code: str, *, runs: int, env: dict[str, str] | None = None) -> float:
    """The median time of ``runs`` fresh interpreters running ``code``."""
    environment = {**os.environ, **(env or {})}
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], env=environment, check=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _hook_seconds(*, runs: int) -> float:
    """The median time the entry point's hook takes to load and run, in fresh interpreters."""
    environment = {**os.environ, **_NO_PLUGINS}
    times = [
        float(
            subprocess.run(
                [sys.executable, "-c", _HOOK], env=environment, check=True, capture_output=True
            ).stdout
        )
        for _ in range(runs)
    ]
    return statistics.median(times)


def _print(name: str, seconds: float, baseline: float) -> None:
    figure = {
        "benchmark": name,
        "ms": round(seconds * 1000, 1),
        "baseline_ms": round(baseline * 1000, 1),
        "extra_ms": round((seconds - baseline) * 1000, 1),
    }
    print(json.dumps(figure), flush=True)


def main() -> None:
    """Measure each import beside its baseline and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    bare = _median_seconds(_SCAN, runs=runs, env=_NO_PLUGINS)
    hooked = _median_seconds("import hypothesis", runs=runs)
    eager = _median_seconds(
        f"{_SCAN}; import crmcore.testing.strategies", runs=runs, env=_NO_PLUGINS
    )
    _print("import_hypothesis_with_entry_point", hooked, bare)
    _print("import_hypothesis_registering_every_strategy", eager, bare)
    _print("hypothesis_hook", _hook_seconds(runs=runs), 0.0)
    empty = _median_seconds("pass", runs=runs)
    _print("import_crmcore", _median_seconds("import crmcore", runs=runs), empty)
    version = _median_seconds("import crmcore; crmcore.__version__", runs=runs)
    _print("import_crmcore_and_read_version", version, empty)


if __name__ == "__main__":
    main()
