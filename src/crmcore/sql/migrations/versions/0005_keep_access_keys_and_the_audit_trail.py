"""Keep the records' access keys and the audit trail

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from crmcore.sql.access import backfill_keys
from crmcore.sql.database import shared_converter
from crmcore.sql.types import KEY, Moment

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Move the schema to this revision."""
    op.create_table(
        "access_keys",
        sa.Column("entity_type", KEY, nullable=False),
        sa.Column("key", KEY, nullable=False),
        sa.Column("entity_id", KEY, nullable=False),
        sa.PrimaryKeyConstraint("entity_type", "key", "entity_id", name=op.f("pk_access_keys")),
    )
    op.create_index(
        op.f("ix_access_keys_entity_type_entity_id"),
        "access_keys",
        ["entity_type", "entity_id"],
        unique=False,
    )
    op.create_table(
        "audit_entries",
        sa.Column("seq", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("id", KEY, nullable=False),
        sa.Column("entity_type", KEY, nullable=False),
        sa.Column("entity_id", KEY, nullable=False),
        sa.Column("at", Moment(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_audit_entries")),
        sa.UniqueConstraint("id", name=op.f("uq_audit_entries_id")),
    )
    op.create_index(
        op.f("ix_audit_entries_entity_type_entity_id_seq"),
        "audit_entries",
        ["entity_type", "entity_id", "seq"],
        unique=False,
    )
    backfill_keys(op.get_bind(), shared_converter())


def downgrade() -> None:
    """Move the schema back to the revision before."""
    op.drop_index(op.f("ix_audit_entries_entity_type_entity_id_seq"), "audit_entries")
    op.drop_table("audit_entries")
    op.drop_index(op.f("ix_access_keys_entity_type_entity_id"), "access_keys")
    op.drop_table("access_keys")
