"""Handlers of the tasks' commands: tasks, their lifecycle and checklist, projects started
from the settings' plans, and claim investigation activities planned as tasks. The rules'
``create_task`` and ``start_project`` are carried out here too.

A store without tasks (``Repositories.tasks`` or ``projects`` left ``None``) refuses these
commands with a :class:`~crmcore.errors.DomainValidationError` naming ``command``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Final

from crmcore.app.commands import (
    AddChecklistItem,
    CancelTask,
    CompleteTask,
    CreateTask,
    EditTask,
    PlanClaimActivity,
    ReopenTask,
    StartProject,
    StartTask,
    StopTask,
    TickChecklistItem,
    UntickChecklistItem,
)
from crmcore.app.handlers.base import Handler, Runtime, handles
from crmcore.app.work import REPOSITORY_OF_REFERENCE, ROOT, Work
from crmcore.claims import Claim, plan_activity, update_activity
from crmcore.claims.tasks import ACTIVITY_STATUS_OF_TASK, activity_of, activity_task
from crmcore.errors import DomainValidationError
from crmcore.events import Outcome
from crmcore.ids import ClaimId, EntityRef, ProjectId, TaskId, UserId, new_id
from crmcore.rules.engine import Chain
from crmcore.tasks import (
    Project,
    ProjectRepository,
    Task,
    TaskDraft,
    TaskRepository,
    add_item,
    cancel_task,
    complete_task,
    create_task,
    edit_task,
    reopen_task,
    start_project,
    start_task,
    stop_task,
    tick_item,
    untick_item,
)

__all__ = ["HANDLERS", "add_task", "begin_project", "projects_of", "tasks_of"]

HANDLERS: Final[dict[type, Handler]] = {}


def tasks_of(work: Work) -> TaskRepository:
    """The store's tasks, else a ``DomainValidationError``: the store keeps none."""
    found = work.repositories.tasks
    if found is None:
        raise DomainValidationError.single("command", "needs a store that keeps tasks")
    return found


def projects_of(work: Work) -> ProjectRepository:
    """The store's projects, else a ``DomainValidationError``: the store keeps none."""
    found = work.repositories.projects
    if found is None:
        raise DomainValidationError.single("command", "needs a store that keeps projects")
    return found


def _check_links(work: Work, links: Iterable[object]) -> None:
    """Every linked record of a kind the CRM stores exists (``EntityNotFoundError``); links
    to the host's own records (an order in the ERP) are taken as they are."""
    for ref in links:
        if isinstance(ref, EntityRef) and ref.entity_type in REPOSITORY_OF_REFERENCE:
            work.get_ref(ref)


def add_task(
    work: Work, draft: TaskDraft, *, task_id: str | None, actor: UserId, chain: Chain = ROOT
) -> Task:
    """Create the task of ``draft`` and store it in ``work``."""
    tasks_of(work)
    if isinstance(draft.links, list | tuple):
        _check_links(work, draft.links)
    outcome = create_task(draft, task_id=TaskId(task_id or new_id()), now=work.now, actor=actor)
    return work.add("tasks", outcome, chain=chain)


def begin_project(
    runtime: Runtime,
    work: Work,
    plan_id: str,
    *,
    manager: UserId,
    actor: UserId,
    name: str | None = None,
    links: tuple[EntityRef, ...] = (),
    project_id: str | None = None,
    chain: Chain = ROOT,
) -> Project:
    """Start a project of the settings' plan ``plan_id`` and store it with its tasks."""
    tasks_of(work)
    projects_of(work)
    plan = runtime.settings.project_plan(plan_id)
    if plan is None:
        raise DomainValidationError.single(
            "plan_id", "is not a project plan of the settings", value=plan_id
        )
    _check_links(work, links)
    started = start_project(
        plan, project_id=ProjectId(project_id or new_id()), manager=manager, now=work.now,
        calendar=runtime.settings.calendar, name=name, links=links, actor=actor,
    )  # fmt: skip
    # The project's event comes first, then one event a task, in the order of the tasks.
    work.add("projects", Outcome(entity=started.project, events=started.events[:1]), chain=chain)
    for task, event in zip(started.tasks, started.events[1:], strict=True):
        work.add("tasks", Outcome(entity=task, events=(event,)), chain=chain)
    return started.project


def _get(work: Work, task_id: str) -> Task:
    return tasks_of(work).get(TaskId(task_id))


