"""The SQL repositories behave as the reference ones under random operations: every
comparison of crmcore.testing.stateful, on SQLite and on PostgreSQL.

Few examples a comparison (each makes a new database, or empties the PostgreSQL one):
the contract suites pin the behaviour, the comparisons look for what they miss.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hypothesis import settings
from sql_backends import BACKENDS, Backend, logged_repositories

from crmcore.sql import (
    Database,
    SqlAgreementRepository,
    SqlClaimRepository,
    SqlContactPersonRepository,
    SqlDealRepository,
    SqlInteractionRepository,
    SqlPartnerRepository,
    SqlPipelineRepository,
    SqlRelationshipRepository,
    SqlRequestRepository,
    SqlRotationPointers,
    SqlRuleRepository,
    SqlStageLog,
)
from crmcore.testing.stateful import (
    agreement_repository_comparison,
    claim_repository_comparison,
    contact_person_repository_comparison,
    deal_repository_comparison,
    interaction_repository_comparison,
    partner_change_log_comparison,
    partner_repository_comparison,
    pipeline_repository_comparison,
    relationship_repository_comparison,
    request_repository_comparison,
    rotation_pointers_comparison,
    rule_repository_comparison,
    stage_log_comparison,
)

QUICK = settings(max_examples=8, stateful_step_count=15, database=None)
COMPARISONS: tuple[tuple[Callable[..., Any], Callable[[Database], object]], ...] = (
    (partner_repository_comparison, SqlPartnerRepository),
    (contact_person_repository_comparison, SqlContactPersonRepository),
    (relationship_repository_comparison, SqlRelationshipRepository),
    (pipeline_repository_comparison, SqlPipelineRepository),
    (deal_repository_comparison, SqlDealRepository),
    (stage_log_comparison, SqlStageLog),
    (interaction_repository_comparison, SqlInteractionRepository),
    (agreement_repository_comparison, SqlAgreementRepository),
    (claim_repository_comparison, SqlClaimRepository),
    (request_repository_comparison, SqlRequestRepository),
    (rule_repository_comparison, SqlRuleRepository),
    (rotation_pointers_comparison, SqlRotationPointers),
)


def _test_case(backend: Backend, comparison: Callable[..., Any], repository: Any) -> type:
    case = comparison(backend.factory(repository), settings=QUICK).TestCase
    name = f"Test{backend.name}{repository.__name__.removeprefix('Sql')}Comparison"
    return type(name, (case,), {"__module__": __name__})


# An SQLite file answers as SQLite in memory does: the contracts cover what differs (several
# connections, locking), so the comparisons run on the two engines only.
for _backend in (backend for backend in BACKENDS if backend.name != "SqliteFile"):
    for _comparison, _repository in COMPARISONS:
        _class = _test_case(_backend, _comparison, _repository)
        globals()[_class.__name__] = _class
    _logged = partner_change_log_comparison(
        _backend.factory(logged_repositories), settings=QUICK
    ).TestCase
    _class = type(
        f"Test{_backend.name}PartnerChangeLogComparison", (_logged,), {"__module__": __name__}
    )
    globals()[_class.__name__] = _class
del _class
