"""The partners repositories of crmcore over SQLite.

Each ``save`` is one ``UPDATE ... WHERE id = ? AND version = ?``: the database itself decides
whether the stored version is still the expected one, so two writers cannot both win. A save
that updates no row finds out why (no such id, or another version) and raises the matching
crmcore error; the transaction is rolled back, so a failed call changes nothing.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Final

from crmcore.errors import (
    ConcurrencyConflictError,
    DomainValidationError,
    DuplicateEntityError,
    EntityNotFoundError,
)
from crmcore.ids import ContactPersonId, EntityRef, PartnerId, RelationshipId
from crmcore.partners import ContactPerson, Partner, Relationship
from crmcore_sqlite.database import Database

__all__ = [
    "SqliteContactPersonRepository",
    "SqlitePartnerRepository",
    "SqliteRelationshipRepository",
]

PARTNER: Final = "partner"
CONTACT_PERSON: Final = "contact_person"
RELATIONSHIP: Final = "relationship"


def instant(moment: datetime) -> str:
    """``moment`` as UTC ISO text with microseconds, which sorts and compares as instants do."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def where(conditions: Iterable[tuple[str, object]]) -> tuple[str, tuple[object, ...]]:
    """The ``WHERE`` text and parameters of the ``(sql, value)`` conditions whose value is not
    ``None`` (``"1"`` when none is): a query's optional filters, joined by ``AND``."""
    chosen = [(sql, value) for sql, value in conditions if value is not None]
    return " AND ".join(sql for sql, _ in chosen) or "1", tuple(value for _, value in chosen)


def require_version_bump(version: int, expected_version: int) -> None:
    """crmcore's rule for ``save``: the entity must be past ``expected_version``."""
    if version <= expected_version:
        raise DomainValidationError.single(
            "version",
            f"must be greater than expected_version {expected_version}:"
            " bump the version of a changed entity before saving it",
            value=version,
        )


def check_limit(limit: int) -> None:
    """crmcore's rule for ``limit``: an integer of zero or more (SQLite reads -1 as "all")."""
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 0:
        raise DomainValidationError.single("limit", "must be an integer >= 0", value=limit)


def raise_update_failure(
    connection: sqlite3.Connection,
    table: str,
    entity_type: str,
    entity_id: str,
    expected_version: int,
) -> None:
    """Explain why an optimistic ``UPDATE`` changed no row: a missing id or another version."""
    row = connection.execute(f"SELECT version FROM {table} WHERE id = ?", (entity_id,)).fetchone()
    if row is None:
        raise EntityNotFoundError(entity_type, entity_id)
    raise ConcurrencyConflictError(
        entity_type, entity_id, expected_version=expected_version, actual_version=row[0]
    )


class SqlitePartnerRepository:
    """Partners in SQLite, with side tables for phones, emails and names."""

    def __init__(self, database: Database) -> None:
        self._db = database

    def get(self, partner_id: PartnerId) -> Partner:
        """The partner with this id, else ``EntityNotFoundError``."""
        rows = self._db.query(
            "read a partner", "SELECT body FROM partners WHERE id = ?", (partner_id,)
        )
        if not rows:
            raise EntityNotFoundError(PARTNER, partner_id)
        return self._db.load(rows[0][0], Partner)

    def add(self, partner: Partner) -> None:
        """Store a new partner, else ``DuplicateEntityError``."""
        body = self._db.dump(partner)
        with self._db.transaction("add a partner") as connection:
            try:
                connection.execute(
                    "INSERT INTO partners (id, version, short_name_key, tax_id, kpp, body)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    (partner.id, partner.version, *_partner_columns(partner), body),
                )
            except sqlite3.IntegrityError:
                raise DuplicateEntityError(PARTNER, partner.id) from None
            _insert_partner_keys(connection, partner)

    def save(self, partner: Partner, *, expected_version: int) -> None:
        """Store a changed partner if the stored one is at ``expected_version``."""
        require_version_bump(partner.version, expected_version)
        body = self._db.dump(partner)
        with self._db.transaction("save a partner") as connection:
            updated = connection.execute(
                "UPDATE partners SET version = ?, short_name_key = ?, tax_id = ?, kpp = ?,"
                " body = ? WHERE id = ? AND version = ?",
                (partner.version, *_partner_columns(partner), body, partner.id, expected_version),
            )
            if updated.rowcount != 1:
                raise_update_failure(connection, "partners", PARTNER, partner.id, expected_version)
            for table in ("partner_phones", "partner_emails", "partner_names"):
                connection.execute(f"DELETE FROM {table} WHERE partner_id = ?", (partner.id,))
            _insert_partner_keys(connection, partner)

    def find_by_tax_id(self, tax_id: str, *, kpp: str | None = None) -> list[Partner]:
        """Partners with this tax id (and KPP when given), ordered by id."""
        if kpp is None:
            return self._partners("SELECT body FROM partners WHERE tax_id = ? ORDER BY id", tax_id)
        return self._partners(
            "SELECT body FROM partners WHERE tax_id = ? AND kpp = ? ORDER BY id", tax_id, kpp
        )

    def find_by_phone(self, number: str) -> list[Partner]:
        """Partners having a phone with this E.164 number, ordered by id."""
        return self._partners(
            "SELECT body FROM partners WHERE id IN"
            " (SELECT partner_id FROM partner_phones WHERE number = ?) ORDER BY id",
            number,
        )

    def find_by_email(self, address: str) -> list[Partner]:
        """Partners having an email equal to ``address`` ignoring case, ordered by id."""
        return self._partners(
            "SELECT body FROM partners WHERE id IN"
            " (SELECT partner_id FROM partner_emails WHERE email_key = ?) ORDER BY id",
            address.casefold(),
        )

    def find_by_name_prefix(self, prefix: str, *, limit: int = 50) -> list[Partner]:
        """Up to ``limit`` partners whose short or full name starts with ``prefix`` ignoring
        case, ordered by short name casefolded, then id."""
        check_limit(limit)
        key = prefix.casefold()
        # The range test uses the primary key index; substr() (in characters) is exact.
        return self._partners(
            "SELECT body FROM partners WHERE id IN (SELECT partner_id FROM partner_names"
            " WHERE name_key >= ? AND substr(name_key, 1, ?) = ?)"
            " ORDER BY short_name_key, id LIMIT ?",
            key,
            len(key),
            key,
            limit,
        )

    def iterate(self) -> Iterator[Partner]:
        """Every partner, ordered by id (read when called)."""
        return iter(self._partners("SELECT body FROM partners ORDER BY id"))

    def count(self) -> int:
        """How many partners are stored."""
        count: int = self._db.query("count partners", "SELECT count(*) FROM partners")[0][0]
        return count

    def _partners(self, sql: str, *parameters: object) -> list[Partner]:
        rows = self._db.query("find partners", sql, parameters)
        return [self._db.load(body, Partner) for (body,) in rows]


