"""Planning, recording and moving interactions; participants; typed refusals that change
nothing."""

from datetime import timedelta

import pytest
from interaction_samples import HOUR, MANAGER, NOW, draft, meeting

from crmcore.errors import DomainValidationError, InvalidTransitionError
from crmcore.ids import EntityRef, InteractionId, PartnerId, UserId
from crmcore.interactions import (
    INTERACTION_LIFECYCLE,
    Direction,
    InteractionKind,
    InteractionStatus,
    Participant,
    Reminder,
    add_participant,
    cancel,
    change_subject,
    complete,
    create_interaction,
    link_participant,
    mark_reviewed,
    record_interaction,
    reschedule,
    start,
)

DEAL = EntityRef(entity_type="deal", entity_id="d-1")


def test_a_planned_meeting_gets_its_result_when_done() -> None:
    planned = create_interaction(
        draft(subject=DEAL, reminders=[Reminder(before=HOUR)]),
        interaction_id=InteractionId("i-1"), author=MANAGER, now=NOW,
    )  # fmt: skip
    meeting_ = planned.entity
    assert (meeting_.status, meeting_.responsible, meeting_.chain) == (
        InteractionStatus.PLANNED, MANAGER, DEAL,
    )  # fmt: skip
    assert planned.events[0].changes["topic"].new == "Crates for spring"
    begun = start(meeting_, now=NOW + 24 * HOUR, actor=MANAGER)
    done = complete(begun.entity, now=NOW + 25 * HOUR, result="300 crates ordered")
    assert done.entity.status is InteractionStatus.DONE
    assert done.entity.completed_at == NOW + 25 * HOUR
    assert done.entity.version == 3
    assert [e.step for e in (*begun.events, *done.events)] == ["start", "complete"]
    assert done.events[0].changes["status"].new == "done"


def test_an_incoming_call_is_recorded_done_and_reviewed_once() -> None:
    recorded = record_interaction(
        draft(kind="call", direction="incoming", start=NOW, end=NOW + 5 * timedelta(minutes=1)),
        interaction_id=InteractionId("i-2"), author=MANAGER, now=NOW,
        result="Asked for a discount", duration=timedelta(minutes=5),
    )  # fmt: skip
    call = recorded.entity
    assert (call.status, call.direction, call.reviewed) == (
        InteractionStatus.DONE, Direction.INCOMING, False,
    )  # fmt: skip
    assert recorded.events[0].changes["duration"].new == "PT5M"
    reviewed = mark_reviewed(call, now=NOW, actor=MANAGER)
    assert reviewed.entity.reviewed
    again = mark_reviewed(reviewed.entity, now=NOW)
    assert again.entity is reviewed.entity
    assert again.events == ()


def test_a_bad_draft_names_every_field() -> None:
    with pytest.raises(DomainValidationError) as raised:
        create_interaction(
            draft(kind="fax", direction="sideways", topic=" ", end=NOW, subject=EntityRef(
                entity_type="request", entity_id="r-1")),
            interaction_id=InteractionId("i-1"), author=MANAGER, now=NOW,
        )  # fmt: skip
    # An end before the start is reported too: it does not depend on the fields that failed.
    fields = {"kind", "direction", "topic", "subject.entity_type", "end"}
    assert set(raised.value.fields) == fields


def test_an_unknown_direction_of_a_call_is_reported_once() -> None:
    with pytest.raises(DomainValidationError) as raised:
        create_interaction(
            draft(kind="call", direction="sideways"), interaction_id=InteractionId("i-1"),
            author=MANAGER, now=NOW,
        )  # fmt: skip
    assert [v.field for v in raised.value.violations] == ["direction"]


def test_kind_rules_are_reported_together() -> None:
    with pytest.raises(DomainValidationError) as raised:
        meeting(
            direction=Direction.OUTGOING, reviewed=True, duration=HOUR, body_ref="b-1",
            end=NOW, status=InteractionStatus.DONE,
        )  # fmt: skip
    assert set(raised.value.fields) == {
        "end", "direction", "reviewed", "duration", "body_ref", "completed_at",
    }  # fmt: skip
    with pytest.raises(DomainValidationError) as raised:
        meeting(kind=InteractionKind.SMS)
    assert raised.value.fields == ("direction",)


def test_the_first_interaction_of_a_chain_has_no_subject_of_its_own() -> None:
    first = meeting()
    assert first.chain == first.ref
    with pytest.raises(DomainValidationError) as raised:
        meeting(subject=first.ref)
    assert raised.value.field == "subject"
    assert meeting("i-2", subject=first.ref).chain == first.ref


@pytest.mark.parametrize(
    ("status", "move"),
    [
        (InteractionStatus.DONE, start),
        (InteractionStatus.DONE, cancel),
        (InteractionStatus.CANCELLED, complete),
        (InteractionStatus.IN_PROGRESS, start),
    ],
)
def test_moves_the_lifecycle_forbids_are_refused(status: InteractionStatus, move: object) -> None:
    completed = NOW if status is InteractionStatus.DONE else None
    interaction = meeting(status=status, completed_at=completed)
    with pytest.raises(InvalidTransitionError) as raised:
        move(interaction, now=NOW)  # type: ignore[operator]
    assert raised.value.entity_id == "i-1"
    assert raised.value.allowed == INTERACTION_LIFECYCLE.allowed_events(status.value)
    assert interaction.status is status


