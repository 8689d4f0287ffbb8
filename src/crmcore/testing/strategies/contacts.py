"""Strategies for the contact data of partners: phones, emails, addresses, bank accounts.

Phone numbers come from the phone metadata of their region, and bank accounts carry the
control key or IBAN check digits that make them valid.
"""

from __future__ import annotations

import functools
from operator import mul
from typing import Final

import phonenumbers
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from crmcore.partners.contact_data import Address, BankAccount, Email, Phone
from crmcore.partners.kinds import AddressKind, EmailKind, PhoneKind
from crmcore.testing.strategies._common import (
    _CYRILLIC,
    _LATIN,
    _UPPER,
    _WORD,
    Choices,
    _digits,
    _optional,
    _strategy,
)

__all__ = [
    "addresses",
    "bank_accounts",
    "emails",
    "phones",
]

_PHONE_REGIONS: Final = ("RU", "KZ", "BY", "DE", "US", "GB", "FR", "CN")


@functools.cache
def _example_numbers(region: str) -> tuple[phonenumbers.PhoneNumber, ...]:
    """The fixed-line and mobile example numbers of ``region`` from the phone metadata."""
    types = (phonenumbers.PhoneNumberType.FIXED_LINE, phonenumbers.PhoneNumberType.MOBILE)
    found = (phonenumbers.example_number_for_type(region, t) for t in types)
    examples = tuple(number for number in found if number is not None)
    if not examples:
        raise InvalidArgument(f"the phone metadata has no example numbers for {region!r}")
    return examples


def _varied(region: str, example: phonenumbers.PhoneNumber, tail: int) -> str:
    """``example`` with its last four digits replaced by ``tail`` in E.164 form, or the example
    itself where that is not a valid number of ``region``."""
    national = example.national_number or 0
    candidate = phonenumbers.PhoneNumber(
        country_code=example.country_code, national_number=national - national % 10_000 + tail
    )
    chosen = candidate if phonenumbers.is_valid_number_for_region(candidate, region) else example
    return phonenumbers.format_number(chosen, phonenumbers.PhoneNumberFormat.E164)


@functools.cache
def _phone_numbers(region: str) -> st.SearchStrategy[str]:
    examples = st.sampled_from(_example_numbers(region))
    return st.builds(functools.partial(_varied, region), examples, st.integers(0, 9999))


_EXTENSIONS: Final = _optional(_digits(3))


def phones(
    *,
    regions: Choices[str] = _PHONE_REGIONS,
    kinds: Choices[PhoneKind] = tuple(PhoneKind),
    extensions: st.SearchStrategy[str | None] = _EXTENSIONS,
) -> st.SearchStrategy[Phone]:
    """Valid fixed-line and mobile numbers of ``regions`` in E.164 form."""
    numbers = _strategy(regions).flatmap(_phone_numbers)
    return st.builds(Phone, number=numbers, kind=_strategy(kinds), extension=extensions)


_EMAIL_DOMAINS: Final = st.from_regex(
    r"([a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?\.){1,2}[a-z]{2,6}", fullmatch=True
) | st.text(st.sampled_from(_CYRILLIC), min_size=1, max_size=12).map("{}.рф".format)
_EMAIL_LOCAL_PARTS: Final = st.from_regex(
    r"[A-Za-z0-9]{1,12}([._+-][A-Za-z0-9]{1,8}){0,2}", fullmatch=True
) | st.text(st.sampled_from(_CYRILLIC + _LATIN), min_size=1, max_size=12)


def emails(*, kinds: Choices[EmailKind] = tuple(EmailKind)) -> st.SearchStrategy[Email]:
    """Addresses with Latin or Cyrillic parts, dots, plus tags and a lower-case domain."""
    address = st.builds("{}@{}".format, _EMAIL_LOCAL_PARTS, _EMAIL_DOMAINS)
    return st.builds(Email, address=address, kind=_strategy(kinds))


# Cities with a street each, and the digits of the country's postcodes.
_CITIES: Final = {
    "RU": ((("Москва", "ул. Тверская"), ("Владивосток", "ул. Светланская")), 6),
    "KZ": ((("Алматы", "пр. Абая"), ("Астана", "ул. Кенесары")), 6),
    "DE": ((("Berlin", "Unter den Linden"), ("München", "Leopoldstraße")), 5),
    "US": ((("New York", "5th Avenue"), ("Chicago", "Michigan Avenue")), 5),
}


@st.composite
def _addresses(
    draw: st.DrawFn, countries: st.SearchStrategy[str], kinds: st.SearchStrategy[AddressKind]
) -> Address:
    country = draw(countries)
    streets, postcode_digits = _CITIES[country]
    city, street = draw(st.sampled_from(streets))
    postcode = str(draw(st.integers(10 ** (postcode_digits - 1), 10**postcode_digits - 1)))
    house = draw(st.integers(min_value=1, max_value=300))
    parts = draw(st.sampled_from(((), ("country",), ("country", "city", "postcode"))))
    known = {"country": country, "city": city, "postcode": postcode}
    return Address(
        text=f"{postcode}, {city}, {street}, {house}",
        kind=draw(kinds),
        **{name: known[name] for name in parts},
    )


