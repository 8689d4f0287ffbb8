"""Business cases of a contact's local time: a manager in Moscow calls Kaliningrad and
Saratov at the right hour, and a mobile-only contact is shown in the partner's zone."""

from __future__ import annotations

from datetime import UTC, datetime

from crmcore.ids import ContactPersonId, PartnerId
from crmcore.partners import ContactPerson, Partner, PartnerKind, PartnerRole, Phone, local_time

WINTER = datetime(2026, 1, 15, 9, 0, tzinfo=UTC)
SUMMER = datetime(2026, 7, 15, 9, 0, tzinfo=UTC)


def _partner(*phones: str, region: str | None = None) -> Partner:
    return Partner(
        id=PartnerId("p-1"), kind=PartnerKind.LEGAL_ENTITY, roles=frozenset({PartnerRole.CLIENT}),
        short_name="Янтарь", phones=tuple(Phone.parse(p) for p in phones), region=region,
        created_at=WINTER,
    )  # fmt: skip


def _person(*phones: str) -> ContactPerson:
    return ContactPerson(
        id=ContactPersonId("c-1"), partner_id=PartnerId("p-1"), name="Ольга",
        phones=tuple(Phone.parse(p) for p in phones), created_at=WINTER,
    )  # fmt: skip


def _hour(found: object) -> tuple[str, int, str]:
    assert found is not None
    return found.time_zone, found.at.hour, found.source  # type: ignore[attr-defined]


def test_a_kaliningrad_landline_is_utc_plus_2_in_winter_and_in_summer() -> None:
    assert _hour(local_time(_person("+7 4012 92-00-00"), WINTER)) == (
        "Europe/Kaliningrad", 11, "phone",
    )  # fmt: skip
    assert _hour(local_time(_person("+7 4012 92-00-00"), SUMMER))[1] == 11


def test_a_saratov_landline_is_utc_plus_4_an_hour_ahead_of_moscow() -> None:
    assert _hour(local_time(_person("+7 8452 20-00-00"), WINTER))[:2] == ("Europe/Saratov", 13)
    assert _hour(local_time(_person("+7 495 200-00-00"), WINTER))[:2] == ("Europe/Moscow", 12)


def test_a_mobile_only_contact_of_a_kaliningrad_client_is_shown_in_kaliningrad_time() -> None:
    mobile = _person("+7 911 450-00-00")
    assert local_time(mobile, WINTER) is None
    by_landline = local_time(mobile, WINTER, partner=_partner("+7 4012 92-00-00"))
    assert _hour(by_landline) == ("Europe/Kaliningrad", 11, "partner")
    zones = {"Калининградская область": "Europe/Kaliningrad"}
    by_region = local_time(
        mobile, WINTER, partner=_partner(region="Калининградская область"), region_zones=zones
    )
    assert _hour(by_region) == ("Europe/Kaliningrad", 11, "region")
