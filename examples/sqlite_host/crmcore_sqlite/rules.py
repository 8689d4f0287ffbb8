"""The rules repository of crmcore over SQLite: every version of every rule.

Each version is one row, stored whole as JSON beside the columns the queries look up (its
trigger's entity, whether it is enabled); ``rule_heads`` holds the latest version of each
rule, and each ``save`` moves it with one optimistic ``UPDATE ... WHERE id = ? AND version
= ?`` before it inserts the new version, in one transaction.

>>> from crmcore_sqlite import Database
>>> from crmcore_sqlite.rules import SqliteRuleRepository
>>> SqliteRuleRepository(Database(":memory:")).list()
()
"""

from __future__ import annotations

import sqlite3
from typing import Final

from crmcore.errors import DuplicateEntityError, EntityNotFoundError
from crmcore.ids import RuleId
from crmcore.rules import Rule
from crmcore_sqlite.database import Database
from crmcore_sqlite.repositories import raise_update_failure, require_version_bump

__all__ = ["SqliteRuleRepository"]

RULE: Final = "rule"
SCHEMA: Final = (
    """CREATE TABLE IF NOT EXISTS rule_heads (
        id TEXT PRIMARY KEY,
        version INTEGER NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS rule_versions (
        id TEXT NOT NULL REFERENCES rule_heads (id),
        version INTEGER NOT NULL,
        entity TEXT NOT NULL,
        enabled INTEGER NOT NULL,
        body TEXT NOT NULL,
        PRIMARY KEY (id, version)
    )""",
)
# The latest version of each rule, filtered by its entity and by whether it is enabled; the
# outer query then takes either that version or all of them.
_LIST: Final = """
    SELECT every.body FROM rule_heads AS head
    JOIN rule_versions AS latest ON latest.id = head.id AND latest.version = head.version
    JOIN rule_versions AS every ON every.id = head.id
    WHERE (:entity IS NULL OR latest.entity = :entity)
      AND (:enabled IS NULL OR latest.enabled = :enabled)
      AND (:all_versions OR every.version = head.version)
    ORDER BY every.id, every.version
"""


class SqliteRuleRepository:
    """Rules in SQLite with their versions: a :class:`~crmcore.rules.RuleRepository`."""

    def __init__(self, database: Database) -> None:
        self._db = database
        # One statement at a time: executescript would commit the open transaction.
        with database.transaction("create the rules tables") as connection:
            for statement in SCHEMA:
                connection.execute(statement)

    def get(self, rule_id: RuleId) -> Rule:
        """The latest version of the rule, else ``EntityNotFoundError``."""
        found = self._rules(
            "SELECT body FROM rule_versions JOIN rule_heads USING (id, version) WHERE id = ?",
            rule_id,
        )
        if not found:
            raise EntityNotFoundError(RULE, rule_id)
        return found[0]

    def add(self, rule: Rule) -> None:
        """Store a new rule, else ``DuplicateEntityError``."""
        body = self._db.dump(rule)
        with self._db.transaction("add a rule") as connection:
            try:
                connection.execute(
                    "INSERT INTO rule_heads (id, version) VALUES (?, ?)", (rule.id, rule.version)
                )
            except sqlite3.IntegrityError:
                raise DuplicateEntityError(RULE, rule.id) from None
            self._insert(connection, rule, body)

    def save(self, rule: Rule, *, expected_version: int) -> None:
        """Store a new version if the latest stored one is at ``expected_version``."""
        require_version_bump(rule.version, expected_version)
        body = self._db.dump(rule)
        with self._db.transaction("save a rule") as connection:
            updated = connection.execute(
                "UPDATE rule_heads SET version = ? WHERE id = ? AND version = ?",
                (rule.version, rule.id, expected_version),
            )
            if updated.rowcount != 1:
                raise_update_failure(connection, "rule_heads", RULE, rule.id, expected_version)
            self._insert(connection, rule, body)

    def versions(self, rule_id: RuleId) -> tuple[Rule, ...]:
        """Every version of the rule, oldest first, else ``EntityNotFoundError``."""
        found = self._rules("SELECT body FROM rule_versions WHERE id = ? ORDER BY version", rule_id)
        if not found:
            raise EntityNotFoundError(RULE, rule_id)
        return found

    def list(
        self, *, entity: str | None = None, enabled: bool | None = None, all_versions: bool = False
    ) -> tuple[Rule, ...]:
        """Latest (or all) versions by id then version, filtered by entity and ``enabled``."""
        parameters = {"entity": entity, "enabled": enabled, "all_versions": all_versions}
        rows = self._db.query("list rules", _LIST, parameters)  # type: ignore[arg-type]
        return tuple(self._db.load(body, Rule) for (body,) in rows)

    def _insert(self, connection: sqlite3.Connection, rule: Rule, body: str) -> None:
        connection.execute(
            "INSERT INTO rule_versions (id, version, entity, enabled, body) VALUES (?, ?, ?, ?, ?)",
            (rule.id, rule.version, rule.trigger.entity, rule.enabled, body),
        )

    def _rules(self, sql: str, *parameters: object) -> tuple[Rule, ...]:
        rows = self._db.query("find rules", sql, parameters)
        return tuple(self._db.load(body, Rule) for (body,) in rows)
