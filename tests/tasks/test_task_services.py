"""Tasks: creation, edits, lifecycle, checklist, overdue on the working calendar."""

from __future__ import annotations

from datetime import UTC, timedelta

import attrs
import pytest
from task_samples import (
    ANNA,
    BORIS,
    CALENDAR,
    DEAL,
    FRIDAY_CLOSE,
    HOUR,
    MONDAY,
    MOSCOW,
    draft,
    task,
)

from crmcore.errors import BusinessRuleError, DomainValidationError, InvalidTransitionError
from crmcore.ids import EntityRef, TaskId, UserId
from crmcore.tasks import (
    TASK_LIFECYCLE,
    ChecklistItem,
    Task,
    TaskEdit,
    TaskPriority,
    TaskStatus,
    add_item,
    cancel_task,
    complete_task,
    create_task,
    due_on,
    edit_task,
    overdue_tasks,
    reopen_task,
    start_task,
    stop_task,
    tick_item,
    untick_item,
)


def test_a_created_task_is_open_and_announced_with_every_field() -> None:
    created = create_task(draft(priority="high"), task_id=TaskId("t-1"), now=MONDAY, actor=ANNA)
    new = created.entity
    assert (new.status, new.priority, new.created_by, new.version) == (
        TaskStatus.OPEN, TaskPriority.HIGH, ANNA, 1,
    )  # fmt: skip
    assert [(i.id, i.text, i.done) for i in new.checklist] == [
        ("1", "Посчитать цены", False),
        ("2", "Приложить условия", False),
    ]
    (event,) = created.events
    assert event.name == "task.created"
    assert event.changes["title"].new == "Отправить КП"
    assert new.links_to(DEAL)


def test_a_bad_draft_names_every_problem_at_once() -> None:
    bad = draft(
        title=" ", assignee="", priority="asap", due=FRIDAY_CLOSE.replace(tzinfo=None),
        links="deal:d-1", checklist=["ok", ""], co_executors=[["x"]],
    )  # fmt: skip
    with pytest.raises(DomainValidationError) as raised:
        create_task(bad, task_id=TaskId("t-1"), now=MONDAY)
    fields = set(raised.value.fields)
    assert {"priority", "links", "checklist[1].text", "co_executors"} <= fields
    assert {"title", "assignee", "due"} <= fields


def test_the_assignee_is_not_a_co_executor_and_a_checklist_text_is_text() -> None:
    with pytest.raises(DomainValidationError) as raised:
        create_task(draft(co_executors=[ANNA], checklist=[7]), task_id=TaskId("t"), now=MONDAY)
    assert set(raised.value.fields) == {"checklist[0].text", "co_executors"}


def test_models_check_their_own_invariants() -> None:
    with pytest.raises(DomainValidationError) as raised:
        ChecklistItem(id="1", text="x", done=False, done_at=MONDAY, done_by=ANNA)
    assert set(raised.value.fields) == {"done_at", "done_by"}
    with pytest.raises(DomainValidationError) as raised:
        Task(id=TaskId("t"), title="x", assignee=ANNA, created_at=MONDAY,
             changed_at=MONDAY - HOUR, status=TaskStatus.DONE)  # fmt: skip
    assert set(raised.value.fields) == {"changed_at", "finished_at"}
    with pytest.raises(DomainValidationError) as raised:
        Task(
            id=TaskId("t"),
            title="x",
            assignee=ANNA,
            created_at=MONDAY,
            changed_at=MONDAY - HOUR,
            status=TaskStatus.DONE,
            finished_at=MONDAY - HOUR,
        )
    assert raised.value.fields == ("changed_at", "finished_at")


def test_an_edit_changes_the_fields_given_and_an_empty_one_changes_nothing() -> None:
    original = task()
    later = MONDAY + HOUR
    edit = TaskEdit(title="Отправить КП v2", assignee=BORIS, co_executors=[ANNA],
                    priority=TaskPriority.URGENT, due=FRIDAY_CLOSE + HOUR,
                    links=[DEAL, EntityRef(entity_type="partner", entity_id="p-1")])  # fmt: skip
    edited = edit_task(original, edit, now=later, actor=ANNA)
    changed = edited.entity
    assert (changed.assignee, changed.co_executors) == (BORIS, frozenset({ANNA}))
    assert changed.version == 2
    assert changed.changed_at == later
    assert set(edited.events[0].changes) == {"title", "assignee", "co_executors", "priority",
                                             "due", "links"}  # fmt: skip
    same = edit_task(changed, TaskEdit(title="Отправить КП v2"), now=later)
    assert same.entity is changed
    assert same.events == ()


def test_a_bad_edit_names_every_field_and_changes_nothing() -> None:
    original = task()
    bad = TaskEdit(priority="asap", links="x")  # type: ignore[arg-type]
    with pytest.raises(DomainValidationError) as raised:
        edit_task(original, bad, now=MONDAY)
    assert raised.value.fields == ("priority", "links")
    with pytest.raises(DomainValidationError) as raised:
        edit_task(original, TaskEdit(title="x" * 501), now=MONDAY)
    assert raised.value.fields == ("title",)
    with pytest.raises(DomainValidationError) as raised:
        edit_task(original, TaskEdit(title="y"), now=MONDAY - HOUR)
    assert raised.value.field == "now"


