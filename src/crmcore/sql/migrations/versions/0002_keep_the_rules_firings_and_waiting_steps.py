"""Keep the rules' firings and waiting steps

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from crmcore.sql.types import KEY, Moment

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Move the schema to this revision."""
    op.create_table(
        "rule_firings",
        sa.Column("seq", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("rule_id", KEY, nullable=False),
        sa.Column("throttle_key", KEY, nullable=False),
        sa.Column("entity", KEY, nullable=False),
        sa.Column("entity_id", KEY, nullable=False),
        sa.Column("at", Moment(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_rule_firings")),
    )
    op.create_index(
        op.f("ix_rule_firings_rule_id_throttle_key_at"),
        "rule_firings",
        ["rule_id", "throttle_key", "at"],
        unique=False,
    )
    op.create_index(
        op.f("ix_rule_firings_entity_entity_id_rule_id"),
        "rule_firings",
        ["entity", "entity_id", "rule_id"],
        unique=False,
    )
    op.create_table(
        "rule_steps",
        sa.Column("seq", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("step_key", KEY, nullable=False),
        sa.Column("due_at", Moment(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_rule_steps")),
        sa.UniqueConstraint("step_key", name=op.f("uq_rule_steps_step_key")),
    )
    op.create_index(op.f("ix_rule_steps_due_at_seq"), "rule_steps", ["due_at", "seq"], unique=False)


def downgrade() -> None:
    """Move the schema back to the revision before."""
    op.drop_index(op.f("ix_rule_steps_due_at_seq"), "rule_steps")
    op.drop_table("rule_steps")
    op.drop_index(op.f("ix_rule_firings_entity_entity_id_rule_id"), "rule_firings")
    op.drop_index(op.f("ix_rule_firings_rule_id_throttle_key_at"), "rule_firings")
    op.drop_table("rule_firings")
