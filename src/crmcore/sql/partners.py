"""The partners area's repositories over SQL: partners, contact persons, relationships."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, ClassVar, Final, Literal, TypeVar

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.engine import Connection

from crmcore.errors import DuplicateEntityError, EntityNotFoundError
from crmcore.ids import EntityRef, PartnerId, RelationshipId
from crmcore.partners.model import ContactPerson, Partner, Relationship
from crmcore.partners.repository import LoggedChange
from crmcore.sql import metadata as m
from crmcore.sql.database import Database
from crmcore.sql.versioned import SideRows, VersionedTable, check_limit

__all__ = [
    "SqlContactPersonRepository",
    "SqlPartnerChangeLog",
    "SqlPartnerRepository",
    "SqlRelationshipRepository",
]

RELATIONSHIP: Final = "relationship"
_CHANGE_LOCK: Final = 0x63726D_0001
"""The PostgreSQL advisory lock that makes the writers of partner changes take their sequence
numbers one after the other, each holding it until its transaction ends: so the numbers follow
the order of the commits, and a reader that has seen a number has seen every one before it."""


def record_change(
    database: Database,
    connection: Connection,
    kind: Literal["partner", "contact_person"],
    record_id: str,
    version: int,
) -> None:
    """Move the record to the next number of the sequence of partner changes, in the
    transaction of ``connection``."""
    table = m.partner_changes
    if not database.is_sqlite:
        # SQLite needs no lock: its writers run one at a time (BEGIN IMMEDIATE).
        connection.execute(select(func.pg_advisory_xact_lock(_CHANGE_LOCK)))
    latest = connection.execute(select(func.coalesce(func.max(table.c.sequence), 0))).scalar_one()
    connection.execute(table.delete().where(table.c.kind == kind, table.c.record_id == record_id))
    connection.execute(
        table.insert(),
        {"kind": kind, "record_id": record_id, "sequence": int(latest) + 1, "version": version},
    )


class SqlPartnerChangeLog:
    """The sequence of changes to partners and contact persons in SQL, written by the
    partner and contact person repositories in the transaction of each write: a
    :class:`~crmcore.partners.PartnerChangeLog`."""

    def __init__(self, database: Database) -> None:
        self._db = database

    def latest(self) -> int:
        """The sequence number of the last change, 0 before the first."""
        column = m.partner_changes.c.sequence
        with self._db.begin("read the partner changes") as connection:
            return int(connection.execute(select(func.coalesce(func.max(column), 0))).scalar_one())

    def since(self, sequence: int, *, limit: int | None = None) -> list[LoggedChange]:
        """The records changed after ``sequence``, each once, in sequence order."""
        c = m.partner_changes.c
        query = select(c.sequence, c.kind, c.record_id, c.version).where(c.sequence > sequence)
        query = query.order_by(c.sequence)
        if limit is not None:
            check_limit(limit)
            query = query.limit(limit)
        with self._db.begin("read the partner changes") as connection:
            rows = connection.execute(query).all()
        return [
            LoggedChange(sequence=int(number), kind=kind, record_id=record_id, version=version)
            for number, kind, record_id, version in rows
        ]


L = TypeVar("L", bound=Partner | ContactPerson)


class _LoggedTable(VersionedTable[L]):
    """A table whose every write moves its record in the sequence of partner changes, in the
    write's own transaction."""

    logged_as: ClassVar[Literal["partner", "contact_person"]]

    def add(self, entity: L) -> None:
        """Store a new record, else ``DuplicateEntityError``; the change is logged."""
        with self._db.unit_of_work(), self._db.begin("log a partner change", write=True) as c:
            super().add(entity)
            record_change(self._db, c, self.logged_as, entity.id, entity.version)

    def save(self, entity: L, *, expected_version: int) -> None:
        """Store a changed record if the stored one is at ``expected_version``; the change is
        logged."""
        with self._db.unit_of_work(), self._db.begin("log a partner change", write=True) as c:
            super().save(entity, expected_version=expected_version)
            record_change(self._db, c, self.logged_as, entity.id, entity.version)


