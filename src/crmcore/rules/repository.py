"""What the host implements for the rules engine: its stored rules and its facts.

Rules are versioned: :meth:`RuleRepository.save` stores a new version beside the old ones,
so the engine can apply the version effective at an event's time.
"""

from __future__ import annotations

from typing import Final, Protocol

from crmcore.ids import RuleId
from crmcore.rules.model import Rule

__all__ = ["NO_FACTS", "FactSource", "NoFacts", "RuleRepository"]


class FactSource(Protocol):
    """Related records and facts the host knows and crmcore does not store.

    ``record`` returns a related record (an attrs model or a mapping) for paths like
    ``partner.region``; ``fact`` returns a computed fact such as a partner's last purchase
    amount, declared in the schemas with :meth:`~crmcore.rules.SchemaRegistry.with_fact`.
    Both answer ``None`` when they know nothing.
    """

    def record(self, entity: str, entity_id: str) -> object | None:
        """The record ``entity_id`` of ``entity`` (``"company"``, ``"deal"``, ...)."""
        ...

    def fact(self, entity: str, entity_id: str, name: str) -> object | None:
        """The fact ``name`` about record ``entity_id`` of ``entity``."""
        ...


class NoFacts:
    """A fact source that knows nothing: related paths and facts read as ``None``."""

    def record(self, entity: str, entity_id: str) -> object | None:
        """Nothing."""
        return None

    def fact(self, entity: str, entity_id: str, name: str) -> object | None:
        """Nothing."""
        return None


NO_FACTS: Final = NoFacts()


class RuleRepository(Protocol):
    """Stored rules with every version of each."""

    def get(self, rule_id: RuleId) -> Rule:
        """The latest version of rule ``rule_id``; ``EntityNotFoundError`` if there is none."""
        ...

    def add(self, rule: Rule) -> None:
        """Store a new rule; ``DuplicateEntityError`` if its id is taken."""
        ...

    def save(self, rule: Rule, *, expected_version: int) -> None:
        """Store ``rule`` as a new version after ``expected_version``, keeping the older ones;
        ``EntityNotFoundError`` for an unknown id, ``ConcurrencyConflictError`` if the latest
        stored version is another, and ``DomainValidationError`` if ``rule.version`` is not
        greater than ``expected_version``."""
        ...

    def versions(self, rule_id: RuleId) -> tuple[Rule, ...]:
        """Every version of rule ``rule_id``, oldest first; ``EntityNotFoundError`` if none."""
        ...

    def list(
        self, *, entity: str | None = None, enabled: bool | None = None, all_versions: bool = False
    ) -> tuple[Rule, ...]:
        """Latest versions (or every version) of the rules, by id then version, filtered by
        trigger ``entity`` and by ``enabled`` (of the latest version)."""
        ...
