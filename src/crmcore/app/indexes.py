"""The CRM's duplicate indexes of partners and contact persons, kept in step with the store.

The indexes are built from the store once (:meth:`DuplicateIndexes.build`, a full read in
one pass over partners and one over contact persons); after that, before each duplicate
check, they catch up with the store's sequence of partner changes
(:class:`~crmcore.partners.PartnerChangeLog`): only the records changed since the last
number seen are read again, whichever process wrote them, and a record that is gone leaves
the index. What the CRM's own unit of work writes is taught after it commits. A store without
a change log keeps the indexes as this CRM object wrote them until the next full build.
"""

from __future__ import annotations

from typing import Final

from crmcore.app.store import Repositories
from crmcore.app.work import Work
from crmcore.collector import PAUSE
from crmcore.errors import EntityNotFoundError
from crmcore.ids import ContactPersonId, PartnerId
from crmcore.matching import DuplicateIndex, MatchModel, MatchRecord
from crmcore.partners import ContactPerson, LoggedChange, Partner
from crmcore.requests import contact_match_model, contact_person_record

__all__ = ["DuplicateIndexes"]

_REPOSITORY_OF_KIND: Final = {"partner": "partners", "contact_person": "contact_persons"}


def _indexed(index: DuplicateIndex, record_id: str, record: MatchRecord) -> None:
    if record_id in index:
        index.update(record_id, record)
    else:
        index.add(record_id, record)


class DuplicateIndexes:
    """The partner and contact person indexes of one CRM object, and the last number of the
    store's sequence of partner changes they have caught up with."""

    def __init__(self) -> None:
        self.partners: DuplicateIndex | None = None
        self.contacts: DuplicateIndex | None = None
        self.seen = 0
        """The last number of the store's change sequence the indexes hold."""
        self._versions: dict[tuple[str, str], int] = {}
        self._work: Work | None = None
        self._reached = 0

    @property
    def built(self) -> bool:
        """Whether the indexes have been built from the store."""
        return self.partners is not None

    def build(self, repositories: Repositories) -> None:
        """Build both indexes from everything stored, in two reads."""
        partners = DuplicateIndex(MatchModel.for_partners())
        contacts = DuplicateIndex(contact_match_model())
        log = repositories.partner_changes
        # The number first: a change committed while the records are read is read again on
        # the next catch-up, never missed.
        seen = log.latest() if log is not None else 0
        versions: dict[tuple[str, str], int] = {}
        with PAUSE:  # the indexes keep every record's values, and form no cycles
            for partner in repositories.partners.iterate():
                partners.add(partner.id, partner)
                versions[("partner", partner.id)] = partner.version
            for person in repositories.contact_persons.iterate():
                contacts.add(person.id, contact_person_record(person))
                versions[("contact_person", person.id)] = person.version
        self.partners, self.contacts, self.seen = partners, contacts, seen
        self._versions = versions
        self._work = None

    def catch_up(self, work: Work) -> None:
        """Read again what the store's change log names since the last number seen, except
        what ``work`` wrote itself (taught when it commits) and what the indexes hold at the
        logged version already (this CRM's own earlier writes). The number moves on only when
        ``work`` commits: a unit of work that fails leaves it where it was, so that a number
        it saw taken by a write that was rolled back with it is read again."""
        log = work.repositories.partner_changes
        if log is None or self.partners is None:
            return
        if self._work is not work:
            self._work, self._reached = work, self.seen
        changes = log.since(self._reached)
        for change in changes:
            held = self._versions.get((change.kind, change.record_id))
            mine = (_REPOSITORY_OF_KIND[change.kind], change.record_id) in work.written
            if held != change.version and not mine:
                self._read_again(work.repositories, change)
        if changes:
            self._reached = changes[-1].sequence

    def _read_again(self, repositories: Repositories, change: LoggedChange) -> None:
        assert self.partners is not None
        assert self.contacts is not None
        if change.kind == "partner":
            try:
                partner = repositories.partners.get(PartnerId(change.record_id))
            except EntityNotFoundError:
                self._drop(self.partners, change)
                return
            self._learn(self.partners, "partner", partner)
            return
        try:
            person = repositories.contact_persons.get(ContactPersonId(change.record_id))
        except EntityNotFoundError:
            self._drop(self.contacts, change)
            return
        self._learn(self.contacts, "contact_person", person)

    def _learn(self, index: DuplicateIndex, kind: str, record: Partner | ContactPerson) -> None:
        shown = contact_person_record(record) if isinstance(record, ContactPerson) else record
        _indexed(index, record.id, shown)
        self._versions[(kind, record.id)] = record.version

    def _drop(self, index: DuplicateIndex, change: LoggedChange) -> None:
        if change.record_id in index:
            index.remove(change.record_id)
        self._versions.pop((change.kind, change.record_id), None)

    def committed(self, work: Work) -> None:
        """Teach the indexes what ``work`` wrote, now that it is committed, and keep the
        number it caught up to."""
        if self._work is work:
            self.seen = max(self.seen, self._reached)
            self._work = None
        if self.partners is None or self.contacts is None:
            return
        for (repository, _), written in work.written.items():
            entity = written.entity
            if repository == "partners" and isinstance(entity, Partner):
                self._learn(self.partners, "partner", entity)
            elif repository == "contact_persons" and isinstance(entity, ContactPerson):
                self._learn(self.contacts, "contact_person", entity)
