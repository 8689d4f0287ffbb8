"""Strategies for the deals area: pipelines, deals and their stage log."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, Final

from hypothesis import strategies as st

from crmcore.deals import (
    BUILTIN_GATES,
    BUILTIN_PIPELINES,
    DEFAULT_LOST_REASONS,
    Deal,
    DealChanged,
    DealKind,
    DealLost,
    DealMoved,
    DealOpened,
    DealReopened,
    DealResumed,
    DealStatus,
    DealSuspended,
    DealWon,
    DocumentKind,
    Pipeline,
    Stage,
    StageChange,
    StageGate,
    items_total,
)
from crmcore.events import DomainEvent
from crmcore.ids import DealId, PartnerId, PipelineId, UserId
from crmcore.testing.strategies._common import (
    _IDS,
    _NAMES,
    _WORD,
    Choices,
    _after,
    _free_text,
    _strategy,
    aware_datetimes,
    identifiers,
)
from crmcore.testing.strategies.catalog import line_items
from crmcore.testing.strategies.kernel import custom_values, domain_events, entity_refs, money

__all__ = [
    "DEAL_EVENTS",
    "deals",
    "pipelines",
    "stage_changes",
    "stage_gates",
]

DEAL_EVENTS: Final[tuple[type[DomainEvent], ...]] = (
    DealOpened,
    DealChanged,
    DealMoved,
    DealWon,
    DealLost,
    DealReopened,
    DealSuspended,
    DealResumed,
)
"""The event classes of the deals area."""

_BUILTIN_PIPELINES: Final = tuple(BUILTIN_PIPELINES.values())
_DOCUMENT_KINDS: Final = tuple(kind.value for kind in DocumentKind)
_PLAIN_GATES: Final = tuple(
    name for name in sorted(BUILTIN_GATES) if name not in {"custom_field_filled", "document_linked"}
)


def stage_gates() -> st.SearchStrategy[StageGate]:
    """Built-in gates a stage may require, with the argument each one takes."""
    return st.one_of(
        st.builds(StageGate, gate=st.sampled_from(_PLAIN_GATES)),
        st.builds(StageGate, gate=st.just("custom_field_filled"), argument=_NAMES),
        st.builds(
            StageGate, gate=st.just("document_linked"), argument=st.sampled_from(_DOCUMENT_KINDS)
        ),
    )


@st.composite
def _stages(draw: st.DrawFn, kind: DealKind, max_stages: int) -> tuple[Stage, ...]:
    count = draw(st.integers(1, max_stages))
    names = draw(st.lists(_NAMES, min_size=count, max_size=count, unique=True))
    orders = sorted(
        draw(st.lists(st.integers(0, 1000), min_size=count, max_size=count, unique=True))
    )
    finals = [draw(st.booleans()) if i < count - 1 else True for i in range(count)]
    stages = []
    for i, (name, order) in enumerate(zip(names, orders, strict=True)):
        skips = names[i + 1 :] if kind is DealKind.CONTROLLED else ()
        following = draw(st.lists(st.sampled_from(skips), unique=True)) if skips else []
        ahead = [names[i + 1], *following] if following else []
        stages.append(
            Stage(
                name=name,
                title=draw(_WORD),
                order=order,
                probability=Decimal(draw(st.integers(0, 100))),
                expected_days=draw(st.none() | st.integers(0, 90)),
                gates=tuple(draw(st.lists(stage_gates(), max_size=3, unique_by=str))),
                final=finals[i],
                next_stages=tuple(dict.fromkeys(ahead)),
            )
        )
    return tuple(draw(st.permutations(stages)))


@st.composite
def pipelines(
    draw: st.DrawFn,
    *,
    ids: Choices[str] = _IDS,
    kinds: Choices[DealKind] = tuple(DealKind),
    max_stages: int = 6,
) -> Pipeline:
    """Valid pipelines of ``kinds``: up to ``max_stages`` stages in any order of declaration,
    the last always final, controlled ones with forward jumps, built-in gates."""
    kind = draw(_strategy(kinds))
    reasons = st.lists(_NAMES, min_size=1, max_size=5, unique=True).map(tuple)
    return Pipeline(
        id=PipelineId(draw(_strategy(ids))),
        title=draw(_WORD),
        kind=kind,
        stages=draw(_stages(kind, max_stages)) if kind.staged else (),
        lost_reasons=draw(st.just(DEFAULT_LOST_REASONS) | reasons),
        win_at_any_stage=kind is DealKind.MANUAL and draw(st.booleans()),
        version=draw(st.integers(1, 100)),
    )


@st.composite
def deals(
    draw: st.DrawFn,
    *,
    ids: Choices[str] = _IDS,
    pipelines: Choices[Pipeline] = _BUILTIN_PIPELINES,
    statuses: Choices[DealStatus] = tuple(DealStatus),
) -> Deal:
    """Deals of ``pipelines`` at any of their stages and ``statuses``, with the fields each
    status requires (a closing time, a lost reason from the pipeline's list)."""
    pipeline = draw(_strategy(pipelines))
    status = draw(_strategy(statuses))
    created = draw(aware_datetimes(max_value=datetime(2090, 1, 1)))
    entered = _after(created, timedelta(minutes=draw(st.integers(0, 10**6))))
    lost = status is DealStatus.LOST
    manager = UserId(draw(identifiers()))
    documents = st.lists(entity_refs(entity_types=_DOCUMENT_KINDS), max_size=3, unique_by=str)
    currency = draw(st.sampled_from(("RUB", "KWD")))
    items = tuple(draw(st.lists(line_items(currencies=(currency,)), max_size=2)))
    return Deal(
        id=DealId(draw(_strategy(ids))),
        title=draw(_free_text(max_size=60)),
        partner_id=PartnerId(draw(identifiers())),
        pipeline_id=pipeline.id,
        kind=pipeline.kind,
        stage=draw(st.sampled_from(pipeline.ordered)).name if pipeline.kind.staged else None,
        status=status,
        amount=items_total(items) if items else draw(st.none() | money(min_value=0)),
        expected_close=draw(st.none() | st.dates(date(2000, 1, 1), date(2100, 1, 1))),
        responsible_manager=manager,
        co_executors=draw(st.frozensets(identifiers().map(UserId), max_size=3)) - {manager},
        documents=tuple(draw(documents)),
        custom=draw(custom_values(entity_type="deal")),
        line_items=items,
        probability=draw(st.none() | st.decimals(min_value=0, max_value=100, places=1)),
        tags=draw(st.frozensets(_WORD, max_size=3)),
        source=draw(st.none() | _WORD),
        campaign_id=draw(st.none() | identifiers()),
        next_step=draw(st.none() | _free_text(max_size=100)),
        next_step_due=draw(st.none() | st.dates(date(2000, 1, 1), date(2100, 1, 1))),
        lost_reason=draw(st.sampled_from(pipeline.lost_reasons)) if lost else None,
        competitor_id=draw(st.none() | identifiers().map(PartnerId)) if lost else None,
        lost_comment=draw(st.none() | _free_text(max_size=100, multiline=True)) if lost else None,
        created_at=created,
        stage_entered_at=entered,
        closed_at=entered if status.closed else None,
        version=draw(st.integers(1, 1000)),
    )


def stage_changes(*, deal_ids: Choices[str] = _IDS) -> st.SearchStrategy[StageChange]:
    """Entries of the stage log of ``deal_ids``."""
    return st.builds(
        StageChange,
        deal_id=_strategy(deal_ids).map(DealId),
        pipeline_id=identifiers().map(PipelineId),
        from_stage=st.none() | _NAMES,
        to_stage=st.none() | _NAMES,
        from_status=st.none() | st.sampled_from(tuple(DealStatus)),
        status=st.sampled_from(tuple(DealStatus)),
        at=aware_datetimes(),
        by=st.none() | identifiers().map(UserId),
        reason=st.none() | _free_text(max_size=100),
        amount=st.none() | money(min_value=0),
        version=st.integers(1, 1000),
    )


def _deal_strategies() -> dict[type[Any], st.SearchStrategy[Any]]:
    """The deals area's models and their strategies, for :func:`_hypothesis_setup_hook`."""
    registered: dict[type[Any], st.SearchStrategy[Any]] = {
        StageGate: stage_gates(),
        Stage: pipelines(kinds=(DealKind.MANUAL,)).map(lambda pipeline: pipeline.stages[0]),
        Pipeline: pipelines(),
        Deal: deals(),
        StageChange: stage_changes(),
    }
    registered.update({cls: domain_events(classes=(cls,)) for cls in DEAL_EVENTS})
    return registered
