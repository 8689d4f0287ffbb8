"""The checks and conventions every repository adapter shares, so that a third-party store
behaves as the reference ones do without reading their code.

The contract suites of :mod:`crmcore.testing.contracts` test each of them; an adapter calls
these functions where the protocols take the arguments:

- a ``save`` refuses an entity whose version is not past ``expected_version``
  (:func:`require_version_bump`), before it looks at the stored version;
- a ``limit`` is ``None`` or an integer ``>= 0`` (:func:`check_limit`);
- every moment a query takes is timezone-aware (:func:`check_moments`), and moments are
  compared, ordered and stored as instants (:func:`instant`), never as local text or
  wall-clock time;
- "ordered by id" is code-point order, Python's ``sorted`` of the ids: a database collates
  ids with a binary collation (:data:`ID_COLLATIONS`), never its default one;
- an error names the entity: ``entity_type`` and ``entity_id``, and for a stage-log entry the
  id :func:`stage_change_id` gives (``"d-1@2"``) with ``key="version"``;
- a rotation pointer's move checks its team and user (:func:`check_rotation_move`) and a
  pointer that moved since it was read is the conflict :func:`rotation_moved` gives.

>>> from datetime import UTC, datetime, timedelta, timezone
>>> check_limit(-1)
Traceback (most recent call last):
...
crmcore.errors.DomainValidationError: limit: must be an integer >= 0 (got -1)
>>> instant(datetime(2026, 1, 15, 10, tzinfo=timezone(timedelta(hours=3)))).isoformat()
'2026-01-15T07:00:00+00:00'
>>> stage_change_id("d-1", 2)
'd-1@2'
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Final, Protocol, TypeVar

from crmcore.errors import ConcurrencyConflictError, DomainValidationError, RepositoryError
from crmcore.validation import aware_datetime, bounded_text, identifier, raise_violations

__all__ = [
    "ID_COLLATIONS",
    "check_limit",
    "check_moments",
    "check_rotation_move",
    "in_id_order",
    "instant",
    "require_version_bump",
    "rotation_moved",
    "stage_change_id",
]

ID_COLLATIONS: Final[Mapping[str, str]] = {
    "postgresql": "C",
    "mysql": "utf8mb4_bin",
    "sqlite": "BINARY",
    "mssql": "Latin1_General_100_BIN2_UTF8",
}
"""A collation per database that orders UTF-8 text by code point, for every id and key
column that a query orders by. The defaults (``en_US.UTF-8``, ``utf8mb4_0900_ai_ci``) ignore
case and punctuation and put ``"a-1"`` before ``"A1"``."""


def require_version_bump(*, version: int, expected_version: int) -> None:
    """Refuse a save whose entity is not past ``expected_version``.

    Optimistic locking only protects a change if the stored version moves: two writers who
    both read version 3 and both save version 3 would otherwise both succeed.
    """
    if version <= expected_version:
        raise DomainValidationError.single(
            "version",
            f"must be greater than expected_version {expected_version}:"
            " bump the version of a changed entity before saving it",
            value=version,
        )


def check_limit(limit: object) -> None:
    """Refuse a ``limit`` that is not ``None`` or an integer ``>= 0`` (a bool is no integer)."""
    if limit is None:
        return
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 0:
        raise DomainValidationError.single("limit", "must be an integer >= 0", value=limit)


def check_moments(**moments: object) -> None:
    """Refuse every moment given that is not a timezone-aware datetime, all in one error that
    names each argument; ``None`` stands for a filter left out and passes."""
    raise_violations(
        violation
        for name, moment in moments.items()
        if moment is not None
        for violation in aware_datetime(name, moment)
    )


def instant(moment: datetime) -> datetime:
    """``moment`` in UTC: the form to store, compare and order moments in.

    Python compares and subtracts two datetimes of one zone by their wall clocks, so that the
    second pass of a repeated hour sorts before the first; text with a local offset sorts by
    wall clock too.
    """
    return moment.astimezone(UTC)


class _Identified(Protocol):
    @property
    def id(self) -> str: ...


E = TypeVar("E", bound=_Identified)


def in_id_order(entities: Iterable[E]) -> list[E]:
    """``entities`` ordered by id in code-point order: what "ordered by id" means."""
    return sorted(entities, key=lambda entity: entity.id)


def stage_change_id(deal_id: str, version: int) -> str:
    """The ``entity_id`` of a stage-log entry in errors: the deal id and version."""
    return f"{deal_id}@{version}"


def check_rotation_move(team: object, user: object) -> None:
    """Refuse a rotation move of a team that is not a short text or to a user that is not an
    id, naming both."""
    raise_violations([*bounded_text(100)("team", team), *identifier("user", user)])


def rotation_moved(team: str, expected: str | None) -> ConcurrencyConflictError:
    """The conflict of a rotation move whose team's pointer is no longer ``expected``: another
    writer assigned in between, so the assignment must be made again."""
    error = ConcurrencyConflictError("rotation", team, expected_version=0, actual_version=0)
    RepositoryError.__init__(
        error,
        f"the rotation of team {team!r} moved since it was read (from {expected or 'nobody'}):"
        " assign again",
    )
    return error