def test_the_lifecycle_moves_and_refuses_moves_it_does_not_have() -> None:
    later = MONDAY + HOUR
    running = start_task(task(), now=later, actor=ANNA)
    assert running.entity.status is TaskStatus.IN_PROGRESS
    assert running.events[0].step == "start"  # type: ignore[attr-defined]
    stopped = stop_task(running.entity, now=later).entity
    assert stopped.status is TaskStatus.OPEN
    done = complete_task(stopped, now=later).entity
    assert (done.status, done.finished_at) == (TaskStatus.DONE, later)
    again = reopen_task(done, now=later).entity
    assert (again.status, again.finished_at) == (TaskStatus.OPEN, None)
    cancelled = cancel_task(again, now=later).entity
    assert cancelled.status is TaskStatus.CANCELLED
    with pytest.raises(InvalidTransitionError):
        reopen_task(cancelled, now=later)
    with pytest.raises(BusinessRuleError):
        edit_task(cancelled, TaskEdit(title="x"), now=later)
    assert TASK_LIFECYCLE.is_final("cancelled")


def test_the_lifecycle_table_agrees_with_the_machine() -> None:
    for state in (s.value for s in TaskStatus):
        for event in ("start", "stop", "complete", "cancel", "reopen"):
            try:
                expected = TASK_LIFECYCLE.fire(state, event)
            except InvalidTransitionError:
                with pytest.raises(InvalidTransitionError):
                    TASK_LIFECYCLE.target(state, event)
                continue
            assert TASK_LIFECYCLE.target(state, event) == expected


def test_the_checklist_adds_ticks_and_unticks_items() -> None:
    later = MONDAY + HOUR
    original = task()
    added = add_item(original, "Позвонить", now=later, actor=ANNA)
    assert [i.id for i in added.entity.checklist] == ["1", "2", "3"]
    assert added.events[0].name == "task.checklist_changed"
    ticked = tick_item(added.entity, "3", now=later, actor=BORIS).entity
    item = ticked.item("3")
    assert item is not None
    assert (item.done, item.done_at, item.done_by) == (True, later, BORIS)
    assert ticked.progress == (1, 3)
    assert tick_item(ticked, "3", now=later).entity is ticked
    unticked = untick_item(ticked, "3", now=later).entity
    assert unticked.item("3") == ChecklistItem(id="3", text="Позвонить")
    named = add_item(unticked, "Ещё", item_id="extra", now=later).entity
    assert named.checklist[-1].id == "extra"
    numbered = add_item(attrs.evolve(original, checklist=(ChecklistItem(id="2", text="a"),)),
                        "b", now=later).entity  # fmt: skip
    assert [i.id for i in numbered.checklist] == ["2", "3"]


def test_the_checklist_refuses_unknown_items_bad_texts_and_finished_tasks() -> None:
    original = task()
    with pytest.raises(DomainValidationError) as raised:
        tick_item(original, "9", now=MONDAY)
    assert raised.value.field == "item_id"
    with pytest.raises(DomainValidationError) as raised:
        add_item(original, " ", now=MONDAY)
    assert raised.value.field == "text"
    with pytest.raises(DomainValidationError):
        add_item(original, "x", item_id="1", now=MONDAY)
    done = complete_task(original, now=MONDAY).entity
    with pytest.raises(BusinessRuleError):
        tick_item(done, "1", now=MONDAY)


def test_a_task_due_at_fridays_close_is_late_only_once_working_time_passed() -> None:
    due = task()
    saturday = FRIDAY_CLOSE + timedelta(days=1)
    monday_open = FRIDAY_CLOSE + timedelta(days=2, hours=15)
    assert not due.is_overdue(saturday, calendar=CALENDAR)
    assert due.is_overdue(saturday)
    assert not due.is_overdue(monday_open, calendar=CALENDAR)
    assert due.is_overdue(monday_open + timedelta(minutes=1), calendar=CALENDAR)
    # The same instant written in another zone gives the same answer.
    assert due.is_overdue((monday_open + timedelta(minutes=1)).astimezone(UTC),
                          calendar=CALENDAR)  # fmt: skip
    assert not complete_task(due, now=MONDAY).entity.is_overdue(saturday)
    assert not task(due=None).is_overdue(saturday)
    assert task(due=None).late_from(CALENDAR) is None


def test_overdue_and_todays_tasks_are_ordered_by_due_instant_then_id() -> None:
    tuesday = MONDAY + timedelta(days=1)
    tasks = [
        task("t-3", due=tuesday),
        task("t-2", due=MONDAY + HOUR),
        task("t-1", due=(MONDAY + HOUR).astimezone(UTC)),
        task("t-4", due=None),
        complete_task(task("t-5", due=MONDAY), now=MONDAY).entity,
    ]
    late = overdue_tasks(tasks, tuesday + 2 * HOUR, calendar=CALENDAR)
    assert [t.id for t in late] == ["t-1", "t-2", "t-3"]
    assert [t.id for t in due_on(tasks, MONDAY.date(), MOSCOW)] == ["t-1", "t-2"]
    with pytest.raises(DomainValidationError):
        overdue_tasks(tasks, tuesday.replace(tzinfo=None))


def test_a_user_id_stays_a_user_id() -> None:
    assert task(co_executors=[UserId("vera")]).co_executors == frozenset({"vera"})
