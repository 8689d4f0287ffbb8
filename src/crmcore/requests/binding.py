"""Binding a request to the client card it comes from, through the duplicate check.

The request's contact data is matched against known partners (a
:class:`~crmcore.matching.DuplicateIndex` over :meth:`MatchModel.for_partners
<crmcore.matching.MatchModel.for_partners>`) and, when the host keeps one, against known
contact persons (an index over :func:`contact_match_model`). Three outcomes:

- one client at or above ``confident`` probability (and no rival there): bound automatically,
  with the explanation;
- clients at or above ``possible``: proposed, each with its explanation, for a person to choose
  (:func:`~crmcore.requests.bind_request`);
- nothing: the request stays unbound.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Final, Protocol

import attrs

from crmcore.errors import DomainValidationError, EntityNotFoundError, Violation
from crmcore.events import Outcome
from crmcore.ids import ContactPersonId, PartnerId, UserId
from crmcore.matching import Candidate, DuplicateIndex, FieldKind, FieldSpec, MatchModel
from crmcore.matching.normalize import PART_SEPARATOR
from crmcore.matching.partners import PARTNER_FIELDS
from crmcore.partners.model import ContactPerson
from crmcore.requests.events import RequestBindingProposed, RequestBound, request_changes
from crmcore.requests.kinds import BindingMethod
from crmcore.requests.model import Binding, BindingProposal, ContactData, Request
from crmcore.requests.services import check_actor, check_now, require_open
from crmcore.validation import (
    Model,
    checks,
    identifier,
    instance_of,
    invariant,
    optional,
    raise_violations,
)
from crmcore.workcalendar import check_not_before

__all__ = [
    "CONTACT_FIELDS",
    "ContactPersonLookup",
    "RequestMatcher",
    "bind_request",
    "bound",
    "contact_match_model",
    "contact_person_record",
    "match_request",
    "propose_bindings",
    "request_contact_record",
    "request_partner_record",
]

CONTACT_FIELDS: Final = (
    ("name", FieldKind.PERSON_NAME),
    ("phone", FieldKind.PHONE),
    ("email", FieldKind.EMAIL),
)
"""The fields of a contact person's match record and their kinds."""


def contact_match_model() -> MatchModel:
    """The ready model for contact person records (see :func:`contact_person_record`); the
    same phone or e-mail as a known contact person is always proposed."""
    return MatchModel.with_exact_rules([FieldSpec(name=n, kind=k) for n, k in CONTACT_FIELDS])


def _joined(values: Iterator[str]) -> str | None:
    return PART_SEPARATOR.join(values) or None


def contact_person_record(person: ContactPerson) -> dict[str, str | None]:
    """The match record of a known contact person: name, every phone and email."""
    return {
        "name": person.name,
        "phone": _joined(phone.number for phone in person.phones),
        "email": _joined(email.address for email in person.emails),
    }


def request_contact_record(contact: ContactData) -> dict[str, str | None]:
    """The contact data of a request as a contact person record."""
    return {
        "name": contact.name,
        "phone": _joined(phone.number for phone in contact.phones),
        "email": _joined(email.address for email in contact.emails),
    }


def request_partner_record(contact: ContactData) -> dict[str, str | None]:
    """The contact data of a request as a partner record: the company (else the person's
    name, as a private client is called), phones and emails."""
    record: dict[str, str | None] = dict.fromkeys(name for name, _ in PARTNER_FIELDS)
    record.update(
        short_name=contact.company or contact.name,
        phone=_joined(phone.number for phone in contact.phones),
        email=_joined(email.address for email in contact.emails),
    )
    return record


class ContactPersonLookup(Protocol):
    """Contact persons by id (a :class:`~crmcore.partners.ContactPersonRepository` is one)."""

    def get(self, contact_person_id: ContactPersonId) -> ContactPerson:
        """The contact person with this id."""
        ...


def _threshold(field: str, value: object) -> Iterator[Violation]:
    if isinstance(value, bool) or not isinstance(value, float | int) or not 0 < value <= 1:
        yield Violation(field=field, message="must be a number above 0 and at most 1", value=value)


def _limit(field: str, value: object) -> Iterator[Violation]:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 100:
        yield Violation(field=field, message="must be a whole number from 1 to 100", value=value)


@attrs.frozen(kw_only=True)
class RequestMatcher(Model):
    """Where and how strictly a request is matched: the partners' index, optionally the
    contact persons' index with their lookup, and the two probability thresholds."""

    partners: DuplicateIndex = attrs.field(metadata=checks(instance_of(DuplicateIndex)))
    contacts: DuplicateIndex | None = attrs.field(
        default=None, metadata=checks(optional(instance_of(DuplicateIndex)))
    )
    contact_persons: ContactPersonLookup | None = None
    confident: float = attrs.field(default=0.95, metadata=checks(_threshold))
    possible: float = attrs.field(default=0.5, metadata=checks(_threshold))
    limit: int = attrs.field(default=3, metadata=checks(_limit))

    @invariant("possible", "confident", "contacts", "contact_persons")
    def _thresholds_and_sources(self) -> Iterator[Violation]:
        numbers = isinstance(self.possible, float | int) and isinstance(self.confident, float | int)
        if numbers and self.possible > self.confident:
            message = "must not be above confident"
            yield Violation(field="possible", message=message, value=self.possible)
        if (self.contacts is None) != (self.contact_persons is None):
            message = "and contacts are given together or not at all"
            yield Violation(field="contact_persons", message=message)