def test_reschedule_keeps_the_length_and_refuses_a_finished_interaction() -> None:
    moved = reschedule(meeting(), start=NOW + 48 * HOUR, now=NOW, actor=MANAGER)
    assert (moved.entity.start, moved.entity.end) == (NOW + 48 * HOUR, NOW + 49 * HOUR)
    assert set(moved.events[0].changes) == {"start", "end"}
    with pytest.raises(DomainValidationError) as raised:
        reschedule(meeting(), start=NOW + 48 * HOUR, end=NOW, now=NOW)
    assert raised.value.field == "end"
    cancelled = cancel(meeting(), now=NOW).entity
    with pytest.raises(InvalidTransitionError) as refused:
        reschedule(cancelled, start=NOW, now=NOW)
    assert refused.value.event == "reschedule"


def test_rescheduling_a_meeting_to_its_own_time_is_no_new_version_and_no_event() -> None:
    planned = meeting()
    again = reschedule(planned, start=planned.start, now=NOW, actor=MANAGER)
    assert again.entity == planned
    assert again.events == ()


def test_marking_an_outgoing_email_reviewed_is_refused() -> None:
    email = meeting(kind=InteractionKind.EMAIL, direction=Direction.OUTGOING)
    with pytest.raises(DomainValidationError) as raised:
        mark_reviewed(email, now=NOW)
    assert raised.value.field == "reviewed"


def test_a_text_participant_is_linked_later_and_keeps_its_text() -> None:
    guest = Participant(name="Anna from the warehouse", reach="+7 495 123-45-67")
    added = add_participant(meeting(), guest, now=NOW).entity
    anna = EntityRef(entity_type="contact_person", entity_id="c-anna")
    linked = link_participant(added, 0, anna, now=NOW, actor=MANAGER)
    participant = linked.entity.participants[0]
    assert (participant.name, participant.reach, participant.ref) == (
        "Anna from the warehouse", "+7 495 123-45-67", anna,
    )  # fmt: skip
    assert linked.entity.version == 3


@pytest.mark.parametrize("index", [1, -1, True, "0"])
def test_linking_a_participant_that_is_not_there_names_the_index(index: object) -> None:
    with_one = meeting(participants=(Participant(name="Anna"),))
    with pytest.raises(DomainValidationError) as raised:
        link_participant(with_one, index, EntityRef(entity_type="user", entity_id="u-1"),  # type: ignore[arg-type]
                         now=NOW)  # fmt: skip
    assert raised.value.field == "index"


def test_a_participant_links_only_to_partners_contacts_and_users() -> None:
    with_one = meeting(participants=(Participant(name="Anna"),))
    with pytest.raises(DomainValidationError) as raised:
        link_participant(with_one, 0, DEAL, now=NOW)
    assert raised.value.field == "participants[0].ref.entity_type"
    with pytest.raises(DomainValidationError) as raised:
        Participant(reach="anna@example.com")
    assert raised.value.field == "name"


def test_a_naive_now_is_refused() -> None:
    with pytest.raises(DomainValidationError) as raised:
        start(meeting(), now=NOW.replace(tzinfo=None))
    assert raised.value.field == "now"


def test_a_reminder_is_set_one_way() -> None:
    with pytest.raises(DomainValidationError) as raised:
        Reminder()
    assert raised.value.field == "before"
    with pytest.raises(DomainValidationError) as raised:
        Reminder(before=-HOUR)
    assert raised.value.field == "before"
    assert Reminder(at=NOW).moment(NOW + HOUR) == NOW
    assert Reminder(before=HOUR).moment(NOW) == NOW - HOUR


def test_the_lifecycle_table_agrees_with_the_machine() -> None:
    for status in InteractionStatus:
        for event in ("start", "complete", "cancel"):
            try:
                expected = INTERACTION_LIFECYCLE.fire(status.value, event)
            except InvalidTransitionError:
                expected = None
            try:
                found = INTERACTION_LIFECYCLE.target(status.value, event)
            except InvalidTransitionError:
                found = None
            assert found == expected


def test_responsible_defaults_to_the_author_and_may_differ() -> None:
    outcome = create_interaction(
        draft(responsible=UserId("u-petrov")), interaction_id=InteractionId("i-1"),
        author=MANAGER, now=NOW,
    )  # fmt: skip
    assert (outcome.entity.author, outcome.entity.responsible) == (MANAGER, "u-petrov")


def test_changing_the_subject_moves_the_interaction_and_fills_a_missing_partner() -> None:
    moved = change_subject(meeting(), DEAL, now=NOW, actor=MANAGER, partner_id=PartnerId("p-9"))
    assert (moved.entity.subject, moved.entity.partner_id, moved.entity.version) == (DEAL, "p-1", 2)
    (event,) = moved.events
    assert (event.name, sorted(event.changes)) == ("interaction.changed", ["subject"])
    anonymous = meeting(partner_id=None)
    filled = change_subject(anonymous, DEAL, now=NOW, partner_id=PartnerId("p-9")).entity
    assert filled.partner_id == "p-9"
    same = change_subject(moved.entity, DEAL, now=NOW)
    assert (same.entity, same.events) == (moved.entity, ())
    with pytest.raises(DomainValidationError) as raised:
        change_subject(meeting(), DEAL, now=NOW.replace(tzinfo=None))
    assert raised.value.field == "now"


def test_a_meeting_cannot_be_completed_before_it_was_planned() -> None:
    planned = meeting()
    with pytest.raises(DomainValidationError) as raised:
        complete(planned, now=planned.created_at - timedelta(days=10))
    assert raised.value.field == "now"
    with pytest.raises(DomainValidationError) as raised:
        reschedule(planned, start=NOW + 48 * HOUR, now=planned.created_at - HOUR)
    assert raised.value.field == "now"
