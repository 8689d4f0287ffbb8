"""Make this folder's ``sql_backends`` helper importable; close the stores each test opened."""

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from sql_backends import close_stores, remove_files  # noqa: E402 - importable once the path is set


@pytest.fixture(autouse=True)
def _close_stores() -> Iterator[None]:
    yield
    close_stores()


@pytest.fixture(autouse=True, scope="session")
def _remove_files() -> Iterator[None]:
    yield
    remove_files()
