"""Comparisons of partner, contact person and relationship repositories."""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from hypothesis import settings as Settings  # noqa: N812 - the class, beside the argument name
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from crmcore.ids import ContactPersonId, EntityRef, PartnerId, RelationshipId
from crmcore.memory import (
    MemoryContactPersonRepository,
    MemoryPartnerChangeLog,
    MemoryPartnerRepository,
    MemoryRelationshipRepository,
)
from crmcore.partners.kinds import PartnerKind, PartnerRole, RelationshipKind
from crmcore.partners.model import ContactPerson, LegalData, Partner, Relationship
from crmcore.partners.repository import (
    ContactPersonRepository,
    LoggedChange,
    PartnerRepository,
    RelationshipRepository,
)
from crmcore.testing.contracts.partner_changes import LoggedRepositories
from crmcore.testing.stateful._common import (
    _CREATED_AT,
    _EMAILS,
    _NAMES,
    _PHONES,
    _bumps,
    _cased,
    _Comparison,
    _comparison,
    _emails,
    _ids,
    _offsets,
    _outcome,
    _phones,
    _saved_change,
    _unknown_or_known_ids,
    _VersionedCalls,
)

__all__ = [
    "contact_person_repository_comparison",
    "partner_change_log_comparison",
    "partner_repository_comparison",
    "relationship_repository_comparison",
]

_FULL_NAMES: Final = (None, 'ООО "Ромашка"', "Акционерное общество Лютик", "Альфа-Банк")
_SEARCHED_NAMES: Final = (*_NAMES, *(name for name in _FULL_NAMES if name))
_INNS: Final = ("7707083893", "7736050003", "7702070139")
_KPPS: Final = (None, "770701001", "773601001")


@st.composite
def _legal_data(draw: st.DrawFn) -> LegalData | None:
    if draw(st.booleans()):
        return None
    return LegalData(tax_id=draw(st.sampled_from(_INNS)), kpp=draw(st.sampled_from(_KPPS)))


_partners = st.builds(
    Partner,
    id=_ids.map(PartnerId),
    kind=st.just(PartnerKind.LEGAL_ENTITY),
    roles=st.just(frozenset({PartnerRole.CLIENT})),
    short_name=st.sampled_from(_NAMES),
    full_name=st.sampled_from(_FULL_NAMES),
    legal=_legal_data(),
    phones=_phones,
    emails=_emails,
    created_at=st.just(_CREATED_AT),
    version=st.integers(min_value=1, max_value=3),
)
_contact_persons = st.builds(
    ContactPerson,
    id=_ids.map(ContactPersonId),
    partner_id=st.sampled_from(("p-1", "p-2")).map(PartnerId),
    name=st.sampled_from(_NAMES),
    phones=_phones,
    emails=_emails,
    created_at=st.just(_CREATED_AT),
    version=st.integers(min_value=1, max_value=3),
)


class _PartnerRepositoryCalls(
    _VersionedCalls[PartnerRepository], entities=_partners, entity_id=PartnerId
):
    """The calls compared on the reference and the subject partner repository."""

    @rule(tax_id=st.sampled_from(_INNS), kpp=st.sampled_from(_KPPS))
    def find_by_tax_id(self, tax_id: str, kpp: str | None) -> None:
        self.compare(lambda repository: repository.find_by_tax_id(tax_id, kpp=kpp))

    @rule(number=st.sampled_from(_PHONES))
    def find_by_phone(self, number: str) -> None:
        self.compare(lambda repository: repository.find_by_phone(number))

    @rule(address=st.sampled_from(_EMAILS), case=_cased)
    def find_by_email(self, address: str, case: Callable[[str], str]) -> None:
        self.compare(lambda repository: repository.find_by_email(case(address)))

    @rule(
        name=st.sampled_from(_SEARCHED_NAMES),
        length=st.integers(min_value=0, max_value=8),
        case=_cased,
        limit=st.integers(min_value=-1, max_value=4) | st.just(50),
    )
    def find_by_name_prefix(
        self, name: str, length: int, case: Callable[[str], str], limit: int
    ) -> None:
        prefix = case(name[:length])
        self.compare(lambda repository: repository.find_by_name_prefix(prefix, limit=limit))

    @invariant()
    def same_partners(self) -> None:
        self.compare(lambda repository: (list(repository.iterate()), repository.count()))


def partner_repository_comparison(
    make_repository: Callable[[], PartnerRepository], *, settings: Settings | None = None
) -> type[RuleBasedStateMachine]:
    """A state machine comparing ``make_repository()`` with ``MemoryPartnerRepository``."""
    return _comparison(_PartnerRepositoryCalls, MemoryPartnerRepository, make_repository, settings)


class _ContactPersonRepositoryCalls(
    _VersionedCalls[ContactPersonRepository], entities=_contact_persons, entity_id=ContactPersonId
):
    """The calls compared on the reference and the subject contact person repository."""

    @rule(partner_id=st.sampled_from(("p-1", "p-2", "p-3")))
    def of_partner(self, partner_id: str) -> None:
        self.compare(lambda repository: repository.of_partner(PartnerId(partner_id)))

    @rule(number=st.sampled_from(_PHONES))
    def find_by_phone(self, number: str) -> None:
        self.compare(lambda repository: repository.find_by_phone(number))

    @rule(address=st.sampled_from(_EMAILS), case=_cased)
    def find_by_email(self, address: str, case: Callable[[str], str]) -> None:
        self.compare(lambda repository: repository.find_by_email(case(address)))

    @invariant()
    def same_contact_persons(self) -> None:
        self.compare(lambda repository: list(repository.iterate()))


