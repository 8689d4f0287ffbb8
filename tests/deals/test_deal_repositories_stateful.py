"""The stateful comparisons of the deals repositories run against the reference, and catch a
stage log that gets its time range wrong."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from hypothesis import Phase, settings

from crmcore.deals import StageChange
from crmcore.ids import PipelineId
from crmcore.memory import MemoryDealRepository, MemoryPipelineRepository, MemoryStageLog
from crmcore.testing.stateful import (
    deal_repository_comparison,
    pipeline_repository_comparison,
    stage_log_comparison,
)
from crmcore.visibility import AccessScope

QUICK = settings(max_examples=25, stateful_step_count=20, database=None, deadline=None)

TestMemoryPipelineComparison = pipeline_repository_comparison(
    MemoryPipelineRepository, settings=QUICK
).TestCase
TestMemoryDealComparison = deal_repository_comparison(MemoryDealRepository, settings=QUICK).TestCase
TestMemoryStageLogComparison = stage_log_comparison(MemoryStageLog, settings=QUICK).TestCase


class ClosedRange(MemoryStageLog):
    """A stage log with a classic bug: the end of a period is included."""

    def between(
        self,
        start: datetime,
        end: datetime,
        *,
        pipeline_id: PipelineId | None = None,
        scope: AccessScope | None = None,
    ) -> Iterator[StageChange]:
        later = end + timedelta(microseconds=1)
        return super().between(start, later, pipeline_id=pipeline_id, scope=scope)


def test_the_comparison_finds_a_log_that_includes_the_end_of_a_period() -> None:
    no_shrinking = settings(max_examples=300, database=None, phases=[Phase.generate])
    machine = stage_log_comparison(ClosedRange, settings=no_shrinking)
    with pytest.raises(AssertionError, match="reference gave"):
        machine.TestCase("runTest").runTest()
