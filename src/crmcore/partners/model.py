"""Partners, their contact persons and the relationships between them.

>>> from datetime import datetime, timezone
>>> partner = Partner(
...     id=PartnerId("p-1"), kind=PartnerKind.LEGAL_ENTITY, roles=frozenset({PartnerRole.CLIENT}),
...     short_name="  Ромашка ", legal=LegalData(tax_id="7707083893"),
...     created_at=datetime(2026, 1, 1, tzinfo=timezone.utc))
>>> partner.short_name, partner.legal.tax_id
('Ромашка', '7707083893')
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date, datetime
from typing import Final

import attrs

from crmcore.customfields import CustomValue, custom_values
from crmcore.errors import Violation
from crmcore.ids import ContactPersonId, EntityRef, PartnerId, RelationshipId, UserId
from crmcore.partners.contact_data import Address, BankAccount, Email, Phone, country_code
from crmcore.partners.kinds import PartnerKind, PartnerRole, RelationshipKind
from crmcore.partners.taxids import TaxIdScheme, normalize_code, scheme_for
from crmcore.validation import (
    FrozenMap,
    Model,
    aware_datetime,
    bounded_text,
    checks,
    clean_optional_text,
    clean_text,
    each,
    freeze,
    identifier,
    instance_of,
    invariant,
    non_negative_int,
    optional,
    plain_date,
    unique,
)

__all__ = ["ContactPerson", "LegalData", "Partner", "Relationship", "time_zone"]

PARTNER: Final = "partner"
CONTACT_PERSON: Final = "contact_person"
RELATIONSHIP: Final = "relationship"


def _optional_code(value: str | None) -> str | None:
    return value if value is None else clean_optional_text(normalize_code(value))


@attrs.frozen(kw_only=True)
class LegalData(Model):
    """Legal identity of a partner in its country: tax id, KPP, state registration number.

    Codes are stored without separators (``"77 07 083893"`` becomes ``"7707083893"``) and
    checked by the built-in scheme of ``country`` (Russia: INN, KPP, OGRN/OGRNIP with
    checksums); other countries get a generic check, or a plugin's through the services.
    """

    country: str = attrs.field(default="RU", metadata=checks(country_code))
    tax_id: str | None = attrs.field(
        default=None, converter=_optional_code, metadata=checks(optional(bounded_text(32)))
    )
    kpp: str | None = attrs.field(
        default=None, converter=_optional_code, metadata=checks(optional(bounded_text(9)))
    )
    registration_number: str | None = attrs.field(
        default=None, converter=_optional_code, metadata=checks(optional(bounded_text(32)))
    )

    @invariant("country", "tax_id", "kpp", "registration_number")
    def _scheme(self) -> Iterator[Violation]:
        yield from self.problems(kind=None)

    def problems(
        self, *, kind: PartnerKind | None, schemes: Mapping[str, TaxIdScheme] | None = None
    ) -> Iterator[Violation]:
        """What the country's scheme finds wrong for a partner of ``kind``."""
        yield from scheme_for(self.country, schemes).problems(
            kind=kind,
            tax_id=self.tax_id,
            kpp=self.kpp,
            registration_number=self.registration_number,
        )


