"""Business cases of interactions over time: reminders are real time before the start,
and a change that changes nothing is no change."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import attrs
from interaction_samples import NOW, meeting

from crmcore.ids import EntityRef
from crmcore.interactions import Reminder, change_subject, due_reminders, reschedule
from crmcore.memory import MemoryInteractionRepository

NEW_YORK = ZoneInfo("America/New_York")
BERLIN = ZoneInfo("Europe/Berlin")


def test_a_new_york_call_at_03_15_on_the_change_day_reminds_an_hour_before_it_starts() -> None:
    # Clocks in New York go from 02:00 to 03:00 on 8 March 2026.
    start = datetime(2026, 3, 8, 3, 15, tzinfo=NEW_YORK)
    call = meeting(start=start, end=start + timedelta(minutes=15),
                   reminders=(Reminder(before=timedelta(hours=1)),))  # fmt: skip
    (moment,) = call.reminder_moments()
    assert moment.astimezone(UTC) == datetime(2026, 3, 8, 6, 15, tzinfo=UTC)
    assert moment < start
    found = due_reminders([call], since=moment - timedelta(minutes=1), now=start)
    assert [reminder.at for reminder in found.reminders] == [moment]


def test_one_meeting_written_in_berlin_or_in_utc_reminds_at_the_same_instant() -> None:
    # Clocks in Berlin go from 03:00 back to 02:00 on 25 October 2026.
    start = datetime(2026, 10, 25, 9, 0, tzinfo=BERLIN)
    before = Reminder(before=timedelta(hours=8))
    in_berlin = meeting(start=start, end=start + timedelta(hours=1), reminders=(before,))
    in_utc = attrs.evolve(
        in_berlin, start=start.astimezone(UTC), end=(start + timedelta(hours=1)).astimezone(UTC)
    )
    (berlin_moment,) = in_berlin.reminder_moments()
    (utc_moment,) = in_utc.reminder_moments()
    # 02:00 comes twice that night: compare instants, as Python will not compare them across zones.
    assert berlin_moment.astimezone(UTC) == utc_moment == datetime(2026, 10, 25, 0, 0, tzinfo=UTC)
    assert berlin_moment.utcoffset() == timedelta(hours=2)


def test_a_meeting_rescheduled_over_the_change_keeps_its_real_hour() -> None:
    planned = meeting()
    moved = reschedule(planned, start=datetime(2026, 3, 29, 1, 30, tzinfo=BERLIN), now=NOW).entity
    assert moved.end.astimezone(UTC) - moved.start.astimezone(UTC) == timedelta(hours=1)


def test_rescheduling_to_the_same_time_or_the_same_subject_is_no_change() -> None:
    planned = meeting()
    same = reschedule(planned, start=planned.start.astimezone(BERLIN), now=NOW)
    assert (same.entity, same.events) == (planned, ())
    chained = meeting(subject=EntityRef(entity_type="deal", entity_id="d-1"))
    kept = change_subject(chained, EntityRef(entity_type="deal", entity_id="d-1"), now=NOW)
    assert (kept.entity, kept.events) == (chained, ())


def test_the_memory_store_finds_a_reminder_of_the_repeated_hour_in_the_window_that_spans_it() -> (
    None
):
    # The call at 03:00 in winter time reminds 30 minutes before: at 02:30 winter time, 01:30 UTC.
    start = datetime(2026, 10, 25, 3, 0, tzinfo=BERLIN)
    call = meeting(start=start, end=start + timedelta(minutes=15),
                   reminders=(Reminder(before=timedelta(minutes=30)),))  # fmt: skip
    store = MemoryInteractionRepository()
    store.add(call)
    since = datetime(2026, 10, 25, 2, 50, tzinfo=BERLIN)  # summer time, 00:50 UTC
    now = datetime(2026, 10, 25, 2, 40, fold=1, tzinfo=BERLIN)  # winter time, 01:40 UTC
    assert store.reminding(since, now) == [call]
