"""Make the SQLite host example importable as ``crmcore_sqlite``, and this folder's
``sqlite_wiring`` helper beside it; close the databases each test opened."""

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
EXAMPLE = HERE.parents[1] / "examples" / "sqlite_host"
for folder in (EXAMPLE, HERE):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from sqlite_wiring import close_databases  # noqa: E402 - importable once the path is set


@pytest.fixture(autouse=True)
def _close_databases() -> Iterator[None]:
    yield
    close_databases()
