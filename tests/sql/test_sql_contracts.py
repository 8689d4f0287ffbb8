"""Every contract suite of crmcore.testing runs against every SQL repository, on each
backend: SQLite in memory, an SQLite file, and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sql_backends import BACKENDS, Backend

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


def _suite(backend: Backend, contract: type[Any], repository: Callable[[Database], object]) -> type:
    make = backend.factory(repository)

    def make_repository(self: object) -> object:
        return make()

    name = f"Test{backend.name}{contract.__name__.removesuffix('Contract')}"
    return type(name, (contract,), {"make_repository": make_repository, "__module__": __name__})


for _backend in BACKENDS:
    for _contract, _repository in SUITES:
        _class = _suite(_backend, _contract, _repository)
        globals()[_class.__name__] = _class
del _class
