"""The local time of a partner or contact person: call Vladivostok in its morning, not ours.

The zone comes from the explicit ``time_zone`` of the card, else from the first phone whose
numbering plan places it in one zone (landlines do: +7 423 is Vladivostok; a Russian mobile
number may be anywhere from Kaliningrad to Kamchatka, so it tells nothing), else it is unknown.

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

from collections.abc import Iterator
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Final, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import attrs
import phonenumbers
from phonenumbers import timezone as phone_zones

from crmcore.errors import DomainValidationError
from crmcore.partners.contact_data import Phone
from crmcore.partners.model import ContactPerson, Partner

__all__ = ["LocalTime", "local_time"]

_UNKNOWN_ZONE: Final = "Etc/Unknown"


@attrs.frozen(kw_only=True)
class LocalTime:
    """A moment shown in a partner's or person's own zone, and where that zone came from."""

    at: datetime
    time_zone: str
    source: Literal["time_zone", "phone"]


def local_time(subject: Partner | ContactPerson, now: datetime) -> LocalTime | None:
    """``now`` in the local time of ``subject``, or ``None`` when its zone is not known."""
    if not isinstance(now, datetime) or now.tzinfo is None or now.utcoffset() is None:
        raise DomainValidationError.single("now", "must be a timezone-aware datetime", value=now)
    if subject.time_zone is not None:
        zone = ZoneInfo(subject.time_zone)
        return LocalTime(at=now.astimezone(zone), time_zone=subject.time_zone, source="time_zone")
    for phone in subject.phones:
        name = _phone_zone(phone, now)
        if name is not None:
            return LocalTime(at=now.astimezone(ZoneInfo(name)), time_zone=name, source="phone")
    return None


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
    return tuple(z for z in phone_zones.time_zones_for_number(parsed) if z != _UNKNOWN_ZONE)


def _offset(zone: str, now: datetime) -> timedelta | None:
    return now.astimezone(ZoneInfo(zone)).utcoffset()