def _actor(work: Work) -> UserId:
    return UserId(work.actor)


@handles(HANDLERS, CreateTask)
def _create(runtime: Runtime, work: Work, command: CreateTask) -> Task:
    return add_task(work, command.draft, task_id=command.task_id, actor=_actor(work))


@handles(HANDLERS, EditTask)
def _edit(runtime: Runtime, work: Work, command: EditTask) -> Task:
    task = _get(work, command.task_id)
    if command.edit.links is not None and isinstance(command.edit.links, list | tuple):
        _check_links(work, command.edit.links)
    outcome = edit_task(task, command.edit, now=work.now, actor=_actor(work))
    return work.save("tasks", task, outcome)


Move = Callable[..., Outcome[Task]]


def _moved(work: Work, task_id: str, move: Move) -> Task:
    """``move`` the task and carry its new status over to the activity it was made from."""
    task = _get(work, task_id)
    saved = work.save("tasks", task, move(task, now=work.now, actor=_actor(work)))
    _follow_activity(work, saved)
    return saved


def _follow_activity(work: Work, task: Task) -> None:
    found = activity_of(task)
    if found is None:
        return
    claim_id, activity_id = found
    claim: Claim = work.repositories.claims.get(ClaimId(claim_id))
    if not claim.is_open or claim.plan.find(activity_id) is None:
        return  # a decided claim keeps its plan; a task may name an activity since removed
    outcome = update_activity(
        claim, activity_id, status=ACTIVITY_STATUS_OF_TASK[task.status], now=work.now,
        actor=_actor(work),
    )  # fmt: skip
    work.save("claims", claim, outcome)


@handles(HANDLERS, StartTask)
def _start(runtime: Runtime, work: Work, command: StartTask) -> Task:
    return _moved(work, command.task_id, start_task)


@handles(HANDLERS, StopTask)
def _stop(runtime: Runtime, work: Work, command: StopTask) -> Task:
    return _moved(work, command.task_id, stop_task)


@handles(HANDLERS, CompleteTask)
def _complete(runtime: Runtime, work: Work, command: CompleteTask) -> Task:
    return _moved(work, command.task_id, complete_task)


@handles(HANDLERS, CancelTask)
def _cancel(runtime: Runtime, work: Work, command: CancelTask) -> Task:
    return _moved(work, command.task_id, cancel_task)


@handles(HANDLERS, ReopenTask)
def _reopen(runtime: Runtime, work: Work, command: ReopenTask) -> Task:
    return _moved(work, command.task_id, reopen_task)


@handles(HANDLERS, AddChecklistItem)
def _add_item(runtime: Runtime, work: Work, command: AddChecklistItem) -> Task:
    task = _get(work, command.task_id)
    outcome = add_item(
        task, command.text, item_id=command.item_id, now=work.now, actor=_actor(work)
    )
    return work.save("tasks", task, outcome)


@handles(HANDLERS, TickChecklistItem)
def _tick(runtime: Runtime, work: Work, command: TickChecklistItem) -> Task:
    task = _get(work, command.task_id)
    return work.save(
        "tasks", task, tick_item(task, command.item_id, now=work.now, actor=_actor(work))
    )


@handles(HANDLERS, UntickChecklistItem)
def _untick(runtime: Runtime, work: Work, command: UntickChecklistItem) -> Task:
    task = _get(work, command.task_id)
    outcome = untick_item(task, command.item_id, now=work.now, actor=_actor(work))
    return work.save("tasks", task, outcome)


@handles(HANDLERS, StartProject)
def _start_project(runtime: Runtime, work: Work, command: StartProject) -> Project:
    return begin_project(
        runtime, work, command.plan_id, manager=UserId(command.manager or work.actor),
        actor=_actor(work), name=command.title, links=command.links,
        project_id=command.project_id,
    )  # fmt: skip


@handles(HANDLERS, PlanClaimActivity)
def _plan_activity(runtime: Runtime, work: Work, command: PlanClaimActivity) -> Claim:
    claim = work.repositories.claims.get(ClaimId(command.claim_id))
    planned = plan_activity(claim, command.activity, now=work.now, actor=_actor(work))
    saved = work.save("claims", claim, planned)
    if work.repositories.tasks is not None:
        draft = activity_task(saved, command.activity, default_assignee=_actor(work))
        add_task(work, draft, task_id=command.task_id, actor=_actor(work))
    return saved
