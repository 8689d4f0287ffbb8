"""The storage protocols of the partners area, implemented by the host.

Values in, values out, synchronous. Every implementation must pass the contract suites in
:mod:`crmcore.testing.contracts`; :mod:`crmcore.memory` holds the reference implementation.

Conventions shared by all repositories:

- ``get`` raises :class:`~crmcore.errors.EntityNotFoundError`;
- ``add`` raises :class:`~crmcore.errors.DuplicateEntityError` if the id is taken;
- ``save(entity, *, expected_version)`` stores a changed entity only if the stored one is still
  at ``expected_version`` (optimistic locking), else raises
  :class:`~crmcore.errors.ConcurrencyConflictError`; it raises ``EntityNotFoundError`` for an
  entity never added, and :class:`~crmcore.errors.DomainValidationError` naming ``version``
  unless ``entity.version > expected_version`` (a save that does not bump the version would
  let two writers of the same version both succeed); the checks run in that order: version,
  existence, conflict;
- ``limit`` parameters refuse negative numbers (``DomainValidationError`` naming ``limit``);
  ``limit=0`` returns an empty list;
- a failing call changes nothing;
- queries return lists in a documented, stable order.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal, Protocol

import attrs

from crmcore.ids import ContactPersonId, EntityRef, PartnerId, RelationshipId
from crmcore.partners.model import ContactPerson, Partner, Relationship

__all__ = [
    "ContactPersonRepository",
    "LoggedChange",
    "PartnerChangeLog",
    "PartnerRepository",
    "RelationshipRepository",
]


class PartnerRepository(Protocol):
    """Where the host keeps partners."""

    def get(self, partner_id: PartnerId) -> Partner:
        """The partner with this id."""
        ...

    def add(self, partner: Partner) -> None:
        """Store a new partner."""
        ...

    def save(self, partner: Partner, *, expected_version: int) -> None:
        """Store a changed partner if the stored one is at ``expected_version``."""
        ...

    def find_by_tax_id(self, tax_id: str, *, kpp: str | None = None) -> list[Partner]:
        """Partners whose ``legal.tax_id`` equals ``tax_id`` (and ``legal.kpp`` equals ``kpp``
        when given), ordered by id."""
        ...

    def find_by_phone(self, number: str) -> list[Partner]:
        """Partners having a phone with this E.164 ``number``, ordered by id."""
        ...

    def find_by_email(self, address: str) -> list[Partner]:
        """Partners having an email equal to ``address`` ignoring case, ordered by id."""
        ...

    def find_by_name_prefix(self, prefix: str, *, limit: int = 50) -> list[Partner]:
        """Up to ``limit`` partners whose short or full name starts with ``prefix`` ignoring
        case (``str.casefold``), ordered by short name casefolded, then id."""
        ...

    def iterate(self) -> Iterator[Partner]:
        """Every partner, ordered by id."""
        ...

    def count(self) -> int:
        """How many partners are stored."""
        ...


class ContactPersonRepository(Protocol):
    """Where the host keeps contact persons."""

    def get(self, contact_person_id: ContactPersonId) -> ContactPerson:
        """The contact person with this id."""
        ...

    def add(self, contact_person: ContactPerson) -> None:
        """Store a new contact person."""
        ...

    def save(self, contact_person: ContactPerson, *, expected_version: int) -> None:
        """Store a changed contact person if the stored one is at ``expected_version``."""
        ...

    def of_partner(self, partner_id: PartnerId) -> list[ContactPerson]:
        """The contact persons of a partner, ordered by id."""
        ...

    def iterate(self) -> Iterator[ContactPerson]:
        """Every contact person, ordered by id (read in one pass)."""
        ...

    def find_by_phone(self, number: str) -> list[ContactPerson]:
        """Contact persons having a phone with this E.164 ``number``, ordered by id."""
        ...

    def find_by_email(self, address: str) -> list[ContactPerson]:
        """Contact persons having an email equal to ``address`` ignoring case, ordered by id."""
        ...


class RelationshipRepository(Protocol):
    """Where the host keeps relationships between partners and between contact persons."""

    def get(self, relationship_id: RelationshipId) -> Relationship:
        """The relationship with this id."""
        ...

    def add(self, relationship: Relationship) -> None:
        """Store a new relationship. Raises ``DuplicateEntityError`` also when a relationship
        of the same kind between the same source and target exists already."""
        ...

    def remove(self, relationship_id: RelationshipId) -> None:
        """Delete a relationship; ``EntityNotFoundError`` if there is none with this id."""
        ...

    def of(self, ref: EntityRef) -> list[Relationship]:
        """Relationships with ``ref`` at either end, ordered by id."""
        ...


@attrs.frozen(kw_only=True)
class LoggedChange:
    """A partner or contact person stored (added or saved) at one point of the store's
    sequence of changes."""

    sequence: int
    kind: Literal["partner", "contact_person"]
    record_id: str
    version: int
    """The version the record was stored at, so that a reader holding that version already
    need not read it again."""


class PartnerChangeLog(Protocol):
    """The store's sequence of changes to partners and contact persons, so that a reader that
    keeps something built from them (a duplicate index) catches up with every writer's
    changes, also those of other processes, without reading everything again.

    Every ``add`` and ``save`` of a partner or a contact person moves the record to a new,
    higher sequence number, in the same transaction as the write; the numbers follow the
    order in which the writes were committed, so a reader that has seen everything up to a
    number misses nothing by asking for what came after it. A record that is gone (a deleted
    or merged partner) may stay in the sequence: the reader, finding no record, drops it.
    """

    def latest(self) -> int:
        """The sequence number of the last change, 0 before the first."""
        ...

    def since(self, sequence: int, *, limit: int | None = None) -> list[LoggedChange]:
        """The records changed after ``sequence``, each once with its last change, in
        sequence order; at most ``limit`` of them."""
        ...
