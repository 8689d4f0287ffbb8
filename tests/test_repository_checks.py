"""The checks every repository adapter shares."""

from __future__ import annotations

import doctest
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

import crmcore.repository_checks
from crmcore.errors import DomainValidationError
from crmcore.ids import DealId
from crmcore.memory import MemoryDealRepository
from crmcore.repository_checks import (
    check_limit,
    check_moments,
    in_id_order,
    instant,
    require_version_bump,
)
from crmcore.testing.contracts._common import CODE_POINT_IDS
from crmcore.testing.contracts.deals import _deal

AT = datetime(2026, 11, 1, 5, 30, tzinfo=UTC)


def test_the_docstring_examples_hold() -> None:
    assert doctest.testmod(crmcore.repository_checks).failed == 0


@pytest.mark.parametrize("limit", [None, 0, 3])
def test_a_limit_of_none_or_at_least_zero_passes(limit: int | None) -> None:
    check_limit(limit)


@pytest.mark.parametrize("limit", [-1, True, 2.0, "3"])
def test_another_limit_is_refused_naming_it(limit: object) -> None:
    with pytest.raises(DomainValidationError) as raised:
        check_limit(limit)
    assert raised.value.field == "limit"


def test_every_naive_moment_is_reported_at_once_and_none_passes() -> None:
    naive = AT.replace(tzinfo=None)
    check_moments(start=AT, end=None)
    with pytest.raises(DomainValidationError) as raised:
        check_moments(start=naive, end=naive, now=AT)
    assert raised.value.fields == ("start", "end")


def test_a_save_must_move_the_version() -> None:
    require_version_bump(version=3, expected_version=2)
    with pytest.raises(DomainValidationError) as raised:
        require_version_bump(version=2, expected_version=2)
    assert raised.value.field == "version"


def test_instants_order_a_repeated_hour_as_it_happened() -> None:
    new_york = ZoneInfo("America/New_York")
    first = AT.astimezone(new_york)  # 01:30 EDT
    second = (AT + timedelta(minutes=40)).astimezone(new_york)  # 01:10 EST
    assert second < first  # wall clocks
    assert instant(first) < instant(second)


def test_ids_are_put_in_code_point_order() -> None:
    deals = [_deal(deal_id) for deal_id in sorted(CODE_POINT_IDS, key=str.casefold)]
    assert [d.id for d in in_id_order(deals)] == list(CODE_POINT_IDS)
    repository = MemoryDealRepository()
    for deal in deals:
        repository.add(deal)
    assert [d.id for d in repository.iterate()] == [DealId(i) for i in CODE_POINT_IDS]
