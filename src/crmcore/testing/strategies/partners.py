"""Strategies for the partners area: tax ids, legal data, partners, contact persons, links.

INNs and OGRNs are computed with their check digits, and legal data fits the partner's kind.
"""

from __future__ import annotations

from datetime import date
from operator import mul
from typing import Any, Final

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from crmcore.customfields import CustomFieldRegistry, CustomValue
from crmcore.ids import ContactPersonId, EntityRef, PartnerId, RelationshipId, UserId
from crmcore.partners.kinds import PartnerKind, PartnerRole, RelationshipKind
from crmcore.partners.model import ContactPerson, LegalData, Partner, Relationship
from crmcore.testing.strategies._common import (
    _IDS,
    _PERSON_NAMES,
    _TIMESTAMPS,
    _UPPER,
    _VERSIONS,
    _WORD,
    Choices,
    _digits,
    _free_text,
    _optional,
    _strategy,
)
from crmcore.testing.strategies.contacts import addresses, bank_accounts, emails, phones
from crmcore.testing.strategies.kernel import custom_values

__all__ = [
    "contact_persons",
    "inns",
    "kpps",
    "legal_data",
    "ogrns",
    "partners",
    "relationships",
]

_COMPANY_FORMS: Final = ("ООО «{}»", "АО «{}»", "ПАО «{}»", "{} GmbH", "{} Ltd", "{} LLC")

_INN_WEIGHTS: Final = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)


def _with_inn_check(digits: list[int]) -> list[int]:
    """``digits`` followed by the INN check digit over them."""
    weights = _INN_WEIGHTS[-len(digits) :]
    return [*digits, sum(map(mul, digits, weights)) % 11 % 10]


def _inn(body: str) -> str:
    """The INN that starts with ``body``: 9 digits get one check digit, 10 digits two."""
    digits = _with_inn_check([int(c) for c in body])
    if len(body) == 10:
        digits = _with_inn_check(digits)
    return "".join(map(str, digits))


def _ogrn(body: str) -> str:
    """The OGRN (12 digits of ``body``) or OGRNIP (14) with its check digit."""
    return body + str(int(body) % (11 if len(body) == 12 else 13) % 10)


def inns(*, kind: PartnerKind | None = None) -> st.SearchStrategy[str]:
    """INNs with valid check digits: 10 digits for a legal entity, 12 for a person, either
    one when ``kind`` is ``None``."""
    lengths = {PartnerKind.LEGAL_ENTITY: (9,), None: (9, 10)}.get(kind, (10,))
    region = st.integers(min_value=1, max_value=99).map("{:02d}".format)
    rest = st.sampled_from(lengths).flatmap(lambda size: _digits(size - 2))
    return st.builds("{}{}".format, region, rest).map(_inn)


def ogrns(*, kind: PartnerKind | None = None) -> st.SearchStrategy[str]:
    """OGRNs (13 digits, legal entities) and OGRNIPs (15 digits, sole proprietors) with
    valid check digits; either one when ``kind`` is ``None``. Individuals have none."""
    if kind is PartnerKind.INDIVIDUAL:
        raise InvalidArgument("individuals have no OGRN or OGRNIP")
    ogrn = st.builds("{}{}".format, st.sampled_from("15"), _digits(11))
    ogrnip = _digits(13).map("3{}".format)
    if kind is None:
        return (ogrn | ogrnip).map(_ogrn)
    return (ogrn if kind is PartnerKind.LEGAL_ENTITY else ogrnip).map(_ogrn)


def kpps() -> st.SearchStrategy[str]:
    """KPPs: a 4-digit tax office, a 2-character reason and a 3-digit number."""
    reasons = _digits(2) | st.text(_UPPER, min_size=2, max_size=2)
    return st.builds("{}{}{}".format, _digits(4), reasons, _digits(3))


def _russian_legal_data(kind: PartnerKind) -> st.SearchStrategy[LegalData]:
    organization = kind is PartnerKind.LEGAL_ENTITY
    registered = kind is not PartnerKind.INDIVIDUAL
    return st.builds(
        LegalData,
        country=st.just("RU"),
        tax_id=_optional(inns(kind=kind)),
        kpp=_optional(kpps()) if organization else st.none(),
        registration_number=_optional(ogrns(kind=kind)) if registered else st.none(),
    )


_RUSSIAN_LEGAL_DATA: Final = {kind: _russian_legal_data(kind) for kind in PartnerKind}
_GENERIC_CODES: Final = _optional(st.from_regex(r"[A-Z0-9]{5,15}", fullmatch=True))


@st.composite
def _legal_data(
    draw: st.DrawFn, kinds: st.SearchStrategy[PartnerKind], countries: st.SearchStrategy[str]
) -> LegalData:
    country = draw(countries)
    if country == "RU":
        return draw(_RUSSIAN_LEGAL_DATA[draw(kinds)])
    return LegalData(
        country=country, tax_id=draw(_GENERIC_CODES), registration_number=draw(_GENERIC_CODES)
    )


def legal_data(
    *, kind: PartnerKind | None = None, countries: Choices[str] = ("RU", "RU", "RU", "DE", "KZ")
) -> st.SearchStrategy[LegalData]:
    """Legal data consistent with ``kind`` (or with some kind, when ``None``): Russian codes
    with check digits, or generic codes for other countries."""
    kinds = st.sampled_from(PartnerKind) if kind is None else st.just(kind)
    return _legal_data(kinds, _strategy(countries))


