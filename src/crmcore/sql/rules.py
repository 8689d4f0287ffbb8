"""The rules area's repository over SQL: every version of every rule.

Each version is one row of ``rule_versions``; ``rule_heads`` holds the latest version of
each rule, and each ``save`` moves it with one optimistic ``UPDATE`` before it inserts the
new version, in one transaction.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from sqlalchemy import Select, and_, select
from sqlalchemy.engine import Connection

from crmcore.errors import DuplicateEntityError, EntityNotFoundError
from crmcore.ids import RuleId
from crmcore.rules.model import Rule
from crmcore.sql import metadata as m
from crmcore.sql.database import Database
from crmcore.sql.versioned import raise_save_failure, require_version_bump

__all__ = ["SqlRuleRepository"]

RULE: Final = "rule"


class SqlRuleRepository:
    """Rules in SQL with their versions: a :class:`~crmcore.rules.RuleRepository`."""

    def __init__(self, database: Database) -> None:
        self._db = database

    def get(self, rule_id: RuleId) -> Rule:
        """The latest version of the rule, else ``EntityNotFoundError``."""
        heads, versions = m.rule_heads.c, m.rule_versions.c
        query = (
            select(versions.body)
            .join_from(
                m.rule_versions,
                m.rule_heads,
                and_(heads.id == versions.id, heads.version == versions.version),
            )
            .where(heads.id == rule_id)
        )
        found = self._rules(query)
        if not found:
            raise EntityNotFoundError(RULE, rule_id)
        return found[0]

    def add(self, rule: Rule) -> None:
        """Store a new rule, else ``DuplicateEntityError``."""
        with self._db.begin("add a rule", write=True) as connection:
            head = {"id": rule.id, "version": rule.version}
            if not self._db.insert_new(connection, m.rule_heads, head):
                raise DuplicateEntityError(RULE, rule.id)
            self._insert(connection, rule)

    def save(self, rule: Rule, *, expected_version: int) -> None:
        """Store a new version if the latest stored one is at ``expected_version``."""
        require_version_bump(version=rule.version, expected_version=expected_version)
        heads = m.rule_heads
        with self._db.begin("save a rule", write=True) as connection:
            moved = connection.execute(
                heads.update()
                .where(heads.c.id == rule.id, heads.c.version == expected_version)
                .values(version=rule.version)
            )
            if moved.rowcount != 1:
                raise_save_failure(connection, heads, RULE, rule.id, expected_version)
            self._insert(connection, rule)

    def versions(self, rule_id: RuleId) -> tuple[Rule, ...]:
        """Every version of the rule, oldest first, else ``EntityNotFoundError``."""
        c = m.rule_versions.c
        found = self._rules(select(c.body).where(c.id == rule_id).order_by(c.version))
        if not found:
            raise EntityNotFoundError(RULE, rule_id)
        return found

    def list(
        self, *, entity: str | None = None, enabled: bool | None = None, all_versions: bool = False
    ) -> tuple[Rule, ...]:
        """Latest (or all) versions by id then version, filtered by entity and ``enabled``
        of the latest version."""
        heads = m.rule_heads.c
        latest = m.rule_versions.alias("latest")
        every = m.rule_versions.alias("every")
        query = (
            select(every.c.body)
            .select_from(m.rule_heads)
            .join(latest, and_(latest.c.id == heads.id, latest.c.version == heads.version))
            .join(every, every.c.id == heads.id)
            .order_by(every.c.id, every.c.version)
        )
        if entity is not None:
            query = query.where(latest.c.entity == entity)
        if enabled is not None:
            query = query.where(latest.c.enabled.is_(enabled))
        if not all_versions:
            query = query.where(every.c.version == heads.version)
        return self._rules(query)

    def _insert(self, connection: Connection, rule: Rule) -> None:
        row = {
            "id": rule.id,
            "version": rule.version,
            "entity": rule.trigger.entity,
            "enabled": rule.enabled,
            "body": self._db.dump(rule),
        }
        connection.execute(m.rule_versions.insert(), row)

    def _rules(self, query: Select[Any]) -> tuple[Rule, ...]:
        with self._db.begin("read rules") as connection:
            bodies = connection.execute(query).scalars().all()
        return tuple(self._db.load(body, Rule) for body in bodies)


if TYPE_CHECKING:
    from crmcore.rules.repository import RuleRepository

    def _conforms(rules: SqlRuleRepository) -> RuleRepository:
        return rules
