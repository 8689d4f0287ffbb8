"""The reference in-memory repository of the rules area, and a fact source over mappings.

:class:`MemoryRuleRepository` keeps every version of every rule; one re-entrant lock guards
every method, and a failing call raises before it changes anything.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from crmcore.errors import EntityNotFoundError
from crmcore.ids import RuleId
from crmcore.memory._store import GuardedStore, KeyIndex, journaled
from crmcore.rules.model import Rule

__all__ = ["MemoryFacts", "MemoryRuleRepository"]

RULE: Final = "rule"


class MemoryRuleRepository:
    """Rules in memory with their versions: the reference
    :class:`~crmcore.rules.RuleRepository`."""

    def __init__(self) -> None:
        self._by_entity: KeyIndex[Rule] = KeyIndex(lambda rule: [rule.trigger.entity])
        self._store: GuardedStore[Rule] = GuardedStore(RULE, [self._by_entity])
        self._history: dict[str, list[Rule]] = {}

    def get(self, rule_id: RuleId) -> Rule:
        """The latest version of the rule, else ``EntityNotFoundError``."""
        return self._store.get(rule_id)

    def add(self, rule: Rule) -> None:
        """Store a new rule, else ``DuplicateEntityError``."""
        with self._store.lock:
            self._store.add(rule)
            self._history[rule.id] = [rule]
            journaled(lambda: self._history.pop(rule.id))

    def save(self, rule: Rule, *, expected_version: int) -> None:
        """Store a new version if the latest stored one is at ``expected_version``."""
        with self._store.lock:
            self._store.save(rule, expected_version=expected_version)
            self._history[rule.id].append(rule)
            journaled(self._history[rule.id].pop)

    def versions(self, rule_id: RuleId) -> tuple[Rule, ...]:
        """Every version of the rule, oldest first, else ``EntityNotFoundError``."""
        with self._store.lock:
            if rule_id not in self._history:
                raise EntityNotFoundError(RULE, rule_id)
            return tuple(self._history[rule_id])

    def list(
        self, *, entity: str | None = None, enabled: bool | None = None, all_versions: bool = False
    ) -> tuple[Rule, ...]:
        """Latest (or all) versions by id then version, filtered by entity and ``enabled``."""
        with self._store.lock:
            ids = None if entity is None else self._by_entity.lookup(entity)
            latest = self._store.ordered(ids)
            chosen = [r for r in latest if enabled is None or r.enabled is enabled]
            if not all_versions:
                return tuple(chosen)
            return tuple(v for rule in chosen for v in self._history[rule.id])


class MemoryFacts:
    """A :class:`~crmcore.rules.FactSource` over mappings: related records by entity and id,
    facts by entity, id and name."""

    def __init__(
        self,
        records: Mapping[str, Mapping[str, object]] | None = None,
        facts: Mapping[tuple[str, str], Mapping[str, object]] | None = None,
    ) -> None:
        self._records = {entity: dict(found) for entity, found in (records or {}).items()}
        self._facts = {key: dict(found) for key, found in (facts or {}).items()}

    def record(self, entity: str, entity_id: str) -> object | None:
        """The record ``entity_id`` of ``entity``, if known."""
        return self._records.get(entity, {}).get(entity_id)

    def fact(self, entity: str, entity_id: str, name: str) -> object | None:
        """The fact ``name`` of record ``entity_id`` of ``entity``, if known."""
        return self._facts.get((entity, entity_id), {}).get(name)