# Short names as partners of each kind are called: a company, "ИП ..." or a person.
_PARTNER_NAMES: Final = {
    PartnerKind.LEGAL_ENTITY: st.builds(str.format, st.sampled_from(_COMPANY_FORMS), _WORD)
    | _free_text(max_size=40),
    PartnerKind.SOLE_PROPRIETOR: _PERSON_NAMES.map("ИП {}".format),
    PartnerKind.INDIVIDUAL: _PERSON_NAMES,
}
_LEGAL_DATA_BY_KIND: Final = {kind: _optional(legal_data(kind=kind)) for kind in PartnerKind}
_TIME_ZONES: Final = _optional(
    st.sampled_from(("Europe/Moscow", "Asia/Vladivostok", "Asia/Almaty", "Europe/Berlin"))
)
_REGIONS: Final = _optional(st.sampled_from(("Москва", "Приморский край", "Bayern")))
_NOTES: Final = _optional(_free_text(max_size=200, multiline=True))
_PHONE_LISTS: Final = st.lists(phones(), max_size=3, unique_by=lambda p: p.number).map(tuple)
_EMAIL_LISTS: Final = st.lists(emails(), max_size=2, unique_by=lambda e: e.key).map(tuple)
_CONTACTS: Final[dict[str, st.SearchStrategy[Any]]] = {
    "phones": _PHONE_LISTS,
    "emails": _EMAIL_LISTS,
    "region": _REGIONS,
    "time_zone": _TIME_ZONES,
    "notes": _NOTES,
    "created_at": _TIMESTAMPS,
    "version": _VERSIONS,
}
_PARTNER_DETAILS: Final[dict[str, st.SearchStrategy[Any]]] = {
    **_CONTACTS,
    "full_name": _optional(_free_text(max_size=100)),
    "addresses": st.lists(addresses(), max_size=2).map(tuple),
    "bank_accounts": st.lists(
        bank_accounts(), max_size=2, unique_by=lambda b: b.account_number
    ).map(tuple),
    "responsible_manager": _optional(_IDS.map(UserId)),
    "segment": _optional(st.sampled_from(("A", "B", "VIP", "Опт", "Розница"))),
}


@st.composite
def _partners(
    draw: st.DrawFn,
    ids: st.SearchStrategy[str],
    kinds: st.SearchStrategy[PartnerKind],
    roles: st.SearchStrategy[frozenset[PartnerRole]],
    custom: st.SearchStrategy[dict[str, CustomValue]],
) -> Partner:
    kind = draw(kinds)
    return Partner(
        id=PartnerId(draw(ids)),
        kind=kind,
        roles=draw(roles),
        short_name=draw(_PARTNER_NAMES[kind]),
        legal=draw(_LEGAL_DATA_BY_KIND[kind]),
        custom=draw(custom),
        **{name: draw(strategy) for name, strategy in _PARTNER_DETAILS.items()},
    )


def partners(
    *,
    ids: Choices[str] = _IDS,
    kinds: Choices[PartnerKind] = tuple(PartnerKind),
    roles: Choices[PartnerRole] = tuple(PartnerRole),
    registry: CustomFieldRegistry | None = None,
) -> st.SearchStrategy[Partner]:
    """Partners of ``kinds`` with one to three ``roles``, Cyrillic or Latin names, legal data
    that fits the kind, contact data, and custom values (valid for ``registry`` if given)."""
    return _partners(
        _strategy(ids),
        _strategy(kinds),
        st.frozensets(_strategy(roles), min_size=1, max_size=3),
        custom_values(registry=registry, entity_type="partner"),
    )


_POSITIONS: Final = _optional(st.sampled_from(("Директор", "Бухгалтер", "Buyer", "CEO")))


def contact_persons(
    *,
    ids: Choices[str] = _IDS,
    partner_ids: Choices[str] = _IDS,
    registry: CustomFieldRegistry | None = None,
) -> st.SearchStrategy[ContactPerson]:
    """Contact persons of the partners ``partner_ids`` (pass existing ids to link them)."""
    return st.builds(
        ContactPerson,
        id=_strategy(ids).map(ContactPersonId),
        partner_id=_strategy(partner_ids).map(PartnerId),
        name=_PERSON_NAMES,
        position=_POSITIONS,
        custom=custom_values(registry=registry, entity_type="contact_person"),
        **_CONTACTS,
    )


_SINCE: Final = _optional(st.dates(date(1990, 1, 1), date(2100, 1, 1)))
_LINK_NOTES: Final = _optional(_free_text(max_size=100, multiline=True))


@st.composite
def _relationships(
    draw: st.DrawFn,
    ids: st.SearchStrategy[str],
    kinds: st.SearchStrategy[RelationshipKind],
    ends: dict[str, st.SearchStrategy[list[str]]],
) -> Relationship:
    kind = draw(kinds)
    source, target = draw(ends[kind.between])
    return Relationship(
        id=RelationshipId(draw(ids)),
        kind=kind,
        source=EntityRef(entity_type=kind.between, entity_id=source),
        target=EntityRef(entity_type=kind.between, entity_id=target),
        since=draw(_SINCE),
        note=draw(_LINK_NOTES),
        created_at=draw(_TIMESTAMPS),
    )


def relationships(
    *,
    ids: Choices[str] = _IDS,
    kinds: Choices[RelationshipKind] = tuple(RelationshipKind),
    partner_ids: Choices[str] = _IDS,
    contact_person_ids: Choices[str] = _IDS,
) -> st.SearchStrategy[Relationship]:
    """Links of ``kinds`` between two different partners of ``partner_ids`` or two different
    contact persons of ``contact_person_ids``, as the kind requires."""
    ends = {
        entity_type: st.lists(_strategy(end_ids), min_size=2, max_size=2, unique=True)
        for entity_type, end_ids in (
            ("partner", partner_ids),
            ("contact_person", contact_person_ids),
        )
    }
    return _relationships(_strategy(ids), _strategy(kinds), ends)
