"""The registration assistant: a new partner, completed from the state registry and checked
for duplicates before it is created.

:func:`register_partner` completes a draft from a host-provided :class:`RegistryLookup`,
validates it, looks for partners with the same tax id and KPP (exact conflicts) and for likely
duplicates through a :class:`DuplicateCheck` (``crmcore.matching.DuplicateIndex`` is one), and
returns either the new partner with its events or :class:`PossibleDuplicates` for a person to
decide. ``force=True`` registers anyway and records that the check was overridden. The partners
area does not import the matching engine: the check is a protocol, passed in.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol

import attrs

from crmcore.errors import EntityNotFoundError
from crmcore.events import Outcome
from crmcore.ids import PartnerId, UserId
from crmcore.partners.contact_data import Address
from crmcore.partners.drafts import PartnerDraft
from crmcore.partners.kinds import AddressKind
from crmcore.partners.model import Partner
from crmcore.partners.repository import PartnerRepository
from crmcore.partners.services import create_partner

__all__ = [
    "DuplicateCandidate",
    "DuplicateCheck",
    "DuplicateEvidence",
    "PossibleDuplicate",
    "PossibleDuplicates",
    "RegistryEntry",
    "RegistryLookup",
    "complete_from_registry",
    "register_partner",
]


@attrs.frozen(kw_only=True)
class RegistryEntry:
    """What the state registry of legal entities knows of a tax id."""

    short_name: str | None = None
    full_name: str | None = None
    kpp: str | None = None
    registration_number: str | None = None
    legal_address: str | None = None
    phones: tuple[str, ...] = ()


class RegistryLookup(Protocol):
    """The host's access to the state registry (ЕГРЮЛ / ЕГРИП), by tax id."""

    def find(self, tax_id: str, *, kpp: str | None = None) -> RegistryEntry | None:
        """The registry's entry for ``tax_id`` (and ``kpp`` when given), or ``None``."""
        ...


class DuplicateEvidence(Protocol):
    """What one field said about a candidate (``crmcore.matching.FieldEvidence`` is one)."""

    @property
    def field(self) -> str: ...
    @property
    def left(self) -> str | None: ...
    @property
    def right(self) -> str | None: ...
    @property
    def similarity(self) -> float | None: ...
    @property
    def weight(self) -> float: ...


class DuplicateCandidate(Protocol):
    """A partner the check found, by id, with its probability and explanation."""

    @property
    def record_id(self) -> str: ...
    @property
    def probability(self) -> float: ...
    @property
    def explanation(self) -> Sequence[DuplicateEvidence]: ...


class DuplicateCheck(Protocol):
    """Finds partners that may be the same as a new one (``crmcore.matching.DuplicateIndex``)."""

    def query(
        self, record: Partner, *, limit: int = 10, threshold: float = 0.5
    ) -> Sequence[DuplicateCandidate]:
        """The likely duplicates of ``record`` among the known partners, most likely first."""
        ...


@attrs.frozen(kw_only=True)
class PossibleDuplicate:
    """A known partner that may be the one being registered, and why.

    ``exact`` marks an exact conflict: the same tax id and KPP. Its ``probability`` is 1 and
    its explanation empty unless the duplicate check found it too. A candidate the check
    reported under a matching rule (the same phone, e-mail or tax id, say) names the rule in
    its explanation, whatever its probability: see :attr:`rules`.
    """

    partner: Partner
    probability: float
    explanation: tuple[DuplicateEvidence, ...]
    exact: bool

    @property
    def rules(self) -> tuple[str, ...]:
        """The matching rules that reported this partner (an evidence's ``rule``, where the
        check gives one: ``crmcore.matching.FieldEvidence`` does)."""
        names = (getattr(evidence, "rule", None) for evidence in self.explanation)
        return tuple(dict.fromkeys(name for name in names if isinstance(name, str)))


@attrs.frozen(kw_only=True)
class PossibleDuplicates:
    """The registration stopped: these partners may already be the one in ``draft``.

    ``draft`` is the draft as completed from the registry, ready to be registered again with
    ``force=True`` once a person has looked.
    """

    draft: PartnerDraft
    candidates: tuple[PossibleDuplicate, ...]

    @property
    def exact(self) -> tuple[PossibleDuplicate, ...]:
        """The exact conflicts (same tax id and KPP) among the candidates."""
        return tuple(candidate for candidate in self.candidates if candidate.exact)


