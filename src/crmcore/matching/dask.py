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
    """Runs the pieces of the batch plan as tasks of the cluster behind ``client``.

    Used as a context manager (as the batch functions do for one run), a value that
    consecutive ``map_shared`` calls share (the same object) is scattered to the workers once
    and released as the block ends; outside one, each call scatters and releases its own.
    """

    def __init__(self, client: Client, *, pieces_per_worker: int = 4) -> None:
        if not isinstance(client, Client):
            raise DomainValidationError.single("client", "must be a distributed.Client")
        self.client = client
        self._pieces = pieces_per_worker
        self._held = 0
        self._sent: tuple[object, Any] | None = None

    @property
    def partitions(self) -> int:
        """A few pieces per worker of the cluster (at least one worker is assumed)."""
        workers = len(self.client.scheduler_info(n_workers=-1).get("workers", {}))
        return max(workers, 1) * self._pieces

    def __enter__(self) -> DaskRunner:
        self._held += 1
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._held -= 1
        if not self._held:
            self._release()

    def _release(self) -> None:
        if self._sent is not None:
            self._sent[1].release()
            self._sent = None

    def map(self, function: Callable[[T], R], items: Sequence[T]) -> list[R]:
        """``[function(item) for item in items]``, computed by the cluster's workers."""
        futures = self.client.map(function, list(items), pure=False)
        results: list[R] = self.client.gather(futures)  # type: ignore[no-untyped-call]
        return results

    def map_shared(self, function: Callable[[S, T], R], shared: S, items: Sequence[T]) -> list[R]:
        """``[function(shared, item) for item in items]``, computed by the cluster's workers;
        ``shared`` is scattered to every worker once."""
        if not items:
            return []
        with self:
            if self._sent is None or self._sent[0] is not shared:
                self._release()
                # In a list, so that a shared list or mapping goes as one value.
                scattered = self.client.scatter(  # type: ignore[no-untyped-call]
                    [shared], broadcast=True, hash=False
                )
                self._sent = (shared, scattered[0])
            futures = self.client.map(
                _call_shared, list(items), function=function, shared=self._sent[1], pure=False
            )
            results: list[R] = self.client.gather(futures)  # type: ignore[no-untyped-call]
        return results
