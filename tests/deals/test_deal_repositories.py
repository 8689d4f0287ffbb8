"""The reference in-memory repositories of deals pass the contract suites."""

from __future__ import annotations

from crmcore.deals import DealRepository, PipelineRepository, StageLog
from crmcore.memory import MemoryDealRepository, MemoryPipelineRepository, MemoryStageLog
from crmcore.testing.contracts import (
    DealRepositoryContract,
    PipelineRepositoryContract,
    StageLogContract,
)


class TestMemoryPipelineRepository(PipelineRepositoryContract):
    def make_repository(self) -> PipelineRepository:
        return MemoryPipelineRepository()


class TestMemoryDealRepository(DealRepositoryContract):
    def make_repository(self) -> DealRepository:
        return MemoryDealRepository()


class TestMemoryStageLog(StageLogContract):
    def make_repository(self) -> StageLog:
        return MemoryStageLog()
