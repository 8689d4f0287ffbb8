"""The tables of the SQL store, with an index for every query the repository protocols have.

Every model is stored whole in a ``body`` column as the JSON of
:func:`crmcore.serialization.make_converter`; beside it, plain columns and side tables hold
the keys the queries look up. Keys are computed in Python (phones in E.164, emails and names
case-folded with ``str.casefold``), because neither SQLite's ``lower()`` nor a database
collation folds Unicode as Python does ("Straße" and "STRASSE"). The migrations in
:mod:`crmcore.sql.migrations` create exactly these tables; a test checks that they agree.
"""

from __future__ import annotations

from typing import Final

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    Table,
    Text,
    UniqueConstraint,
)

from crmcore.sql.types import KEY, Moment

__all__ = [
    "access_keys",
    "agreements",
    "audit_entries",
    "business_plans",
    "campaigns",
    "catalog_prices",
    "claims",
    "commercial_offers",
    "consents",
    "contact_person_emails",
    "contact_person_phones",
    "contact_persons",
    "deals",
    "interaction_reminders",
    "interactions",
    "metadata",
    "outbox",
    "partner_changes",
    "partner_emails",
    "partner_names",
    "partner_phones",
    "partners",
    "pipelines",
    "price_types",
    "prices",
    "product_groups",
    "products",
    "project_links",
    "projects",
    "purchases",
    "relationships",
    "request_contacts",
    "requests",
    "rotation_pointers",
    "rule_firings",
    "rule_heads",
    "rule_steps",
    "rule_versions",
    "sales",
    "segments",
    "stage_log",
    "stock_levels",
    "supplier_orders",
    "survey_responses",
    "surveys",
    "task_links",
    "tasks",
    "tick_fired",
    "tick_watermark",
]

NAMING: Final = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata: Final = MetaData(naming_convention=NAMING)
"""Every table of the store."""


def _id() -> Column[str]:
    return Column("id", KEY, primary_key=True)


def _version() -> Column[int]:
    return Column("version", Integer, nullable=False)


def _body() -> Column[str]:
    return Column("body", Text, nullable=False)


def _owned_by(name: str, table: str) -> Column[str]:
    return Column(name, KEY, ForeignKey(f"{table}.id", ondelete="CASCADE"), nullable=False)


partners: Final = Table(
    "partners",
    metadata,
    _id(),
    _version(),
    Column("short_name_key", KEY, nullable=False),
    Column("tax_id", KEY),
    Column("kpp", KEY),
    _body(),
    Index(None, "tax_id", "kpp"),
)
partner_phones: Final = Table(
    "partner_phones",
    metadata,
    Column("number", KEY, nullable=False),
    _owned_by("partner_id", "partners"),
    PrimaryKeyConstraint("number", "partner_id"),
    Index(None, "partner_id"),
)
partner_emails: Final = Table(
    "partner_emails",
    metadata,
    Column("email_key", KEY, nullable=False),
    _owned_by("partner_id", "partners"),
    PrimaryKeyConstraint("email_key", "partner_id"),
    Index(None, "partner_id"),
)
partner_names: Final = Table(
    "partner_names",
    metadata,
    Column("name_key", KEY, nullable=False),
    _owned_by("partner_id", "partners"),
    PrimaryKeyConstraint("name_key", "partner_id"),
    Index(None, "partner_id"),
)

contact_persons: Final = Table(
    "contact_persons",
    metadata,
    _id(),
    _version(),
    Column("partner_id", KEY, nullable=False),
    _body(),
    Index(None, "partner_id", "id"),
)
contact_person_phones: Final = Table(
    "contact_person_phones",
    metadata,
    Column("number", KEY, nullable=False),
    _owned_by("contact_person_id", "contact_persons"),
    PrimaryKeyConstraint("number", "contact_person_id"),
    Index(None, "contact_person_id"),
)
contact_person_emails: Final = Table(
    "contact_person_emails",
    metadata,
    Column("email_key", KEY, nullable=False),
    _owned_by("contact_person_id", "contact_persons"),
    PrimaryKeyConstraint("email_key", "contact_person_id"),
    Index(None, "contact_person_id"),
)

