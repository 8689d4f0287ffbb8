"""One command's unit of work as the application layer sees it: the repositories, who acts
and when, and everything the command has stored and published so far."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any, Final, Protocol, TypeVar

import attrs

from crmcore.access.audit import AuditEntry, FieldChange, field_changes
from crmcore.app.guard import KIND_OF_REPOSITORY, Guard
from crmcore.app.model import OutboxMessage
from crmcore.app.store import Repositories
from crmcore.deals import Deal, DealOutcome
from crmcore.errors import DomainValidationError, EntityNotFoundError, Violation
from crmcore.events import DomainEvent, Outcome
from crmcore.ids import EntityRef, UserId, new_id
from crmcore.rules import Staff
from crmcore.rules.engine import Chain, LoopStop, RuleFailure

__all__ = ["Work", "Written"]

T = TypeVar("T")
T_contra = TypeVar("T_contra", contravariant=True)

# The entity names the rules use for each repository of the store.
ENTITY_OF_REPOSITORY: Final = {
    "partners": "partner",
    "contact_persons": "contact_person",
    "deals": "deal",
    "interactions": "interaction",
    "agreements": "agreement",
    "claims": "claim",
    "requests": "request",
}
ROOT: Final = Chain()
"""The chain of an event a person or host caused: no rule has fired yet."""
REPOSITORY_OF_ENTITY: Final = {entity: name for name, entity in ENTITY_OF_REPOSITORY.items()}
# The repository of each entity type an EntityRef names.
REPOSITORY_OF_REFERENCE: Final = {
    "partner": "partners",
    "contact_person": "contact_persons",
    "deal": "deals",
    "interaction": "interactions",
    "agreement": "agreements",
    "claim": "claims",
    "request": "requests",
}


class Versioned(Protocol):
    """An aggregate: an id and a version."""

    @property
    def id(self) -> str:
        """The aggregate's id."""
        ...

    @property
    def version(self) -> int:
        """The aggregate's version."""
        ...


class Writable(Protocol[T_contra]):
    """A repository the application adds to and saves through."""

    def add(self, entity: T_contra, /) -> None:
        """Store a new entity."""
        ...

    def save(self, entity: T_contra, /, *, expected_version: int) -> None:
        """Store a changed entity."""
        ...


@attrs.frozen
class Written:
    """One aggregate the unit of work stored: in which repository, and as what."""

    repository: str
    entity: Any


