"""Keep the catalog and the deals' documents

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from crmcore.sql.types import KEY, Moment

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _versioned(table: str, *columns: sa.Column[object] | sa.UniqueConstraint) -> None:
    op.create_table(
        table,
        sa.Column("id", KEY, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        *(column for column in columns if isinstance(column, sa.Column)),
        sa.Column("body", sa.Text(), nullable=False),
        *(item for item in columns if not isinstance(item, sa.Column)),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
    )


def upgrade() -> None:
    """Move the schema to this revision."""
    _versioned("product_groups")
    _versioned(
        "products",
        sa.Column("group_id", KEY, nullable=True),
        sa.Column("kind", KEY, nullable=False),
    )
    op.create_index(op.f("ix_products_group_id_id"), "products", ["group_id", "id"], unique=False)
    op.create_index(op.f("ix_products_kind_id"), "products", ["kind", "id"], unique=False)
    op.create_table(
        "price_types",
        sa.Column("id", KEY, nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_price_types")),
    )
    op.create_table(
        "catalog_prices",
        sa.Column("price_type", KEY, nullable=False),
        sa.Column("product_id", KEY, nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint(
            "price_type", "product_id", "valid_from", name=op.f("pk_catalog_prices")
        ),
    )
    op.create_index(
        op.f("ix_catalog_prices_product_id_price_type_valid_from"),
        "catalog_prices",
        ["product_id", "price_type", "valid_from"],
        unique=False,
    )
    op.create_table(
        "stock_levels",
        sa.Column("product_id", KEY, nullable=False),
        sa.Column("warehouse", KEY, nullable=False),
        sa.Column("as_of", Moment(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("product_id", "warehouse", name=op.f("pk_stock_levels")),
    )
    _versioned(
        "commercial_offers",
        sa.Column("deal_id", KEY, nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.UniqueConstraint("deal_id", "number", name=op.f("uq_commercial_offers_deal_id_number")),
    )
    _versioned(
        "supplier_orders",
        sa.Column("deal_id", KEY, nullable=False),
        sa.Column("supplier_id", KEY, nullable=False),
        sa.Column("created_at", Moment(), nullable=False),
    )
    for key in ("deal_id", "supplier_id"):
        op.create_index(
            op.f(f"ix_supplier_orders_{key}_created_at_id"),
            "supplier_orders",
            [key, "created_at", "id"],
            unique=False,
        )
    _versioned("business_plans")


def downgrade() -> None:
    """Move the schema back to the revision before."""
    for table in (
        "business_plans",
        "supplier_orders",
        "commercial_offers",
        "stock_levels",
        "catalog_prices",
        "price_types",
        "products",
        "product_groups",
    ):
        op.drop_table(table)
