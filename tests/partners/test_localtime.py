"""Contact local time: explicit zone first, then a phone with one zone, else unknown."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from crmcore.errors import DomainValidationError
from crmcore.partners import ContactPerson, Partner, PartnerKind, PartnerRole, Phone, local_time

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def person(*phones: str, time_zone: str | None = None) -> ContactPerson:
    return ContactPerson(
        id="c-1",
        partner_id="p-1",
        name="Сергей",
        phones=tuple(Phone.parse(p) for p in phones),
        time_zone=time_zone,
        created_at=NOW,
    )


def test_vladivostok_and_moscow_differ_by_seven_hours() -> None:
    vladivostok = local_time(person("+7 423 222-33-44"), NOW)
    moscow = local_time(person("+7 495 123-45-67"), NOW)
    assert vladivostok is not None
    assert moscow is not None
    assert vladivostok.time_zone == "Asia/Vladivostok"
    assert moscow.time_zone == "Europe/Moscow"
    assert vladivostok.at.utcoffset() - moscow.at.utcoffset() == timedelta(hours=7)  # type: ignore[operator]
    assert vladivostok.at == NOW
    assert (vladivostok.at.hour, moscow.at.hour) == (19, 12)


def test_explicit_time_zone_wins_over_phones() -> None:
    found = local_time(person("+7 423 222-33-44", time_zone="Europe/Kaliningrad"), NOW)
    assert found is not None
    assert (found.time_zone, found.source, found.at.hour) == ("Europe/Kaliningrad", "time_zone", 11)


def test_a_mobile_number_spanning_many_zones_tells_nothing() -> None:
    assert local_time(person("+7 912 345-67-89"), NOW) is None


def test_the_first_phone_with_one_zone_is_used() -> None:
    found = local_time(person("+7 912 345-67-89", "+49 30 901820"), NOW)
    assert found is not None
    assert (found.time_zone, found.source) == ("Europe/Berlin", "phone")


def test_no_zone_and_no_phone_is_unknown() -> None:
    assert local_time(person(), NOW) is None


def test_partner_local_time_and_daylight_saving() -> None:
    partner = Partner(
        id="p-1",
        kind=PartnerKind.LEGAL_ENTITY,
        roles=frozenset({PartnerRole.CLIENT}),
        short_name="Lilie GmbH",
        phones=(Phone.parse("+49 30 901820"),),
        created_at=NOW,
    )
    winter = local_time(partner, NOW)
    summer = local_time(partner, datetime(2026, 7, 1, 9, 0, tzinfo=UTC))
    assert winter is not None
    assert summer is not None
    assert (winter.at.hour, summer.at.hour) == (10, 11)


@pytest.mark.parametrize("now", [datetime(2026, 3, 2, 9, 0), "2026-03-02T09:00Z"])
def test_now_must_be_an_aware_datetime(now: object) -> None:
    with pytest.raises(DomainValidationError) as error:
        local_time(person(), now)  # type: ignore[arg-type]
    assert error.value.field == "now"


def test_other_offsets_give_the_same_local_time() -> None:
    at_moscow = NOW.astimezone(timezone(timedelta(hours=3)))
    found = local_time(person("+7 423 222-33-44"), at_moscow)
    assert found is not None
    assert found.at.hour == 19


def test_a_kaliningrad_landline_is_two_hours_ahead_of_utc_in_summer_too() -> None:
    july = datetime(2026, 7, 1, 9, 0, tzinfo=UTC)
    found = local_time(person("+7 4012 55-66-77"), july)
    assert found is not None
    assert (found.time_zone, found.at.hour) == ("Europe/Kaliningrad", 11)


def test_a_saratov_landline_is_four_hours_ahead_of_utc_not_moscow_time() -> None:
    found = local_time(person("+7 8452 23-45-67"), NOW)
    assert found is not None
    assert (found.time_zone, found.at.hour) == ("Europe/Saratov", 13)


def test_a_mobile_only_contact_falls_back_to_the_partner_then_to_the_region() -> None:
    mobile = person("+7 912 345-67-89")
    partner = Partner(
        id="p-1", kind=PartnerKind.LEGAL_ENTITY, roles=frozenset({PartnerRole.CLIENT}),
        short_name="Восток", phones=(Phone.parse("+7 423 222-33-44"),), created_at=NOW,
    )  # fmt: skip
    found = local_time(mobile, NOW, partner=partner)
    assert found is not None
    assert (found.time_zone, found.source, found.at.hour) == ("Asia/Vladivostok", "partner", 19)
    unknown = Partner(
        id="p-2", kind=PartnerKind.LEGAL_ENTITY, roles=frozenset({PartnerRole.CLIENT}),
        short_name="Запад", region="Калининградская область", created_at=NOW,
    )  # fmt: skip
    regions = {"Калининградская область": "Europe/Kaliningrad"}
    found = local_time(mobile, NOW, partner=unknown, region_zones=regions)
    assert found is not None
    assert (found.time_zone, found.source, found.at.hour) == ("Europe/Kaliningrad", "region", 11)
    assert local_time(mobile, NOW, partner=unknown) is None
