"""Comparisons of pipeline and deal repositories and of the stage log."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Final

import attrs
from hypothesis import settings as Settings  # noqa: N812 - the class, beside the argument name
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from crmcore.deals.builtin import LONG_PROJECT, MANUAL_SALE, TYPICAL_SALE
from crmcore.deals.kinds import DealKind, DealStatus
from crmcore.deals.model import Deal, StageChange
from crmcore.deals.repository import DealRepository, PipelineRepository, StageLog
from crmcore.ids import DealId, PartnerId, PipelineId, UserId
from crmcore.memory import MemoryDealRepository, MemoryPipelineRepository, MemoryStageLog
from crmcore.testing._zones import ZONES, in_zone
from crmcore.testing.stateful._common import (
    _CREATED_AT,
    _NAMES,
    _Comparison,
    _comparison,
    _ids,
    _unknown_or_known_ids,
    _VersionedCalls,
)

__all__ = [
    "deal_repository_comparison",
    "pipeline_repository_comparison",
    "stage_log_comparison",
]

_DEAL_PIPELINES: Final = (TYPICAL_SALE, MANUAL_SALE, LONG_PROJECT)
_MANAGERS: Final = ("u-1", "u-2")
_CLOSES: Final = (None, date(2026, 3, 1), date(2026, 3, 15), date(2026, 4, 1))


@st.composite
def _pooled_deals(draw: st.DrawFn) -> Deal:
    pipeline = draw(st.sampled_from(_DEAL_PIPELINES))
    status = draw(st.sampled_from(tuple(DealStatus)))
    lost = status is DealStatus.LOST
    return Deal(
        id=DealId(draw(_ids)),
        title=draw(st.sampled_from(_NAMES)),
        partner_id=PartnerId(draw(st.sampled_from(("p-1", "p-2")))),
        pipeline_id=pipeline.id,
        kind=pipeline.kind,
        stage=draw(st.sampled_from(pipeline.ordered)).name if pipeline.kind.staged else None,
        status=status,
        expected_close=draw(st.sampled_from(_CLOSES)),
        responsible_manager=UserId(draw(st.sampled_from(_MANAGERS))),
        lost_reason="price" if lost else None,
        created_at=_CREATED_AT,
        stage_entered_at=_CREATED_AT,
        closed_at=_CREATED_AT if status.closed else None,
        version=draw(st.integers(min_value=1, max_value=3)),
    )


_pipelines = st.builds(
    lambda pipeline, pipeline_id, version: attrs.evolve(pipeline, id=pipeline_id, version=version),
    st.sampled_from(_DEAL_PIPELINES),
    _ids.map(PipelineId),
    st.integers(min_value=1, max_value=3),
)


class _PipelineRepositoryCalls(
    _VersionedCalls[PipelineRepository], entities=_pipelines, entity_id=PipelineId
):
    """The calls compared on the reference and the subject pipeline repository."""

    @rule(kind=st.sampled_from(tuple(DealKind)))
    def of_kind(self, kind: DealKind) -> None:
        self.compare(lambda repository: repository.of_kind(kind))

    @invariant()
    def same_pipelines(self) -> None:
        self.compare(lambda repository: list(repository.iterate()))


def pipeline_repository_comparison(
    make_repository: Callable[[], PipelineRepository], *, settings: Settings | None = None
) -> type[RuleBasedStateMachine]:
    """A state machine comparing ``make_repository()`` with ``MemoryPipelineRepository``."""
    return _comparison(
        _PipelineRepositoryCalls, MemoryPipelineRepository, make_repository, settings
    )


class _DealRepositoryCalls(
    _VersionedCalls[DealRepository], entities=_pooled_deals(), entity_id=DealId
):
    """The calls compared on the reference and the subject deal repository."""

    @rule(
        partner_id=st.none() | st.sampled_from(("p-1", "p-2", "p-3")).map(PartnerId),
        pipeline_id=st.none() | st.sampled_from(_DEAL_PIPELINES).map(lambda p: p.id),
        status=st.none() | st.sampled_from(tuple(DealStatus)),
        manager=st.none() | st.sampled_from(_MANAGERS).map(UserId),
    )
    def find(
        self,
        partner_id: PartnerId | None,
        pipeline_id: PipelineId | None,
        status: DealStatus | None,
        manager: UserId | None,
    ) -> None:
        self.compare(
            lambda repository: repository.find(
                partner_id=partner_id,
                pipeline_id=pipeline_id,
                status=status,
                responsible_manager=manager,
            )
        )

    @rule(start=st.sampled_from(_CLOSES[1:]), days=st.integers(min_value=0, max_value=40))
    def closing_between(self, start: date, days: int) -> None:
        end = start + timedelta(days=days)
        self.compare(lambda repository: repository.closing_between(start, end))

    @invariant()
    def same_deals(self) -> None:
        self.compare(lambda repository: (list(repository.iterate()), repository.count()))


def deal_repository_comparison(
    make_repository: Callable[[], DealRepository], *, settings: Settings | None = None
) -> type[RuleBasedStateMachine]:
    """A state machine comparing ``make_repository()`` with ``MemoryDealRepository``."""
    return _comparison(_DealRepositoryCalls, MemoryDealRepository, make_repository, settings)


# Moments a few minutes apart, each written in any of the kit's zones, so that a log that
# compares local text or wall-clock time returns other ranges than the reference.
_zone_numbers = st.integers(min_value=0, max_value=len(ZONES) - 1)

_entries = st.builds(
    lambda deal_id, version, minutes, zone, pipeline: StageChange(
        deal_id=DealId(deal_id),
        pipeline_id=pipeline.id,
        status=DealStatus.OPEN,
        at=in_zone(_CREATED_AT + timedelta(minutes=minutes), zone),
        version=version,
    ),
    _ids,
    st.integers(min_value=1, max_value=3),
    st.integers(min_value=0, max_value=5),
    _zone_numbers,
    st.sampled_from(_DEAL_PIPELINES),
)


class _StageLogCalls(_Comparison[StageLog]):
    """The calls compared on the reference and the subject stage log."""

    @rule(change=_entries)
    def append(self, change: StageChange) -> None:
        self.compare(lambda log: log.append(change))

    @rule(deal_id=_unknown_or_known_ids)
    def of_deal(self, deal_id: str) -> None:
        self.compare(lambda log: log.of_deal(DealId(deal_id)))

    @rule(
        first=st.integers(min_value=-1, max_value=6),
        length=st.integers(min_value=0, max_value=6),
        pipeline_id=st.none() | st.sampled_from(_DEAL_PIPELINES).map(lambda p: p.id),
        order=st.sampled_from(("between", "by_deal")),
        zones=st.tuples(_zone_numbers, _zone_numbers),
    )
    def read_range(
        self,
        first: int,
        length: int,
        pipeline_id: PipelineId | None,
        order: str,
        zones: tuple[int, int],
    ) -> None:
        """``between`` (in time order) or ``by_deal`` (grouped by deal) over a range whose
        bounds are written in zones of their own."""
        start = _CREATED_AT + timedelta(minutes=first)
        end = in_zone(start + timedelta(minutes=length), zones[1])
        start = in_zone(start, zones[0])
        self.compare(lambda log: list(getattr(log, order)(start, end, pipeline_id=pipeline_id)))

    @invariant()
    def same_count(self) -> None:
        self.compare(lambda log: log.count())


def stage_log_comparison(
    make_repository: Callable[[], StageLog], *, settings: Settings | None = None
) -> type[RuleBasedStateMachine]:
    """A state machine comparing ``make_repository()`` with ``MemoryStageLog``."""
    return _comparison(_StageLogCalls, MemoryStageLog, make_repository, settings)
