"""Tasks and projects through the application layer: commands, queries, the rules'
``create_task`` and ``start_project``, claim activities as tasks, and the desktop."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import attrs
import pytest

from crmcore.app import CRM, Settings, Store
from crmcore.app.commands import (
    AddChecklistItem,
    CancelTask,
    CompleteTask,
    CreateTask,
    DecideClaim,
    EditTask,
    InvestigateClaim,
    OpenDeal,
    PlanClaimActivity,
    RegisterClaim,
    RegisterPartner,
    ReopenTask,
    StartProject,
    StartTask,
    StopTask,
    TickChecklistItem,
    UntickChecklistItem,
)
from crmcore.claims import Activity, ActivityStatus, Claimant, ClaimDraft, ClaimResult
from crmcore.deals import DealDraft
from crmcore.errors import ClaimNotDecidableError, DomainValidationError, EntityNotFoundError
from crmcore.ids import EntityRef, UserId
from crmcore.memory import MemoryStore, memory_repositories
from crmcore.partners import PartnerDraft, PartnerRole
from crmcore.rules import Member, Rule, Staff
from crmcore.serialization import make_converter
from crmcore.tasks import PlanStep, ProjectPlan, Task, TaskDraft, TaskEdit, TaskStatus

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday, 12:00 in Moscow
HOUR = timedelta(hours=1)
CONVERTER = make_converter()
PLAN = ProjectPlan(
    id="onboarding",
    name="Подключение клиента",
    steps=(
        PlanStep(id="contract", title="Подписать договор"),
        PlanStep(id="delivery", title="Первая поставка", offset_days=2, assignee=UserId("boris")),
    ),
)
STAFF = Staff(
    members=(
        Member(user=UserId("anna"), department="sales"),
        Member(user=UserId("boris"), department="sales"),
    )
)


def _crm(*rules: dict[str, Any], store: Store | None = None) -> CRM:
    settings = Settings(staff=STAFF, project_plans=(PLAN,))
    made = [
        CONVERTER.structure({"id": f"r-{n}", "name": "r", **r}, Rule) for n, r in enumerate(rules)
    ]
    return CRM(store or MemoryStore(), settings=settings, rules=made)


def _partner(crm: CRM) -> Any:
    draft = PartnerDraft(kind="legal_entity", roles=["client"], short_name="ООО «Ромашка»")
    return crm.execute(RegisterPartner(draft=draft), actor="anna", now=NOW).result


def _create(crm: CRM, **changes: Any) -> Task:
    draft = TaskDraft(**{"title": "Позвонить", "assignee": UserId("anna"), **changes})
    result: Task = crm.execute(CreateTask(draft=draft, task_id="t-1"), actor="anna", now=NOW).result
    return result


def test_a_task_is_created_changed_moved_and_ticked_through_commands() -> None:
    crm = _crm()
    partner = _partner(crm)
    ref = EntityRef(entity_type="partner", entity_id=partner.id)
    order = EntityRef(entity_type="order", entity_id="erp-77")
    created = _create(crm, links=[ref, order], checklist=["Цены"], due=NOW + 2 * HOUR)
    assert created.created_by == "anna"
    steps = [
        EditTask(task_id="t-1", edit=TaskEdit(co_executors=[UserId("boris")])),
        AddChecklistItem(task_id="t-1", text="Условия"),
        TickChecklistItem(task_id="t-1", item_id="2"),
        UntickChecklistItem(task_id="t-1", item_id="2"),
        StartTask(task_id="t-1"),
        StopTask(task_id="t-1"),
        CompleteTask(task_id="t-1"),
        ReopenTask(task_id="t-1"),
    ]
    names: list[str] = []
    for step in steps:
        executed = crm.execute(step, actor="boris", now=NOW + HOUR)
        names.extend(event.name for event in executed.events)
    assert names == [
        "task.changed", *["task.checklist_changed"] * 3, *["task.status_changed"] * 4,
    ]  # fmt: skip
    (stored,) = crm.tasks()
    assert (stored.status, stored.version, stored.co_executors) == (
        TaskStatus.OPEN, 9, frozenset({"boris"}),
    )  # fmt: skip
    assert crm.tasks(linked=ref) == [stored]
    assert crm.tasks(linked=order, assignee="anna", open_only=True) == [stored]
    assert crm.tasks(assignee="boris") == []


def test_a_refused_command_on_tasks_stores_nothing() -> None:
    crm = _crm()
    missing = EntityRef(entity_type="deal", entity_id="d-404")
    with pytest.raises(EntityNotFoundError):
        _create(crm, links=[missing])
    with pytest.raises(DomainValidationError) as raised:
        _create(crm, title=" ", priority="asap", links="deal:d-1")
    assert raised.value.fields == ("priority", "links", "title")
    assert crm.tasks() == []
    _create(crm)
    with pytest.raises(DomainValidationError):
        crm.execute(TickChecklistItem(task_id="t-1", item_id="9"), actor="anna", now=NOW)
    with pytest.raises(EntityNotFoundError):
        crm.execute(EditTask(task_id="t-1", edit=TaskEdit(links=[missing])), actor="anna", now=NOW)
    assert crm.tasks()[0].version == 1


def test_a_task_command_from_json_runs_like_any_other() -> None:
    crm = _crm()
    payload = {
        "draft": {"title": "Отправить КП", "assignee": "anna", "due": "2026-03-03T09:00:00+00:00",
                  "links": [{"entity_type": "order", "entity_id": "o-1"}], "priority": "high"},
        "task_id": "t-9",
    }  # fmt: skip
    command = CONVERTER.structure(payload, CreateTask)
    task = crm.execute(command, actor="anna", now=NOW).result
    assert (task.id, task.due, task.priority.value) == ("t-9", NOW + 24 * HOUR, "high")


def test_a_store_without_tasks_refuses_task_commands_and_keeps_rule_tasks_in_the_outbox() -> None:
    store = MemoryStore(attrs.evolve(memory_repositories(), tasks=None, projects=None))
    crm = _crm(
        {"trigger": {"entity": "deal", "on": "created"},
         "then": [{"action": "create_task", "title": "Закрыть «{{ title }}»"}]},
        store=store,
    )  # fmt: skip
    with pytest.raises(DomainValidationError) as raised:
        _create(crm)
    assert raised.value.field == "command"
    with pytest.raises(DomainValidationError) as raised:
        crm.execute(StartProject(plan_id="onboarding"), actor="anna", now=NOW)
    assert raised.value.field == "command"
    with pytest.raises(DomainValidationError):
        crm.tasks()
    with pytest.raises(DomainValidationError):
        crm.task_agenda("anna", now=NOW)
    with pytest.raises(DomainValidationError):
        crm.project("p-1", now=NOW)
    opened = _open_deal(crm)
    assert [m.kind for m in opened.outbox] == ["create_task"]
    assert crm.desktop("anna", now=NOW).tasks_today == ()


def _open_deal(crm: CRM) -> Any:
    partner = _partner(crm)
    draft = DealDraft(title="Трубы", partner_id=partner.id, responsible_manager=UserId("anna"))
    return crm.execute(OpenDeal(draft=draft, pipeline_id="typical_sale"), actor="anna", now=NOW)


def test_the_rules_create_task_stores_a_task_for_the_records_manager_and_tells_them() -> None:
    crm = _crm(
        {"trigger": {"entity": "deal", "on": "created"},
         "then": [{"action": "create_task", "title": "Закрыть «{{ title }}»", "due_in": "P1D"}]},
    )  # fmt: skip
    opened = _open_deal(crm)
    deal = opened.result
    (task,) = crm.tasks(linked=EntityRef(entity_type="deal", entity_id=deal.id))
    assert (task.title, task.assignee, task.due) == ("Закрыть «Трубы»", "anna", NOW + 24 * HOUR)
    assert task.created_by == "rule:r-0"
    assert "task.created" in [event.name for event in opened.events]
    assert [(m.kind, m.recipients[0].user) for m in opened.outbox] == [("create_task", "anna")]


def test_a_rule_task_for_nobody_fails_the_rule_and_the_persons_command_stands() -> None:
    crm = _crm(
        {"trigger": {"entity": "partner", "on": "created"},
         "then": [{"action": "create_task", "title": "Позвонить"},
                  {"action": "start_project", "name": "x", "template_id": "onboarding"}]},
    )  # fmt: skip
    executed = crm.execute(
        RegisterPartner(
            draft=PartnerDraft(kind="legal_entity", roles=["client"], short_name="Север")
        ),
        actor="anna",
        now=NOW,
    )
    assert [f.message for f in executed.failures] == [
        "action.assignee: names nobody for this record (got 'responsible')",
        "record.responsible_manager: is needed to start a project",
    ]
    assert executed.outbox == ()
    assert crm.tasks() == []


def test_the_rules_start_project_starts_the_settings_plan_for_the_record() -> None:
    crm = _crm(
        {"trigger": {"entity": "deal", "on": "created"},
         "then": [{"action": "start_project", "name": "Запуск «{{ title }}»",
                   "template_id": "onboarding"},
                  {"action": "start_project", "name": "x", "template_id": "unknown"}]},
    )  # fmt: skip
    opened = _open_deal(crm)
    deal_ref = EntityRef(entity_type="deal", entity_id=opened.result.id)
    tasks = crm.tasks(linked=deal_ref)
    assert [(t.plan_step, t.assignee) for t in tasks] == [
        ("contract", "anna"),
        ("delivery", "boris"),
    ]
    project_id = tasks[0].project_id
    assert project_id is not None
    project, progress = crm.project(project_id, now=NOW)
    assert (project.name, project.manager, project.links) == ("Запуск «Трубы»", "anna", (deal_ref,))
    assert (progress.total, progress.open, progress.overdue) == (2, 2, 0)
    assert [f.message for f in opened.failures] == [
        "plan_id: is not a project plan of the settings (got 'unknown')"
    ]
    assert [m.kind for m in opened.outbox] == ["start_project"]


def test_a_project_started_by_a_command_reports_its_progress() -> None:
    crm = _crm()
    project = crm.execute(
        StartProject(plan_id="onboarding", project_id="p-1", title="Ромашка"), actor="anna", now=NOW
    ).result
    assert (project.name, project.manager) == ("Ромашка", "anna")
    first, _ = crm.tasks(project_id="p-1")
    crm.execute(CompleteTask(task_id=first.id), actor="anna", now=NOW + HOUR)
    late = NOW + timedelta(days=4)
    _, progress = crm.project("p-1", now=late)
    assert (progress.done, progress.open, progress.overdue) == (1, 1, 1)
    with pytest.raises(DomainValidationError) as raised:
        crm.execute(StartProject(plan_id="nowhere"), actor="anna", now=NOW)
    assert raised.value.field == "plan_id"
    with pytest.raises(EntityNotFoundError):
        crm.project("p-404", now=NOW)


def test_claim_activities_become_tasks_whose_moves_the_activities_follow() -> None:
    crm = _crm()
    partner = _partner(crm)
    draft = ClaimDraft(claimant=Claimant(role=PartnerRole.CLIENT, partner_id=partner.id),
                       essence="Бой при доставке")  # fmt: skip
    claim = crm.execute(RegisterClaim(draft=draft), actor="anna", now=NOW).result
    crm.execute(InvestigateClaim(claim_id=claim.id, responsible_manager="boris"),
                actor="anna", now=NOW)  # fmt: skip
    for number in (1, 2):
        activity = Activity(id=f"a-{number}", name=f"Проверка {number}", planned_start=NOW,
                            planned_finish=NOW + number * HOUR)  # fmt: skip
        crm.execute(PlanClaimActivity(claim_id=claim.id, activity=activity, task_id=f"t-{number}"),
                    actor="anna", now=NOW)  # fmt: skip
    ref = EntityRef(entity_type="claim", entity_id=claim.id)
    tasks = crm.tasks(linked=ref)
    assert [(t.id, t.assignee, t.plan_step, t.due) for t in tasks] == [
        ("t-1", "boris", "a-1", NOW + HOUR), ("t-2", "boris", "a-2", NOW + 2 * HOUR),
    ]  # fmt: skip
    with pytest.raises(ClaimNotDecidableError, match="Проверка 1"):
        crm.execute(DecideClaim(claim_id=claim.id, result=ClaimResult.SATISFIED),
                    actor="anna", now=NOW + HOUR)  # fmt: skip
    crm.execute(StartTask(task_id="t-1"), actor="boris", now=NOW + HOUR)
    crm.execute(CompleteTask(task_id="t-1"), actor="boris", now=NOW + HOUR)
    crm.execute(CancelTask(task_id="t-2"), actor="boris", now=NOW + HOUR)
    other = TaskDraft(title="Сверка", assignee=UserId("anna"), links=[ref], plan_step="a-9")
    crm.execute(CreateTask(draft=other, task_id="t-9"), actor="anna", now=NOW + HOUR)
    crm.execute(CompleteTask(task_id="t-9"), actor="anna", now=NOW + HOUR)
    stored = crm.get("claim", claim.id)
    assert [a.status for a in stored.plan.activities] == [
        ActivityStatus.DONE, ActivityStatus.CANCELLED,
    ]  # fmt: skip
    decided = crm.execute(DecideClaim(claim_id=claim.id, result=ClaimResult.SATISFIED),
                          actor="anna", now=NOW + HOUR).result  # fmt: skip
    reopened = crm.execute(ReopenTask(task_id="t-1"), actor="boris", now=NOW + 2 * HOUR).result
    assert reopened.status is TaskStatus.OPEN
    assert crm.get("claim", claim.id).plan == decided.plan


def test_the_desktop_and_the_agenda_show_todays_and_overdue_tasks() -> None:
    crm = _crm()
    drafts = {
        "t-late": NOW - 2 * HOUR,
        "t-today": NOW + 3 * HOUR,
        "t-tomorrow": NOW + 24 * HOUR,
        "t-none": None,
    }
    for task_id, due in drafts.items():
        draft = TaskDraft(title=task_id, assignee=UserId("anna"), due=due)
        crm.execute(CreateTask(draft=draft, task_id=task_id), actor="anna", now=NOW - 3 * HOUR)
    # Due at 07:00 before the 09:00 opening, the task is late only once work has begun.
    opening = crm.desktop("anna", now=NOW)
    assert [t.id for t in opening.tasks_today] == ["t-late", "t-today"]
    assert opening.overdue_tasks == ()
    desk = crm.desktop("anna", now=NOW + HOUR)
    assert [t.id for t in desk.tasks_today] == ["t-today"]
    assert [t.id for t in desk.overdue_tasks] == ["t-late"]
    agenda = crm.task_agenda("anna", now=NOW + HOUR, day=(NOW + 24 * HOUR).date())
    assert [t.id for t in agenda.today] == ["t-tomorrow"]
    assert [t.id for t in agenda.overdue] == ["t-late"]
    assert crm.desktop("boris", now=NOW).overdue_tasks == ()


def test_a_store_with_tasks_but_no_projects_plans_claim_activities_as_tasks_only() -> None:
    store = MemoryStore(attrs.evolve(memory_repositories(), projects=None))
    crm = _crm(store=store)
    with pytest.raises(DomainValidationError) as raised:
        crm.execute(StartProject(plan_id="onboarding"), actor="anna", now=NOW)
    assert raised.value.violations[0].message == "needs a store that keeps projects"
    bare = _crm(store=MemoryStore(attrs.evolve(memory_repositories(), tasks=None)))
    draft = ClaimDraft(claimant=Claimant(role=PartnerRole.CLIENT, name="Анна"), essence="Бой")
    claim = bare.execute(RegisterClaim(draft=draft), actor="anna", now=NOW).result
    activity = Activity(id="a-1", name="Осмотр", planned_start=NOW, planned_finish=NOW + HOUR)
    planned = bare.execute(
        PlanClaimActivity(claim_id=claim.id, activity=activity), actor="anna", now=NOW
    )
    assert [a.id for a in planned.result.plan.activities] == ["a-1"]
    assert [e.name for e in planned.events] == ["claim.plan_changed"]


def test_tasks_and_projects_started_by_a_rule_keep_on_sqlite() -> None:
    from crmcore.sql import SqlStore  # noqa: PLC0415 - the sql extra only for this test

    store = SqlStore.sqlite(":memory:")
    try:
        crm = _crm(
            {"trigger": {"entity": "deal", "on": "created"},
             "then": [{"action": "start_project", "name": "Запуск", "template_id": "onboarding"}]},
            store=store,
        )  # fmt: skip
        deal = _open_deal(crm).result
        ref = EntityRef(entity_type="deal", entity_id=deal.id)
        first, second = crm.tasks(linked=ref)
        crm.execute(CompleteTask(task_id=first.id), actor="anna", now=NOW + HOUR)
        assert first.project_id is not None
        project, progress = crm.project(first.project_id, now=NOW + 3 * 24 * HOUR)
        assert project.links == (ref,)
        assert (progress.done, progress.overdue, progress.share) == (1, 1, Decimal("0.5"))
        assert [t.id for t in crm.task_agenda("boris", now=NOW + 3 * 24 * HOUR).overdue] == [
            second.id
        ]
    finally:
        store.close()
