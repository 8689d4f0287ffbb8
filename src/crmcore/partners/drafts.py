"""Drafts of partners and contact persons: what a person typed, and how it is read.

A draft holds raw input (phones and emails as text, kinds and roles as strings or enums).
:func:`parse_fields` turns raw field values into model values and reports every problem at
once, in the order of the form's fields; the services build entities from the result.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from functools import partial
from typing import Any, Final, TypeVar

import attrs

from crmcore.customfields import CustomFieldRegistry
from crmcore.errors import DomainValidationError, Violation
from crmcore.ids import UserId
from crmcore.partners.contact_data import Address, BankAccount, Email, Phone
from crmcore.partners.kinds import PartnerKind, PartnerRole
from crmcore.partners.model import LegalData
from crmcore.partners.taxids import TaxIdScheme
from crmcore.validation import (
    enum_member,
    field_violations,
    payload_violations,
    raise_violations,
    read_collection,
)

__all__ = ["ContactPersonDraft", "PartnerDraft"]

T = TypeVar("T")
E = TypeVar("E", bound=enum.Enum)

# In the models' field order, so that problems are reported in the order of the form.
PARTNER_EDITABLE: Final = (
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
CONTACT_EDITABLE: Final = (
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
class Context:
    """What the parsers of raw input need besides the value."""

    entity_type: str
    default_region: str
    custom_fields: CustomFieldRegistry | None
    tax_ids: Mapping[str, TaxIdScheme] | None


class Collector:
    """Runs parsers and keeps every violation they raise, each under its field's path."""

    def __init__(self) -> None:
        self.violations: list[Violation] = []

    def attempt(self, field: str, parse: Callable[[], T]) -> T | None:
        try:
            return parse()
        except DomainValidationError as error:
            self.violations.extend(error.under(field).violations)
            return None


def enum_value(cls: type[E], value: object, field: str) -> E:
    """``value`` as a member of ``cls``, else ``DomainValidationError`` naming ``field``."""
    found: list[Violation] = []
    member = enum_member(cls, field, value, found)
    if member is None:
        raise DomainValidationError(found)
    return member


def _parse_roles(value: object) -> frozenset[PartnerRole]:
    if not isinstance(value, list | tuple | set | frozenset):
        raise DomainValidationError.single("", "must be a collection of roles", value=value)
    collector = Collector()
    roles = [
        collector.attempt(f"[{i}]", partial(enum_value, PartnerRole, role, ""))
        for i, role in enumerate(value)
    ]
    raise_violations(collector.violations)
    return frozenset(r for r in roles if r is not None)


def _parse_each(value: object, parse: Callable[[Any], T]) -> tuple[T, ...]:
    found: list[Violation] = []
    value = read_collection("", value, found)
    raise_violations(found)
    assert value is not None
    collector = Collector()
    items = [collector.attempt(f"[{i}]", partial(parse, item)) for i, item in enumerate(value)]
    raise_violations(collector.violations)
    return tuple(item for item in items if item is not None)


def _phone(context: Context) -> Callable[[object], Phone]:
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


def _custom(context: Context, value: object) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise DomainValidationError.single("", "must be a mapping", value=value)
    if context.custom_fields is None:
        return dict(value)
    return context.custom_fields.validate(context.entity_type, value, prefix="")


def _legal(context: Context, kind: object, value: object) -> LegalData | None:
    if value is None:
        return None
    if not isinstance(value, LegalData):
        raise DomainValidationError.single("", "must be LegalData", value=value)
    known_kind = kind if isinstance(kind, PartnerKind) else None
    raise_violations(value.problems(kind=known_kind, schemes=context.tax_ids))
    return value


def parse_fields(
    fields: Mapping[str, object],
    context: Context,
    model: type,
    *,
    found: Iterable[Violation] = (),
) -> dict[str, object]:
    """Raw field values turned into ``model``'s values; every problem is collected and raised
    together with those ``found`` before, those of fields without a parser by the model's own
    checks. A value beyond the kernel's input limits is reported and not looked at further."""
    collector = Collector()
    collector.violations.extend(found)
    parsers: dict[str, Callable[[object], object]] = {
        "kind": lambda v: enum_value(PartnerKind, v, ""),
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
        too_big = payload_violations(value, name)
        if too_big:
            collector.violations.extend(too_big)
        elif parse is None:
            collector.violations.extend(field_violations(model, name, value))
            parsed[name] = value
        else:
            parsed[name] = collector.attempt(name, partial(parse, value))
    if "legal" in fields:
        kind = parsed.get("kind")
        parsed["legal"] = collector.attempt("legal", lambda: _legal(context, kind, fields["legal"]))
    raise_violations(in_form_order(collector.violations, model))
    return parsed


def in_form_order(violations: Iterable[Violation], model: type) -> list[Violation]:
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


def context_for(
    entity_type: str,
    default_region: str,
    custom_fields: CustomFieldRegistry | None,
    tax_ids: Mapping[str, TaxIdScheme] | None,
) -> Context:
    return Context(
        entity_type=entity_type,
        default_region=default_region,
        custom_fields=custom_fields,
        tax_ids=tax_ids,
    )