class SqlPartnerRepository(_LoggedTable[Partner]):
    """Partners in SQL, with side tables of phones, emails and case-folded names: a
    :class:`~crmcore.partners.PartnerRepository`."""

    table = m.partners
    entity_type = "partner"
    logged_as = "partner"
    model = Partner
    side_tables = (m.partner_phones, m.partner_emails, m.partner_names)
    owner = "partner_id"

    def columns(self, entity: Partner) -> dict[str, object]:
        """The short name case-folded, the tax id and the KPP."""
        legal = entity.legal
        return {
            "short_name_key": entity.short_name.casefold(),
            "tax_id": legal.tax_id if legal else None,
            "kpp": legal.kpp if legal else None,
        }

    def side_rows(self, entity: Partner) -> SideRows:
        """One row a distinct phone, email key and case-folded name."""
        names = {name.casefold() for name in (entity.short_name, entity.full_name) if name}
        owner = {"partner_id": entity.id}
        return {
            m.partner_phones: [{"number": n, **owner} for n in {p.number for p in entity.phones}],
            m.partner_emails: [{"email_key": k, **owner} for k in {e.key for e in entity.emails}],
            m.partner_names: [{"name_key": name, **owner} for name in names],
        }

    def find_by_tax_id(self, tax_id: str, *, kpp: str | None = None) -> list[Partner]:
        """Partners with this tax id (and KPP when given), ordered by id."""
        conditions = [self.table.c.tax_id == tax_id]
        if kpp is not None:
            conditions.append(self.table.c.kpp == kpp)
        return self.select(*conditions)

    def find_by_phone(self, number: str) -> list[Partner]:
        """Partners having a phone with this E.164 number, ordered by id."""
        keys = select(m.partner_phones.c.partner_id).where(m.partner_phones.c.number == number)
        return self.select(self.table.c.id.in_(keys))

    def find_by_email(self, address: str) -> list[Partner]:
        """Partners having an email equal to ``address`` ignoring case, ordered by id."""
        emails = m.partner_emails
        keys = select(emails.c.partner_id).where(emails.c.email_key == address.casefold())
        return self.select(self.table.c.id.in_(keys))

    def find_by_name_prefix(self, prefix: str, *, limit: int = 50) -> list[Partner]:
        """Up to ``limit`` partners whose short or full name starts with ``prefix`` ignoring
        case, ordered by short name casefolded, then id."""
        check_limit(limit)
        key = prefix.casefold()
        names = m.partner_names
        # The range test uses the key's index; substr() (in characters) makes it exact.
        keys = select(names.c.partner_id).where(
            names.c.name_key >= key, func.substr(names.c.name_key, 1, len(key)) == key
        )
        return self.select(
            self.table.c.id.in_(keys),
            order_by=(self.table.c.short_name_key, self.table.c.id),
            limit=limit,
        )

    def iterate(self) -> Iterator[Partner]:
        """Every partner, ordered by id (read when called)."""
        return iter(self.select())


class SqlContactPersonRepository(_LoggedTable[ContactPerson]):
    """Contact persons in SQL, with side tables of phones and emails: a
    :class:`~crmcore.partners.ContactPersonRepository`."""

    table = m.contact_persons
    entity_type = "contact_person"
    logged_as = "contact_person"
    model = ContactPerson
    side_tables = (m.contact_person_phones, m.contact_person_emails)
    owner = "contact_person_id"

    def columns(self, entity: ContactPerson) -> dict[str, object]:
        """The partner."""
        return {"partner_id": entity.partner_id}

    def side_rows(self, entity: ContactPerson) -> SideRows:
        """One row a distinct phone and email key."""
        owner = {"contact_person_id": entity.id}
        phones = {phone.number for phone in entity.phones}
        emails = {email.key for email in entity.emails}
        return {
            m.contact_person_phones: [{"number": number, **owner} for number in phones],
            m.contact_person_emails: [{"email_key": key, **owner} for key in emails],
        }

    def of_partner(self, partner_id: PartnerId) -> list[ContactPerson]:
        """The contact persons of a partner, ordered by id."""
        return self.select(self.table.c.partner_id == partner_id)

    def iterate(self) -> Iterator[ContactPerson]:
        """Every contact person, ordered by id (read in one query)."""
        return iter(self.select())

    def find_by_phone(self, number: str) -> list[ContactPerson]:
        """Contact persons having a phone with this E.164 number, ordered by id."""
        phones = m.contact_person_phones
        keys = select(phones.c.contact_person_id).where(phones.c.number == number)
        return self.select(self.table.c.id.in_(keys))

    def find_by_email(self, address: str) -> list[ContactPerson]:
        """Contact persons having an email equal to ``address`` ignoring case, ordered by id."""
        emails = m.contact_person_emails
        key = address.casefold()
        keys = select(emails.c.contact_person_id).where(emails.c.email_key == key)
        return self.select(self.table.c.id.in_(keys))