relationships: Final = Table(
    "relationships",
    metadata,
    _id(),
    Column("kind", KEY, nullable=False),
    Column("source_type", KEY, nullable=False),
    Column("source_id", KEY, nullable=False),
    Column("target_type", KEY, nullable=False),
    Column("target_id", KEY, nullable=False),
    # The ends in a canonical order (sorted for symmetric kinds), so that one unique
    # constraint rejects "B competitor of A" beside "A competitor of B".
    Column("first_type", KEY, nullable=False),
    Column("first_id", KEY, nullable=False),
    Column("second_type", KEY, nullable=False),
    Column("second_id", KEY, nullable=False),
    _body(),
    UniqueConstraint("kind", "first_type", "first_id", "second_type", "second_id"),
    Index(None, "source_type", "source_id"),
    Index(None, "target_type", "target_id"),
)

pipelines: Final = Table(
    "pipelines",
    metadata,
    _id(),
    _version(),
    Column("kind", KEY, nullable=False),
    _body(),
    Index(None, "kind", "id"),
)
deals: Final = Table(
    "deals",
    metadata,
    _id(),
    _version(),
    Column("partner_id", KEY, nullable=False),
    Column("pipeline_id", KEY, nullable=False),
    Column("status", KEY, nullable=False),
    Column("manager", KEY, nullable=False),
    Column("expected_close", Date),
    _body(),
    Index(None, "partner_id", "id"),
    Index(None, "pipeline_id", "id"),
    # Open deals by manager (the desktop), and open deals by expected close (the forecast).
    Index(None, "manager", "status", "id"),
    Index(None, "status", "expected_close", "id"),
)
stage_log: Final = Table(
    "stage_log",
    metadata,
    Column("deal_id", KEY, nullable=False),
    Column("version", Integer, nullable=False),
    Column("pipeline_id", KEY, nullable=False),
    Column("at", Moment, nullable=False),
    _body(),
    PrimaryKeyConstraint("deal_id", "version"),
    Index(None, "at", "deal_id", "version"),
    Index(None, "pipeline_id", "at"),
)

interactions: Final = Table(
    "interactions",
    metadata,
    _id(),
    _version(),
    Column("responsible", KEY, nullable=False),
    Column("partner_id", KEY),
    Column("chain_type", KEY, nullable=False),
    Column("chain_id", KEY, nullable=False),
    Column("status", KEY, nullable=False),
    Column("start_at", Moment, nullable=False),
    Column("end_at", Moment, nullable=False),
    _body(),
    Index(None, "responsible", "start_at"),
    # A manager's pending interactions, and the overdue ones among them.
    Index(None, "responsible", "status", "end_at"),
    Index(None, "partner_id", "start_at"),
    Index(None, "chain_type", "chain_id", "start_at"),
    Index(None, "status", "end_at"),
)
# The reminders of pending interactions only: those are all that ``reminding`` reads.
interaction_reminders: Final = Table(
    "interaction_reminders",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    _owned_by("interaction_id", "interactions"),
    Column("at", Moment, nullable=False),
    Index(None, "at"),
    Index(None, "interaction_id"),
)

agreements: Final = Table(
    "agreements",
    metadata,
    _id(),
    _version(),
    Column("kind", KEY, nullable=False),
    Column("status", KEY, nullable=False),
    Column("partner_id", KEY),
    Column("base_id", KEY),
    Column("valid_from", Date, nullable=False),
    _body(),
    Index(None, "partner_id", "valid_from", "id"),
    Index(None, "base_id", "id"),
    Index(None, "kind", "status", "id"),
)
prices: Final = Table(
    "prices",
    metadata,
    Column("price_type", KEY, nullable=False),
    Column("product", KEY, nullable=False),
    Column("since", Date, nullable=False),
    _body(),
    PrimaryKeyConstraint("price_type", "product", "since"),
)
sales: Final = Table(
    "sales",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("partner_id", KEY, nullable=False),
    Column("product", KEY, nullable=False),
    Column("sold_on", Date, nullable=False),
    _body(),
    Index(None, "partner_id", "product", "sold_on", "id"),
)

claims: Final = Table(
    "claims",
    metadata,
    _id(),
    _version(),
    Column("status", KEY, nullable=False),
    Column("department", KEY),
    Column("partner_id", KEY),
    Column("registered_at", Moment, nullable=False),
    Column("responded", Boolean, nullable=False),
    Column("response_due", Moment, nullable=False),
    Column("resolution_due", Moment, nullable=False),
    _body(),
    Index(None, "status", "resolution_due", "id"),
    Index(None, "registered_at", "id"),
    Index(None, "partner_id", "registered_at"),
)

