"""The cyclic garbage collector paused while the library builds large long-lived structures.

Compiling thousands of rules or planning a batch of a million records makes many objects
that live on and form no cycles, yet each object kept moves the collector towards a full pass
over everything the process holds: with 10,000 rules those passes took most of the compile
time, and at a million records they took a third of planning the batch. :data:`PAUSE` is a
context manager that stops the collector for such a step. Steps in several threads share one
pause; the collector resumes when the last ends, if it was running when the first began.

>>> import gc
>>> with PAUSE:
...     with PAUSE:
...         inner = gc.isenabled()
...     outer = gc.isenabled()
>>> inner, outer, gc.isenabled()
(False, False, True)
"""

from __future__ import annotations

import gc
import threading
from types import TracebackType
from typing import Final

__all__ = ["PAUSE", "CollectorPause"]


class CollectorPause:
    """The cyclic garbage collector paused, shared by nested and concurrent users."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._depth = 0
        self._resume = False

    def __enter__(self) -> None:
        with self._lock:
            if self._depth == 0:
                self._resume = gc.isenabled()
                gc.disable()
            self._depth += 1

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:  # fmt: skip
        with self._lock:
            self._depth -= 1
            if self._depth == 0 and self._resume:
                gc.enable()


PAUSE: Final = CollectorPause()
"""The one pause of this process's collector."""
