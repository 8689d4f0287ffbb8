"""Keep segments, consents, campaigns, purchases and surveys

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import sqlalchemy as sa
from alembic import op

from crmcore.sql.types import KEY, Moment

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Each table's indexes, by the columns they cover.
_INDEXES: Final = {
    "consents": (("partner_id", "id"),),
    "campaigns": (("starts_on", "id"), ("status", "starts_on"), ("segment_id", "starts_on")),
    "purchases": (("won_at", "id"), ("partner_id", "won_at")),
    "survey_responses": (("survey_id", "answered_at", "id"),),
}


def _table(name: str, *columns: sa.Column[object] | sa.ForeignKeyConstraint) -> None:
    op.create_table(
        name,
        sa.Column("id", KEY, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        *columns,
        sa.Column("body", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{name}")),
    )
    for covered in _INDEXES.get(name, ()):
        op.create_index(op.f(f"ix_{name}_{'_'.join(covered)}"), name, list(covered), unique=False)


def upgrade() -> None:
    """Move the schema to this revision."""
    _table("segments")
    _table("consents", sa.Column("partner_id", KEY, nullable=False))
    _table(
        "campaigns",
        sa.Column("status", KEY, nullable=False),
        sa.Column("segment_id", KEY, nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=False),
    )
    _table(
        "purchases",
        sa.Column("partner_id", KEY, nullable=False),
        sa.Column("won_at", Moment(), nullable=False),
    )
    _table("surveys")
    _table(
        "survey_responses",
        sa.Column("survey_id", KEY, nullable=False),
        sa.Column("answered_at", Moment(), nullable=False),
        sa.ForeignKeyConstraint(
            ["survey_id"],
            ["surveys.id"],
            name=op.f("fk_survey_responses_survey_id_surveys"),
            ondelete="CASCADE",
        ),
    )


def downgrade() -> None:
    """Move the schema back to the revision before."""
    for name in ("survey_responses", "surveys", "purchases", "campaigns", "consents", "segments"):
        for covered in _INDEXES.get(name, ()):
            op.drop_index(op.f(f"ix_{name}_{'_'.join(covered)}"), name)
        op.drop_table(name)