def _partner_columns(partner: Partner) -> tuple[str, str | None, str | None]:
    legal = partner.legal
    return (
        partner.short_name.casefold(),
        legal.tax_id if legal else None,
        legal.kpp if legal else None,
    )


def _insert_partner_keys(connection: sqlite3.Connection, partner: Partner) -> None:
    names = {name.casefold() for name in (partner.short_name, partner.full_name) if name}
    rows = {
        "partner_phones": {phone.number for phone in partner.phones},
        "partner_emails": {email.key for email in partner.emails},
        "partner_names": names,
    }
    for table, keys in rows.items():
        connection.executemany(
            f"INSERT INTO {table} VALUES (?, ?)",
            [(key, partner.id) for key in keys],
        )


class SqliteContactPersonRepository:
    """Contact persons in SQLite, with side tables for phones and emails."""

    def __init__(self, database: Database) -> None:
        self._db = database

    def get(self, contact_person_id: ContactPersonId) -> ContactPerson:
        """The contact person with this id, else ``EntityNotFoundError``."""
        found = self._persons("SELECT body FROM contact_persons WHERE id = ?", contact_person_id)
        if not found:
            raise EntityNotFoundError(CONTACT_PERSON, contact_person_id)
        return found[0]

    def add(self, contact_person: ContactPerson) -> None:
        """Store a new contact person, else ``DuplicateEntityError``."""
        body = self._db.dump(contact_person)
        with self._db.transaction("add a contact person") as connection:
            try:
                connection.execute(
                    "INSERT INTO contact_persons (id, version, partner_id, body)"
                    " VALUES (?, ?, ?, ?)",
                    (contact_person.id, contact_person.version, contact_person.partner_id, body),
                )
            except sqlite3.IntegrityError:
                raise DuplicateEntityError(CONTACT_PERSON, contact_person.id) from None
            _insert_person_keys(connection, contact_person)

    def save(self, contact_person: ContactPerson, *, expected_version: int) -> None:
        """Store a changed contact person if the stored one is at ``expected_version``."""
        require_version_bump(contact_person.version, expected_version)
        person = contact_person
        body = self._db.dump(person)
        with self._db.transaction("save a contact person") as connection:
            updated = connection.execute(
                "UPDATE contact_persons SET version = ?, partner_id = ?, body = ?"
                " WHERE id = ? AND version = ?",
                (person.version, person.partner_id, body, person.id, expected_version),
            )
            if updated.rowcount != 1:
                raise_update_failure(
                    connection, "contact_persons", CONTACT_PERSON, person.id, expected_version
                )
            for table in ("contact_person_phones", "contact_person_emails"):
                connection.execute(f"DELETE FROM {table} WHERE contact_person_id = ?", (person.id,))
            _insert_person_keys(connection, person)

    def of_partner(self, partner_id: PartnerId) -> list[ContactPerson]:
        """The contact persons of a partner, ordered by id."""
        return self._persons(
            "SELECT body FROM contact_persons WHERE partner_id = ? ORDER BY id", partner_id
        )

    def iterate(self) -> Iterator[ContactPerson]:
        """Every contact person, ordered by id (read in one query)."""
        return iter(self._persons("SELECT body FROM contact_persons ORDER BY id"))

    def find_by_phone(self, number: str) -> list[ContactPerson]:
        """Contact persons having a phone with this E.164 number, ordered by id."""
        return self._persons(
            "SELECT body FROM contact_persons WHERE id IN (SELECT contact_person_id"
            " FROM contact_person_phones WHERE number = ?) ORDER BY id",
            number,
        )

    def find_by_email(self, address: str) -> list[ContactPerson]:
        """Contact persons having an email equal to ``address`` ignoring case, ordered by id."""
        return self._persons(
            "SELECT body FROM contact_persons WHERE id IN (SELECT contact_person_id"
            " FROM contact_person_emails WHERE email_key = ?) ORDER BY id",
            address.casefold(),
        )

    def _persons(self, sql: str, *parameters: object) -> list[ContactPerson]:
        rows = self._db.query("find contact persons", sql, parameters)
        return [self._db.load(body, ContactPerson) for (body,) in rows]


