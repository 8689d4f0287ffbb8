"""A mapped manager on leave hands the record to the rule's ``otherwise`` strategy."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from crmcore.errors import DomainValidationError, NoAvailableManagerError
from crmcore.rules import (
    FieldCondition,
    FieldMapping,
    FixedUser,
    Leave,
    MappingRow,
    Member,
    RoundRobin,
    Staff,
    assign,
)
from crmcore.workcalendar import WorkingCalendar

NOW = datetime(2026, 7, 6, 9, tzinfo=UTC)
SIBERIA = FieldCondition(field="region", op="eq", value="Siberia")
SIBERIA_TO_VERA = FieldMapping(
    rows=(MappingRow(when=SIBERIA, user="vera"),), otherwise=RoundRobin(team="sales")
)


def _staff(vera: Member) -> Staff:
    return Staff(members=(vera, Member(user="anna", teams=("sales",))))


def _siberian(strategy: FieldMapping, staff: Staff, now: datetime = NOW) -> tuple[str, str]:
    chosen = assign(strategy, staff=staff, now=now, matches=lambda c: c == SIBERIA)
    return chosen.user, chosen.reason


def test_a_siberian_request_goes_to_vera_when_she_is_at_work() -> None:
    assert _siberian(SIBERIA_TO_VERA, _staff(Member(user="vera"))) == ("vera", "row 0 matches")


def test_a_siberian_request_goes_to_the_sales_team_while_vera_is_on_leave() -> None:
    user, reason = _siberian(SIBERIA_TO_VERA, _staff(Member(user="vera", on_leave=True)))
    assert user == "anna"
    assert reason.startswith("row 0 matches, but vera is on leave; next in turn in team sales")


def test_vera_is_away_only_on_the_days_of_her_dated_leave() -> None:
    holiday = Leave(first=date(2026, 7, 6), last=date(2026, 7, 19))
    staff = _staff(Member(user="vera", leaves=(holiday,)))
    assert _siberian(SIBERIA_TO_VERA, staff)[0] == "anna"
    back = datetime(2026, 7, 20, 9, tzinfo=UTC)
    assert _siberian(SIBERIA_TO_VERA, staff, back)[0] == "vera"


def test_a_leave_is_judged_by_the_date_in_the_members_calendar() -> None:
    # 22:30 UTC on 19 July is already 20 July in Novosibirsk, where vera is back.
    holiday = Leave(first=date(2026, 7, 6), last=date(2026, 7, 19))
    office = WorkingCalendar(time_zone="Asia/Novosibirsk")
    staff = _staff(Member(user="vera", leaves=(holiday,), calendar=office))
    assert _siberian(SIBERIA_TO_VERA, staff, datetime(2026, 7, 19, 22, 30, tzinfo=UTC))[0] == "vera"


def test_without_otherwise_the_refusal_says_which_row_matched_and_why_nobody_took_it() -> None:
    strategy = FieldMapping(rows=(MappingRow(when=SIBERIA, user="vera"),))
    with pytest.raises(NoAvailableManagerError, match="row 0 matches, but vera is on leave"):
        _siberian(strategy, _staff(Member(user="vera", on_leave=True)))


def test_a_team_row_whose_members_are_all_away_also_falls_through() -> None:
    strategy = FieldMapping(
        rows=(MappingRow(when=SIBERIA, team="east"),), otherwise=FixedUser(user="anna")
    )
    away = Member(user="vera", teams=("east",), on_leave=True)
    staff = Staff(members=(away, Member(user="anna")))
    assert _siberian(strategy, staff) == (
        "anna",
        "row 0 matches, but team east: vera on leave; the rule names this user",
    )


def test_a_leave_that_ends_before_it_starts_is_refused() -> None:
    with pytest.raises(DomainValidationError, match="last: must not be before first"):
        Leave(first=date(2026, 7, 6), last=date(2026, 7, 5))


def test_a_leave_names_each_day_that_is_not_a_date() -> None:
    with pytest.raises(DomainValidationError) as caught:
        Leave(first="2026-07-06", last=datetime(2026, 7, 19, tzinfo=UTC))  # type: ignore[arg-type]
    assert [v.field for v in caught.value.violations] == ["first", "last"]