requests: Final = Table(
    "requests",
    metadata,
    _id(),
    _version(),
    Column("status", KEY, nullable=False),
    Column("source", KEY, nullable=False),
    Column("manager", KEY),
    Column("partner_id", KEY),
    Column("received_at", Moment, nullable=False),
    _body(),
    Index(None, "received_at", "id"),
    Index(None, "status", "received_at", "id"),
    Index(None, "manager", "received_at"),
    Index(None, "partner_id", "received_at"),
)
request_contacts: Final = Table(
    "request_contacts",
    metadata,
    Column("contact_key", KEY, nullable=False),
    _owned_by("request_id", "requests"),
    PrimaryKeyConstraint("contact_key", "request_id"),
    Index(None, "request_id"),
)

rule_heads: Final = Table(
    "rule_heads",
    metadata,
    _id(),
    _version(),
)
rule_versions: Final = Table(
    "rule_versions",
    metadata,
    _owned_by("id", "rule_heads"),
    Column("version", Integer, nullable=False),
    Column("entity", KEY, nullable=False),
    Column("enabled", Boolean, nullable=False),
    _body(),
    PrimaryKeyConstraint("id", "version"),
    Index(None, "entity", "id"),
)

outbox: Final = Table(
    "outbox",
    metadata,
    _id(),
    _version(),
    Column("status", KEY, nullable=False),
    Column("created_at", Moment, nullable=False),
    _body(),
    Index(None, "status", "created_at", "id"),
    Index(None, "created_at", "id"),
)
tick_fired: Final = Table(
    "tick_fired",
    metadata,
    Column("key", KEY, primary_key=True),
    Column("at", Moment, nullable=False),
)
tick_watermark: Final = Table(
    "tick_watermark",
    metadata,
    # One row at most: the watermark of the store.
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("at", Moment, nullable=False),
)
rule_firings: Final = Table(
    "rule_firings",
    metadata,
    # The order of recording, which breaks ties between firings at one moment.
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("rule_id", KEY, nullable=False),
    Column("throttle_key", KEY, nullable=False),
    Column("entity", KEY, nullable=False),
    Column("entity_id", KEY, nullable=False),
    Column("at", Moment, nullable=False),
    _body(),
    Index(None, "rule_id", "throttle_key", "at"),
    Index(None, "entity", "entity_id", "rule_id"),
)
rule_steps: Final = Table(
    "rule_steps",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    # The step's JSON form names it: a step equal to one kept is kept once.
    Column("step_key", KEY, nullable=False, unique=True),
    Column("due_at", Moment, nullable=False),
    _body(),
    Index(None, "due_at", "seq"),
)

tasks: Final = Table(
    "tasks",
    metadata,
    _id(),
    _version(),
    Column("assignee", KEY, nullable=False),
    Column("status", KEY, nullable=False),
    Column("project_id", KEY),
    Column("due_at", Moment),
    _body(),
    Index(None, "assignee", "status", "due_at"),
    Index(None, "status", "due_at"),
    Index(None, "project_id"),
)
task_links: Final = Table(
    "task_links",
    metadata,
    Column("entity_type", KEY, nullable=False),
    Column("entity_id", KEY, nullable=False),
    _owned_by("task_id", "tasks"),
    PrimaryKeyConstraint("entity_type", "entity_id", "task_id"),
    Index(None, "task_id"),
)
projects: Final = Table(
    "projects",
    metadata,
    _id(),
    _version(),
    Column("manager", KEY, nullable=False),
    Column("started_at", Moment, nullable=False),
    _body(),
    Index(None, "manager", "started_at"),
    Index(None, "started_at", "id"),
)
project_links: Final = Table(
    "project_links",
    metadata,
    Column("entity_type", KEY, nullable=False),
    Column("entity_id", KEY, nullable=False),
    _owned_by("project_id", "projects"),
    PrimaryKeyConstraint("entity_type", "entity_id", "project_id"),
    Index(None, "project_id"),
)

