"""Claims: complaints from clients, suppliers, competitors and dealers; their registration
(also from a public form), deadlines on a working calendar, investigation plans, workflow,
results and reports."""

from crmcore.claims.editing import ClaimEdit, edit_claim
from crmcore.claims.events import (
    ClaimChanged,
    ClaimDecided,
    ClaimPlanChanged,
    ClaimRegistered,
    ClaimStatusChanged,
)
from crmcore.claims.investigation import Activity, InvestigationPlan
from crmcore.claims.kinds import (
    ActivityStatus,
    ClaimChannel,
    ClaimPriority,
    ClaimResult,
    ClaimStatus,
    DocumentKind,
    SlaState,
)
from crmcore.claims.lifecycle import CLAIM_WORKFLOW, CLAIM_WORKFLOW_DEFINITION
from crmcore.claims.model import (
    Attachment,
    Claim,
    Claimant,
    LinkedDocument,
    Pause,
    SlaOutcome,
    WorkflowStep,
)
from crmcore.claims.planning import plan_activity, update_activity
from crmcore.claims.reports import (
    ClaimDynamics,
    ClaimSatisfaction,
    ClaimStructure,
    DynamicsRow,
    SatisfactionRow,
    StructureRow,
    claim_dynamics,
    claim_satisfaction,
    claim_structure,
)
from crmcore.claims.repository import ClaimRepository
from crmcore.claims.selfservice import ClaimFormLimits, claim_form, register_claim_from_form
from crmcore.claims.services import (
    ClaimDraft,
    await_claimant,
    cancel,
    close,
    decide,
    investigate,
    overdue_claims,
    register_claim,
    reopen,
    resume,
)
from crmcore.claims.settings import (
    ClaimReason,
    ClaimSettings,
    DeadlinePolicy,
    DeadlineRules,
    ReasonClassifier,
)
from crmcore.claims.tasks import ACTIVITY_STATUS_OF_TASK, activity_of, activity_task

__all__ = [
    "ACTIVITY_STATUS_OF_TASK",
    "CLAIM_WORKFLOW",
    "CLAIM_WORKFLOW_DEFINITION",
    "Activity",
    "ActivityStatus",
    "Attachment",
    "Claim",
    "ClaimChanged",
    "ClaimChannel",
    "ClaimDecided",
    "ClaimDraft",
    "ClaimDynamics",
    "ClaimEdit",
    "ClaimFormLimits",
    "ClaimPlanChanged",
    "ClaimPriority",
    "ClaimReason",
    "ClaimRegistered",
    "ClaimRepository",
    "ClaimResult",
    "ClaimSatisfaction",
    "ClaimSettings",
    "ClaimStatus",
    "ClaimStatusChanged",
    "ClaimStructure",
    "Claimant",
    "DeadlinePolicy",
    "DeadlineRules",
    "DocumentKind",
    "DynamicsRow",
    "InvestigationPlan",
    "LinkedDocument",
    "Pause",
    "ReasonClassifier",
    "SatisfactionRow",
    "SlaOutcome",
    "SlaState",
    "StructureRow",
    "WorkflowStep",
    "activity_of",
    "activity_task",
    "await_claimant",
    "cancel",
    "claim_dynamics",
    "claim_form",
    "claim_satisfaction",
    "claim_structure",
    "close",
    "decide",
    "edit_claim",
    "investigate",
    "overdue_claims",
    "plan_activity",
    "register_claim",
    "register_claim_from_form",
    "reopen",
    "resume",
    "update_activity",
]
