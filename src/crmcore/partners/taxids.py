"""Tax ids and registration codes: Russian INN, KPP, OGRN and OGRNIP with their checksums,
a generic fallback for other countries, and the protocol that plugins for other countries
implement (entry point group ``crmcore.tax_ids``, one scheme per ISO 3166 country code).

>>> [v.message for v in RUSSIA.problems(kind=None, tax_id="7707083893", kpp=None,
...                                        registration_number="1027700132195")]
[]
>>> [str(v) for v in RUSSIA.problems(kind=None, tax_id="7707083894", kpp=None,
...                                     registration_number=None)]
["tax_id: is not a valid INN: wrong check digit (got '7707083894')"]
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Final, Protocol

import attrs

from crmcore.errors import Violation
from crmcore.partners.kinds import PartnerKind

__all__ = [
    "BUILTIN_SCHEMES",
    "GENERIC",
    "RUSSIA",
    "GenericTaxIds",
    "RussianTaxIds",
    "TaxIdScheme",
    "normalize_code",
    "scheme_for",
]

_SEPARATORS: Final = re.compile(r"[\s.\-/]+")
_GENERIC: Final = re.compile(r"\A[A-Z0-9]{1,32}\Z")
_KPP: Final = re.compile(r"\A[0-9]{4}[0-9A-Z]{2}[0-9]{3}\Z")
_INN10_WEIGHTS: Final = (2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN11_WEIGHTS: Final = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN12_WEIGHTS: Final = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)


def normalize_code(value: str) -> str:
    """A code without spaces, dots, slashes and hyphens, in upper case: ``"77 07-083893"`` ->
    ``"7707083893"``. Other values pass unchanged so that checks can name them."""
    if not isinstance(value, str):
        return value
    return _SEPARATORS.sub("", value).upper()


class TaxIdScheme(Protocol):
    """Validation of one country's tax id and registration codes.

    ``problems`` yields a :class:`~crmcore.errors.Violation` per wrong code, with ``field`` one
    of ``tax_id``, ``kpp``, ``registration_number``. ``kind`` is ``None`` when the partner's
    kind is not known yet (then any length valid for some kind passes).
    """

    @property
    def country(self) -> str:
        """The ISO 3166-1 alpha-2 code of the country."""
        ...

    def problems(
        self,
        *,
        kind: PartnerKind | None,
        tax_id: str | None,
        kpp: str | None,
        registration_number: str | None,
    ) -> Iterator[Violation]:
        """Everything wrong with these codes."""
        ...


def _weighted_check(digits: Sequence[int], weights: Sequence[int]) -> int:
    return sum(d * w for d, w in zip(digits, weights, strict=False)) % 11 % 10


def inn_is_valid(inn: str) -> bool:
    """Whether ``inn`` is a 10-digit (organization) or 12-digit (person) INN with right checks.

    >>> inn_is_valid("7707083893"), inn_is_valid("500100732259"), inn_is_valid("500100732258")
    (True, True, False)
    """
    if not inn.isascii() or not inn.isdigit() or len(inn) not in {10, 12}:
        return False
    digits = [int(c) for c in inn]
    if len(inn) == 10:
        return _weighted_check(digits, _INN10_WEIGHTS) == digits[9]
    return (
        _weighted_check(digits, _INN11_WEIGHTS) == digits[10]
        and _weighted_check(digits, _INN12_WEIGHTS) == digits[11]
    )


def ogrn_is_valid(code: str) -> bool:
    """Whether ``code`` is a 13-digit OGRN or a 15-digit OGRNIP with the right check digit.

    >>> ogrn_is_valid("1027700132195"), ogrn_is_valid("304500116000157")
    (True, True)
    """
    if not code.isascii() or not code.isdigit() or len(code) not in {13, 15}:
        return False
    modulus = 11 if len(code) == 13 else 13
    return int(code[:-1]) % modulus % 10 == int(code[-1])


_INN_LENGTHS: Final[dict[PartnerKind | None, frozenset[int]]] = {
    None: frozenset({10, 12}),
    PartnerKind.LEGAL_ENTITY: frozenset({10}),
    PartnerKind.SOLE_PROPRIETOR: frozenset({12}),
    PartnerKind.INDIVIDUAL: frozenset({12}),
}
_OGRN_LENGTHS: Final[dict[PartnerKind | None, frozenset[int]]] = {
    None: frozenset({13, 15}),
    PartnerKind.LEGAL_ENTITY: frozenset({13}),
    PartnerKind.SOLE_PROPRIETOR: frozenset({15}),
    PartnerKind.INDIVIDUAL: frozenset(),
}


@attrs.frozen
class RussianTaxIds:
    """Russia: INN (10 digits for organizations, 12 for persons), KPP (organizations only),
    OGRN (13 digits, organizations) and OGRNIP (15 digits, sole proprietors)."""

    country: str = "RU"

    def problems(
        self,
        *,
        kind: PartnerKind | None,
        tax_id: str | None,
        kpp: str | None,
        registration_number: str | None,
    ) -> Iterator[Violation]:
        """Everything wrong with these codes for a partner of ``kind``."""
        if tax_id is not None:
            yield from _inn_problems(kind, tax_id)
        if kpp is not None:
            yield from _kpp_problems(kind, kpp)
        if registration_number is not None:
            yield from _ogrn_problems(kind, registration_number)


def _inn_problems(kind: PartnerKind | None, inn: str) -> Iterator[Violation]:
    lengths = _INN_LENGTHS[kind]
    if not inn.isascii() or not inn.isdigit() or len(inn) not in lengths:
        expected = " or ".join(str(n) for n in sorted(lengths))
        yield Violation(field="tax_id", message=f"an INN here has {expected} digits", value=inn)
    elif not inn_is_valid(inn):
        yield Violation(field="tax_id", message="is not a valid INN: wrong check digit", value=inn)


def _kpp_problems(kind: PartnerKind | None, kpp: str) -> Iterator[Violation]:
    if kind not in {None, PartnerKind.LEGAL_ENTITY}:
        yield Violation(field="kpp", message="only organizations have a KPP", value=kpp)
    elif not _KPP.match(kpp):
        yield Violation(field="kpp", message="a KPP is 9 characters: NNNNXXNNN", value=kpp)


def _ogrn_problems(kind: PartnerKind | None, code: str) -> Iterator[Violation]:
    lengths = _OGRN_LENGTHS[kind]
    if not lengths:
        yield Violation(
            field="registration_number",
            message="individuals have no OGRN or OGRNIP",
            value=code,
        )
    elif not code.isascii() or not code.isdigit() or len(code) not in lengths:
        expected = " or ".join(str(n) for n in sorted(lengths))
        yield Violation(
            field="registration_number",
            message=f"an OGRN/OGRNIP here has {expected} digits",
            value=code,
        )
    elif not ogrn_is_valid(code):
        yield Violation(
            field="registration_number",
            message="is not a valid OGRN/OGRNIP: wrong check digit",
            value=code,
        )


@attrs.frozen
class GenericTaxIds:
    """Any country without a scheme of its own: codes of 1-32 letters and digits, no KPP."""

    country: str = "*"

    def problems(
        self,
        *,
        kind: PartnerKind | None,
        tax_id: str | None,
        kpp: str | None,
        registration_number: str | None,
    ) -> Iterator[Violation]:
        """Codes that are not 1-32 letters and digits; any KPP (a Russian code)."""
        for field, value in (("tax_id", tax_id), ("registration_number", registration_number)):
            if value is not None and not _GENERIC.match(value):
                message = "must be 1-32 letters and digits"
                yield Violation(field=field, message=message, value=value)
        if kpp is not None:
            yield Violation(field="kpp", message="a KPP exists only for Russia", value=kpp)


RUSSIA: Final = RussianTaxIds()
GENERIC: Final = GenericTaxIds()
BUILTIN_SCHEMES: Final[Mapping[str, TaxIdScheme]] = {"RU": RUSSIA}


def scheme_for(country: str, schemes: Mapping[str, TaxIdScheme] | None = None) -> TaxIdScheme:
    """The scheme of ``country`` from ``schemes`` (e.g. loaded plugins), else the built-in one,
    else :data:`GENERIC`."""
    if schemes is not None and country in schemes:
        return schemes[country]
    return BUILTIN_SCHEMES.get(country, GENERIC)