# The access keys of every record a query may filter by scope (responsible user,
# co-executors, department; see crmcore.access.kinds), kept in step by the repositories.
access_keys: Final = Table(
    "access_keys",
    metadata,
    Column("entity_type", KEY, nullable=False),
    Column("key", KEY, nullable=False),
    Column("entity_id", KEY, nullable=False),
    PrimaryKeyConstraint("entity_type", "key", "entity_id"),
    Index(None, "entity_type", "entity_id"),
)
# The audit trail: appended to, never changed.
audit_entries: Final = Table(
    "audit_entries",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("id", KEY, nullable=False, unique=True),
    Column("entity_type", KEY, nullable=False),
    Column("entity_id", KEY, nullable=False),
    Column("at", Moment, nullable=False),
    _body(),
    Index(None, "entity_type", "entity_id", "seq"),
)

# Marketing: segments, consents, campaigns, purchases (won deals' lines), surveys.
segments: Final = Table("segments", metadata, _id(), _version(), _body())
consents: Final = Table(
    "consents",
    metadata,
    _id(),
    _version(),
    Column("partner_id", KEY, nullable=False),
    _body(),
    Index(None, "partner_id", "id"),
)
campaigns: Final = Table(
    "campaigns",
    metadata,
    _id(),
    _version(),
    Column("status", KEY, nullable=False),
    Column("segment_id", KEY),
    Column("starts_on", Date, nullable=False),
    _body(),
    Index(None, "starts_on", "id"),
    Index(None, "status", "starts_on"),
    Index(None, "segment_id", "starts_on"),
)
purchases: Final = Table(
    "purchases",
    metadata,
    _id(),
    _version(),
    Column("partner_id", KEY, nullable=False),
    Column("won_at", Moment, nullable=False),
    _body(),
    Index(None, "won_at", "id"),
    Index(None, "partner_id", "won_at"),
)
surveys: Final = Table("surveys", metadata, _id(), _version(), _body())
survey_responses: Final = Table(
    "survey_responses",
    metadata,
    _id(),
    _version(),
    _owned_by("survey_id", "surveys"),
    Column("answered_at", Moment, nullable=False),
    _body(),
    Index(None, "survey_id", "answered_at", "id"),
)

product_groups: Final = Table("product_groups", metadata, _id(), _version(), _body())
products: Final = Table(
    "products",
    metadata,
    _id(),
    _version(),
    Column("group_id", KEY),
    Column("kind", KEY, nullable=False),
    _body(),
    Index(None, "group_id", "id"),
    Index(None, "kind", "id"),
)
price_types: Final = Table("price_types", metadata, _id(), _body())
catalog_prices: Final = Table(
    "catalog_prices",
    metadata,
    Column("price_type", KEY, nullable=False),
    Column("product_id", KEY, nullable=False),
    Column("valid_from", Date, nullable=False),
    _body(),
    PrimaryKeyConstraint("price_type", "product_id", "valid_from"),
    Index(None, "product_id", "price_type", "valid_from"),
)
stock_levels: Final = Table(
    "stock_levels",
    metadata,
    Column("product_id", KEY, nullable=False),
    Column("warehouse", KEY, nullable=False),
    Column("as_of", Moment, nullable=False),
    _body(),
    PrimaryKeyConstraint("product_id", "warehouse"),
)
commercial_offers: Final = Table(
    "commercial_offers",
    metadata,
    _id(),
    _version(),
    Column("deal_id", KEY, nullable=False),
    Column("number", Integer, nullable=False),
    _body(),
    UniqueConstraint("deal_id", "number"),
)
supplier_orders: Final = Table(
    "supplier_orders",
    metadata,
    _id(),
    _version(),
    Column("deal_id", KEY, nullable=False),
    Column("supplier_id", KEY, nullable=False),
    Column("created_at", Moment, nullable=False),
    _body(),
    Index(None, "deal_id", "created_at", "id"),
    Index(None, "supplier_id", "created_at", "id"),
)
business_plans: Final = Table("business_plans", metadata, _id(), _version(), _body())
rotation_pointers: Final = Table(
    "rotation_pointers",
    metadata,
    Column("team", KEY, primary_key=True),
    Column("user_id", KEY, nullable=False),
)
partner_changes: Final = Table(
    "partner_changes",
    metadata,
    Column("kind", KEY, nullable=False),
    Column("record_id", KEY, nullable=False),
    Column("sequence", BigInteger, nullable=False),
    _version(),
    PrimaryKeyConstraint("kind", "record_id"),
    Index(None, "sequence", unique=True),
)
