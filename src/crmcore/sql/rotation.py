"""The rotation pointers of round-robin assignment over SQL: one row a team."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from sqlalchemy import select

from crmcore.ids import UserId
from crmcore.repository_checks import check_rotation_move, rotation_moved
from crmcore.sql import metadata as m
from crmcore.sql.database import Database

__all__ = ["SqlRotationPointers"]


class SqlRotationPointers:
    """Each team's rotation pointer in SQL: a :class:`~crmcore.rules.RotationPointers`.

    A move is one ``UPDATE ... WHERE team = :team AND user_id = :expected`` (an insert that
    skips a taken key for a team's first pointer): the database decides whether the turn is
    still where the writer read it, so two processes cannot both give the next lead to the
    same manager; the one that loses gets a ``ConcurrencyConflictError`` and assigns again.
    """

    def __init__(self, database: Database) -> None:
        self._db = database

    def pointers(self) -> Mapping[str, UserId]:
        """The user chosen last in each team that has one."""
        c = m.rotation_pointers.c
        with self._db.begin("read the rotation") as connection:
            rows = connection.execute(select(c.team, c.user_id)).all()
        return {team: UserId(user) for team, user in rows}

    def move(self, team: str, user: UserId, *, expected: UserId | None) -> None:
        """Set ``team``'s pointer to ``user`` if it is still ``expected``, else
        ``ConcurrencyConflictError``."""
        check_rotation_move(team, user)
        table = m.rotation_pointers
        with self._db.begin("move the rotation", write=True) as connection:
            if expected is None:
                moved = self._db.insert_new(connection, table, {"team": team, "user_id": user})
            else:
                updated = connection.execute(
                    table.update()
                    .where(table.c.team == team, table.c.user_id == expected)
                    .values(user_id=user)
                )
                moved = updated.rowcount == 1
        if not moved:
            raise rotation_moved(team, expected)


if TYPE_CHECKING:
    from crmcore.rules.repository import RotationPointers

    def _conforms(pointers: SqlRotationPointers) -> RotationPointers:
        return pointers
