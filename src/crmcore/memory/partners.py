"""The reference in-memory repositories of the partners area.

Complete implementations of :mod:`crmcore.partners.repository`, not fakes: secondary
indexes by tax id, phone, email and name prefix are kept in step with every ``add`` and
``save``; one re-entrant lock guards every method, so that threads see each call whole.
A failing call raises before it changes anything.

``save`` requires ``entity.version > expected_version``: a save that does not move the
version would let a second writer, who read the same version, overwrite the change unseen.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING, Final, Literal

from crmcore.errors import DuplicateEntityError, EntityNotFoundError
from crmcore.ids import ContactPersonId, EntityRef, PartnerId, RelationshipId
from crmcore.memory._store import KeyIndex, PrefixIndex, VersionedStore, journaled
from crmcore.partners.kinds import RelationshipKind
from crmcore.partners.model import ContactPerson, Partner, Relationship
from crmcore.partners.repository import LoggedChange
from crmcore.repository_checks import check_limit as check_limit  # noqa: PLC0414 - re-exported

__all__ = [
    "MemoryContactPersonRepository",
    "MemoryPartnerChangeLog",
    "MemoryPartnerRepository",
    "MemoryRelationshipRepository",
]

PARTNER: Final = "partner"
CONTACT_PERSON: Final = "contact_person"
RELATIONSHIP: Final = "relationship"
ChangedKind = Literal["partner", "contact_person"]


def _tax_ids(partner: Partner) -> list[str]:
    return [partner.legal.tax_id] if partner.legal and partner.legal.tax_id else []


def _names(partner: Partner) -> list[str]:
    names = [partner.short_name, partner.full_name]
    return [name.casefold() for name in names if name]


def _phones(entity: Partner | ContactPerson) -> list[str]:
    return [phone.number for phone in entity.phones]


def _emails(entity: Partner | ContactPerson) -> list[str]:
    return [email.key for email in entity.emails]


class MemoryPartnerChangeLog:
    """The sequence of changes to partners and contact persons in memory: the reference
    :class:`~crmcore.partners.PartnerChangeLog`, written by the repositories that share it.

    Each record keeps only its last change; a unit of work that fails takes its changes
    back, sequence numbers included.
    """

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._latest = 0
        self._changes: dict[tuple[ChangedKind, str], LoggedChange] = {}
        self._by_sequence: dict[int, LoggedChange] = {}  # in sequence order

    def record(self, kind: ChangedKind, record_id: str, version: int) -> None:
        """Move the record, stored at ``version``, to the next sequence number."""
        with self._lock:
            key = (kind, record_id)
            before, latest = self._changes.get(key), self._latest
            self._latest += 1
            change = LoggedChange(
                sequence=self._latest, kind=kind, record_id=record_id, version=version
            )
            if before is not None:
                del self._by_sequence[before.sequence]
            self._changes[key] = self._by_sequence[change.sequence] = change
            journaled(lambda: self._undo(change, before, latest))

    def _undo(self, change: LoggedChange, before: LoggedChange | None, latest: int) -> None:
        with self._lock:
            key = (change.kind, change.record_id)
            del self._by_sequence[change.sequence]
            if before is None:
                del self._changes[key]
            else:
                self._changes[key] = before
                self._by_sequence = dict(
                    sorted({**self._by_sequence, before.sequence: before}.items())
                )
            self._latest = latest

    def latest(self) -> int:
        """The sequence number of the last change, 0 before the first."""
        with self._lock:
            return self._latest

    def since(self, sequence: int, *, limit: int | None = None) -> list[LoggedChange]:
        """The records changed after ``sequence``, each once, in sequence order."""
        if limit is not None:
            check_limit(limit)
        with self._lock:
            found: list[LoggedChange] = []
            for number in reversed(self._by_sequence):
                if number <= sequence:
                    break
                found.append(self._by_sequence[number])
        found.reverse()
        return found if limit is None else found[:limit]


class MemoryPartnerRepository:
    """Partners in memory: the reference :class:`~crmcore.partners.PartnerRepository`.

    >>> from datetime import datetime, timezone
    >>> from crmcore.partners import Partner, PartnerKind, PartnerRole
    >>> partners = MemoryPartnerRepository()
    >>> partners.add(Partner(id=PartnerId("p-1"), kind=PartnerKind.LEGAL_ENTITY,
    ...     roles=frozenset({PartnerRole.CLIENT}), short_name="Ромашка",
    ...     created_at=datetime(2026, 1, 1, tzinfo=timezone.utc)))
    >>> [p.id for p in partners.find_by_name_prefix("РОМ")]
    ['p-1']
    """

    def __init__(self, *, changes: MemoryPartnerChangeLog | None = None) -> None:
        self.changes = changes or MemoryPartnerChangeLog()
        """The change log every add and save is recorded in."""
        self._lock = threading.RLock()
        self._by_tax_id: KeyIndex[Partner] = KeyIndex(_tax_ids)
        self._by_phone: KeyIndex[Partner] = KeyIndex(_phones)
        self._by_email: KeyIndex[Partner] = KeyIndex(_emails)
        self._by_name: PrefixIndex[Partner] = PrefixIndex(_names)
        self._store: VersionedStore[Partner] = VersionedStore(
            PARTNER, [self._by_tax_id, self._by_phone, self._by_email, self._by_name]
        )

    def get(self, partner_id: PartnerId) -> Partner:
        """The partner with this id, else ``EntityNotFoundError``."""
        with self._lock:
            return self._store.get(partner_id)

    def add(self, partner: Partner) -> None:
        """Store a new partner, else ``DuplicateEntityError``."""
        with self._lock:
            self._store.add(partner)
            self.changes.record(PARTNER, partner.id, partner.version)

    def save(self, partner: Partner, *, expected_version: int) -> None:
        """Store a changed partner if the stored one is at ``expected_version``."""
        with self._lock:
            self._store.save(partner, expected_version=expected_version)
            self.changes.record(PARTNER, partner.id, partner.version)

    def find_by_tax_id(self, tax_id: str, *, kpp: str | None = None) -> list[Partner]:
        """Partners with this tax id (and KPP when given), ordered by id."""
        with self._lock:
            found = self._store.ordered(self._by_tax_id.lookup(tax_id))
        if kpp is None:
            return found
        return [partner for partner in found if partner.legal and partner.legal.kpp == kpp]

    def find_by_phone(self, number: str) -> list[Partner]:
        """Partners having a phone with this E.164 number, ordered by id."""
        with self._lock:
            return self._store.ordered(self._by_phone.lookup(number))

    def find_by_email(self, address: str) -> list[Partner]:
        """Partners having an email equal to ``address`` ignoring case, ordered by id."""
        with self._lock:
            return self._store.ordered(self._by_email.lookup(address.casefold()))

    def find_by_name_prefix(self, prefix: str, *, limit: int = 50) -> list[Partner]:
        """Up to ``limit`` (>= 0) partners whose short or full name starts with ``prefix``
        ignoring case, ordered by short name casefolded, then id."""
        check_limit(limit)
        with self._lock:
            found = self._store.ordered(self._by_name.lookup(prefix.casefold()))
        found.sort(key=lambda partner: partner.short_name.casefold())
        return found[:limit]

    def iterate(self) -> Iterator[Partner]:
        """Every partner, ordered by id (a snapshot taken when called)."""
        with self._lock:
            return iter(self._store.ordered())

    def count(self) -> int:
        """How many partners are stored."""
        with self._lock:
            return len(self._store)


class MemoryContactPersonRepository:
    """Contact persons in memory: the reference
    :class:`~crmcore.partners.ContactPersonRepository`."""

    def __init__(self, *, changes: MemoryPartnerChangeLog | None = None) -> None:
        self.changes = changes or MemoryPartnerChangeLog()
        """The change log every add and save is recorded in."""
        self._lock = threading.RLock()
        self._by_partner: KeyIndex[ContactPerson] = KeyIndex(lambda person: [person.partner_id])
        self._by_phone: KeyIndex[ContactPerson] = KeyIndex(_phones)
        self._by_email: KeyIndex[ContactPerson] = KeyIndex(_emails)
        self._store: VersionedStore[ContactPerson] = VersionedStore(
            CONTACT_PERSON, [self._by_partner, self._by_phone, self._by_email]
        )

    def get(self, contact_person_id: ContactPersonId) -> ContactPerson:
        """The contact person with this id, else ``EntityNotFoundError``."""
        with self._lock:
            return self._store.get(contact_person_id)

    def add(self, contact_person: ContactPerson) -> None:
        """Store a new contact person, else ``DuplicateEntityError``."""
        with self._lock:
            self._store.add(contact_person)
            self.changes.record(CONTACT_PERSON, contact_person.id, contact_person.version)

    def save(self, contact_person: ContactPerson, *, expected_version: int) -> None:
        """Store a changed contact person if the stored one is at ``expected_version``."""
        with self._lock:
            self._store.save(contact_person, expected_version=expected_version)
            self.changes.record(CONTACT_PERSON, contact_person.id, contact_person.version)

    def of_partner(self, partner_id: PartnerId) -> list[ContactPerson]:
        """The contact persons of a partner, ordered by id."""
        with self._lock:
            return self._store.ordered(self._by_partner.lookup(partner_id))

    def iterate(self) -> Iterator[ContactPerson]:
        """Every contact person, ordered by id (a snapshot taken when called)."""
        with self._lock:
            return iter(self._store.ordered())

    def find_by_phone(self, number: str) -> list[ContactPerson]:
        """Contact persons having a phone with this E.164 number, ordered by id."""
        with self._lock:
            return self._store.ordered(self._by_phone.lookup(number))

    def find_by_email(self, address: str) -> list[ContactPerson]:
        """Contact persons having an email equal to ``address`` ignoring case, ordered by id."""
        with self._lock:
            return self._store.ordered(self._by_email.lookup(address.casefold()))


def ends_key(relationship: Relationship) -> tuple[RelationshipKind, EntityRef, EntityRef]:
    """What makes a relationship unique: its kind and its ends, in either order when the
    kind is symmetric ("A competitor of B" is "B competitor of A")."""
    source, target = relationship.source, relationship.target
    if relationship.kind.symmetric:
        source, target = sorted((source, target), key=lambda ref: (ref.entity_type, ref.entity_id))
    return relationship.kind, source, target


class MemoryRelationshipRepository:
    """Relationships in memory: the reference :class:`~crmcore.partners.RelationshipRepository`."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._relationships: dict[str, Relationship] = {}
        self._by_end: KeyIndex[Relationship] = KeyIndex(lambda link: {link.source, link.target})
        self._by_ends: dict[tuple[RelationshipKind, EntityRef, EntityRef], str] = {}

    def get(self, relationship_id: RelationshipId) -> Relationship:
        """The relationship with this id, else ``EntityNotFoundError``."""
        with self._lock:
            return self._get(relationship_id)

    def add(self, relationship: Relationship) -> None:
        """Store a new relationship; ``DuplicateEntityError`` if the id is taken (``key="id"``)
        or one of the same kind joins the same ends already (``key="ends"``)."""
        with self._lock:
            if relationship.id in self._relationships:
                raise DuplicateEntityError(RELATIONSHIP, relationship.id)
            key = ends_key(relationship)
            if key in self._by_ends:
                raise DuplicateEntityError(RELATIONSHIP, self._by_ends[key], key="ends")
            self._put(relationship)
            journaled(lambda: self._take_out(relationship))

    def remove(self, relationship_id: RelationshipId) -> None:
        """Delete a relationship, else ``EntityNotFoundError``."""
        with self._lock:
            relationship = self._get(relationship_id)
            self._take_out(relationship)
            journaled(lambda: self._put(relationship))

    def of(self, ref: EntityRef) -> list[Relationship]:
        """Relationships with ``ref`` at either end, ordered by id."""
        with self._lock:
            ids = sorted(self._by_end.lookup(ref))
            return [self._relationships[relationship_id] for relationship_id in ids]

    def _put(self, relationship: Relationship) -> None:
        with self._lock:
            self._relationships[relationship.id] = relationship
            self._by_ends[ends_key(relationship)] = relationship.id
            self._by_end.insert(relationship)

    def _take_out(self, relationship: Relationship) -> None:
        with self._lock:
            del self._relationships[relationship.id]
            del self._by_ends[ends_key(relationship)]
            self._by_end.delete(relationship)

    def _get(self, relationship_id: str) -> Relationship:
        try:
            return self._relationships[relationship_id]
        except KeyError:
            raise EntityNotFoundError(RELATIONSHIP, relationship_id) from None


if TYPE_CHECKING:
    from crmcore.partners.repository import (
        ContactPersonRepository,
        PartnerChangeLog,
        PartnerRepository,
        RelationshipRepository,
    )

    def _conforms(
        partners: MemoryPartnerRepository,
        contact_persons: MemoryContactPersonRepository,
        relationships: MemoryRelationshipRepository,
    ) -> tuple[PartnerRepository, ContactPersonRepository, RelationshipRepository]:
        return partners, contact_persons, relationships

    def _logs(changes: MemoryPartnerChangeLog) -> PartnerChangeLog:
        return changes
