"""Create the tables of every repository

Revision ID: 0001
Revises:
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from crmcore.sql.types import KEY, Moment

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# One statement a table and index: a first revision is long by nature.
def upgrade() -> None:  # noqa: PLR0915
    """Move the schema to this revision."""
    op.create_table(
        "agreements",
        sa.Column("id", KEY, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("kind", KEY, nullable=False),
        sa.Column("status", KEY, nullable=False),
        sa.Column("partner_id", KEY, nullable=True),
        sa.Column("base_id", KEY, nullable=True),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreements")),
    )
    op.create_index(op.f("ix_agreements_base_id_id"), "agreements", ["base_id", "id"], unique=False)
    op.create_index(
        op.f("ix_agreements_kind_status_id"), "agreements", ["kind", "status", "id"], unique=False
    )
    op.create_index(
        op.f("ix_agreements_partner_id_valid_from_id"),
        "agreements",
        ["partner_id", "valid_from", "id"],
        unique=False,
    )

    op.create_table(
        "claims",
        sa.Column("id", KEY, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("status", KEY, nullable=False),
        sa.Column("department", KEY, nullable=True),
        sa.Column("partner_id", KEY, nullable=True),
        sa.Column("registered_at", Moment(), nullable=False),
        sa.Column("responded", sa.Boolean(), nullable=False),
        sa.Column("response_due", Moment(), nullable=False),
        sa.Column("resolution_due", Moment(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claims")),
    )
    op.create_index(
        op.f("ix_claims_partner_id_registered_at"),
        "claims",
        ["partner_id", "registered_at"],
        unique=False,
    )
    op.create_index(
        op.f("ix_claims_registered_at_id"), "claims", ["registered_at", "id"], unique=False
    )
    op.create_index(
        op.f("ix_claims_status_resolution_due_id"),
        "claims",
        ["status", "resolution_due", "id"],
        unique=False,
    )

    op.create_table(
        "contact_persons",
        sa.Column("id", KEY, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("partner_id", KEY, nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_persons")),
    )
    op.create_index(
        op.f("ix_contact_persons_partner_id_id"),
        "contact_persons",
        ["partner_id", "id"],
        unique=False,
    )

    op.create_table(
        "deals",
        sa.Column("id", KEY, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("partner_id", KEY, nullable=False),
        sa.Column("pipeline_id", KEY, nullable=False),
        sa.Column("status", KEY, nullable=False),
        sa.Column("manager", KEY, nullable=False),
        sa.Column("expected_close", sa.Date(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deals")),
    )
    op.create_index(
        op.f("ix_deals_manager_status_id"), "deals", ["manager", "status", "id"], unique=False
    )
    op.create_index(op.f("ix_deals_partner_id_id"), "deals", ["partner_id", "id"], unique=False)
    op.create_index(op.f("ix_deals_pipeline_id_id"), "deals", ["pipeline_id", "id"], unique=False)
    op.create_index(
        op.f("ix_deals_status_expected_close_id"),
        "deals",
        ["status", "expected_close", "id"],
        unique=False,
    )

    op.create_table(
        "interactions",
        sa.Column("id", KEY, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("responsible", KEY, nullable=False),
        sa.Column("partner_id", KEY, nullable=True),
        sa.Column("chain_type", KEY, nullable=False),
        sa.Column("chain_id", KEY, nullable=False),
        sa.Column("status", KEY, nullable=False),
        sa.Column("start_at", Moment(), nullable=False),
        sa.Column("end_at", Moment(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interactions")),
    )
    op.create_index(
        op.f("ix_interactions_chain_type_chain_id_start_at"),
        "interactions",
        ["chain_type", "chain_id", "start_at"],
        unique=False,
    )
    op.create_index(
        op.f("ix_interactions_partner_id_start_at"),
        "interactions",
        ["partner_id", "start_at"],
        unique=False,
    )
    op.create_index(
        op.f("ix_interactions_responsible_start_at"),
        "interactions",
        ["responsible", "start_at"],
        unique=False,
    )
    op.create_index(
        op.f("ix_interactions_responsible_status_end_at"),
        "interactions",
        ["responsible", "status", "end_at"],
        unique=False,
    )
    op.create_index(
        op.f("ix_interactions_status_end_at"), "interactions", ["status", "end_at"], unique=False
    )

    op.create_table(
        "outbox",
        sa.Column("id", KEY, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("status", KEY, nullable=False),
        sa.Column("created_at", Moment(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
    )
    op.create_index(op.f("ix_outbox_created_at_id"), "outbox", ["created_at", "id"], unique=False)
    op.create_index(
        op.f("ix_outbox_status_created_at_id"),
        "outbox",
        ["status", "created_at", "id"],
        unique=False,
    )

    op.create_table(
        "partners",
        sa.Column("id", KEY, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("short_name_key", KEY, nullable=False),
        sa.Column("tax_id", KEY, nullable=True),
        sa.Column("kpp", KEY, nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partners")),
    )
    op.create_index(op.f("ix_partners_tax_id_kpp"), "partners", ["tax_id", "kpp"], unique=False)

    op.create_table(
        "pipelines",
        sa.Column("id", KEY, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("kind", KEY, nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pipelines")),
    )
    op.create_index(op.f("ix_pipelines_kind_id"), "pipelines", ["kind", "id"], unique=False)

    op.create_table(
        "prices",
        sa.Column("price_type", KEY, nullable=False),
        sa.Column("product", KEY, nullable=False),
        sa.Column("since", sa.Date(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("price_type", "product", "since", name=op.f("pk_prices")),
    )
    op.create_table(
        "relationships",
        sa.Column("id", KEY, nullable=False),
        sa.Column("kind", KEY, nullable=False),
        sa.Column("source_type", KEY, nullable=False),
        sa.Column("source_id", KEY, nullable=False),
        sa.Column("target_type", KEY, nullable=False),
        sa.Column("target_id", KEY, nullable=False),
        sa.Column("first_type", KEY, nullable=False),
        sa.Column("first_id", KEY, nullable=False),
        sa.Column("second_type", KEY, nullable=False),
        sa.Column("second_id", KEY, nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_relationships")),
        sa.UniqueConstraint(
            "kind",
            "first_type",
            "first_id",
            "second_type",
            "second_id",
            name=op.f("uq_relationships_kind_first_type_first_id_second_type_second_id"),
        ),
    )
    op.create_index(
        op.f("ix_relationships_source_type_source_id"),
        "relationships",
        ["source_type", "source_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_relationships_target_type_target_id"),
        "relationships",
        ["target_type", "target_id"],
        unique=False,
    )

    op.create_table(
        "requests",
        sa.Column("id", KEY, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("status", KEY, nullable=False),
        sa.Column("source", KEY, nullable=False),
        sa.Column("manager", KEY, nullable=True),
        sa.Column("partner_id", KEY, nullable=True),
        sa.Column("received_at", Moment(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_requests")),
    )
    op.create_index(
        op.f("ix_requests_manager_received_at"),
        "requests",
        ["manager", "received_at"],
        unique=False,
    )
    op.create_index(
        op.f("ix_requests_partner_id_received_at"),
        "requests",
        ["partner_id", "received_at"],
        unique=False,
    )
    op.create_index(
        op.f("ix_requests_received_at_id"), "requests", ["received_at", "id"], unique=False
    )
    op.create_index(
        op.f("ix_requests_status_received_at_id"),
        "requests",
        ["status", "received_at", "id"],
        unique=False,
    )

    op.create_table(
        "rule_heads",
        sa.Column("id", KEY, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rule_heads")),
    )
    op.create_table(
        "sales",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("partner_id", KEY, nullable=False),
        sa.Column("product", KEY, nullable=False),
        sa.Column("sold_on", sa.Date(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sales")),
    )
    op.create_index(
        op.f("ix_sales_partner_id_product_sold_on_id"),
        "sales",
        ["partner_id", "product", "sold_on", "id"],
        unique=False,
    )

    op.create_table(
        "stage_log",
        sa.Column("deal_id", KEY, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("pipeline_id", KEY, nullable=False),
        sa.Column("at", Moment(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("deal_id", "version", name=op.f("pk_stage_log")),
    )
    op.create_index(
        op.f("ix_stage_log_at_deal_id_version"),
        "stage_log",
        ["at", "deal_id", "version"],
        unique=False,
    )
    op.create_index(
        op.f("ix_stage_log_pipeline_id_at"), "stage_log", ["pipeline_id", "at"], unique=False
    )

    op.create_table(
        "tick_fired",
        sa.Column("key", KEY, nullable=False),
        sa.Column("at", Moment(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_tick_fired")),
    )
    op.create_table(
        "tick_watermark",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("at", Moment(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tick_watermark")),
    )
    op.create_table(
        "contact_person_emails",
        sa.Column("email_key", KEY, nullable=False),
        sa.Column("contact_person_id", KEY, nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_person_id"],
            ["contact_persons.id"],
            name=op.f("fk_contact_person_emails_contact_person_id_contact_persons"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "email_key", "contact_person_id", name=op.f("pk_contact_person_emails")
        ),
    )
    op.create_index(
        op.f("ix_contact_person_emails_contact_person_id"),
        "contact_person_emails",
        ["contact_person_id"],
        unique=False,
    )

    op.create_table(
        "contact_person_phones",
        sa.Column("number", KEY, nullable=False),
        sa.Column("contact_person_id", KEY, nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_person_id"],
            ["contact_persons.id"],
            name=op.f("fk_contact_person_phones_contact_person_id_contact_persons"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "number", "contact_person_id", name=op.f("pk_contact_person_phones")
        ),
    )
    op.create_index(
        op.f("ix_contact_person_phones_contact_person_id"),
        "contact_person_phones",
        ["contact_person_id"],
        unique=False,
    )

    op.create_table(
        "interaction_reminders",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("interaction_id", KEY, nullable=False),
        sa.Column("at", Moment(), nullable=False),
        sa.ForeignKeyConstraint(
            ["interaction_id"],
            ["interactions.id"],
            name=op.f("fk_interaction_reminders_interaction_id_interactions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interaction_reminders")),
    )
    op.create_index(
        op.f("ix_interaction_reminders_at"), "interaction_reminders", ["at"], unique=False
    )
    op.create_index(
        op.f("ix_interaction_reminders_interaction_id"),
        "interaction_reminders",
        ["interaction_id"],
        unique=False,
    )

    op.create_table(
        "partner_emails",
        sa.Column("email_key", KEY, nullable=False),
        sa.Column("partner_id", KEY, nullable=False),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partners.id"],
            name=op.f("fk_partner_emails_partner_id_partners"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("email_key", "partner_id", name=op.f("pk_partner_emails")),
    )
    op.create_index(
        op.f("ix_partner_emails_partner_id"), "partner_emails", ["partner_id"], unique=False
    )

    op.create_table(
        "partner_names",
        sa.Column("name_key", KEY, nullable=False),
        sa.Column("partner_id", KEY, nullable=False),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partners.id"],
            name=op.f("fk_partner_names_partner_id_partners"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("name_key", "partner_id", name=op.f("pk_partner_names")),
    )
    op.create_index(
        op.f("ix_partner_names_partner_id"), "partner_names", ["partner_id"], unique=False
    )

    op.create_table(
        "partner_phones",
        sa.Column("number", KEY, nullable=False),
        sa.Column("partner_id", KEY, nullable=False),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partners.id"],
            name=op.f("fk_partner_phones_partner_id_partners"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("number", "partner_id", name=op.f("pk_partner_phones")),
    )
    op.create_index(
        op.f("ix_partner_phones_partner_id"), "partner_phones", ["partner_id"], unique=False
    )

    op.create_table(
        "request_contacts",
        sa.Column("contact_key", KEY, nullable=False),
        sa.Column("request_id", KEY, nullable=False),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["requests.id"],
            name=op.f("fk_request_contacts_request_id_requests"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("contact_key", "request_id", name=op.f("pk_request_contacts")),
    )
    op.create_index(
        op.f("ix_request_contacts_request_id"), "request_contacts", ["request_id"], unique=False
    )

    op.create_table(
        "rule_versions",
        sa.Column("id", KEY, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("entity", KEY, nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["id"],
            ["rule_heads.id"],
            name=op.f("fk_rule_versions_id_rule_heads"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", "version", name=op.f("pk_rule_versions")),
    )
    op.create_index(
        op.f("ix_rule_versions_entity_id"), "rule_versions", ["entity", "id"], unique=False
    )


def downgrade() -> None:  # noqa: PLR0915
    """Move the schema back to the revision before."""
    op.drop_index(op.f("ix_rule_versions_entity_id"), "rule_versions")

    op.drop_table("rule_versions")
    op.drop_index(op.f("ix_request_contacts_request_id"), "request_contacts")

    op.drop_table("request_contacts")
    op.drop_index(op.f("ix_partner_phones_partner_id"), "partner_phones")

    op.drop_table("partner_phones")
    op.drop_index(op.f("ix_partner_names_partner_id"), "partner_names")

    op.drop_table("partner_names")
    op.drop_index(op.f("ix_partner_emails_partner_id"), "partner_emails")

    op.drop_table("partner_emails")
    op.drop_index(op.f("ix_interaction_reminders_interaction_id"), "interaction_reminders")
    op.drop_index(op.f("ix_interaction_reminders_at"), "interaction_reminders")

    op.drop_table("interaction_reminders")
    op.drop_index(op.f("ix_contact_person_phones_contact_person_id"), "contact_person_phones")

    op.drop_table("contact_person_phones")
    op.drop_index(op.f("ix_contact_person_emails_contact_person_id"), "contact_person_emails")

    op.drop_table("contact_person_emails")
    op.drop_table("tick_watermark")
    op.drop_table("tick_fired")
    op.drop_index(op.f("ix_stage_log_pipeline_id_at"), "stage_log")
    op.drop_index(op.f("ix_stage_log_at_deal_id_version"), "stage_log")

    op.drop_table("stage_log")
    op.drop_index(op.f("ix_sales_partner_id_product_sold_on_id"), "sales")

    op.drop_table("sales")
    op.drop_table("rule_heads")
    op.drop_index(op.f("ix_requests_status_received_at_id"), "requests")
    op.drop_index(op.f("ix_requests_received_at_id"), "requests")
    op.drop_index(op.f("ix_requests_partner_id_received_at"), "requests")
    op.drop_index(op.f("ix_requests_manager_received_at"), "requests")

    op.drop_table("requests")
    op.drop_index(op.f("ix_relationships_target_type_target_id"), "relationships")
    op.drop_index(op.f("ix_relationships_source_type_source_id"), "relationships")

    op.drop_table("relationships")
    op.drop_table("prices")
    op.drop_index(op.f("ix_pipelines_kind_id"), "pipelines")

    op.drop_table("pipelines")
    op.drop_index(op.f("ix_partners_tax_id_kpp"), "partners")

    op.drop_table("partners")
    op.drop_index(op.f("ix_outbox_status_created_at_id"), "outbox")
    op.drop_index(op.f("ix_outbox_created_at_id"), "outbox")

    op.drop_table("outbox")
    op.drop_index(op.f("ix_interactions_status_end_at"), "interactions")
    op.drop_index(op.f("ix_interactions_responsible_status_end_at"), "interactions")
    op.drop_index(op.f("ix_interactions_responsible_start_at"), "interactions")
    op.drop_index(op.f("ix_interactions_partner_id_start_at"), "interactions")
    op.drop_index(op.f("ix_interactions_chain_type_chain_id_start_at"), "interactions")

    op.drop_table("interactions")
    op.drop_index(op.f("ix_deals_status_expected_close_id"), "deals")
    op.drop_index(op.f("ix_deals_pipeline_id_id"), "deals")
    op.drop_index(op.f("ix_deals_partner_id_id"), "deals")
    op.drop_index(op.f("ix_deals_manager_status_id"), "deals")

    op.drop_table("deals")
    op.drop_index(op.f("ix_contact_persons_partner_id_id"), "contact_persons")

    op.drop_table("contact_persons")
    op.drop_index(op.f("ix_claims_status_resolution_due_id"), "claims")
    op.drop_index(op.f("ix_claims_registered_at_id"), "claims")
    op.drop_index(op.f("ix_claims_partner_id_registered_at"), "claims")

    op.drop_table("claims")
    op.drop_index(op.f("ix_agreements_partner_id_valid_from_id"), "agreements")
    op.drop_index(op.f("ix_agreements_kind_status_id"), "agreements")
    op.drop_index(op.f("ix_agreements_base_id_id"), "agreements")

    op.drop_table("agreements")