def addresses(
    *, countries: Choices[str] = tuple(_CITIES), kinds: Choices[AddressKind] = tuple(AddressKind)
) -> st.SearchStrategy[Address]:
    """Postal addresses of ``countries`` (those of ``_CITIES``), written as people write them."""
    return _addresses(_strategy(countries), _strategy(kinds))


def _russian_control_key(prefix: str, account: str) -> str:
    """The 9th digit of a 20-digit Russian account that makes it match the 3-digit ``prefix``
    taken from the BIC (weights 7, 1, 3 over the 23 digits must sum to a multiple of 10)."""
    digits = [int(c) for c in prefix + account[:8] + "0" + account[9:]]
    return str(sum(map(mul, digits, (7, 1, 3) * 8)) * 3 % 10)


def _keyed(prefix: str, account: str) -> str:
    return account[:8] + _russian_control_key(prefix, account) + account[9:]


# Balance accounts (legal entity, sole proprietor, individual), currency codes in accounts.
_BALANCE_ACCOUNTS: Final = ("40702", "40802", "40817")
_ACCOUNT_CURRENCIES: Final = {"RUB": "810", "USD": "840", "EUR": "978", "CNY": "156"}
_BANKS: Final = ("ПАО Сбербанк", "АО «Альфа-Банк»", "Банк ВТБ (ПАО)", "АО «Т-Банк»")


@st.composite
def _russian_bank_accounts(draw: st.DrawFn) -> BankAccount:
    bic = "04" + draw(_digits(7))
    currency = draw(st.sampled_from(tuple(_ACCOUNT_CURRENCIES)))
    balance = draw(st.sampled_from(_BALANCE_ACCOUNTS))
    account = balance + _ACCOUNT_CURRENCIES[currency] + "0" + draw(_digits(11))
    correspondent = _keyed("0" + bic[4:6], "301018100" + "0" * 8 + bic[-3:])
    return BankAccount(
        account_number=_keyed(bic[-3:], account),
        bank_name=draw(st.sampled_from(_BANKS)),
        bic=bic,
        correspondent_account=correspondent if draw(st.booleans()) else None,
        currency=currency,
    )


# Basic bank account numbers (BBAN) of some IBAN countries, and their currencies.
_BBANS: Final = {
    "DE": (st.from_regex(r"[0-9]{18}", fullmatch=True), "EUR"),
    "FR": (st.from_regex(r"[0-9]{10}[A-Z0-9]{11}[0-9]{2}", fullmatch=True), "EUR"),
    "GB": (st.from_regex(r"[A-Z]{4}[0-9]{14}", fullmatch=True), "GBP"),
    "KZ": (st.from_regex(r"[0-9]{3}[A-Z0-9]{13}", fullmatch=True), "KZT"),
    "CH": (st.from_regex(r"[0-9]{5}[A-Z0-9]{12}", fullmatch=True), "CHF"),
}
_SWIFT_BRANCHES: Final = st.sampled_from(("", "XXX", "001"))


def _iban(country: str, bban: str) -> str:
    """The IBAN of ``bban``: check digits that make the number modulo 97 equal 1."""
    numeric = "".join(str(int(c, 36)) for c in bban + country + "00")
    return f"{country}{98 - int(numeric) % 97:02d}{bban}"


@st.composite
def _iban_bank_accounts(draw: st.DrawFn, countries: st.SearchStrategy[str]) -> BankAccount:
    country = draw(countries)
    bbans, currency = _BBANS[country]
    iban = _iban(country, draw(bbans))
    bank = "".join(draw(st.lists(_UPPER, min_size=4, max_size=4)))
    swift = f"{bank}{country}{draw(_digits(2))}{draw(_SWIFT_BRANCHES)}"
    return BankAccount(
        account_number=iban, bank_name=draw(_WORD), iban=iban, swift=swift, currency=currency
    )


def bank_accounts(
    *, russian: bool = True, iban_countries: Choices[str] = tuple(_BBANS)
) -> st.SearchStrategy[BankAccount]:
    """Russian accounts whose control key matches the BIC (with ``russian``) and accounts
    with an IBAN of ``iban_countries`` (those of ``_BBANS``); pass ``()`` for none of them."""
    options = [_russian_bank_accounts()] if russian else []
    if isinstance(iban_countries, st.SearchStrategy) or iban_countries:
        options.append(_iban_bank_accounts(_strategy(iban_countries)))
    if not options:
        raise InvalidArgument("bank_accounts() needs Russian accounts or IBAN countries")
    return st.one_of(options)
