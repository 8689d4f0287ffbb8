"""The domain models compare moments as instants, within one zone and across zones.

Python compares and subtracts two datetimes of one zone by their wall clocks: in the repeated
hour of an autumn clock change, 02:40 of the first pass is earlier than 02:10 of the second,
yet compares later. Each check below reads moments written in one zone around the Berlin and
New York clock changes, and in the farthest offsets apart, where wall clock and instant
disagree.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import pytest

from crmcore.claims import Activity, Claim, Claimant, ClaimChannel, Pause
from crmcore.errors import DomainValidationError
from crmcore.ids import ClaimId, InteractionId, PartnerId, RequestId, UserId
from crmcore.interactions import Interaction, InteractionKind, Reminder, due_in, due_reminders
from crmcore.partners import Email, PartnerRole
from crmcore.requests import ContactData, Request, RequestSettings, find_duplicate

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
# The repeated hour of 25 October 2026 in Berlin: 02:40 (first pass, +02:00) is 00:40Z,
# 02:10 (second pass, +01:00) is 01:10Z.
FIRST_PASS = datetime(2026, 10, 25, 2, 40, tzinfo=BERLIN)
SECOND_PASS = datetime(2026, 10, 25, 2, 10, fold=1, tzinfo=BERLIN)
# The repeated hour of 1 November 2026 in New York: 01:30 EDT is 05:30Z, 01:10 EST is 06:10Z.
NY_FIRST = datetime(2026, 11, 1, 1, 30, tzinfo=NEW_YORK)
NY_SECOND = datetime(2026, 11, 1, 1, 10, fold=1, tzinfo=NEW_YORK)
# 10:00 at +14:00 is 20:00Z the day before; 09:00 at -11:00 is 20:00Z the same day.
EAST = datetime(2026, 3, 2, 10, 0, tzinfo=timezone(timedelta(hours=14)))
WEST = datetime(2026, 3, 1, 21, 0, tzinfo=timezone(timedelta(hours=-11)))
USER = UserId("u-1")


def test_the_samples_disagree_by_wall_clock() -> None:
    # Compared by wall clock, each later instant reads earlier.
    assert FIRST_PASS > SECOND_PASS
    assert SECOND_PASS.timestamp() > FIRST_PASS.timestamp()
    assert NY_FIRST > NY_SECOND
    assert NY_SECOND.timestamp() > NY_FIRST.timestamp()
    assert WEST.timestamp() > EAST.timestamp()
    assert WEST.day < EAST.day


def _interaction(start: datetime, end: datetime, **changes: Any) -> Interaction:
    return Interaction(
        id=InteractionId("i-1"), kind=InteractionKind.MEETING, topic="Crates", start=start,
        end=end, author=USER, responsible=USER, partner_id=PartnerId("p-1"),
        created_at=start - timedelta(days=1), **changes,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("start", "end"), [(FIRST_PASS, SECOND_PASS), (NY_FIRST, NY_SECOND), (EAST, WEST)]
)
def test_an_interaction_that_ends_later_as_an_instant_is_accepted(
    start: datetime, end: datetime
) -> None:
    assert _interaction(start, end).end == end


@pytest.mark.parametrize(
    ("start", "end"), [(SECOND_PASS, FIRST_PASS), (NY_SECOND, NY_FIRST), (WEST, EAST)]
)
def test_an_interaction_that_ends_earlier_as_an_instant_is_refused(
    start: datetime, end: datetime
) -> None:
    with pytest.raises(DomainValidationError) as caught:
        _interaction(start, end)
    assert [v.field for v in caught.value.violations] == ["end"]


@pytest.mark.parametrize(("end", "now"), [(FIRST_PASS, SECOND_PASS), (NY_FIRST, NY_SECOND)])
def test_an_interaction_is_overdue_once_its_end_has_passed_as_an_instant(
    end: datetime, now: datetime
) -> None:
    meeting = _interaction(end - timedelta(hours=2), end)
    assert meeting.is_overdue(now)
    assert not meeting.is_overdue(end - timedelta(minutes=1))


def test_reminders_are_due_in_a_window_of_instants() -> None:
    # The reminder fires at 05:30Z (01:30 EDT); the window runs from 01:20 EDT to 01:10 EST.
    meeting = _interaction(NY_FIRST, NY_FIRST + timedelta(hours=3), reminders=(
        Reminder(at=NY_FIRST),
    ))  # fmt: skip
    since = datetime(2026, 11, 1, 1, 20, tzinfo=NEW_YORK)
    assert [due.at for due in due_in(meeting, since=since, now=NY_SECOND)] == [NY_FIRST]
    batch = due_reminders([meeting], since=since, now=NY_SECOND)
    assert [due.at for due in batch.reminders] == [NY_FIRST]
    # A window that ends before it starts as instants is refused, though not by wall clock.
    with pytest.raises(DomainValidationError) as caught:
        due_reminders([meeting], since=NY_SECOND, now=since)
    assert caught.value.field == "now"


def _claim(**changes: Any) -> Claim:
    fields: dict[str, Any] = {
        "id": ClaimId("c-1"),
        "claimant": Claimant(role=PartnerRole.CLIENT, name="Anna"),
        "registered_at": FIRST_PASS - timedelta(hours=3),
        "channel": ClaimChannel.CALL,
        "essence": "Broken",
        "response_due": FIRST_PASS,
        "resolution_due": SECOND_PASS,
    }
    return Claim(**{**fields, **changes})


def test_a_claim_compares_its_due_dates_as_instants() -> None:
    assert _claim().resolution_due == SECOND_PASS
    with pytest.raises(DomainValidationError) as caught:
        _claim(response_due=SECOND_PASS, resolution_due=FIRST_PASS)
    assert [v.field for v in caught.value.violations] == ["resolution_due"]


def test_a_claim_is_overdue_once_its_due_date_has_passed_as_an_instant() -> None:
    claim = _claim(response_due=NY_FIRST, resolution_due=NY_FIRST + timedelta(days=1))
    assert claim.missed_deadlines(NY_SECOND) == ("response",)
    assert claim.is_overdue(NY_SECOND)
    assert not claim.is_overdue(NY_FIRST - timedelta(minutes=1))
    answered = attrs.evolve(claim, responded_at=NY_SECOND)
    assert "response" in answered.breaches(NY_SECOND)


def test_a_pause_and_an_activity_compare_their_ends_as_instants() -> None:
    assert Pause(started_at=FIRST_PASS, ended_at=SECOND_PASS).ended_at == SECOND_PASS
    with pytest.raises(DomainValidationError):
        Pause(started_at=SECOND_PASS, ended_at=FIRST_PASS)
    activity = Activity(
        id="a-1", name="Inspect", planned_start=NY_FIRST - timedelta(hours=1),
        planned_finish=NY_FIRST,
    )  # fmt: skip
    assert activity.is_overdue(NY_SECOND)
    with pytest.raises(DomainValidationError):
        Activity(id="a-1", name="Inspect", planned_start=NY_SECOND, planned_finish=NY_FIRST)


def test_the_duplicate_window_of_requests_is_real_time_across_a_clock_change() -> None:
    # Berlin moves to summer time on 29 March 2026: from 11:30 on the 28th to 12:00 on the
    # 29th is 23.5 hours of real time, inside a window of one day.
    contact = ContactData(emails=(Email(address="anna@sever.example"),))
    earlier = Request(
        id=RequestId("r-1"), source="website_form", contact=contact,
        received_at=datetime(2026, 3, 28, 11, 30, tzinfo=BERLIN),
    )  # fmt: skip
    now = datetime(2026, 3, 29, 12, 0, tzinfo=BERLIN)
    settings = RequestSettings(duplicate_window=timedelta(days=1))
    assert find_duplicate(contact, [earlier], received_at=now, settings=settings) == "r-1"
    later = now + timedelta(hours=1)
    assert find_duplicate(contact, [earlier], received_at=later, settings=settings) is None
