"""Runners: where the batch plan's independent pieces of work run.

A runner maps a pure, module-level function over picklable items and returns the results in
order; ``map_shared`` also hands every call one value that all of them share (the normalized
base), sent once to each worker rather than once per item. A runner that is also a context
manager is held open by the batch functions for a whole run, so that it can keep its workers
and what they share from one step to the next. :class:`SerialRunner` runs them in
the calling process; :class:`ProcessRunner` on every core of the machine;
``crmcore.matching.dask.DaskRunner`` (extra ``dask``) on a dask.distributed cluster. The
results are the same whichever runs them.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from multiprocessing.context import BaseContext
from typing import Any, Protocol, TypeVar

from crmcore.errors import DomainValidationError

__all__ = ["ProcessRunner", "Runner", "SerialRunner"]

T = TypeVar("T")
R = TypeVar("R")
S = TypeVar("S")

_shared: Any = None
"""The shared value a worker process of :class:`ProcessRunner` holds: unpickled once when
the worker starts, then used by every call that shares it."""
_PRELOAD = ["crmcore.matching.batch", "crmcore.matching.clusters"]
"""Modules the fork server imports once, so that each worker starts without importing them."""


def _context() -> BaseContext:
    """Worker processes forked from a fresh server process where the platform has one (so
    that a host's threads and locks are not copied, and workers start fast), else spawned."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(_PRELOAD)
        return context
    return multiprocessing.get_context("spawn")  # pragma: no cover - not on Linux


def _hold(box: list[bytes]) -> None:
    """Start a worker holding the pickled shared value in ``box``, taken out of it so that
    the worker keeps only the value, not its pickle as well."""
    global _shared  # noqa: PLW0603 - one value per worker process, kept between its calls
    _shared = pickle.loads(box.pop())


def _call_shared(function: Callable[[Any, T], R], item: T) -> R:
    return function(_shared, item)


class Runner(Protocol):
    """Runs independent pieces of work: ``map(function, items)`` returns their results."""

    @property
    def partitions(self) -> int:
        """How many pieces the work should be split into."""
        ...

    def map(self, function: Callable[[T], R], items: Sequence[T]) -> list[R]:
        """``[function(item) for item in items]``, computed wherever the runner computes."""
        ...

    def map_shared(self, function: Callable[[S, T], R], shared: S, items: Sequence[T]) -> list[R]:
        """``[function(shared, item) for item in items]``, ``shared`` sent once per worker."""
        ...


class SerialRunner:
    """Runs every piece in the calling process, one after the other."""

    partitions = 1

    def map(self, function: Callable[[T], R], items: Sequence[T]) -> list[R]:
        """``[function(item) for item in items]``."""
        return [function(item) for item in items]

    def map_shared(self, function: Callable[[S, T], R], shared: S, items: Sequence[T]) -> list[R]:
        """``[function(shared, item) for item in items]``."""
        return [function(shared, item) for item in items]


class ProcessRunner:
    """Runs the pieces in ``workers`` processes of this machine (every core by default).

    Workers are forked from a fork server, a fresh process that imports the matching modules
    once, so that neither a host's threads and locks are copied nor each worker starts by
    importing; where the platform has no fork server, they are spawned.

    Used as a context manager (``with ProcessRunner() as runner:``, as the batch functions
    do for one run), it keeps one pool of workers for every call inside, and a value that
    consecutive ``map_shared`` calls share (the same object) is pickled once and handed to
    each worker as it starts, through the pool's own pipes; a new shared value starts new
    workers. Outside such a block, each call starts and stops its own workers.
    """

    def __init__(self, workers: int | None = None, *, pieces_per_worker: int = 4) -> None:
        for name, value in (("workers", workers), ("pieces_per_worker", pieces_per_worker)):
            if value is not None and (
                isinstance(value, bool) or not isinstance(value, int) or value < 1
            ):
                raise DomainValidationError.single(
                    name, "must be a positive whole number", value=value
                )
        self.workers = workers or os.cpu_count() or 1
        self._pieces = pieces_per_worker
        self._held = 0
        self._pool: ProcessPoolExecutor | None = None
        self._holding: tuple[object] | None = None  # the shared value the workers hold

    @property
    def partitions(self) -> int:
        """A few pieces per worker, so that an uneven piece does not leave the others idle."""
        return self.workers * self._pieces

    def __enter__(self) -> ProcessRunner:
        self._held += 1
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._held -= 1
        if not self._held:
            self._stop()

    def _stop(self) -> None:
        pool = self._pool
        self._pool = self._holding = None
        if pool is not None:
            pool.shutdown()

    def _workers(self, shared: tuple[object] | None = None) -> ProcessPoolExecutor:
        """The pool; with ``shared`` (the value, in a tuple), one whose workers hold that
        value, started anew unless they hold it already."""
        if shared is not None and (self._holding is None or self._holding[0] is not shared[0]):
            self._stop()
            box = [pickle.dumps(shared[0], pickle.HIGHEST_PROTOCOL)]
            self._pool = ProcessPoolExecutor(
                max_workers=self.workers, mp_context=_context(), initializer=_hold, initargs=(box,)
            )
            self._holding = shared
        if self._pool is None:
            self._pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=_context())
        return self._pool

    def map(self, function: Callable[[T], R], items: Sequence[T]) -> list[R]:
        """``[function(item) for item in items]``, computed in the worker processes."""
        if len(items) <= 1:
            return [function(item) for item in items]
        with self:
            return list(self._workers().map(function, items))

    def map_shared(self, function: Callable[[S, T], R], shared: S, items: Sequence[T]) -> list[R]:
        """``[function(shared, item) for item in items]``, computed in the worker processes;
        ``shared`` is pickled once here and unpickled once by each worker."""
        if len(items) <= 1:
            return [function(shared, item) for item in items]
        with self:
            pool = self._workers((shared,))
            return list(pool.map(partial(_call_shared, function), items))
