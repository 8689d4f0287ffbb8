"""Every contract suite of crmcore.testing runs against every SQL repository, on each
backend: SQLite in memory, an SQLite file, and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sql_backends import BACKENDS

from crmcore.sql import (
    Database,
    SqlAgreementRepository,
    SqlClaimRepository,
    SqlContactPersonRepository,
    SqlDealRepository,
    SqlInteractionRepository,
    SqlOutbox,
    SqlPartnerRepository,
    SqlPipelineRepository,
    SqlRelationshipRepository,
    SqlRequestRepository,
    SqlRuleRepository,
    SqlStageLog,
    SqlTickLog,
)
from crmcore.testing.contracts import (
    AgreementRepositoryContract,
    ClaimRepositoryContract,
    ContactPersonRepositoryContract,
    DealRepositoryContract,
    InteractionRepositoryContract,
    OutboxRepositoryContract,
    PartnerRepositoryContract,
    PipelineRepositoryContract,
    RelationshipRepositoryContract,
    RequestRepositoryContract,
    RuleRepositoryContract,
    StageLogContract,
    TickLogContract,
)

SUITES: tuple[tuple[type[Any], Callable[[Database], object]], ...] = (
    (PartnerRepositoryContract, SqlPartnerRepository),
    (ContactPersonRepositoryContract, SqlContactPersonRepository),
    (RelationshipRepositoryContract, SqlRelationshipRepository),
    (PipelineRepositoryContract, SqlPipelineRepository),
    (DealRepositoryContract, SqlDealRepository),
    (StageLogContract, SqlStageLog),
    (InteractionRepositoryContract, SqlInteractionRepository),
    (AgreementRepositoryContract, SqlAgreementRepository),
    (ClaimRepositoryContract, SqlClaimRepository),
    (RequestRepositoryContract, SqlRequestRepository),
    (RuleRepositoryContract, SqlRuleRepository),
    (OutboxRepositoryContract, SqlOutbox),
    (TickLogContract, SqlTickLog),
)


for _backend in BACKENDS:
    for _contract, _repository in SUITES:
        _class = _backend.suite(_contract, _repository, module=__name__)
        globals()[_class.__name__] = _class
del _class
