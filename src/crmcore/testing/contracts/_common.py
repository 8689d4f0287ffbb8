"""What the contract suites share: sample codes, a thread runner and capability flags."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import ClassVar, Final

import pytest

__all__ = [
    "CREATED_AT",
    "INN_A",
    "INN_B",
    "INN_C",
    "KPP_A",
    "KPP_B",
    "PHONE_A",
    "PHONE_B",
    "PHONE_C",
    "Contract",
    "run_in_threads",
]

CREATED_AT: Final = datetime(2026, 1, 15, 9, 30, tzinfo=UTC)
INN_A: Final = "7707083893"
INN_B: Final = "7736050003"
INN_C: Final = "7702070139"
KPP_A: Final = "770701001"
KPP_B: Final = "773601001"
PHONE_A: Final = "+74951234567"
PHONE_B: Final = "+74232123456"
PHONE_C: Final = "+79161234567"


def run_in_threads(worker: Callable[[int], None], *, count: int) -> None:
    """Run ``worker(i)`` in ``count`` threads started together; re-raise the first error."""
    barrier = threading.Barrier(count)
    errors: list[BaseException] = []

    def run(number: int) -> None:
        try:
            barrier.wait()
            worker(number)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=run, args=(number,)) for number in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]


class Contract:
    """What every contract shares: capability flags and the marker."""

    pytestmark: ClassVar[list[pytest.MarkDecorator]] = [pytest.mark.crmcore_contract]

    supports_concurrent_access: ClassVar[bool] = True
    """Whether one repository object may be used from several threads at once."""

    thread_count: ClassVar[int] = 8
    """How many threads the concurrency tests start."""

    def require_concurrency(self) -> None:
        """Skip the calling test if the backend cannot be shared between threads."""
        if not self.supports_concurrent_access:
            pytest.skip("the repository does not support concurrent access")
