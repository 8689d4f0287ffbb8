"""The local time of a partner or contact person: call Vladivostok in its morning, not ours.

The zone comes from the explicit ``time_zone`` of the card, else from the first phone whose
numbering plan places it in one zone (landlines do: +7 423 is Vladivostok; a Russian mobile
number may be anywhere from Kaliningrad to Kamchatka, so it tells nothing). For a contact
person whose phones tell nothing, it falls back to the partner's (its ``time_zone``, then its
phones, then its ``region`` through the host's table of region names), else it is unknown.

The library's own data places every Russian number of one geographic (ABC) area code in a
zone; for some regions it is wrong, so :data:`RUSSIAN_AREA_ZONES` corrects them.

>>> from datetime import datetime, timezone
>>> from crmcore.partners.contact_data import Phone
>>> from crmcore.partners.model import ContactPerson
>>> person = ContactPerson(id="c-1", partner_id="p-1", name="Анна", created_at=datetime(
...     2026, 1, 1, tzinfo=timezone.utc), phones=(Phone.parse("+7 423 222-33-44"),))
>>> found = local_time(person, datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc))
>>> found.at.strftime("%H:%M"), found.time_zone, found.source
('19:00', 'Asia/Vladivostok', 'phone')
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime, timedelta
from functools import lru_cache
from types import MappingProxyType
from typing import Final, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import attrs
import phonenumbers
from phonenumbers import timezone as phone_zones

from crmcore.errors import DomainValidationError
from crmcore.partners.contact_data import Phone
from crmcore.partners.model import ContactPerson, Partner

__all__ = ["RUSSIAN_AREA_ZONES", "LocalTime", "local_time"]

_UNKNOWN_ZONE: Final = "Etc/Unknown"
RUSSIAN_AREA_ZONES: Final[Mapping[str, str]] = MappingProxyType({
    "401": "Europe/Kaliningrad",  # Kaliningrad Oblast, UTC+2 all year (not Europe/Bucharest)
    "845": "Europe/Saratov",  # Saratov Oblast, UTC+4 since 4 December 2016 (not Moscow)
    "842": "Europe/Ulyanovsk",  # Ulyanovsk Oblast, UTC+4
    "851": "Europe/Astrakhan",  # Astrakhan Oblast, UTC+4
    "844": "Europe/Volgograd",  # Volgograd Oblast, UTC+3 since 27 December 2020
    "365": "Europe/Simferopol",  # Republic of Crimea, UTC+3
    "869": "Europe/Simferopol",  # Sevastopol, UTC+3
    "382": "Asia/Tomsk",  # Tomsk Oblast, UTC+7
    "385": "Asia/Barnaul",  # Altai Krai, UTC+7
    "388": "Asia/Barnaul",  # Altai Republic, UTC+7
    "384": "Asia/Novokuznetsk",  # Kemerovo Oblast, UTC+7
    "302": "Asia/Chita",  # Zabaykalsky Krai, UTC+9
})  # fmt: skip
"""Russian geographic area codes (the first digits after +7) whose region the phonenumbers
data puts in the wrong IANA zone, with the region's own zone. Sources: the area codes of the
Russian numbering plan (Rossvyaz, "коды ABC") and the regions of the IANA time zone database
(``zone1970.tab`` and the ``europe`` and ``asia`` files of tzdata)."""


@attrs.frozen(kw_only=True)
class LocalTime:
    """A moment shown in a partner's or person's own zone, and where that zone came from."""

    at: datetime
    time_zone: str
    source: Literal["time_zone", "phone", "partner", "region"]


def local_time(
    subject: Partner | ContactPerson,
    now: datetime,
    *,
    partner: Partner | None = None,
    region_zones: Mapping[str, str] | None = None,
) -> LocalTime | None:
    """``now`` in the local time of ``subject``, or ``None`` when its zone is not known.

    A contact person's own zone or landline comes first; a mobile number tells nothing, so
    it falls back to ``partner`` (its zone or landline, source ``"partner"``) and then to the
    region of the person or partner looked up in ``region_zones`` (the host's region names
    to IANA zones, source ``"region"``).
    """
    if not isinstance(now, datetime) or now.tzinfo is None or now.utcoffset() is None:
        raise DomainValidationError.single("now", "must be a timezone-aware datetime", value=now)
    name = _own_zone(subject, now)
    if name is not None:
        source: Literal["time_zone", "phone"] = (
            "time_zone" if name == subject.time_zone else "phone"
        )
        return LocalTime(at=now.astimezone(ZoneInfo(name)), time_zone=name, source=source)
    name = None if partner is None else _own_zone(partner, now)
    if name is not None:
        return LocalTime(at=now.astimezone(ZoneInfo(name)), time_zone=name, source="partner")
    region = subject.region or (partner.region if partner is not None else None)
    name = (region_zones or {}).get(region or "")
    if name is not None:
        return LocalTime(at=now.astimezone(ZoneInfo(name)), time_zone=name, source="region")
    return None


def _own_zone(subject: Partner | ContactPerson, now: datetime) -> str | None:
    """The card's explicit zone, else the zone of its first phone that has one."""
    if subject.time_zone is not None:
        return subject.time_zone
    return next((z for z in (_phone_zone(p, now) for p in subject.phones) if z), None)


def _phone_zone(phone: Phone, now: datetime) -> str | None:
    """The zone of ``phone`` if every zone its number may be in has one offset at ``now``."""
    zones = list(_known_zones(phone.number))
    if not zones:
        return None
    offsets = {_offset(zone, now) for zone in zones}
    return zones[0] if len(offsets) == 1 else None


def _known_zones(number: str) -> Iterator[str]:
    for name in _zones_of_number(number):
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            continue
        yield name


@lru_cache(maxsize=4096)
def _zones_of_number(number: str) -> tuple[str, ...]:
    parsed = phonenumbers.parse(number)
    if parsed.country_code == 7:
        national = str(parsed.national_number)
        corrected = RUSSIAN_AREA_ZONES.get(national[:3])
        if corrected is not None and len(national) == 10:
            return (corrected,)
    return tuple(z for z in phone_zones.time_zones_for_number(parsed) if z != _UNKNOWN_ZONE)


def _offset(zone: str, now: datetime) -> timedelta | None:
    return now.astimezone(ZoneInfo(zone)).utcoffset()
