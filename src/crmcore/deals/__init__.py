"""Deals: three kinds of sales process (controlled, manual, unstaged), pipelines as data,
gates, won and lost results, the stage log, and reports over it."""

from crmcore.deals._commands import DealOutcome
from crmcore.deals.builtin import BUILTIN_PIPELINES, LONG_PROJECT, MANUAL_SALE, TYPICAL_SALE
from crmcore.deals.events import (
    DealChanged,
    DealLost,
    DealMoved,
    DealOpened,
    DealReopened,
    DealResumed,
    DealSuspended,
    DealWon,
)
from crmcore.deals.forecast import Forecast, ForecastLine, upcoming
from crmcore.deals.gates import (
    BUILTIN_GATES,
    GATES,
    ArgumentCheckedGate,
    Gate,
    GateContext,
    load_gates,
)
from crmcore.deals.kinds import DealKind, DealStatus, DocumentKind
from crmcore.deals.lifecycle import STATUS, pipeline_diagram, stage_lifecycle
from crmcore.deals.model import Deal, StageChange
from crmcore.deals.pipeline import (
    DEFAULT_LOST_REASONS,
    LOST_REASON_FIELDS,
    LostReasonRequirement,
    Pipeline,
    Stage,
    StageGate,
    parse_pipeline,
)
from crmcore.deals.reports import (
    Funnel,
    FunnelStage,
    StageWinProbability,
    funnel,
    win_probabilities,
)
from crmcore.deals.repository import DealRepository, PipelineRepository, StageLog
from crmcore.deals.results import lose_deal, reopen_deal, resume_deal, suspend_deal, win_deal
from crmcore.deals.services import (
    DealDraft,
    MovePreview,
    edit_deal,
    move_deal,
    open_deal,
    preview_move,
)

__all__ = [
    "BUILTIN_GATES",
    "BUILTIN_PIPELINES",
    "DEFAULT_LOST_REASONS",
    "GATES",
    "LONG_PROJECT",
    "LOST_REASON_FIELDS",
    "MANUAL_SALE",
    "STATUS",
    "TYPICAL_SALE",
    "ArgumentCheckedGate",
    "Deal",
    "DealChanged",
    "DealDraft",
    "DealKind",
    "DealLost",
    "DealMoved",
    "DealOpened",
    "DealOutcome",
    "DealReopened",
    "DealRepository",
    "DealResumed",
    "DealStatus",
    "DealSuspended",
    "DealWon",
    "DocumentKind",
    "Forecast",
    "ForecastLine",
    "Funnel",
    "FunnelStage",
    "Gate",
    "GateContext",
    "LostReasonRequirement",
    "MovePreview",
    "Pipeline",
    "PipelineRepository",
    "Stage",
    "StageChange",
    "StageGate",
    "StageLog",
    "StageWinProbability",
    "edit_deal",
    "funnel",
    "load_gates",
    "lose_deal",
    "move_deal",
    "open_deal",
    "parse_pipeline",
    "pipeline_diagram",
    "preview_move",
    "reopen_deal",
    "resume_deal",
    "stage_lifecycle",
    "suspend_deal",
    "upcoming",
    "win_deal",
    "win_probabilities",
]
