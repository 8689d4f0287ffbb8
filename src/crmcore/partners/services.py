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

import enum
import re
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from datetime import date, datetime
from functools import partial
from typing import Any, Final, TypeVar

import attrs

from crmcore.customfields import CustomFieldRegistry
from crmcore.errors import DomainValidationError, Violation
from crmcore.events import DomainEvent, Outcome, changes_between
from crmcore.ids import ContactPersonId, EntityRef, PartnerId, RelationshipId, UserId, new_id
from crmcore.partners.contact_data import Address, BankAccount, Email, Phone
from crmcore.partners.events import (
    ContactPersonAdded,
    ContactPersonChanged,
    PartnerChanged,
    PartnerRegistered,
    RelationshipLinked,
    RelationshipUnlinked,
)
from crmcore.partners.kinds import PartnerKind, PartnerRole, RelationshipKind
from crmcore.partners.model import (
    CONTACT_PERSON,
    PARTNER,
    ContactPerson,
    LegalData,
    Partner,
    Relationship,
)
from crmcore.partners.taxids import TaxIdScheme
from crmcore.validation import field_violations, raise_violations

__all__ = [
    "ContactPersonDraft",
    "PartnerDraft",
    "add_contact_person",
    "create_partner",
    "edit_contact_person",
    "edit_partner",
    "link",
    "unlink",
]

T = TypeVar("T")
E = TypeVar("E", bound=enum.Enum)

# In the models' field order, so that problems are reported in the order of the form.
_PARTNER_EDITABLE: Final = (
    "kind",
    "roles",
    "short_name",
    "full_name",
    "legal",
    "addresses",
    "phones",
    "emails",
    "bank_accounts",
    "responsible_manager",
    "segment",
    "region",
    "time_zone",
    "notes",
    "custom",
)
_CONTACT_EDITABLE: Final = (
    "name",
    "position",
    "phones",
    "emails",
    "region",
    "time_zone",
    "notes",
    "custom",
)


@attrs.frozen(kw_only=True)
class PartnerDraft:
    """A new partner as entered, before any check: strings where a person types strings."""

    kind: PartnerKind | str
    roles: Collection[PartnerRole | str]
    short_name: str
    full_name: str | None = None
    country: str = "RU"
    tax_id: str | None = None
    kpp: str | None = None
    registration_number: str | None = None
    addresses: Sequence[Address | str] = ()
    phones: Sequence[Phone | str] = ()
    emails: Sequence[Email | str] = ()
    bank_accounts: Sequence[BankAccount] = ()
    responsible_manager: UserId | None = None
    segment: str | None = None
    region: str | None = None
    time_zone: str | None = None
    notes: str | None = None
    custom: Mapping[str, object] = attrs.field(factory=dict)

    def legal_data(self) -> LegalData | None:
        """The legal data of the draft, or ``None`` when it has no codes at all."""
        if self.tax_id is None and self.kpp is None and self.registration_number is None:
            return None
        return LegalData(
            country=self.country,
            tax_id=self.tax_id,
            kpp=self.kpp,
            registration_number=self.registration_number,
        )


@attrs.frozen(kw_only=True)
class ContactPersonDraft:
    """A new contact person as entered, before any check."""

    name: str
    position: str | None = None
    phones: Sequence[Phone | str] = ()
    emails: Sequence[Email | str] = ()
    region: str | None = None
    time_zone: str | None = None
    notes: str | None = None
    custom: Mapping[str, object] = attrs.field(factory=dict)


@attrs.frozen(kw_only=True)
class _Context:
    """What the parsers of raw input need besides the value."""

    entity_type: str
    default_region: str
    custom_fields: CustomFieldRegistry | None
    tax_ids: Mapping[str, TaxIdScheme] | None


class _Collector:
    """Runs parsers and keeps every violation they raise, each under its field's path."""

    def __init__(self) -> None:
        self.violations: list[Violation] = []

    def attempt(self, field: str, parse: Callable[[], T]) -> T | None:
        try:
            return parse()
        except DomainValidationError as error:
            self.violations.extend(error.under(field).violations)
            return None


def _enum(cls: type[E], value: object, field: str) -> E:
    try:
        return cls(value)
    except ValueError:
        allowed = ", ".join(repr(m.value) for m in cls)
        raise DomainValidationError.single(
            field, f"must be one of {allowed}", value=value
        ) from None


def _parse_roles(value: object) -> frozenset[PartnerRole]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise DomainValidationError.single("", "must be a collection of roles", value=value)
    collector = _Collector()
    roles = [
        collector.attempt(f"[{i}]", partial(_enum, PartnerRole, role, ""))
        for i, role in enumerate(value)
    ]
    raise_violations(collector.violations)
    return frozenset(r for r in roles if r is not None)


def _parse_each(value: object, parse: Callable[[Any], T]) -> tuple[T, ...]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise DomainValidationError.single("", "must be a list", value=value)
    collector = _Collector()
    items = [collector.attempt(f"[{i}]", partial(parse, item)) for i, item in enumerate(value)]
    raise_violations(collector.violations)
    return tuple(item for item in items if item is not None)


