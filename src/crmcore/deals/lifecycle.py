"""The lifecycles of deals, compiled through :mod:`crmcore.lifecycle` and cached.

Two machines decide every command. The status lifecycle, shared by all deals, says which
commands a status allows (only an open deal moves; a won or lost deal must be reopened
first). The stage lifecycle of a pipeline, built from the pipeline's data, says which stages a
deal may move to: a controlled deal moves on to its stage's next stages or back to any earlier
stage; a manual deal moves to any other stage. Gates are not part of the machines: crmcore
evaluates them itself, so that every unmet gate is reported.

>>> from crmcore.deals.builtin import TYPICAL_SALE
>>> stages = stage_lifecycle(TYPICAL_SALE)
>>> stages.target("qualification", "to_commercial_offer")
'commercial_offer'
>>> STATUS.allowed_events("won")
('reopen',)
>>> print(pipeline_diagram(TYPICAL_SALE).splitlines()[2])
    [*] --> first_contact
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from types import MappingProxyType
from typing import Final

import attrs

from crmcore.deals.kinds import DealKind, DealStatus
from crmcore.deals.pipeline import Pipeline, Stage
from crmcore.lifecycle import Lifecycle, LifecycleDefinition, Transition, compile_lifecycle

__all__ = ["STATUS", "Route", "event_to", "pipeline_diagram", "stage_lifecycle", "stage_routes"]

_OPEN, _WON, _LOST, _SUSPENDED = (status.value for status in DealStatus)

STATUS: Final[Lifecycle] = compile_lifecycle(
    LifecycleDefinition(
        name="DealStatus",
        states=(_OPEN, _WON, _LOST, _SUSPENDED),
        transitions=(
            Transition("move", _OPEN, _OPEN),
            Transition("win", _OPEN, _WON),
            Transition("lose", _OPEN, _LOST),
            Transition("suspend", _OPEN, _SUSPENDED),
            Transition("lose", _SUSPENDED, _LOST),
            Transition("resume", _SUSPENDED, _OPEN),
            Transition("reopen", _WON, _OPEN),
            Transition("reopen", _LOST, _OPEN),
        ),
    )
)
"""The status lifecycle every deal follows, whatever its kind."""


def event_to(stage: str) -> str:
    """The name of the stage lifecycle's event that enters ``stage``."""
    return f"to_{stage}"


def _transitions(pipeline: Pipeline) -> tuple[Transition, ...]:
    names = [stage.name for stage in pipeline.ordered]
    moves: list[tuple[str, str]] = []
    for position, source in enumerate(names):
        if pipeline.kind is DealKind.MANUAL:
            targets = [name for name in names if name != source]
        else:
            targets = [*pipeline.forward(source), *reversed(names[:position])]
        moves.extend((source, target) for target in dict.fromkeys(targets))
    return tuple(Transition(event_to(target), source, target) for source, target in moves)


def _definition(pipeline: Pipeline) -> LifecycleDefinition:
    transitions = _transitions(pipeline)
    sources = {transition.source for transition in transitions}
    return LifecycleDefinition(
        name="DealStages",
        states=tuple(stage.name for stage in pipeline.ordered),
        transitions=transitions,
        finals=frozenset(stage.name for stage in pipeline.stages if stage.name not in sources),
    )


@lru_cache(maxsize=256)
def stage_lifecycle(pipeline: Pipeline) -> Lifecycle:
    """The stage lifecycle of a staged ``pipeline``, compiled once per distinct pipeline."""
    return compile_lifecycle(_definition(pipeline))


@attrs.frozen
class Route:
    """A stage as the target of a move: the stage, and the stages its lifecycle enters it
    from."""

    stage: Stage
    sources: frozenset[str]


@lru_cache(maxsize=256)
def stage_routes(pipeline: Pipeline) -> Mapping[str, Route]:
    """Every stage of a staged ``pipeline`` as a move's target, read once from its compiled
    lifecycle's table, so that a move costs one look-up and a membership test."""
    table = stage_lifecycle(pipeline).table
    return MappingProxyType(
        {
            stage.name: Route(
                stage=stage,
                sources=frozenset(
                    source
                    for (source, event), target in table.items()
                    if target == stage.name and event == event_to(stage.name)
                ),
            )
            for stage in pipeline.stages
        }
    )


def pipeline_diagram(pipeline: Pipeline) -> str:
    """The pipeline's lifecycle as a Mermaid state diagram, drawn by python-statemachine
    (the status lifecycle for an unstaged pipeline, which has no stages)."""
    from statemachine.contrib.diagram import formatter  # noqa: PLC0415 - drawing is rare

    lifecycle = stage_lifecycle(pipeline) if pipeline.kind.staged else STATUS
    text: str = formatter.render(lifecycle.machine_class, "mermaid")
    return text.rstrip("\n")
