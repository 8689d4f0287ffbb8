"""Runs an area's contract suite and comparison against the SQLite host example.

Every repository gets its own in-memory database, so that tests never see each other's rows;
the ``conftest`` closes the databases a test opened once it ends.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from hypothesis import settings as Settings  # noqa: N812 - the class, beside the argument name
from hypothesis.stateful import RuleBasedStateMachine

from crmcore.serialization import make_converter
from crmcore_sqlite import Database

R = TypeVar("R")

# Configuring a converter takes longer than a whole example; one serves every database.
CONVERTER = make_converter()
STANDARD = Settings(max_examples=50, stateful_step_count=25, database=None)
_OPENED: list[Database] = []


def open_database() -> Database:
    """A new in-memory database, closed by :func:`close_databases` after the test."""
    database = Database(":memory:", converter=CONVERTER)
    _OPENED.append(database)
    return database


def close_databases() -> None:
    """Close every database opened since the last call."""
    while _OPENED:
        _OPENED.pop().close()


def sqlite_suites(
    repository: Callable[[Database], R],
    contract: type[Any],
    comparison: Callable[..., type[RuleBasedStateMachine]],
    *,
    settings: Settings = STANDARD,
) -> tuple[type[Any], type[Any]]:
    """The ``contract`` subclass and the ``comparison`` test case of ``repository``, each
    repository built over a fresh database."""

    def make_repository() -> R:
        return repository(open_database())

    class SqliteContract(contract):  # type: ignore[misc,valid-type]
        def make_repository(self) -> R:
            return make_repository()

    return SqliteContract, comparison(make_repository, settings=settings).TestCase
