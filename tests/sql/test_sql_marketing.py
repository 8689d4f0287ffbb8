"""The marketing contract suites against the SQL repositories, on every backend."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

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

SUITES: tuple[tuple[type[Any], Callable[[Database], object]], ...] = (
    (SegmentRepositoryContract, SqlSegmentRepository),
    (ConsentRepositoryContract, SqlConsentRepository),
    (CampaignRepositoryContract, SqlCampaignRepository),
    (PurchaseHistoryContract, SqlPurchaseHistory),
    (SurveyRepositoryContract, SqlSurveyRepository),
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
