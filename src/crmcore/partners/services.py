"""Services of the partners area: pure functions from input and ``now`` to new state and events.

Nothing is stored here: each service returns an :class:`~crmcore.events.Outcome` that the host
saves through its repositories. A draft holds what a person typed (phones and emails as text,
kinds and roles as strings or enums); the service checks all of it and reports every problem
at once.

>>> from datetime import datetime, timezone
>>> now = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
>>> outcome = create_partner(
...     PartnerDraft(kind="legal_entity", roles=["client"], short_name="ООО «Ромашка»",
...                  tax_id="7707083893", phones=["8 (495) 123-45-67"]),
...     partner_id=PartnerId("p-1"), now=now)
>>> outcome.entity.phones[0].number, [event.name for event in outcome.events]
('+74951234567', ['partner.registered'])
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any, Final

import attrs

from crmcore.customfields import CustomFieldRegistry
from crmcore.events import DomainEvent, Outcome, changes_between
from crmcore.ids import ContactPersonId, EntityRef, PartnerId, RelationshipId, UserId, new_id
from crmcore.partners.drafts import (
    CONTACT_EDITABLE,
    PARTNER_EDITABLE,
    Collector,
    ContactPersonDraft,
    PartnerDraft,
    context_for,
    enum_value,
    in_form_order,
    parse_fields,
)
from crmcore.partners.events import (
    ContactPersonAdded,
    ContactPersonChanged,
    PartnerChanged,
    PartnerRegistered,
    RelationshipLinked,
    RelationshipUnlinked,
)
from crmcore.partners.kinds import RelationshipKind
from crmcore.partners.model import (
    CONTACT_PERSON,
    PARTNER,
    ContactPerson,
    Partner,
    Relationship,
)
from crmcore.partners.taxids import TaxIdScheme
from crmcore.validation import check_now, raise_violations, read_changes

__all__ = [
    "add_contact_person",
    "create_partner",
    "edit_contact_person",
    "edit_partner",
    "link",
    "unlink",
]


def create_partner(
    draft: PartnerDraft,
    *,
    now: datetime,
    partner_id: PartnerId | None = None,
    custom_fields: CustomFieldRegistry | None = None,
    tax_ids: Mapping[str, TaxIdScheme] | None = None,
    default_region: str = "RU",
    actor: UserId | None = None,
    duplicate_check_overridden: bool = False,
) -> Outcome[Partner]:
    """A new partner from ``draft``, with its :class:`PartnerRegistered` event.

    Phones without a country code are read in ``default_region``; ``custom_fields`` checks the
    custom values; ``tax_ids`` adds tax-id schemes (loaded ``crmcore.tax_ids`` plugins) to the
    built-in ones. Raises :class:`DomainValidationError` listing every problem of the draft.
    """
    check_now(now)
    # The fields a partner cannot do without are passed on even when missing, so that
    # their checks name them.
    fields = {
        name: getattr(draft, name)
        for name in PARTNER_EDITABLE
        if name != "legal" and (name in _REQUIRED or getattr(draft, name) is not None)
    }
    context = context_for(PARTNER, default_region, custom_fields, tax_ids)
    collector = Collector()
    legal = collector.attempt("legal", draft.legal_data)
    raw = {**fields, "legal": legal}
    parsed = collector.attempt("", lambda: parse_fields(raw, context, Partner))
    raise_violations(in_form_order(collector.violations, Partner))
    assert parsed is not None
    partner = Partner(
        id=partner_id or PartnerId(new_id()),
        created_at=now,
        version=1,
        **parsed,  # type: ignore[arg-type]
    )
    event = PartnerRegistered(
        entity_id=partner.id,
        occurred_at=now,
        changes=changes_between(None, partner),
        actor=actor,
        duplicate_check_overridden=duplicate_check_overridden,
    )
    return Outcome(entity=partner, events=(event,))


_REQUIRED: Final = ("kind", "roles", "short_name")


def edit_partner(
    partner: Partner,
    *,
    now: datetime,
    changes: Mapping[str, object],
    custom_fields: CustomFieldRegistry | None = None,
    tax_ids: Mapping[str, TaxIdScheme] | None = None,
    default_region: str = "RU",
    actor: UserId | None = None,
) -> Outcome[Partner]:
    """``partner`` with ``changes`` applied (field name to new value, raw text allowed for
    phones, emails, addresses, kind and roles), its version bumped, and a
    :class:`PartnerChanged` event. Changing nothing returns the partner as it was, no event."""
    check_now(now)
    fields, found = read_changes(changes, editable=PARTNER_EDITABLE)
    context = context_for(PARTNER, default_region, custom_fields, tax_ids)
    if "legal" in fields and "kind" not in fields:
        fields["kind"] = partner.kind
    parsed = parse_fields(fields, context, Partner, found=found)
    return _evolved(partner, parsed, now=now, actor=actor, event=PartnerChanged)


def add_contact_person(
    draft: ContactPersonDraft,
    *,
    partner: Partner,
    now: datetime,
    contact_person_id: ContactPersonId | None = None,
    custom_fields: CustomFieldRegistry | None = None,
    default_region: str = "RU",
    actor: UserId | None = None,
) -> Outcome[ContactPerson]:
    """A new contact person of ``partner`` from ``draft``, with a :class:`ContactPersonAdded`."""
    check_now(now)
    fields = {
        name: getattr(draft, name) for name in CONTACT_EDITABLE if getattr(draft, name) is not None
    }
    context = context_for(CONTACT_PERSON, default_region, custom_fields, None)
    parsed = parse_fields(fields, context, ContactPerson)
    person = ContactPerson(
        id=contact_person_id or ContactPersonId(new_id()),
        partner_id=partner.id,
        created_at=now,
        **parsed,  # type: ignore[arg-type]
    )
    event = ContactPersonAdded(
        entity_id=person.id, occurred_at=now, changes=changes_between(None, person), actor=actor
    )
    return Outcome(entity=person, events=(event,))


def edit_contact_person(
    person: ContactPerson,
    *,
    now: datetime,
    changes: Mapping[str, object],
    custom_fields: CustomFieldRegistry | None = None,
    default_region: str = "RU",
    actor: UserId | None = None,
) -> Outcome[ContactPerson]:
    """``person`` with ``changes`` applied and its version bumped, with a
    :class:`ContactPersonChanged` event; changing nothing returns it as it was."""
    check_now(now)
    fields, found = read_changes(changes, editable=CONTACT_EDITABLE)
    context = context_for(CONTACT_PERSON, default_region, custom_fields, None)
    parsed = parse_fields(fields, context, ContactPerson, found=found)
    return _evolved(person, parsed, now=now, actor=actor, event=ContactPersonChanged)


def _evolved(
    entity: Any,
    parsed: Mapping[str, object],
    *,
    now: datetime,
    actor: UserId | None,
    event: type[DomainEvent],
) -> Outcome[Any]:
    changed = attrs.evolve(entity, **parsed)
    differences = changes_between(entity, changed)
    if not differences:
        return Outcome(entity=entity)
    changed = attrs.evolve(changed, version=entity.version + 1)
    happened = event(entity_id=entity.id, occurred_at=now, changes=differences, actor=actor)
    return Outcome(entity=changed, events=(happened,))


def link(
    kind: RelationshipKind | str,
    source: EntityRef,
    target: EntityRef,
    *,
    now: datetime,
    relationship_id: RelationshipId | None = None,
    since: date | None = None,
    note: str | None = None,
    actor: UserId | None = None,
) -> Outcome[Relationship]:
    """A new relationship "source kind target" with its :class:`RelationshipLinked` event."""
    check_now(now)
    relationship = Relationship(
        id=relationship_id or RelationshipId(new_id()),
        kind=enum_value(RelationshipKind, kind, "kind"),
        source=source,
        target=target,
        since=since,
        note=note,
        created_at=now,
    )
    event = RelationshipLinked(
        entity_id=relationship.id,
        occurred_at=now,
        changes=changes_between(None, relationship),
        actor=actor,
    )
    return Outcome(entity=relationship, events=(event,))


def unlink(
    relationship: Relationship, *, now: datetime, actor: UserId | None = None
) -> Outcome[Relationship]:
    """The event that removes ``relationship``; the host then deletes it from its repository."""
    check_now(now)
    event = RelationshipUnlinked(entity_id=relationship.id, occurred_at=now, actor=actor)
    return Outcome(entity=relationship, events=(event,))