def contact_person_repository_comparison(
    make_repository: Callable[[], ContactPersonRepository], *, settings: Settings | None = None
) -> type[RuleBasedStateMachine]:
    """A state machine comparing ``make_repository()`` with ``MemoryContactPersonRepository``."""
    return _comparison(
        _ContactPersonRepositoryCalls, MemoryContactPersonRepository, make_repository, settings
    )


_END_IDS: Final = ("e-1", "e-2", "e-3")


@st.composite
def _relationships(draw: st.DrawFn) -> Relationship:
    kind = draw(st.sampled_from(tuple(RelationshipKind)))
    source, target = draw(st.lists(st.sampled_from(_END_IDS), min_size=2, max_size=2, unique=True))
    return Relationship(
        id=RelationshipId(draw(_ids)),
        kind=kind,
        source=EntityRef(entity_type=kind.between, entity_id=source),
        target=EntityRef(entity_type=kind.between, entity_id=target),
        created_at=_CREATED_AT,
    )


_refs = st.builds(
    EntityRef,
    entity_type=st.sampled_from(("partner", "contact_person")),
    entity_id=st.sampled_from(_END_IDS),
)


class _RelationshipRepositoryCalls(_Comparison[RelationshipRepository]):
    """The calls compared on the reference and the subject relationship repository."""

    @rule(relationship=_relationships())
    def add(self, relationship: Relationship) -> None:
        self.compare(lambda repository: repository.add(relationship))

    @rule(relationship_id=_unknown_or_known_ids)
    def remove(self, relationship_id: str) -> None:
        self.compare(lambda repository: repository.remove(RelationshipId(relationship_id)))

    @rule(relationship_id=_unknown_or_known_ids)
    def get(self, relationship_id: str) -> None:
        self.compare(lambda repository: repository.get(RelationshipId(relationship_id)))

    @rule(ref=_refs)
    def of(self, ref: EntityRef) -> None:
        self.compare(lambda repository: repository.of(ref))


def relationship_repository_comparison(
    make_repository: Callable[[], RelationshipRepository], *, settings: Settings | None = None
) -> type[RuleBasedStateMachine]:
    """A state machine comparing ``make_repository()`` with ``MemoryRelationshipRepository``."""
    return _comparison(
        _RelationshipRepositoryCalls, MemoryRelationshipRepository, make_repository, settings
    )


def _memory_logged() -> LoggedRepositories:
    changes = MemoryPartnerChangeLog()
    return LoggedRepositories(
        partners=MemoryPartnerRepository(changes=changes),
        contact_persons=MemoryContactPersonRepository(changes=changes),
        changes=changes,
    )


def _listed(changes: list[LoggedChange]) -> list[tuple[str, str, int]]:
    """The changes without their numbers, which a store may count otherwise."""
    return [(change.kind, change.record_id, change.version) for change in changes]


class _PartnerChangeLogCalls(_Comparison[LoggedRepositories]):
    """The writes of partners and contact persons, refused ones included, compared by the
    changes each log lists after every number either has handed out: the same records, in
    the same order, at the same versions."""

    def __init__(self) -> None:
        super().__init__()
        self.marks: list[tuple[int, int]] = [(0, 0)]

    @rule(entity=_partners)
    def add_partner(self, entity: Partner) -> None:
        self.compare(lambda logged: logged.partners.add(entity))

    @rule(entity=_partners, offset=_offsets, bump=_bumps)
    def save_partner(self, entity: Partner, offset: int, bump: int) -> None:
        stored = self.saved_version(lambda logged: logged.partners.get(entity.id))
        changed, expected = _saved_change(entity, stored, offset, bump)
        self.compare(lambda logged: logged.partners.save(changed, expected_version=expected))

    @rule(entity=_contact_persons)
    def add_contact_person(self, entity: ContactPerson) -> None:
        self.compare(lambda logged: logged.contact_persons.add(entity))

    @rule(entity=_contact_persons, offset=_offsets, bump=_bumps)
    def save_contact_person(self, entity: ContactPerson, offset: int, bump: int) -> None:
        stored = self.saved_version(lambda logged: logged.contact_persons.get(entity.id))
        changed, expected = _saved_change(entity, stored, offset, bump)
        self.compare(lambda logged: logged.contact_persons.save(changed, expected_version=expected))

    @rule()
    def mark(self) -> None:
        self.marks.append((self.reference.changes.latest(), self.subject.changes.latest()))

    @rule(data=st.data(), limit=st.none() | st.integers(min_value=-1, max_value=3))
    def since_a_mark(self, data: st.DataObject, limit: int | None) -> None:
        mine, theirs = data.draw(st.sampled_from(self.marks))
        expected = _outcome(lambda: _listed(self.reference.changes.since(mine, limit=limit)))
        actual = _outcome(lambda: _listed(self.subject.changes.since(theirs, limit=limit)))
        assert actual == expected, f"reference gave {expected!r}, subject gave {actual!r}"

    @invariant()
    def same_changes_in_rising_numbers(self) -> None:
        self.compare(lambda logged: _listed(logged.changes.since(0)))
        numbers = [change.sequence for change in self.subject.changes.since(0)]
        assert numbers == sorted(set(numbers)), numbers
        assert self.subject.changes.latest() == (numbers[-1] if numbers else 0)


def partner_change_log_comparison(
    make_logged: Callable[[], LoggedRepositories], *, settings: Settings | None = None
) -> type[RuleBasedStateMachine]:
    """A state machine comparing the change log of ``make_logged()`` (a partner and a contact
    person repository writing to one log) with the memory store's."""
    return _comparison(_PartnerChangeLogCalls, _memory_logged, make_logged, settings)
