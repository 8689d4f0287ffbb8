"""The batch plan on a dask.distributed cluster (extra ``dask``): ``DaskRunner(client)``.

Not imported by ``crmcore`` nor ``crmcore.matching``: import it where dask is installed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from distributed import Client

from crmcore.errors import DomainValidationError

__all__ = ["DaskRunner"]

T = TypeVar("T")
R = TypeVar("R")
S = TypeVar("S")


def _call_shared(item: T, *, function: Callable[[Any, T], R], shared: object) -> R:
    return function(shared, item)


class DaskRunner:
    """Runs the pieces of the batch plan as tasks of the cluster behind ``client``."""

    def __init__(self, client: Client, *, pieces_per_worker: int = 4) -> None:
        if not isinstance(client, Client):
            raise DomainValidationError.single("client", "must be a distributed.Client")
        self.client = client
        self._pieces = pieces_per_worker

    @property
    def partitions(self) -> int:
        """A few pieces per worker of the cluster (at least one worker is assumed)."""
        workers = len(self.client.scheduler_info(n_workers=-1).get("workers", {}))
        return max(workers, 1) * self._pieces

    def map(self, function: Callable[[T], R], items: Sequence[T]) -> list[R]:
        """``[function(item) for item in items]``, computed by the cluster's workers."""
        futures = self.client.map(function, list(items), pure=False)
        results: list[R] = self.client.gather(futures)  # type: ignore[no-untyped-call]
        return results

    def map_shared(self, function: Callable[[S, T], R], shared: S, items: Sequence[T]) -> list[R]:
        """``[function(shared, item) for item in items]``, computed by the cluster's workers;
        ``shared`` is scattered to every worker once, then released."""
        if not items:
            return []
        scattered = self.client.scatter(  # type: ignore[no-untyped-call]
            shared, broadcast=True, hash=False
        )
        try:
            futures = self.client.map(
                _call_shared, list(items), function=function, shared=scattered, pure=False
            )
            results: list[R] = self.client.gather(futures)  # type: ignore[no-untyped-call]
        finally:
            scattered.release()
        return results
