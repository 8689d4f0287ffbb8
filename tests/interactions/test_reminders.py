"""Reminders fall due exactly once over consecutive windows, whatever the watermarks."""

from datetime import UTC, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from interaction_samples import HOUR, NOW, meeting

from crmcore.errors import DomainValidationError
from crmcore.interactions import (
    Interaction,
    InteractionStatus,
    Reminder,
    due_reminders,
    reschedule,
)
from crmcore.interactions.reminders import due_in
from crmcore.memory import MemoryInteractionRepository
from crmcore.workcalendar import elapsed

_OFFSETS = st.integers(min_value=-48, max_value=48).map(lambda h: NOW + h * HOUR)


@st.composite
def reminded(draw: st.DrawFn) -> list[Interaction]:
    """A few interactions with reminders before their start or at set moments."""
    found = []
    for index in range(draw(st.integers(min_value=0, max_value=5))):
        start = draw(_OFFSETS)
        reminders = draw(st.lists(
            st.builds(Reminder, before=st.integers(0, 30).map(lambda h: h * HOUR))
            | st.builds(Reminder, at=_OFFSETS), max_size=3))  # fmt: skip
        status = draw(st.sampled_from(InteractionStatus))
        done = NOW if status is InteractionStatus.DONE else None
        found.append(meeting(
            f"i-{index}", start=start, end=start + HOUR, reminders=tuple(reminders),
            status=status, completed_at=done))  # fmt: skip
    return found


def keys(interactions: list[Interaction], since: datetime, now: datetime) -> list[object]:
    batch = due_reminders(interactions, since=since, now=now)
    assert batch.watermark == now
    return [(r.interaction_id, r.index, r.at) for r in batch.reminders]


@settings(max_examples=200)
@given(interactions=reminded(), cuts=st.lists(_OFFSETS, min_size=2, max_size=6))
def test_consecutive_windows_neither_repeat_nor_skip(
    interactions: list[Interaction], cuts: list[datetime]
) -> None:
    cuts.sort()
    pieces = [key for since, now in pairwise(cuts) for key in keys(interactions, since, now)]
    whole = keys(interactions, cuts[0], cuts[-1])
    assert sorted(pieces, key=repr) == sorted(whole, key=repr)
    assert len(set(pieces)) == len(pieces)


@settings(max_examples=100)
@given(interactions=reminded(), since=_OFFSETS, length=st.integers(0, 48))
def test_a_repeated_call_returns_the_same_and_the_next_window_nothing_new(
    interactions: list[Interaction], since: datetime, length: int
) -> None:
    now = since + length * HOUR
    first = due_reminders(interactions, since=since, now=now)
    assert due_reminders(interactions, since=since, now=now) == first
    assert due_reminders(interactions, since=first.watermark, now=now).reminders == ()


@settings(max_examples=100)
@given(interactions=reminded(), since=_OFFSETS, length=st.integers(0, 48))
def test_only_pending_interactions_remind_and_the_repository_finds_them(
    interactions: list[Interaction], since: datetime, length: int
) -> None:
    now = since + length * HOUR
    batch = due_reminders(interactions, since=since, now=now)
    by_id = {i.id: i for i in interactions}
    for reminder in batch.reminders:
        assert by_id[reminder.interaction_id].status.pending
        assert since < reminder.at <= now
    repository = MemoryInteractionRepository()
    for interaction in interactions:
        repository.add(interaction)
    assert due_reminders(repository.reminding(since, now), since=since, now=now) == batch


def test_a_reminder_an_hour_before_falls_due_once() -> None:
    planned = meeting(reminders=(Reminder(before=HOUR),))
    start = planned.start
    before = due_reminders([planned], since=NOW, now=start - 2 * HOUR)
    assert before.reminders == ()
    due = due_reminders([planned], since=before.watermark, now=start)
    assert [(r.interaction_id, r.at, r.user) for r in due.reminders] == [
        ("i-1", start - HOUR, planned.responsible)
    ]
    assert due_reminders([planned], since=due.watermark, now=start + HOUR).reminders == ()


def test_a_window_that_runs_backwards_or_naive_moments_are_refused() -> None:
    with pytest.raises(DomainValidationError) as raised:
        due_reminders([], since=NOW, now=NOW - timedelta(seconds=1))
    assert raised.value.field == "now"
    with pytest.raises(DomainValidationError) as raised:
        due_reminders([], since=NOW.replace(tzinfo=None), now=NOW.replace(tzinfo=None))
    assert raised.value.fields == ("since", "now")


def test_a_meeting_written_in_berlin_or_in_utc_reminds_at_the_same_instant() -> None:
    # 03:30 in Berlin on 29 March 2026 is 01:30 UTC, an hour after the clocks went forward.
    berlin = datetime(2026, 3, 29, 3, 30, tzinfo=ZoneInfo("Europe/Berlin"))
    remind = (Reminder(before=2 * HOUR),)
    since, now = datetime(2026, 3, 28, 20, tzinfo=UTC), datetime(2026, 3, 29, 2, tzinfo=UTC)
    moments = set()
    for start in (berlin, berlin.astimezone(UTC)):
        written = meeting(start=start, end=start + HOUR, reminders=remind)
        moments.update(r.at.astimezone(UTC) for r in due_in(written, since=since, now=now))
    assert moments == {datetime(2026, 3, 28, 23, 30, tzinfo=UTC)}


def test_a_new_york_call_at_0315_on_the_day_clocks_change_reminds_an_hour_before_it() -> None:
    new_york = ZoneInfo("America/New_York")
    start = datetime(2026, 3, 8, 3, 15, tzinfo=new_york)  # EDT, 02:00 EST was skipped
    call = meeting(start=start, end=start + HOUR, reminders=(Reminder(before=HOUR),))
    (moment,) = call.reminder_moments()
    assert moment.astimezone(UTC) == start.astimezone(UTC) - HOUR
    assert moment == datetime(2026, 3, 8, 1, 15, tzinfo=new_york)


def test_rescheduling_across_a_clock_change_keeps_the_real_length() -> None:
    berlin_noon = datetime(2026, 3, 28, 12, tzinfo=ZoneInfo("Europe/Berlin"))
    planned = meeting(start=berlin_noon, end=berlin_noon + HOUR)
    later = datetime(2026, 3, 29, 1, 30, tzinfo=ZoneInfo("Europe/Berlin"))
    moved = reschedule(planned, start=later, now=NOW).entity
    assert elapsed(moved.start, moved.end) == HOUR
    assert moved.end.astimezone(UTC) == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