def _query(
    index: DuplicateIndex, record: dict[str, str | None], matcher: RequestMatcher
) -> list[Candidate]:
    """The candidates for ``record``; none when nothing in it survives normalization (a name
    of punctuation only, say), which is no fault of the request."""
    try:
        index.model.normalize(record)
    except DomainValidationError:
        return []
    return index.query(record, limit=matcher.limit, threshold=matcher.possible)


def _proposal(candidate: Candidate, partner_id: str, person: str | None) -> BindingProposal:
    return BindingProposal(
        partner_id=PartnerId(partner_id),
        contact_person_id=ContactPersonId(person) if person else None,
        probability=min(max(candidate.probability, 0.0), 1.0),
        explanation=candidate.explanation,
    )


def _contact_proposals(contact: ContactData, matcher: RequestMatcher) -> Iterator[BindingProposal]:
    record = request_contact_record(contact)
    if matcher.contacts is None or matcher.contact_persons is None:
        return
    for candidate in _query(matcher.contacts, record, matcher):
        try:
            person = matcher.contact_persons.get(ContactPersonId(candidate.record_id))
        except EntityNotFoundError:
            continue  # The index knows a contact person the repository no longer holds.
        yield _proposal(candidate, person.partner_id, person.id)


def propose_bindings(contact: ContactData, matcher: RequestMatcher) -> tuple[BindingProposal, ...]:
    """The known clients ``contact`` may be, at or above ``possible`` or caught by a matching
    rule (the same phone or e-mail), most likely first; one per partner, with the contact
    person when a contact person matched. At most ``limit`` proposals, plus those a rule caught
    beyond them."""
    partners = _query(matcher.partners, request_partner_record(contact), matcher)
    best: dict[str, BindingProposal] = {}
    found = [*(_proposal(c, c.record_id, None) for c in partners)]
    for proposal in [*found, *_contact_proposals(contact, matcher)]:
        known = best.get(proposal.partner_id)
        if known is None or proposal.probability > known.probability:
            person = proposal.contact_person_id or (known.contact_person_id if known else None)
            best[proposal.partner_id] = attrs.evolve(proposal, contact_person_id=person)
        elif known.contact_person_id is None and proposal.contact_person_id is not None:
            best[proposal.partner_id] = attrs.evolve(
                known, contact_person_id=proposal.contact_person_id
            )
    ranked = sorted(best.values(), key=lambda p: (-p.probability, p.partner_id))
    caught = [p for p in ranked[matcher.limit :] if any(e.rule for e in p.explanation)]
    return (*ranked[: matcher.limit], *caught)


def match_request(
    request: Request, matcher: RequestMatcher, *, now: datetime, actor: UserId | None = None
) -> Outcome[Request]:
    """``request`` bound to the one client it surely comes from, or with the clients it may
    come from proposed, or unchanged; a request bound already is left as it is."""
    raise_violations(instance_of(RequestMatcher)("matcher", matcher))
    if request.binding is not None:
        return Outcome(entity=request)
    proposals = propose_bindings(request.contact, matcher)
    sure = [p for p in proposals if p.probability >= matcher.confident]
    if len(sure) == 1:
        binding = Binding(
            partner_id=sure[0].partner_id, contact_person_id=sure[0].contact_person_id,
            method=BindingMethod.MATCHED, probability=sure[0].probability,
            explanation=sure[0].explanation, bound_at=now, by=actor,
        )  # fmt: skip
        return bound(request, binding, now=now, actor=actor)
    if not proposals or proposals == request.proposals:
        return Outcome(entity=request)
    changed = attrs.evolve(request, proposals=proposals, version=request.version + 1)
    event = RequestBindingProposed(
        entity_id=request.id, occurred_at=now, actor=actor,
        changes=request_changes(request, changed),
    )  # fmt: skip
    return Outcome(entity=changed, events=(event,))


def bind_request(
    request: Request,
    partner_id: PartnerId,
    *,
    now: datetime,
    contact_person_id: ContactPersonId | None = None,
    actor: UserId | None = None,
) -> Outcome[Request]:
    """``request`` bound by a person to a client card (and contact person); its proposals are
    dropped. The binding's explanation is the proposal's when the person chose one of them."""
    check_now(now)
    check_actor(actor)
    raise_violations(
        [*identifier("partner_id", partner_id),
         *optional(identifier)("contact_person_id", contact_person_id)]
    )  # fmt: skip
    require_open(request, "bound")
    chosen = next((p for p in request.proposals if p.partner_id == partner_id), None)
    binding = Binding(
        partner_id=partner_id, contact_person_id=contact_person_id, method=BindingMethod.MANUAL,
        probability=chosen.probability if chosen else None,
        explanation=chosen.explanation if chosen else (), bound_at=now, by=actor,
    )  # fmt: skip
    return bound(request, binding, now=now, actor=actor)


def bound(
    request: Request, binding: Binding, *, now: datetime, actor: UserId | None
) -> Outcome[Request]:
    """``request`` with ``binding`` and without proposals, and its :class:`RequestBound`."""
    check_not_before(now, request.last_changed_at, entity=f"request {request.id!r}")
    changed = attrs.evolve(request, binding=binding, proposals=(), version=request.version + 1)
    event = RequestBound(
        entity_id=request.id, occurred_at=now, actor=actor,
        changes=request_changes(request, changed),
    )  # fmt: skip
    return Outcome(entity=changed, events=(event,))
