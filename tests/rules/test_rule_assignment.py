"""Assignment strategies as pure functions of explicit state."""

from __future__ import annotations

from datetime import UTC, datetime, time

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rule_samples import NOW, STAFF

from crmcore.errors import NoAvailableManagerError
from crmcore.rules import (
    FieldCondition,
    FieldMapping,
    FixedUser,
    HeadOfDepartment,
    LoadBalancing,
    MappingRow,
    Member,
    RoundRobin,
    Staff,
    assign,
)
from crmcore.workcalendar import WorkingCalendar, WorkingPeriod

OFFICE = WorkingCalendar(time_zone="UTC", hours=(WorkingPeriod(start=time(9), end=time(18)),))


def test_a_fixed_user_is_chosen_only_when_available() -> None:
    assert assign(FixedUser(user="anna"), staff=STAFF, now=NOW).user == "anna"
    with pytest.raises(NoAvailableManagerError, match="vera is on leave"):
        assign(FixedUser(user="vera"), staff=STAFF, now=NOW)


def test_load_balancing_takes_the_least_loaded_under_capacity() -> None:
    staff = attrs.evolve(
        STAFF,
        members=(
            Member(user="anna", teams=("sales",), capacity=3),
            Member(user="boris", teams=("sales",)),
        ),
        loads={"anna": 1, "boris": 2},
    )
    assert assign(LoadBalancing(team="sales"), staff=staff, now=NOW).user == "anna"
    full = attrs.evolve(staff, loads={"anna": 3, "boris": 7})
    chosen = assign(LoadBalancing(team="sales"), staff=full, now=NOW)
    assert (chosen.user, chosen.reason) == (
        "boris",
        "fewest open deals and requests in team sales (7)",
    )


def test_working_hours_are_respected_when_asked() -> None:
    staff = Staff(members=(Member(user="anna", teams=("sales",), calendar=OFFICE),))
    night = datetime(2026, 6, 1, 22, tzinfo=UTC)
    assert assign(RoundRobin(team="sales"), staff=staff, now=night).user == "anna"
    with pytest.raises(NoAvailableManagerError, match="anna outside working hours"):
        assign(RoundRobin(team="sales"), staff=staff, now=night, working_hours=True)


def test_the_head_of_the_responsible_department_is_chosen() -> None:
    chosen = assign(HeadOfDepartment(), staff=STAFF, now=NOW, responsible="anna")
    assert chosen.user == "olga"
    with pytest.raises(NoAvailableManagerError, match="no head"):
        assign(HeadOfDepartment(), staff=STAFF, now=NOW, responsible="stranger")


def test_a_mapping_without_a_match_or_fallback_names_why() -> None:
    mapping = FieldMapping(
        rows=(MappingRow(when=FieldCondition(field="region", op="is_empty"), user="anna"),)
    )
    with pytest.raises(NoAvailableManagerError, match="no row matches"):
        assign(mapping, staff=STAFF, now=NOW)
    assert assign(mapping, staff=STAFF, now=NOW, matches=lambda _: True).user == "anna"


@settings(max_examples=60, deadline=None)
@given(
    available=st.lists(st.booleans(), min_size=1, max_size=6),
    rounds=st.integers(1, 20),
)
def test_round_robin_is_fair_among_available_members(available: list[bool], rounds: int) -> None:
    members = tuple(
        Member(user=f"u{i}", teams=("t",), on_leave=not ok) for i, ok in enumerate(available)
    )
    staff = Staff(members=members)
    open_ = [m.user for m in members if not m.on_leave]
    chosen = []
    for _ in range(rounds):
        if not open_:
            with pytest.raises(NoAvailableManagerError):
                assign(RoundRobin(team="t"), staff=staff, now=NOW)
            return
        result = assign(RoundRobin(team="t"), staff=staff, now=NOW)
        chosen.append(result.user)
        staff = attrs.evolve(staff, rotation=result.rotation)
    assert chosen == [open_[i % len(open_)] for i in range(rounds)]
