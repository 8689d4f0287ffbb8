"""Keep tasks and projects

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from crmcore.sql.types import KEY, Moment

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _links(table: str, owner: str, owners: str) -> None:
    op.create_table(
        table,
        sa.Column("entity_type", KEY, nullable=False),
        sa.Column("entity_id", KEY, nullable=False),
        sa.Column(owner, KEY, nullable=False),
        sa.ForeignKeyConstraint(
            [owner],
            [f"{owners}.id"],
            name=op.f(f"fk_{table}_{owner}_{owners}"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("entity_type", "entity_id", owner, name=op.f(f"pk_{table}")),
    )
    op.create_index(op.f(f"ix_{table}_{owner}"), table, [owner], unique=False)


def upgrade() -> None:
    """Move the schema to this revision."""
    op.create_table(
        "tasks",
        sa.Column("id", KEY, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("assignee", KEY, nullable=False),
        sa.Column("status", KEY, nullable=False),
        sa.Column("project_id", KEY, nullable=True),
        sa.Column("due_at", Moment(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tasks")),
    )
    op.create_index(
        op.f("ix_tasks_assignee_status_due_at"),
        "tasks",
        ["assignee", "status", "due_at"],
        unique=False,
    )
    op.create_index(op.f("ix_tasks_status_due_at"), "tasks", ["status", "due_at"], unique=False)
    op.create_index(op.f("ix_tasks_project_id"), "tasks", ["project_id"], unique=False)
    _links("task_links", "task_id", "tasks")
    op.create_table(
        "projects",
        sa.Column("id", KEY, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("manager", KEY, nullable=False),
        sa.Column("started_at", Moment(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_projects")),
    )
    op.create_index(
        op.f("ix_projects_manager_started_at"), "projects", ["manager", "started_at"], unique=False
    )
    op.create_index(
        op.f("ix_projects_started_at_id"), "projects", ["started_at", "id"], unique=False
    )
    _links("project_links", "project_id", "projects")


def downgrade() -> None:
    """Move the schema back to the revision before."""
    op.drop_index(op.f("ix_project_links_project_id"), "project_links")
    op.drop_table("project_links")
    op.drop_index(op.f("ix_projects_started_at_id"), "projects")
    op.drop_index(op.f("ix_projects_manager_started_at"), "projects")
    op.drop_table("projects")
    op.drop_index(op.f("ix_task_links_task_id"), "task_links")
    op.drop_table("task_links")
    op.drop_index(op.f("ix_tasks_project_id"), "tasks")
    op.drop_index(op.f("ix_tasks_status_due_at"), "tasks")
    op.drop_index(op.f("ix_tasks_assignee_status_due_at"), "tasks")
    op.drop_table("tasks")