def _phone(context: _Context) -> Callable[[object], Phone]:
    def parse(value: object) -> Phone:
        if isinstance(value, Phone):
            return value
        if not isinstance(value, str):
            raise DomainValidationError.single("", "must be a phone number", value=value)
        return Phone.parse(value, default_region=context.default_region, field="")

    return parse


def _email(value: object) -> Email:
    if isinstance(value, Email):
        return value
    if not isinstance(value, str):
        raise DomainValidationError.single("", "must be an email address", value=value)
    return Email.parse(value, field="")


def _address(value: object) -> Address:
    return value if isinstance(value, Address) else Address(text=value)  # type: ignore[arg-type]


def _custom(context: _Context, value: object) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise DomainValidationError.single("", "must be a mapping", value=value)
    if context.custom_fields is None:
        return dict(value)
    return context.custom_fields.validate(context.entity_type, value, prefix="")


def _legal(context: _Context, kind: object, value: object) -> LegalData | None:
    if value is None:
        return None
    if not isinstance(value, LegalData):
        raise DomainValidationError.single("", "must be LegalData", value=value)
    known_kind = kind if isinstance(kind, PartnerKind) else None
    raise_violations(value.problems(kind=known_kind, schemes=context.tax_ids))
    return value


def _parse_fields(
    fields: Mapping[str, object], context: _Context, model: type
) -> dict[str, object]:
    """Raw field values turned into ``model``'s values; every problem is collected and raised,
    those of fields without a parser by the model's own checks."""
    collector = _Collector()
    parsers: dict[str, Callable[[object], object]] = {
        "kind": lambda v: _enum(PartnerKind, v, ""),
        "roles": _parse_roles,
        "phones": lambda v: _parse_each(v, _phone(context)),
        "emails": lambda v: _parse_each(v, _email),
        "addresses": lambda v: _parse_each(v, _address),
        "bank_accounts": lambda v: _parse_each(v, _bank_account),
        "custom": lambda v: _custom(context, v),
    }
    parsed: dict[str, object] = {}
    for name, value in fields.items():
        parse = parsers.get(name)
        if parse is None:
            collector.violations.extend(field_violations(model, name, value))
            parsed[name] = value
        else:
            parsed[name] = collector.attempt(name, partial(parse, value))
    if "legal" in fields:
        kind = parsed.get("kind")
        parsed["legal"] = collector.attempt("legal", lambda: _legal(context, kind, fields["legal"]))
    raise_violations(_in_form_order(collector.violations, model))
    return parsed


def _in_form_order(violations: Iterable[Violation], model: type) -> list[Violation]:
    """``violations`` ordered as their top-level fields are declared on ``model``."""
    order = {field.name: index for index, field in enumerate(attrs.fields(model))}

    def rank(violation: Violation) -> int:
        top = re.split(r"[.\[]", violation.field, maxsplit=1)[0]
        return order.get(top, len(order))

    return sorted(violations, key=rank)


def _bank_account(value: object) -> BankAccount:
    if not isinstance(value, BankAccount):
        raise DomainValidationError.single("", "must be a BankAccount", value=value)
    return value


def _context(
    entity_type: str,
    default_region: str,
    custom_fields: CustomFieldRegistry | None,
    tax_ids: Mapping[str, TaxIdScheme] | None,
) -> _Context:
    return _Context(
        entity_type=entity_type,
        default_region=default_region,
        custom_fields=custom_fields,
        tax_ids=tax_ids,
    )


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
    fields = {
        name: getattr(draft, name)
        for name in _PARTNER_EDITABLE
        if name != "legal" and getattr(draft, name) is not None
    }
    context = _context(PARTNER, default_region, custom_fields, tax_ids)
    collector = _Collector()
    legal = collector.attempt("legal", draft.legal_data)
    raw = {**fields, "legal": legal}
    parsed = collector.attempt("", lambda: _parse_fields(raw, context, Partner))
    raise_violations(_in_form_order(collector.violations, Partner))
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
    _only(changes, _PARTNER_EDITABLE)
    context = _context(PARTNER, default_region, custom_fields, tax_ids)
    fields = dict(changes)
    if "legal" in fields and "kind" not in fields:
        fields["kind"] = partner.kind
    parsed = _parse_fields(fields, context, Partner)
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
    fields = {
        name: getattr(draft, name) for name in _CONTACT_EDITABLE if getattr(draft, name) is not None
    }
    context = _context(CONTACT_PERSON, default_region, custom_fields, None)
    parsed = _parse_fields(fields, context, ContactPerson)
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
    _only(changes, _CONTACT_EDITABLE)
    context = _context(CONTACT_PERSON, default_region, custom_fields, None)
    parsed = _parse_fields(changes, context, ContactPerson)
    return _evolved(person, parsed, now=now, actor=actor, event=ContactPersonChanged)


def _only(changes: Mapping[str, object], editable: tuple[str, ...]) -> None:
    unknown = sorted(set(changes).difference(editable))
    raise_violations(
        Violation(field=name, message="cannot be changed here (not an editable field)")
        for name in unknown
    )


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
    relationship = Relationship(
        id=relationship_id or RelationshipId(new_id()),
        kind=_enum(RelationshipKind, kind, "kind"),
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
    event = RelationshipUnlinked(entity_id=relationship.id, occurred_at=now, actor=actor)
    return Outcome(entity=relationship, events=(event,))
