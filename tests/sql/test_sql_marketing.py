"""The marketing contract suites against the SQL repositories, on every backend, and their
stateful comparisons with the reference on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hypothesis import settings
from sql_backends import BACKENDS, Backend

from crmcore.sql import Database
from crmcore.sql.marketing import (
    SqlCampaignRepository,
    SqlConsentRepository,
    SqlPurchaseHistory,
    SqlSegmentRepository,
    SqlSurveyRepository,
)
from crmcore.testing.contracts.marketing import (
    CampaignRepositoryContract,
    ConsentRepositoryContract,
    PurchaseHistoryContract,
    SegmentRepositoryContract,
    SurveyRepositoryContract,
)
from crmcore.testing.stateful import (
    campaign_repository_comparison,
    consent_repository_comparison,
    purchase_history_comparison,
    segment_repository_comparison,
    survey_repository_comparison,
)

SUITES: tuple[tuple[type[Any], Callable[[Database], object]], ...] = (
    (SegmentRepositoryContract, SqlSegmentRepository),
    (ConsentRepositoryContract, SqlConsentRepository),
    (CampaignRepositoryContract, SqlCampaignRepository),
    (PurchaseHistoryContract, SqlPurchaseHistory),
    (SurveyRepositoryContract, SqlSurveyRepository),
)
COMPARISONS: tuple[tuple[Callable[..., Any], Callable[[Database], object]], ...] = (
    (segment_repository_comparison, SqlSegmentRepository),
    (consent_repository_comparison, SqlConsentRepository),
    (campaign_repository_comparison, SqlCampaignRepository),
    (purchase_history_comparison, SqlPurchaseHistory),
    (survey_repository_comparison, SqlSurveyRepository),
)
QUICK = settings(max_examples=8, stateful_step_count=15, database=None, deadline=None)


def _comparison(backend: Backend, comparison: Callable[..., Any], repository: Any) -> type:
    case = comparison(backend.factory(repository), settings=QUICK).TestCase
    name = f"Test{backend.name}{repository.__name__.removeprefix('Sql')}Comparison"
    return type(name, (case,), {"__module__": __name__})


for _backend in BACKENDS:
    for _contract, _repository in SUITES:
        _class = _backend.suite(_contract, _repository, module=__name__)
        globals()[_class.__name__] = _class
    # An SQLite file answers as SQLite in memory does: the comparisons run on the two engines.
    if _backend.name == "SqliteFile":
        continue
    for _compared, _repository in COMPARISONS:
        _class = _comparison(_backend, _compared, _repository)
        globals()[_class.__name__] = _class
del _class
