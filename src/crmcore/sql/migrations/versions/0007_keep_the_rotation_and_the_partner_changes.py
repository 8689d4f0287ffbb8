"""Keep the round-robin rotation and the sequence of partner changes

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from crmcore.sql.types import KEY

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Move the schema to this revision."""
    op.create_table(
        "rotation_pointers",
        sa.Column("team", KEY, nullable=False),
        sa.Column("user_id", KEY, nullable=False),
        sa.PrimaryKeyConstraint("team", name=op.f("pk_rotation_pointers")),
    )
    op.create_table(
        "partner_changes",
        sa.Column("kind", KEY, nullable=False),
        sa.Column("record_id", KEY, nullable=False),
        sa.Column("sequence", sa.BigInteger(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("kind", "record_id", name=op.f("pk_partner_changes")),
    )
    op.create_index(
        op.f("ix_partner_changes_sequence"), "partner_changes", ["sequence"], unique=True
    )


def downgrade() -> None:
    """Move the schema back to the revision before."""
    op.drop_index(op.f("ix_partner_changes_sequence"), table_name="partner_changes")
    op.drop_table("partner_changes")
    op.drop_table("rotation_pointers")
