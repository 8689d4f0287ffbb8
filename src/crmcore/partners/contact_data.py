"""Contact information value objects: phones (E.164), emails, addresses and bank accounts.

Each has a ``parse`` that takes what a person typed and returns the normalized value, or
raises :class:`~crmcore.errors.DomainValidationError` naming the field:

>>> Phone.parse("8 (495) 123-45-67").number
'+74951234567'
>>> Email.parse(" Ivan.Petrov@Mail.RU ").address
'Ivan.Petrov@mail.ru'
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Final

import attrs
import phonenumbers

from crmcore.errors import DomainValidationError, Violation
from crmcore.money import currency_code
from crmcore.partners.kinds import AddressKind, EmailKind, PhoneKind
from crmcore.validation import (
    Check,
    Model,
    bounded_text,
    checks,
    clean_optional_text,
    clean_text,
    instance_of,
    invariant,
    optional,
)

__all__ = ["Address", "BankAccount", "Email", "Phone", "country_code"]

_E164: Final = re.compile(r"\A\+[1-9][0-9]{6,14}\Z")
_EXTENSION: Final = re.compile(r"\A[0-9]{1,10}\Z")
_LOCAL_PART: Final = re.compile(r"\A[\w!#$%&'*+/=?^`{|}~-]+(\.[\w!#$%&'*+/=?^`{|}~-]+)*\Z")
_DOMAIN_LABEL: Final = re.compile(r"\A(?!-)[^\W_](?:[\w-]{0,61}[^\W_])?\Z")
_COUNTRY: Final = re.compile(r"\A[A-Z]{2}\Z")
_DIGITS: Final = re.compile(r"\A[0-9]+\Z")
_IBAN: Final = re.compile(r"\A[A-Z]{2}[0-9]{2}[A-Z0-9]{10,30}\Z")
_SWIFT: Final = re.compile(r"\A[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?\Z")
_MAX_RAW_PHONE = 64


def country_code(field: str, value: object) -> Iterator[Violation]:
    """An ISO 3166-1 alpha-2 country code in upper case."""
    if not isinstance(value, str) or not _COUNTRY.match(value):
        yield Violation(field=field, message="must be an ISO 3166 code like 'RU'", value=value)


def _e164(field: str, value: object) -> Iterator[Violation]:
    if not isinstance(value, str) or not _E164.match(value):
        yield Violation(field=field, message="must be an E.164 number like '+74951234567'",
                        value=value)  # fmt: skip
        return
    try:
        valid = phonenumbers.is_valid_number(phonenumbers.parse(value))
    except phonenumbers.NumberParseException:
        valid = False
    if not valid:
        yield Violation(field=field, message="is not a valid phone number", value=value)


def _extension(field: str, value: object) -> Iterator[Violation]:
    if not isinstance(value, str) or not _EXTENSION.match(value):
        yield Violation(field=field, message="must be 1-10 digits", value=value)


@attrs.frozen(kw_only=True)
class Phone(Model):
    """A phone number stored in E.164 form, with what it is for and an optional extension."""

    number: str = attrs.field(metadata=checks(_e164))
    kind: PhoneKind = attrs.field(default=PhoneKind.WORK, metadata=checks(instance_of(PhoneKind)))
    extension: str | None = attrs.field(
        default=None, converter=clean_optional_text, metadata=checks(optional(_extension))
    )

    @classmethod
    def parse(
        cls,
        raw: str,
        *,
        default_region: str = "RU",
        kind: PhoneKind = PhoneKind.WORK,
        field: str = "phone",
    ) -> Phone:
        """A phone from what a person typed; ``default_region`` applies to numbers without
        a country code (``"8 495 ..."`` in Russia). Raises ``DomainValidationError``."""
        if not isinstance(raw, str) or not raw.strip() or len(raw) > _MAX_RAW_PHONE:
            raise DomainValidationError.single(field, "must be a phone number", value=raw)
        try:
            parsed = phonenumbers.parse(raw, default_region)
        except phonenumbers.NumberParseException:
            raise DomainValidationError.single(
                field, "cannot be read as a phone number", value=raw
            ) from None
        if not phonenumbers.is_valid_number(parsed):
            raise DomainValidationError.single(field, "is not a valid phone number", value=raw)
        number = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
        try:
            return cls(number=number, kind=kind, extension=parsed.extension or None)
        except DomainValidationError as error:
            moved = [attrs.evolve(v, field=field) for v in error.violations]
            raise DomainValidationError(moved) from None

    def region(self) -> str | None:
        """The ISO country code of the number (``"RU"``), if the numbering plan tells it."""
        return phonenumbers.region_code_for_number(phonenumbers.parse(self.number)) or None

    def __str__(self) -> str:
        parsed = phonenumbers.parse(self.number)
        shown = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
        return f"{shown} ext. {self.extension}" if self.extension else shown


def _email(field: str, value: object) -> Iterator[Violation]:
    if not isinstance(value, str):
        yield Violation(field=field, message="must be a string", value=value)
        return
    local, at, domain = value.rpartition("@")
    labels = domain.split(".")
    problem = None
    if not at or not local or len(value) > 254 or len(local) > 64:
        problem = "must look like name@example.com"
    elif not _LOCAL_PART.match(local):
        problem = "has characters not allowed before the @"
    elif len(labels) < 2 or not all(_DOMAIN_LABEL.match(label) for label in labels):
        problem = "has a malformed domain after the @"
    elif labels[-1].isdigit() or domain != domain.lower():
        problem = "must have a lower-case domain with a proper top-level part"
    if problem:
        yield Violation(field=field, message=problem, value=value)


@attrs.frozen(kw_only=True)
class Email(Model):
    """An email address with a lower-case domain (the part before the @ is kept as given)."""

    address: str = attrs.field(metadata=checks(_email))
    kind: EmailKind = attrs.field(default=EmailKind.WORK, metadata=checks(instance_of(EmailKind)))

    @classmethod
    def parse(cls, raw: str, *, kind: EmailKind = EmailKind.WORK, field: str = "email") -> Email:
        """An email from what a person typed: trimmed, domain in lower case, syntax checked."""
        if not isinstance(raw, str):
            raise DomainValidationError.single(field, "must be a string", value=raw)
        local, at, domain = clean_text(raw).rpartition("@")
        try:
            return cls(address=f"{local}{at}{domain.lower()}", kind=kind)
        except DomainValidationError as error:
            moved = [attrs.evolve(v, field=field) for v in error.violations]
            raise DomainValidationError(moved) from None

    @property
    def key(self) -> str:
        """The address case-folded whole: how duplicates and look-ups compare emails."""
        return self.address.casefold()

    def __str__(self) -> str:
        return self.address


@attrs.frozen(kw_only=True)
class Address(Model):
    """A postal address: the full line as written, and its parts where they are known."""

    text: str = attrs.field(converter=clean_text, metadata=checks(bounded_text(500)))
    kind: AddressKind = attrs.field(
        default=AddressKind.ACTUAL, metadata=checks(instance_of(AddressKind))
    )
    country: str | None = attrs.field(default=None, metadata=checks(optional(country_code)))
    region: str | None = attrs.field(
        default=None, converter=clean_optional_text, metadata=checks(optional(bounded_text(200)))
    )
    city: str | None = attrs.field(
        default=None, converter=clean_optional_text, metadata=checks(optional(bounded_text(200)))
    )
    postcode: str | None = attrs.field(
        default=None, converter=clean_optional_text, metadata=checks(optional(bounded_text(20)))
    )

    def __str__(self) -> str:
        return self.text


def _digits(length: int) -> Check:
    def check(field: str, value: object) -> Iterator[Violation]:
        if not isinstance(value, str) or not _DIGITS.match(value) or len(value) != length:
            yield Violation(field=field, message=f"must be {length} digits", value=value)

    return check


def _account_number(field: str, value: object) -> Iterator[Violation]:
    if not isinstance(value, str) or not re.fullmatch(r"[A-Z0-9]{5,34}", value):
        yield Violation(field=field, message="must be 5-34 letters and digits", value=value)


def _iban(field: str, value: object) -> Iterator[Violation]:
    if not isinstance(value, str) or not _IBAN.match(value):
        yield Violation(field=field, message="must be an IBAN like 'DE89370400440532013000'",
                        value=value)  # fmt: skip
        return
    rearranged = value[4:] + value[:4]
    if int("".join(str(int(c, 36)) for c in rearranged)) % 97 != 1:
        yield Violation(field=field, message="is not a valid IBAN: wrong check digits", value=value)


def _swift(field: str, value: object) -> Iterator[Violation]:
    if not isinstance(value, str) or not _SWIFT.match(value):
        yield Violation(
            field=field, message="must be a SWIFT/BIC code like 'SABRRUMM'", value=value
        )


def russian_account_is_valid(account: str, bic: str, *, correspondent: bool = False) -> bool:
    """The control key of a Russian 20-digit account against the bank's 9-digit BIC.

    >>> russian_account_is_valid("40702810900000000001", "044525225")
    False
    >>> russian_account_is_valid("30101810400000000225", "044525225", correspondent=True)
    True
    """
    prefix = "0" + bic[4:6] if correspondent else bic[-3:]
    digits = [int(c) for c in prefix + account]
    weights = (7, 1, 3) * 8
    return sum(d * w % 10 for d, w in zip(digits, weights, strict=False)) % 10 == 0


@attrs.frozen(kw_only=True)
class BankAccount(Model):
    """A bank account of a partner. Russian accounts (a BIC and a 20-digit number) are checked
    against the BIC's control key; IBANs against their check digits."""

    account_number: str = attrs.field(converter=clean_text, metadata=checks(_account_number))
    bank_name: str = attrs.field(converter=clean_text, metadata=checks(bounded_text(300)))
    bic: str | None = attrs.field(default=None, metadata=checks(optional(_digits(9))))
    correspondent_account: str | None = attrs.field(
        default=None, metadata=checks(optional(_digits(20)))
    )
    iban: str | None = attrs.field(default=None, metadata=checks(optional(_iban)))
    swift: str | None = attrs.field(default=None, metadata=checks(optional(_swift)))
    currency: str = attrs.field(default="RUB", metadata=checks(currency_code))

    @invariant("account_number", "bic", "correspondent_account")
    def _control_key(self) -> Iterator[Violation]:
        if self.bic is None:
            return
        number = self.account_number
        if (
            len(number) == 20
            and number.isdigit()
            and not russian_account_is_valid(number, self.bic)
        ):
            yield Violation(
                field="account_number",
                message="does not match the bank's BIC (wrong control key)",
                value=number,
            )
        corr = self.correspondent_account
        if corr is not None and not russian_account_is_valid(corr, self.bic, correspondent=True):
            yield Violation(
                field="correspondent_account",
                message="does not match the bank's BIC (wrong control key)",
                value=corr,
            )
