"""What the host implements for the rules engine: its stored rules, its facts and the
ledger of firings.

Rules are versioned: :meth:`RuleRepository.save` stores a new version beside the old ones,
so the engine can apply the version effective at an event's time. The engine reads the
:class:`RuleLedger` to hold back throttled rules and rules that fire only the first time,
and hands the firings to record back in its outcome, so that the host stores them with the
commands, in one unit of work.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Protocol

from crmcore.conditions.facts import NO_FACTS, FactSource, NoFacts
from crmcore.ids import RuleId, UserId
from crmcore.rules.model import Firing, Rule, WaitDue

__all__ = [
    "NO_FACTS",
    "FactSource",
    "NoFacts",
    "PendingSteps",
    "RotationPointers",
    "RuleLedger",
    "RuleRepository",
]


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


class RuleLedger(Protocol):
    """The firings of rules, kept by the host across processes: the per-record execution log,
    and what throttles and first-time enrollment count."""

    def record(self, firing: Firing) -> None:
        """Keep ``firing``; recording the same firing twice keeps it twice."""
        ...

    def count(self, rule_id: str, *, throttle_key: str, since: datetime) -> int:
        """How many firings of rule ``rule_id`` (any version) with ``throttle_key`` happened at
        or after ``since``."""
        ...

    def fired_for(self, rule_id: str, *, entity: str, entity_id: str) -> bool:
        """Whether rule ``rule_id`` (any version) ever fired for record ``entity_id`` of
        ``entity``."""
        ...

    def history(self, *, entity: str, entity_id: str) -> tuple[Firing, ...]:
        """The firings for record ``entity_id`` of ``entity``, oldest first (ties in the order
        they were recorded)."""
        ...


class PendingSteps(Protocol):
    """The waiting steps of fired rules (:class:`~crmcore.rules.WaitDue`), kept by the host
    until they come due and run (or are cancelled) on a tick."""

    def add(self, step: WaitDue) -> None:
        """Keep ``step``; a step equal to one kept already is kept once."""
        ...

    def due(self, *, until: datetime) -> tuple[WaitDue, ...]:
        """The steps due at or before ``until``, by due moment, then in the order added."""
        ...

    def remove(self, step: WaitDue) -> None:
        """Forget ``step`` (it ran or was cancelled); a step not kept is ignored."""
        ...


class RotationPointers(Protocol):
    """Where each team's round-robin rotation stands (the user chosen last), kept in the
    store so that every process, and a process after a restart, continues the same turn."""

    def pointers(self) -> Mapping[str, UserId]:
        """The user chosen last in each team that has one."""
        ...

    def move(self, team: str, user: UserId, *, expected: UserId | None) -> None:
        """Set ``team``'s pointer to ``user`` if it still is ``expected`` (``None``: no pointer
        yet), else :class:`~crmcore.errors.ConcurrencyConflictError`: another writer moved
        the turn since it was read, and the assignment must be made again."""
        ...