def complete_from_registry(
    draft: PartnerDraft, registry_lookup: RegistryLookup | None
) -> PartnerDraft:
    """``draft`` with its empty fields filled from the registry's entry for its tax id.

    What a person typed is kept; the registry only fills what is missing.
    """
    if registry_lookup is None or not draft.tax_id:
        return draft
    entry = registry_lookup.find(draft.tax_id, kpp=draft.kpp)
    if entry is None:
        return draft
    changes: dict[str, Any] = {}
    for name in ("full_name", "kpp", "registration_number"):
        if getattr(draft, name) is None and getattr(entry, name) is not None:
            changes[name] = getattr(entry, name)
    if not draft.short_name.strip() and entry.short_name:
        changes["short_name"] = entry.short_name
    if not draft.addresses and entry.legal_address:
        changes["addresses"] = (Address(text=entry.legal_address, kind=AddressKind.LEGAL),)
    if not draft.phones and entry.phones:
        changes["phones"] = entry.phones
    return attrs.evolve(draft, **changes)


def _exact_conflicts(partner: Partner, repository: PartnerRepository) -> list[Partner]:
    legal = partner.legal
    if legal is None or legal.tax_id is None:
        return []
    found = repository.find_by_tax_id(legal.tax_id, kpp=legal.kpp)
    return [p for p in found if p.legal is not None and p.legal.kpp == legal.kpp]


def _candidates(
    partner: Partner,
    repository: PartnerRepository,
    index: DuplicateCheck,
    *,
    limit: int,
    threshold: float,
) -> list[PossibleDuplicate]:
    exact = {p.id: p for p in _exact_conflicts(partner, repository)}
    found = {
        candidate.record_id: candidate
        for candidate in index.query(partner, limit=limit, threshold=threshold)
    }
    result = [
        PossibleDuplicate(
            partner=known,
            probability=1.0,
            explanation=tuple(found[known.id].explanation) if known.id in found else (),
            exact=True,
        )
        for known in exact.values()
    ]
    for record_id, candidate in found.items():
        if record_id in exact:
            continue
        try:
            known = repository.get(PartnerId(record_id))
        except EntityNotFoundError:
            continue  # The index knows a partner the repository no longer holds.
        result.append(
            PossibleDuplicate(
                partner=known,
                probability=candidate.probability,
                explanation=tuple(candidate.explanation),
                exact=False,
            )
        )
    return result


def register_partner(
    draft: PartnerDraft,
    *,
    repository: PartnerRepository,
    index: DuplicateCheck,
    registry_lookup: RegistryLookup | None = None,
    now: datetime,
    force: bool = False,
    partner_id: PartnerId | None = None,
    threshold: float = 0.5,
    limit: int = 5,
    actor: UserId | None = None,
) -> Outcome[Partner] | PossibleDuplicates:
    """Register a partner from ``draft`` unless it may exist already.

    Returns the new partner with its events (nothing is stored: the host saves the partner and
    then adds it to its index), or :class:`PossibleDuplicates` listing exact conflicts first,
    then likely duplicates and the partners a matching rule of the check caught (with
    ``crmcore.matching.MatchModel.for_partners``, any partner with the same tax id, OGRN,
    phone or e-mail, whatever the names say). With ``force=True`` the partner is registered in
    any case and its :class:`~crmcore.partners.PartnerRegistered` event says whether the check
    was overridden.
    Raises :class:`~crmcore.errors.DomainValidationError` listing every problem of the draft.
    """
    draft = complete_from_registry(draft, registry_lookup)
    outcome = create_partner(draft, now=now, partner_id=partner_id, actor=actor)
    candidates = _candidates(outcome.entity, repository, index, limit=limit, threshold=threshold)
    if not candidates:
        return outcome
    if not force:
        return PossibleDuplicates(draft=draft, candidates=tuple(candidates))
    return create_partner(
        draft, now=now, partner_id=outcome.entity.id, actor=actor, duplicate_check_overridden=True
    )