def _insert_person_keys(connection: sqlite3.Connection, person: ContactPerson) -> None:
    connection.executemany(
        "INSERT INTO contact_person_phones VALUES (?, ?)",
        [(phone.number, person.id) for phone in person.phones],
    )
    connection.executemany(
        "INSERT INTO contact_person_emails VALUES (?, ?)",
        [(email.key, person.id) for email in person.emails],
    )


def _ends(relationship: Relationship) -> tuple[str, str, str, str]:
    """The ends in canonical order: as given for directed kinds, sorted for symmetric ones."""
    first, second = relationship.source, relationship.target
    if relationship.kind.symmetric:
        first, second = sorted((first, second), key=lambda ref: (ref.entity_type, ref.entity_id))
    return first.entity_type, first.entity_id, second.entity_type, second.entity_id


class SqliteRelationshipRepository:
    """Relationships in SQLite; a unique constraint on kind and canonical ends."""

    def __init__(self, database: Database) -> None:
        self._db = database

    def get(self, relationship_id: RelationshipId) -> Relationship:
        """The relationship with this id, else ``EntityNotFoundError``."""
        found = self._links("SELECT body FROM relationships WHERE id = ?", relationship_id)
        if not found:
            raise EntityNotFoundError(RELATIONSHIP, relationship_id)
        return found[0]

    def add(self, relationship: Relationship) -> None:
        """Store a new relationship; ``DuplicateEntityError`` if the id is taken (``key="id"``)
        or one of the same kind joins the same ends already (``key="ends"``)."""
        link = relationship
        ends = _ends(link)
        row = (link.id, link.kind.value, *_columns(link.source), *_columns(link.target), *ends)
        body = self._db.dump(link)
        with self._db.transaction("add a relationship") as connection:
            try:
                connection.execute(
                    "INSERT INTO relationships VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (*row, body),
                )
            except sqlite3.IntegrityError:
                _raise_duplicate(connection, link.id, link.kind.value, ends)

    def remove(self, relationship_id: RelationshipId) -> None:
        """Delete a relationship, else ``EntityNotFoundError``."""
        with self._db.transaction("remove a relationship") as connection:
            deleted = connection.execute(
                "DELETE FROM relationships WHERE id = ?", (relationship_id,)
            )
            if deleted.rowcount != 1:
                raise EntityNotFoundError(RELATIONSHIP, relationship_id)

    def of(self, ref: EntityRef) -> list[Relationship]:
        """Relationships with ``ref`` at either end, ordered by id."""
        return self._links(
            "SELECT body FROM relationships WHERE (source_type = ? AND source_id = ?)"
            " OR (target_type = ? AND target_id = ?) ORDER BY id",
            *_columns(ref),
            *_columns(ref),
        )

    def _links(self, sql: str, *parameters: object) -> list[Relationship]:
        rows = self._db.query("find relationships", sql, parameters)
        return [self._db.load(body, Relationship) for (body,) in rows]


def _columns(ref: EntityRef) -> tuple[str, str]:
    return ref.entity_type, ref.entity_id


def _raise_duplicate(
    connection: sqlite3.Connection, relationship_id: str, kind: str, ends: tuple[str, ...]
) -> None:
    """Name the unique key that an ``INSERT`` of a relationship violated: the id, else the
    ends (then the error carries the id of the relationship that holds them)."""
    if connection.execute(
        "SELECT 1 FROM relationships WHERE id = ?", (relationship_id,)
    ).fetchone():
        raise DuplicateEntityError(RELATIONSHIP, relationship_id)
    (holder,) = connection.execute(
        "SELECT id FROM relationships WHERE kind = ? AND first_type = ? AND first_id = ?"
        " AND second_type = ? AND second_id = ?",
        (kind, *ends),
    ).fetchone()
    raise DuplicateEntityError(RELATIONSHIP, holder, key="ends")


if TYPE_CHECKING:
    from crmcore.partners import ContactPersonRepository, PartnerRepository, RelationshipRepository

    def _conforms(
        partners: SqlitePartnerRepository,
        contact_persons: SqliteContactPersonRepository,
        relationships: SqliteRelationshipRepository,
    ) -> tuple[PartnerRepository, ContactPersonRepository, RelationshipRepository]:
        return partners, contact_persons, relationships
