"""Runners: where the batch plan's independent pieces of work run.

A runner maps a pure, module-level function over picklable items and returns the results in
order. :class:`SerialRunner` runs them in the calling process; :class:`ProcessRunner` on every
core of the machine; ``crmcore.matching.dask.DaskRunner`` (extra ``dask``) on a
dask.distributed cluster. The results are the same whichever runs them.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Protocol, TypeVar

from crmcore.errors import DomainValidationError

__all__ = ["ProcessRunner", "Runner", "SerialRunner"]

T = TypeVar("T")
R = TypeVar("R")


class Runner(Protocol):
    """Runs independent pieces of work: ``map(function, items)`` returns their results."""

    @property
    def partitions(self) -> int:
        """How many pieces the work should be split into."""
        ...

    def map(self, function: Callable[[T], R], items: Sequence[T]) -> list[R]:
        """``[function(item) for item in items]``, computed wherever the runner computes."""
        ...


class SerialRunner:
    """Runs every piece in the calling process, one after the other."""

    partitions = 1

    def map(self, function: Callable[[T], R], items: Sequence[T]) -> list[R]:
        """``[function(item) for item in items]``."""
        return [function(item) for item in items]


class ProcessRunner:
    """Runs the pieces in ``workers`` processes of this machine (every core by default).

    Processes are spawned, not forked, so that a host's threads and locks are not copied.
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

    @property
    def partitions(self) -> int:
        """A few pieces per worker, so that an uneven piece does not leave the others idle."""
        return self.workers * self._pieces

    def map(self, function: Callable[[T], R], items: Sequence[T]) -> list[R]:
        """``[function(item) for item in items]``, computed in the worker processes."""
        if len(items) <= 1:
            return [function(item) for item in items]
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=self.workers, mp_context=context) as pool:
            return list(pool.map(function, items))