def _ends(relationship: Relationship) -> dict[str, str]:
    """The ends in canonical order: as given for directed kinds, sorted for symmetric ones."""
    first, second = relationship.source, relationship.target
    if relationship.kind.symmetric:
        first, second = sorted((first, second), key=lambda ref: (ref.entity_type, ref.entity_id))
    return {
        "first_type": first.entity_type,
        "first_id": first.entity_id,
        "second_type": second.entity_type,
        "second_id": second.entity_id,
    }


class SqlRelationshipRepository:
    """Relationships in SQL, one unique key on kind and canonical ends: a
    :class:`~crmcore.partners.RelationshipRepository`."""

    def __init__(self, database: Database) -> None:
        self._db = database

    def get(self, relationship_id: RelationshipId) -> Relationship:
        """The relationship with this id, else ``EntityNotFoundError``."""
        found = self._links(m.relationships.c.id == relationship_id)
        if not found:
            raise EntityNotFoundError(RELATIONSHIP, relationship_id)
        return found[0]

    def add(self, relationship: Relationship) -> None:
        """Store a new relationship; ``DuplicateEntityError`` if the id is taken (``key="id"``)
        or one of the same kind joins the same ends already (``key="ends"``)."""
        link = relationship
        ends = {"kind": link.kind.value, **_ends(link)}
        row = {
            "id": link.id,
            "source_type": link.source.entity_type,
            "source_id": link.source.entity_id,
            "target_type": link.target.entity_type,
            "target_id": link.target.entity_id,
            **ends,
            "body": self._db.dump(link),
        }
        table = m.relationships
        with self._db.begin("add a relationship", write=True) as connection:
            if self._db.insert_new(connection, table, row):
                return
            if connection.execute(select(table.c.id).where(table.c.id == link.id)).first():
                raise DuplicateEntityError(RELATIONSHIP, link.id)
            same_ends = [table.c[name] == value for name, value in ends.items()]
            holder = connection.execute(select(table.c.id).where(*same_ends)).scalar_one()
            raise DuplicateEntityError(RELATIONSHIP, holder, key="ends")

    def remove(self, relationship_id: RelationshipId) -> None:
        """Delete a relationship, else ``EntityNotFoundError``."""
        table = m.relationships
        with self._db.begin("remove a relationship", write=True) as connection:
            deleted = connection.execute(table.delete().where(table.c.id == relationship_id))
            if deleted.rowcount != 1:
                raise EntityNotFoundError(RELATIONSHIP, relationship_id)

    def of(self, ref: EntityRef) -> list[Relationship]:
        """Relationships with ``ref`` at either end, ordered by id."""
        c = m.relationships.c
        return self._links(
            or_(
                and_(c.source_type == ref.entity_type, c.source_id == ref.entity_id),
                and_(c.target_type == ref.entity_type, c.target_id == ref.entity_id),
            )
        )

    def _links(self, condition: ColumnElement[bool]) -> list[Relationship]:
        table = m.relationships
        query = select(table.c.body).where(condition).order_by(table.c.id)
        with self._db.begin("read relationships") as connection:
            bodies = connection.execute(query).scalars().all()
        return [self._db.load(body, Relationship) for body in bodies]


if TYPE_CHECKING:
    from crmcore.partners.repository import (
        ContactPersonRepository,
        PartnerChangeLog,
        PartnerRepository,
        RelationshipRepository,
    )

    def _conforms(
        partners: SqlPartnerRepository,
        contact_persons: SqlContactPersonRepository,
        relationships: SqlRelationshipRepository,
    ) -> tuple[PartnerRepository, ContactPersonRepository, RelationshipRepository]:
        return partners, contact_persons, relationships

    def _logs(changes: SqlPartnerChangeLog) -> PartnerChangeLog:
        return changes
