"""The rules' firings and waiting steps over SQL: a ledger for throttles, first-time rules and
the execution log, and the steps that wait for a tick."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from crmcore.rules.model import Firing, WaitDue
from crmcore.sql import metadata as m
from crmcore.sql.database import Database
from crmcore.validation import aware_datetime, raise_violations

__all__ = ["SqlPendingSteps", "SqlRuleLedger"]


class SqlRuleLedger:
    """Rule firings in SQL: a :class:`~crmcore.rules.RuleLedger`."""

    def __init__(self, database: Database) -> None:
        self._db = database

    def record(self, firing: Firing) -> None:
        """Keep ``firing``; the same firing recorded twice is kept twice."""
        row = {
            "rule_id": firing.rule_id,
            "throttle_key": firing.throttle_key,
            "entity": firing.entity,
            "entity_id": firing.entity_id,
            "at": firing.at,
            "body": self._db.dump(firing),
        }
        with self._db.begin("record a rule firing", write=True) as connection:
            connection.execute(m.rule_firings.insert(), row)

    def count(self, rule_id: str, *, throttle_key: str, since: datetime) -> int:
        """Firings of the rule with ``throttle_key`` at or after ``since``."""
        raise_violations(aware_datetime("since", since))
        c = m.rule_firings.c
        query = select(func.count()).where(
            c.rule_id == rule_id, c.throttle_key == throttle_key, c.at >= since
        )
        with self._db.begin("count rule firings") as connection:
            return int(connection.execute(query).scalar_one())

    def fired_for(self, rule_id: str, *, entity: str, entity_id: str) -> bool:
        """Whether the rule ever fired for the record."""
        c = m.rule_firings.c
        query = select(c.seq).where(
            c.entity == entity, c.entity_id == entity_id, c.rule_id == rule_id
        )
        with self._db.begin("read rule firings") as connection:
            return connection.execute(query.limit(1)).first() is not None

    def history(self, *, entity: str, entity_id: str) -> tuple[Firing, ...]:
        """The record's firings, oldest first, ties in the order recorded."""
        c = m.rule_firings.c
        query = (
            select(c.body).where(c.entity == entity, c.entity_id == entity_id).order_by(c.at, c.seq)
        )
        with self._db.begin("read rule firings") as connection:
            bodies = connection.execute(query).scalars().all()
        return tuple(self._db.load(body, Firing) for body in bodies)


class SqlPendingSteps:
    """Rules' waiting steps in SQL: a :class:`~crmcore.rules.PendingSteps`."""

    def __init__(self, database: Database) -> None:
        self._db = database

    def add(self, step: WaitDue) -> None:
        """Keep ``step`` once."""
        body = self._db.dump(step)
        row = {"step_key": _key(body), "due_at": step.due_at, "body": body}
        with self._db.begin("keep a waiting step", write=True) as connection:
            self._db.insert_new(connection, m.rule_steps, row)

    def due(self, *, until: datetime) -> tuple[WaitDue, ...]:
        """The steps due by ``until``, earliest first, ties in the order added."""
        raise_violations(aware_datetime("until", until))
        c = m.rule_steps.c
        query = select(c.body).where(c.due_at <= until).order_by(c.due_at, c.seq)
        with self._db.begin("read waiting steps") as connection:
            bodies = connection.execute(query).scalars().all()
        return tuple(self._db.load(body, WaitDue) for body in bodies)

    def remove(self, step: WaitDue) -> None:
        """Forget ``step``; a step not kept is ignored."""
        table = m.rule_steps
        key = _key(self._db.dump(step))
        with self._db.begin("forget a waiting step", write=True) as connection:
            connection.execute(table.delete().where(table.c.step_key == key))


def _key(body: str) -> str:
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


if TYPE_CHECKING:
    from crmcore.rules.repository import PendingSteps, RuleLedger

    def _conforms(ledger: SqlRuleLedger, steps: SqlPendingSteps) -> tuple[RuleLedger, PendingSteps]:
        return ledger, steps