class Work:
    """The state of one command's unit of work; handlers store and publish through it."""

    def __init__(
        self, repositories: Repositories, *, actor: str, now: datetime, staff: Staff | None = None
    ) -> None:
        self.repositories = repositories
        self.staff = staff or Staff(members=())
        self.actor = actor
        self.now = now
        self.events: list[tuple[DomainEvent, Chain]] = []
        self.written: dict[tuple[str, str], Written] = {}
        self.outbox: list[OutboxMessage] = []
        self.failures: list[RuleFailure] = []
        self.loops: list[LoopStop] = []
        self.warnings: list[Violation] = []
        self._key = new_id()
        self._messages = 0
        self.guard: Guard | None = None
        """The access policy the writes are held against (none: every write is allowed)."""
        self.rights = actor
        """Whose rights the writes use: the actor, or while a rule's change is carried out
        the user the rule runs as."""
        self.command = "command"
        """The name of the command the unit of work runs, as the audit trail keeps it."""
        self.rule_id: str | None = None
        """The rule whose change is being carried out, if any."""
        self.turns: dict[str, UserId] = {}
        """Each team's rotation pointer as the store holds it in this unit of work (see
        :meth:`read_rotation`)."""

    def read_rotation(self) -> None:
        """Take the rotation pointers the store keeps into :attr:`staff` (over those of the
        settings), so that round-robin assignment continues where any process left it."""
        pointers = self.repositories.rotation
        if pointers is None:
            return
        self.turns = dict(pointers.pointers())
        self.staff = attrs.evolve(self.staff, rotation={**self.staff.rotation, **self.turns})

    def move_rotation(self, rotation: Mapping[str, UserId]) -> None:
        """Move the rotation pointers to ``rotation`` (an assignment's), storing each team's
        that changed in the unit of work: a pointer another process moved since it was read
        is a :class:`~crmcore.errors.ConcurrencyConflictError`, and the command runs again."""
        pointers = self.repositories.rotation
        if pointers is not None:
            for team, user in rotation.items():
                if self.staff.rotation.get(team) != user:
                    pointers.move(team, user, expected=self.turns.get(team))
                    self.turns[team] = user
        self.staff = attrs.evolve(self.staff, rotation={**self.staff.rotation, **rotation})

    def message_id(self) -> str:
        """A new outbox message id: unique, and in the order this unit of work made them."""
        self._messages += 1
        return f"{self._key}-{self._messages:06d}"

    def current(self, result: T) -> T:
        """``result`` as this unit of work last stored it (after the rules' changes)."""
        entity_id = getattr(result, "id", None)
        for (_, written_id), written in self.written.items():
            if written_id == entity_id and type(written.entity) is type(result):
                found: T = written.entity
                return found
        return result

    def add(self, repository: str, outcome: Outcome[T], *, chain: Chain = ROOT) -> T:
        """Store the new entity of ``outcome`` in ``repository`` and publish its events."""
        entity: Any = outcome.entity
        self.check_write(repository, None, entity)
        self._repository(repository).add(entity)
        self.record_change(repository, None, entity)
        self._written(repository, entity)
        self.publish(outcome.events, chain=chain)
        return outcome.entity

    def save(
        self, repository: str, before: Versioned, outcome: Outcome[T], *, chain: Chain = ROOT
    ) -> T:
        """Store the changed entity of ``outcome`` (``before`` as it was read) and publish its
        events; an outcome that changed nothing stores nothing."""
        entity: Any = outcome.entity
        if entity.version != before.version:
            self.check_write(repository, before, entity)
            self._repository(repository).save(entity, expected_version=before.version)
            self.record_change(repository, before, entity)
            self._written(repository, entity)
        self.publish(outcome.events, chain=chain)
        return outcome.entity

    def check_write(
        self, repository: str, before: Any, after: Any, *, kind: str | None = None
    ) -> None:
        """Raise :class:`~crmcore.errors.AccessDeniedError` unless the access policy lets
        :attr:`rights` store ``after`` (new when ``before`` is ``None``) in ``repository``;
        ``kind`` names the record's kind where the repository holds several."""
        if self.guard is not None:
            self.guard.check_write(self.rights, repository, before, after, self.load, kind=kind)

    def check_delete(self, repository: str, record: Any) -> None:
        """Raise :class:`~crmcore.errors.AccessDeniedError` unless the access policy lets
        :attr:`rights` delete ``record`` from ``repository``."""
        if self.guard is not None:
            self.guard.check_delete(self.rights, repository, record, self.load)

    def load(self, ref: EntityRef) -> Any:
        """The record ``ref`` names as this unit of work sees it, else ``None``."""
        return self.latest(ref.entity_type, ref.entity_id)

    def record_change(
        self, repository: str, before: Any, after: Any, *, kind: str | None = None
    ) -> None:
        """Append the change of ``after`` (new when ``before`` is ``None``) to the store's
        audit trail, if it keeps one: who, when, which command, each changed field; ``kind``
        names the record's kind where the repository holds several."""
        entity_type = kind or KIND_OF_REPOSITORY.get(repository, repository)
        self._audit(entity_type, after, field_changes(before, after))

    def record_part(self, holder: Any, kind: str, change: FieldChange) -> None:
        """Append the change of a part ``holder`` (a record of ``kind``) keeps in a store of
        its own, a relationship, a price or a stock level, to the holder's audit trail."""
        self._audit(kind, holder, (change,))

    def _audit(self, entity_type: str, record: Any, changes: tuple[FieldChange, ...]) -> None:
        audit = self.repositories.audit
        if audit is None:
            return
        entry = AuditEntry(
            id=new_id(),
            at=self.now,
            actor=self.actor,
            command=self.command,
            rule_id=self.rule_id,
            entity_type=entity_type,
            entity_id=record.id,
            # A record that keeps no version (a pipeline, a price type: only ever added) is at 1.
            version=getattr(record, "version", 1),
            changes=changes,
        )
        audit.append(entry)

    def publish(self, events: Iterable[DomainEvent], *, chain: Chain = ROOT) -> None:
        """Queue ``events`` for the rules, each in the causal ``chain`` it belongs to."""
        self.events.extend((event, chain) for event in events)

    def save_deal(self, before: Versioned, outcome: DealOutcome, *, chain: Chain = ROOT) -> Deal:
        """Store a changed deal, append its stage-log entry, and publish its events."""
        deal = self.save("deals", before, outcome, chain=chain)
        self.warnings.extend(outcome.warnings)
        if outcome.stage_change is not None:
            self.repositories.stage_log.append(outcome.stage_change)
        return deal

    def add_deal(self, outcome: DealOutcome, *, chain: Chain = ROOT) -> Deal:
        """Store a new deal, append its first stage-log entry, and publish its events."""
        deal = self.add("deals", outcome, chain=chain)
        if outcome.stage_change is not None:
            self.repositories.stage_log.append(outcome.stage_change)
        return deal

    def latest(self, entity: str, entity_id: str) -> Any:
        """The record ``entity_id`` of the rules' ``entity`` as this unit of work sees it, or
        ``None`` for an entity crmcore does not store or an unknown id."""
        repository = REPOSITORY_OF_ENTITY.get(entity)
        if repository is None:
            return None
        try:
            return getattr(self.repositories, repository).get(entity_id)
        except EntityNotFoundError:
            return None

    def get_ref(self, ref: EntityRef) -> Any:
        """The entity ``ref`` points at, else ``EntityNotFoundError``; a reference to a kind
        of entity crmcore does not store is a ``DomainValidationError``."""
        repository = REPOSITORY_OF_REFERENCE.get(ref.entity_type)
        if repository is None:
            raise DomainValidationError.single(
                "entity_type", "is not a kind of record the CRM stores", value=ref.entity_type
            )
        return getattr(self.repositories, repository).get(ref.entity_id)

    def _repository(self, name: str) -> Writable[Any]:
        found: Writable[Any] = getattr(self.repositories, name)
        return found

    def _written(self, repository: str, entity: Any) -> None:
        self.written[(repository, entity.id)] = Written(repository, entity)
