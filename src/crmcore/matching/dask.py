"""The batch plan on a dask.distributed cluster (extra ``dask``): ``DaskRunner(client)``.

Not imported by ``crmcore`` nor ``crmcore.matching``: import it where dask is installed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from distributed import Client

from crmcore.errors import DomainValidationError

__all__ = ["DaskRunner"]

T = TypeVar("T")
R = TypeVar("R")


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
