"""Compare any repository with crmcore's reference implementation under random operations.

Each function returns a hypothesis ``RuleBasedStateMachine`` class that runs the same random
sequence of calls (adds, saves at right and wrong versions, gets, look-ups with keys in other
letter cases, iterations) on a :mod:`crmcore.memory` repository and on the one that
``make_repository()`` returns, and fails at the first call whose result or error differs::

    TestSqlPartners = partner_repository_comparison(make_sql_repository).TestCase

Entities are drawn from small pools of ids, names, phones, emails and tax ids, so that the
sequences keep hitting duplicates, stale versions, shared keys and case-folding. The
comparisons of each area live in a module of this package; import them from here.
"""

from crmcore.testing._extra import require_testing_extra

require_testing_extra("crmcore.testing.stateful", "hypothesis", "pytest")


from crmcore.testing.stateful._common import R as R
from crmcore.testing.stateful.agreements import agreement_repository_comparison
from crmcore.testing.stateful.catalog import (
    business_plan_repository_comparison,
    catalog_repository_comparison,
    commercial_offer_repository_comparison,
    supplier_order_repository_comparison,
)
from crmcore.testing.stateful.claims import claim_repository_comparison
from crmcore.testing.stateful.deals import (
    deal_repository_comparison,
    pipeline_repository_comparison,
    stage_log_comparison,
)
from crmcore.testing.stateful.interactions import interaction_repository_comparison
from crmcore.testing.stateful.marketing import (
    campaign_repository_comparison,
    consent_repository_comparison,
    purchase_history_comparison,
    segment_repository_comparison,
    survey_repository_comparison,
)
from crmcore.testing.stateful.partners import (
    contact_person_repository_comparison,
    partner_change_log_comparison,
    partner_repository_comparison,
    relationship_repository_comparison,
)
from crmcore.testing.stateful.requests import request_repository_comparison
from crmcore.testing.stateful.rules import rotation_pointers_comparison, rule_repository_comparison
from crmcore.testing.stateful.tasks import (
    project_repository_comparison,
    task_repository_comparison,
)

__all__ = [
    "agreement_repository_comparison",
    "business_plan_repository_comparison",
    "campaign_repository_comparison",
    "catalog_repository_comparison",
    "claim_repository_comparison",
    "commercial_offer_repository_comparison",
    "consent_repository_comparison",
    "contact_person_repository_comparison",
    "deal_repository_comparison",
    "interaction_repository_comparison",
    "partner_change_log_comparison",
    "partner_repository_comparison",
    "pipeline_repository_comparison",
    "project_repository_comparison",
    "purchase_history_comparison",
    "relationship_repository_comparison",
    "request_repository_comparison",
    "rotation_pointers_comparison",
    "rule_repository_comparison",
    "segment_repository_comparison",
    "stage_log_comparison",
    "supplier_order_repository_comparison",
    "survey_repository_comparison",
    "task_repository_comparison",
]
