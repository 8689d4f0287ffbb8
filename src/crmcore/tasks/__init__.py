"""Tasks and projects: pieces of work with an assignee, co-executors, a due moment, a
priority, a lifecycle, links to any record and a checklist; overdue on the working calendar;
projects that start a group of tasks from a plan and report their progress."""

from crmcore.tasks.events import (
    ProjectStarted,
    TaskChanged,
    TaskChecklistChanged,
    TaskCreated,
    TaskStatusChanged,
)
from crmcore.tasks.kinds import TaskPriority, TaskStatus
from crmcore.tasks.lifecycle import TASK_LIFECYCLE, TASK_LIFECYCLE_DEFINITION
from crmcore.tasks.model import ChecklistItem, Task
from crmcore.tasks.projects import (
    PlanStep,
    Project,
    ProjectPlan,
    ProjectProgress,
    ProjectStart,
    project_progress,
    start_project,
)
from crmcore.tasks.reports import TaskAgenda, task_agenda
from crmcore.tasks.repository import ProjectRepository, TaskRepository
from crmcore.tasks.services import (
    TaskDraft,
    TaskEdit,
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

__all__ = [
    "TASK_LIFECYCLE",
    "TASK_LIFECYCLE_DEFINITION",
    "ChecklistItem",
    "PlanStep",
    "Project",
    "ProjectPlan",
    "ProjectProgress",
    "ProjectRepository",
    "ProjectStart",
    "ProjectStarted",
    "Task",
    "TaskAgenda",
    "TaskChanged",
    "TaskChecklistChanged",
    "TaskCreated",
    "TaskDraft",
    "TaskEdit",
    "TaskPriority",
    "TaskRepository",
    "TaskStatus",
    "TaskStatusChanged",
    "add_item",
    "cancel_task",
    "complete_task",
    "create_task",
    "due_on",
    "edit_task",
    "overdue_tasks",
    "project_progress",
    "reopen_task",
    "start_project",
    "start_task",
    "stop_task",
    "task_agenda",
    "tick_item",
    "untick_item",
]
