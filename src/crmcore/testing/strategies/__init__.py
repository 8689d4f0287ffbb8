"""Hypothesis strategies for every public model of crmcore, valid by construction.

Each strategy is a function with keyword-only parameters; where a choice is useful, the
parameter takes a sub-strategy or a plain sequence of values to sample from, as hypothesis's
own strategies do. Tax ids, bank accounts and phone numbers are computed with their check
digits, so a test can rely on every drawn model being accepted by its constructor.

The strategies of each area live in a module of this package (``kernel``, ``contacts``,
``partners``, ``calendars``, ``intake``, ``agreements``, ``documents``, ``deals``, ``claims``,
``interactions``, ``requests``, ``tasks``); import them from here.

The ``hypothesis`` entry point calls :func:`_hypothesis_setup_hook` (in ``registration``),
which registers the strategies with :func:`hypothesis.strategies.register_type_strategy`:
once crmcore is installed, ``st.from_type(Partner)`` draws partners like :func:`partners` does.
"""

from crmcore.testing._extra import require_testing_extra

require_testing_extra("crmcore.testing.strategies", "hypothesis")


from crmcore.testing.strategies._common import Choices as Choices
from crmcore.testing.strategies._common import T as T
from crmcore.testing.strategies._common import aware_datetimes, identifiers
from crmcore.testing.strategies.agreements import (
    AGREEMENT_EVENTS,
    agreements,
    audiences,
    condition_overrides,
    delivery_terms,
    effective_conditions,
    instalments,
    override_limits,
    payment_schedules,
    payment_stages,
    sales_conditions,
    status_changes,
    taxations,
)
from crmcore.testing.strategies.automation import (
    assignment_strategies,
    commands,
    conditions,
    field_conditions,
    literal_values,
    rule_actions,
    rule_steps,
    rules,
    triggers,
)
from crmcore.testing.strategies.calendars import working_calendars, working_periods
from crmcore.testing.strategies.catalog import (
    CATALOG_EVENTS,
    DEAL_DOCUMENT_EVENTS,
    business_plans,
    commercial_offers,
    cost_lines,
    line_items,
    price_types,
    prices,
    product_groups,
    products,
    stock_levels,
    supplier_orders,
)
from crmcore.testing.strategies.claims import (
    CLAIM_EVENTS,
    activities,
    attachments,
    claim_form_limits,
    claim_settings,
    claimants,
    claims,
    deadline_policies,
    investigation_plans,
    linked_documents,
    pauses,
    workflow_steps,
)
from crmcore.testing.strategies.contacts import addresses, bank_accounts, emails, phones
from crmcore.testing.strategies.deals import (
    DEAL_EVENTS,
    deals,
    pipelines,
    stage_changes,
    stage_gates,
)
from crmcore.testing.strategies.documents import (
    compliance_reports,
    compliance_violations,
    email_drafts,
    past_sales,
    quote_templates,
    quotes,
    sales_documents,
)
from crmcore.testing.strategies.intake import hostile_payloads, hostile_texts, hostile_values
from crmcore.testing.strategies.interactions import (
    INTERACTION_EVENTS,
    interactions,
    participants,
    partner_sales,
    periods,
    reminders,
)
from crmcore.testing.strategies.kernel import (
    PARTNER_EVENTS,
    changes,
    custom_field_registries,
    custom_field_values,
    custom_fields,
    custom_values,
    domain_events,
    entity_refs,
    money,
)
from crmcore.testing.strategies.partners import (
    contact_persons,
    inns,
    kpps,
    legal_data,
    ogrns,
    partners,
    relationships,
)
from crmcore.testing.strategies.registration import (
    _hypothesis_setup_hook as _hypothesis_setup_hook,  # the entry point calls it from here
)
from crmcore.testing.strategies.requests import (
    REQUEST_EVENTS,
    binding_proposals,
    bindings,
    campaigns,
    contact_data,
    request_settings,
    requested_items,
    requests,
)
from crmcore.testing.strategies.tasks import (
    TASK_EVENTS,
    checklist_items,
    plan_steps,
    project_plans,
    projects,
    tasks,
)

__all__ = [
    "AGREEMENT_EVENTS",
    "CATALOG_EVENTS",
    "CLAIM_EVENTS",
    "DEAL_DOCUMENT_EVENTS",
    "DEAL_EVENTS",
    "INTERACTION_EVENTS",
    "PARTNER_EVENTS",
    "REQUEST_EVENTS",
    "TASK_EVENTS",
    "activities",
    "addresses",
    "agreements",
    "assignment_strategies",
    "attachments",
    "audiences",
    "aware_datetimes",
    "bank_accounts",
    "binding_proposals",
    "bindings",
    "business_plans",
    "campaigns",
    "changes",
    "checklist_items",
    "claim_form_limits",
    "claim_settings",
    "claimants",
    "claims",
    "commands",
    "commercial_offers",
    "compliance_reports",
    "compliance_violations",
    "condition_overrides",
    "conditions",
    "contact_data",
    "contact_persons",
    "cost_lines",
    "custom_field_registries",
    "custom_field_values",
    "custom_fields",
    "custom_values",
    "deadline_policies",
    "deals",
    "delivery_terms",
    "domain_events",
    "effective_conditions",
    "email_drafts",
    "emails",
    "entity_refs",
    "field_conditions",
    "hostile_payloads",
    "hostile_texts",
    "hostile_values",
    "identifiers",
    "inns",
    "instalments",
    "interactions",
    "investigation_plans",
    "kpps",
    "legal_data",
    "line_items",
    "linked_documents",
    "literal_values",
    "money",
    "ogrns",
    "override_limits",
    "participants",
    "partner_sales",
    "partners",
    "past_sales",
    "pauses",
    "payment_schedules",
    "payment_stages",
    "periods",
    "phones",
    "pipelines",
    "plan_steps",
    "price_types",
    "prices",
    "product_groups",
    "products",
    "project_plans",
    "projects",
    "quote_templates",
    "quotes",
    "relationships",
    "reminders",
    "request_settings",
    "requested_items",
    "requests",
    "rule_actions",
    "rule_steps",
    "rules",
    "sales_conditions",
    "sales_documents",
    "stage_changes",
    "stage_gates",
    "status_changes",
    "stock_levels",
    "supplier_orders",
    "tasks",
    "taxations",
    "triggers",
    "workflow_steps",
    "working_calendars",
    "working_periods",
]

# Registration also runs here: when this package is what first imports hypothesis, crmcore's
# entry point (crmcore.testing._hypothesis_hook) finds it half built and leaves it to us.
_hypothesis_setup_hook()