def time_zone(field: str, value: object) -> Iterator[Violation]:
    """An IANA time zone name known to this system (``"Asia/Vladivostok"``)."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError  # noqa: PLC0415 - keeps import light

    if not isinstance(value, str) or len(value) > 64 or ".." in value:
        yield Violation(field=field, message="must be an IANA time zone name", value=value)
        return
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # "Europe" is a folder, not a zone
        yield Violation(field=field, message="is not a known IANA time zone", value=value)


_PHONES = checks(each(instance_of(Phone)), unique(lambda p: p.number, what="phone"))
_EMAILS = checks(each(instance_of(Email)), unique(lambda e: e.key, what="email"))
_NAME = checks(bounded_text(200))
_OPTIONAL_NAME = checks(optional(bounded_text(500)))
_NOTES = checks(optional(bounded_text(10_000, multiline=True)))


def _roles(field: str, value: object) -> Iterator[Violation]:
    if not isinstance(value, frozenset) or not value:
        yield Violation(field=field, message="must be a non-empty frozenset of PartnerRole")
    elif not all(isinstance(role, PartnerRole) for role in value):
        yield Violation(field=field, message="must hold only PartnerRole values", value=value)


@attrs.frozen(kw_only=True)
class Partner(Model):
    """Any outside party: a client, supplier, competitor, carrier or dealer (several at once)."""

    id: PartnerId = attrs.field(metadata=checks(identifier))
    kind: PartnerKind = attrs.field(metadata=checks(instance_of(PartnerKind)))
    roles: frozenset[PartnerRole] = attrs.field(metadata=checks(_roles))
    short_name: str = attrs.field(converter=clean_text, metadata=_NAME)
    full_name: str | None = attrs.field(
        default=None, converter=clean_optional_text, metadata=_OPTIONAL_NAME
    )
    legal: LegalData | None = attrs.field(
        default=None, metadata=checks(optional(instance_of(LegalData)))
    )
    addresses: tuple[Address, ...] = attrs.field(
        default=(), metadata=checks(each(instance_of(Address)))
    )
    phones: tuple[Phone, ...] = attrs.field(default=(), metadata=_PHONES)
    emails: tuple[Email, ...] = attrs.field(default=(), metadata=_EMAILS)
    bank_accounts: tuple[BankAccount, ...] = attrs.field(
        default=(),
        metadata=checks(
            each(instance_of(BankAccount)),
            unique(lambda b: (b.bic, b.account_number), what="account"),
        ),
    )
    responsible_manager: UserId | None = attrs.field(
        default=None, metadata=checks(optional(identifier))
    )
    segment: str | None = attrs.field(
        default=None, converter=clean_optional_text, metadata=checks(optional(bounded_text(100)))
    )
    region: str | None = attrs.field(
        default=None, converter=clean_optional_text, metadata=checks(optional(bounded_text(200)))
    )
    time_zone: str | None = attrs.field(default=None, metadata=checks(optional(time_zone)))
    notes: str | None = attrs.field(default=None, converter=clean_optional_text, metadata=_NOTES)
    custom: Mapping[str, CustomValue] = attrs.field(
        factory=FrozenMap, converter=freeze, metadata=checks(custom_values)
    )
    created_at: datetime = attrs.field(metadata=checks(aware_datetime))
    version: int = attrs.field(default=1, metadata=checks(non_negative_int))

    @invariant("legal", "kind")
    def _legal_data(self) -> Iterator[Violation]:
        if self.legal is not None:
            for problem in self.legal.problems(kind=self.kind):
                yield problem.under("legal")

    @property
    def ref(self) -> EntityRef:
        """This partner as a typed reference."""
        return EntityRef(entity_type=PARTNER, entity_id=self.id)

    def has_role(self, role: PartnerRole) -> bool:
        """Whether the partner holds ``role``."""
        return role in self.roles


@attrs.frozen(kw_only=True)
class ContactPerson(Model):
    """A person working at or for a partner: name, position and how to reach them."""

    id: ContactPersonId = attrs.field(metadata=checks(identifier))
    partner_id: PartnerId = attrs.field(metadata=checks(identifier))
    name: str = attrs.field(converter=clean_text, metadata=_NAME)
    position: str | None = attrs.field(
        default=None, converter=clean_optional_text, metadata=checks(optional(bounded_text(200)))
    )
    phones: tuple[Phone, ...] = attrs.field(default=(), metadata=_PHONES)
    emails: tuple[Email, ...] = attrs.field(default=(), metadata=_EMAILS)
    region: str | None = attrs.field(
        default=None, converter=clean_optional_text, metadata=checks(optional(bounded_text(200)))
    )
    time_zone: str | None = attrs.field(default=None, metadata=checks(optional(time_zone)))
    notes: str | None = attrs.field(default=None, converter=clean_optional_text, metadata=_NOTES)
    custom: Mapping[str, CustomValue] = attrs.field(
        factory=FrozenMap, converter=freeze, metadata=checks(custom_values)
    )
    created_at: datetime = attrs.field(metadata=checks(aware_datetime))
    version: int = attrs.field(default=1, metadata=checks(non_negative_int))

    @property
    def ref(self) -> EntityRef:
        """This contact person as a typed reference."""
        return EntityRef(entity_type=CONTACT_PERSON, entity_id=self.id)


@attrs.frozen(kw_only=True)
class Relationship(Model):
    """A typed link between two partners or two contact persons ("source kind target")."""

    id: RelationshipId = attrs.field(metadata=checks(identifier))
    kind: RelationshipKind = attrs.field(metadata=checks(instance_of(RelationshipKind)))
    source: EntityRef = attrs.field(metadata=checks(instance_of(EntityRef)))
    target: EntityRef = attrs.field(metadata=checks(instance_of(EntityRef)))
    since: date | None = attrs.field(default=None, metadata=checks(optional(plain_date)))
    note: str | None = attrs.field(default=None, converter=clean_optional_text, metadata=_NOTES)
    created_at: datetime = attrs.field(metadata=checks(aware_datetime))

    @invariant("kind", "source", "target")
    def _ends(self) -> Iterator[Violation]:
        for end in ("source", "target"):
            ref: EntityRef = getattr(self, end)
            if ref.entity_type != self.kind.between:
                message = f"a {self.kind.value} link joins two of {self.kind.between}"
                yield Violation(field=f"{end}.entity_type", message=message, value=ref.entity_type)
        if self.source == self.target:
            yield Violation(field="target", message="must differ from source", value=self.target)

    def other_end(self, ref: EntityRef) -> EntityRef:
        """The end of the link that is not ``ref``."""
        return self.target if ref == self.source else self.source
