"""What a person or a host asks the CRM to do: one frozen command per area service.

A command holds the input of one service call, checked when it is built (a wrong type is a
:class:`~crmcore.errors.DomainValidationError` naming the field); the content itself (a
draft, the changes) is checked by the area service when the command runs. Commands come from
JSON through :func:`crmcore.serialization.make_converter` like every other model.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any, ClassVar

import attrs

from crmcore.agreements import Audience, ConditionOverrides, OverrideLimits, SalesConditions
from crmcore.agreements.templates import QuoteTemplate
from crmcore.catalog import PRODUCT_EDITABLE, PriceType, Product, ProductDraft, StockLevel
from crmcore.claims import Activity, ClaimDraft, ClaimEdit, ClaimResult
from crmcore.deals import (
    DEAL_EDITABLE,
    CostLine,
    Deal,
    DealDraft,
    Pipeline,
    ProductPick,
    SupplierOrderLine,
)
from crmcore.ids import EntityRef
from crmcore.interactions import InteractionDraft
from crmcore.marketing import (
    CampaignCost,
    CampaignDraft,
    MailingThrottle,
    Purchase,
    SegmentDraft,
    SurveyDraft,
)
from crmcore.money import Money
from crmcore.partners import ContactPersonDraft, PartnerDraft
from crmcore.requests import REQUEST_EDITABLE, Request, RequestDraft
from crmcore.rules import AllOf, AnyOf, Condition, FieldCondition, Not, Rule
from crmcore.tasks import TaskDraft, TaskEdit
from crmcore.validation import (
    Model,
    aware_datetime,
    bounded_text,
    changes_of,
    checks,
    each,
    freeze,
    identifier,
    instance_of,
    optional,
)

__all__ = [
    "AcceptOffer",
    "AddChecklistItem",
    "AddContactPerson",
    "AddPipeline",
    "AddPriceType",
    "AnswerSurvey",
    "ApproveAgreement",
    "AssignRequest",
    "AwaitClaimant",
    "BindRequest",
    "CRMCommand",
    "CancelClaim",
    "CancelInteraction",
    "CancelSupplierOrder",
    "CancelTask",
    "ChangeSegment",
    "CloseAgreement",
    "CloseClaim",
    "CompleteInteraction",
    "CompleteTask",
    "ConvertRequest",
    "CreateIndividualAgreement",
    "CreateProduct",
    "CreateProductGroup",
    "CreateSurvey",
    "CreateTask",
    "CreateTypicalAgreement",
    "DecideClaim",
    "DeclineOffer",
    "DefineSegment",
    "EditClaim",
    "EditContactPerson",
    "EditDeal",
    "EditPartner",
    "EditProduct",
    "EditRequest",
    "EditTask",
    "InvestigateClaim",
    "LinkRelationship",
    "LoseDeal",
    "MoveCampaign",
    "MoveDeal",
    "OpenDeal",
    "PlaceSupplierOrder",
    "PlanBusiness",
    "PlanCampaign",
    "PlanClaimActivity",
    "PlanInteraction",
    "QualifyRequest",
    "ReceiveSupplierOrder",
    "ReceiveWebForm",
    "RecordCampaignCost",
    "RecordConsent",
    "RecordInteraction",
    "RecordPurchases",
    "RegisterClaim",
    "RegisterOffer",
    "RegisterPartner",
    "RegisterRequest",
    "RejectAgreement",
    "RejectRequest",
    "ReopenClaim",
    "ReopenDeal",
    "ReopenTask",
    "ReportActuals",
    "ReportStock",
    "RescheduleInteraction",
    "ResumeClaim",
    "SaveRule",
    "Sell",
    "SendMailing",
    "SendOffer",
    "SetLineItems",
    "SetPrice",
    "StartInteraction",
    "StartProject",
    "StartTask",
    "StopTask",
    "SubmitAgreement",
    "TakeRequest",
    "TickChecklistItem",
    "UnlinkRelationship",
    "Unsubscribe",
    "UntickChecklistItem",
    "WinDeal",
]

_ID: Any = checks(identifier)
_OPTIONAL_ID: Any = checks(optional(identifier))
_REASON: Any = checks(bounded_text(500))
_OPTIONAL_TEXT: Any = checks(optional(bounded_text(2000, multiline=True)))


def _tuple(value: Any) -> Any:
    """A list from JSON or a host as the tuple a command holds; other values reach the
    checks, which name the field."""
    return tuple(value) if isinstance(value, list) else value


def _mapping(field: str, value: object) -> Any:
    return instance_of(Mapping)(field, value)


@attrs.frozen(kw_only=True)
class CRMCommand(Model):
    """Base of every command :meth:`crmcore.app.CRM.execute` runs; ``name`` is its tag."""

    name: ClassVar[str] = "command"


# Partners and contacts


@attrs.frozen(kw_only=True)
class RegisterPartner(CRMCommand):
    """Register a partner through the duplicate check: possible duplicates stop it unless
    ``force`` (a person looked at them and decided it is new)."""

    name: ClassVar[str] = "register_partner"
    draft: PartnerDraft = attrs.field(metadata=checks(instance_of(PartnerDraft)))
    partner_id: str | None = attrs.field(default=None, metadata=_OPTIONAL_ID)
    force: bool = attrs.field(default=False, metadata=checks(instance_of(bool)))


@attrs.frozen(kw_only=True)
class EditPartner(CRMCommand):
    """Change fields of a partner's card."""

    name: ClassVar[str] = "edit_partner"
    partner_id: str = attrs.field(metadata=_ID)
    changes: Mapping[str, Any] = attrs.field(converter=freeze, metadata=checks(_mapping))


@attrs.frozen(kw_only=True)
class AddContactPerson(CRMCommand):
    """Add a contact person to a partner."""

    name: ClassVar[str] = "add_contact_person"
    partner_id: str = attrs.field(metadata=_ID)
    draft: ContactPersonDraft = attrs.field(metadata=checks(instance_of(ContactPersonDraft)))
    contact_person_id: str | None = attrs.field(default=None, metadata=_OPTIONAL_ID)


@attrs.frozen(kw_only=True)
class EditContactPerson(CRMCommand):
    """Change fields of a contact person."""

    name: ClassVar[str] = "edit_contact_person"
    contact_person_id: str = attrs.field(metadata=_ID)
    changes: Mapping[str, Any] = attrs.field(converter=freeze, metadata=checks(_mapping))


@attrs.frozen(kw_only=True)
class LinkRelationship(CRMCommand):
    """Link two partners or two persons: "``source`` is ``kind`` of ``target``"."""

    name: ClassVar[str] = "link_relationship"
    kind: str = attrs.field(metadata=_ID)
    source: EntityRef = attrs.field(metadata=checks(instance_of(EntityRef)))
    target: EntityRef = attrs.field(metadata=checks(instance_of(EntityRef)))
    relationship_id: str | None = attrs.field(default=None, metadata=_OPTIONAL_ID)
    since: date | None = attrs.field(default=None, metadata=checks(optional(instance_of(date))))
    note: str | None = attrs.field(default=None, metadata=_OPTIONAL_TEXT)


@attrs.frozen(kw_only=True)
class UnlinkRelationship(CRMCommand):
    """Remove a relationship."""

    name: ClassVar[str] = "unlink_relationship"
    relationship_id: str = attrs.field(metadata=_ID)


# Deals


@attrs.frozen(kw_only=True)
class AddPipeline(CRMCommand):
    """Store a pipeline beside those of the settings."""

    name: ClassVar[str] = "add_pipeline"
    pipeline: Pipeline = attrs.field(metadata=checks(instance_of(Pipeline)))


@attrs.frozen(kw_only=True)
class OpenDeal(CRMCommand):
    """Open a deal in a pipeline, at its first stage."""

    name: ClassVar[str] = "open_deal"
    draft: DealDraft = attrs.field(metadata=checks(instance_of(DealDraft)))
    pipeline_id: str = attrs.field(metadata=_ID)
    deal_id: str | None = attrs.field(default=None, metadata=_OPTIONAL_ID)


@attrs.frozen(kw_only=True)
class EditDeal(CRMCommand):
    """Change a deal's title, amount, expected close, manager, co-executors, documents or
    custom fields."""

    name: ClassVar[str] = "edit_deal"
    deal_id: str = attrs.field(metadata=_ID)
    changes: Mapping[str, Any] = attrs.field(
        converter=freeze, metadata={**checks(_mapping), **changes_of(Deal, editable=DEAL_EDITABLE)}
    )


@attrs.frozen(kw_only=True)
class MoveDeal(CRMCommand):
    """Move a deal to a stage of its pipeline, through the stage's gates."""

    name: ClassVar[str] = "move_deal"
    deal_id: str = attrs.field(metadata=_ID)
    stage: str = attrs.field(metadata=_ID)
    reason: str | None = attrs.field(default=None, metadata=checks(optional(bounded_text(500))))


@attrs.frozen(kw_only=True)
class WinDeal(CRMCommand):
    """Close a deal as won."""

    name: ClassVar[str] = "win_deal"
    deal_id: str = attrs.field(metadata=_ID)
    reason: str | None = attrs.field(default=None, metadata=checks(optional(bounded_text(500))))


@attrs.frozen(kw_only=True)
class LoseDeal(CRMCommand):
    """Close a deal as lost, with one of the pipeline's lost reasons."""

    name: ClassVar[str] = "lose_deal"
    deal_id: str = attrs.field(metadata=_ID)
    reason: str = attrs.field(metadata=_REASON)
    competitor_id: str | None = attrs.field(default=None, metadata=_OPTIONAL_ID)
    comment: str | None = attrs.field(default=None, metadata=_OPTIONAL_TEXT)


@attrs.frozen(kw_only=True)
class ReopenDeal(CRMCommand):
    """Reopen a closed deal."""

    name: ClassVar[str] = "reopen_deal"
    deal_id: str = attrs.field(metadata=_ID)
    reason: str = attrs.field(metadata=_REASON)


# Interactions


@attrs.frozen(kw_only=True)
class PlanInteraction(CRMCommand):
    """Plan a meeting, call or other interaction (with its reminders)."""

    name: ClassVar[str] = "plan_interaction"
    draft: InteractionDraft = attrs.field(metadata=checks(instance_of(InteractionDraft)))
    interaction_id: str | None = attrs.field(default=None, metadata=_OPTIONAL_ID)


@attrs.frozen(kw_only=True)
class RecordInteraction(CRMCommand):
    """Record an interaction that has taken place."""

    name: ClassVar[str] = "record_interaction"
    draft: InteractionDraft = attrs.field(metadata=checks(instance_of(InteractionDraft)))
    interaction_id: str | None = attrs.field(default=None, metadata=_OPTIONAL_ID)
    result: str | None = attrs.field(default=None, metadata=_OPTIONAL_TEXT)
    duration: timedelta | None = attrs.field(
        default=None, metadata=checks(optional(instance_of(timedelta)))
    )


@attrs.frozen(kw_only=True)
class StartInteraction(CRMCommand):
    """Start a planned interaction."""

    name: ClassVar[str] = "start_interaction"
    interaction_id: str = attrs.field(metadata=_ID)


@attrs.frozen(kw_only=True)
class CompleteInteraction(CRMCommand):
    """Complete an interaction, with its result."""

    name: ClassVar[str] = "complete_interaction"
    interaction_id: str = attrs.field(metadata=_ID)
    result: str | None = attrs.field(default=None, metadata=_OPTIONAL_TEXT)
    duration: timedelta | None = attrs.field(
        default=None, metadata=checks(optional(instance_of(timedelta)))
    )


@attrs.frozen(kw_only=True)
class CancelInteraction(CRMCommand):
    """Cancel a planned interaction."""

    name: ClassVar[str] = "cancel_interaction"
    interaction_id: str = attrs.field(metadata=_ID)


@attrs.frozen(kw_only=True)
class RescheduleInteraction(CRMCommand):
    """Move a planned interaction to another time."""

    name: ClassVar[str] = "reschedule_interaction"
    interaction_id: str = attrs.field(metadata=_ID)
    start: datetime = attrs.field(metadata=checks(aware_datetime))
    end: datetime | None = attrs.field(default=None, metadata=checks(optional(aware_datetime)))


# Agreements


@attrs.frozen(kw_only=True)
class CreateTypicalAgreement(CRMCommand):
    """Create a typical (standard) agreement: sales conditions for a group of clients."""

    name: ClassVar[str] = "create_typical_agreement"
    title: str = attrs.field(metadata=checks(bounded_text(200)))
    conditions: SalesConditions = attrs.field(metadata=checks(instance_of(SalesConditions)))
    valid_from: date = attrs.field(metadata=checks(instance_of(date)))
    valid_to: date | None = attrs.field(default=None, metadata=checks(optional(instance_of(date))))
    audience: Audience | None = attrs.field(
        default=None, metadata=checks(optional(instance_of(Audience)))
    )
    limits: OverrideLimits | None = attrs.field(
        default=None, metadata=checks(optional(instance_of(OverrideLimits)))
    )
    agreement_id: str | None = attrs.field(default=None, metadata=_OPTIONAL_ID)
    manager: str | None = attrs.field(default=None, metadata=_OPTIONAL_ID)


@attrs.frozen(kw_only=True)
class CreateIndividualAgreement(CRMCommand):
    """Create an individual agreement of a partner on a typical one, with its overrides."""

    name: ClassVar[str] = "create_individual_agreement"
    title: str = attrs.field(metadata=checks(bounded_text(200)))
    partner_id: str = attrs.field(metadata=_ID)
    base_id: str = attrs.field(metadata=_ID)
    overrides: ConditionOverrides | None = attrs.field(
        default=None, metadata=checks(optional(instance_of(ConditionOverrides)))
    )
    valid_from: date | None = attrs.field(
        default=None, metadata=checks(optional(instance_of(date)))
    )
    valid_to: date | None = attrs.field(default=None, metadata=checks(optional(instance_of(date))))
    agreement_id: str | None = attrs.field(default=None, metadata=_OPTIONAL_ID)
    manager: str | None = attrs.field(default=None, metadata=_OPTIONAL_ID)


@attrs.frozen(kw_only=True)
class SubmitAgreement(CRMCommand):
    """Submit an agreement for approval."""

    name: ClassVar[str] = "submit_agreement"
    agreement_id: str = attrs.field(metadata=_ID)


@attrs.frozen(kw_only=True)
class ApproveAgreement(CRMCommand):
    """Approve an agreement, checked against its base and the partner's other agreements."""

    name: ClassVar[str] = "approve_agreement"
    agreement_id: str = attrs.field(metadata=_ID)


@attrs.frozen(kw_only=True)
class RejectAgreement(CRMCommand):
    """Reject an agreement submitted for approval."""

    name: ClassVar[str] = "reject_agreement"
    agreement_id: str = attrs.field(metadata=_ID)
    reason: str = attrs.field(metadata=_REASON)


@attrs.frozen(kw_only=True)
class CloseAgreement(CRMCommand):
    """Close an agreement before its end."""

    name: ClassVar[str] = "close_agreement"
    agreement_id: str = attrs.field(metadata=_ID)
    reason: str | None = attrs.field(default=None, metadata=checks(optional(bounded_text(500))))


# Claims


@attrs.frozen(kw_only=True)
class RegisterClaim(CRMCommand):
    """Register a claim; its due dates come from the claim settings' working calendar."""

    name: ClassVar[str] = "register_claim"
    draft: ClaimDraft = attrs.field(metadata=checks(instance_of(ClaimDraft)))
    claim_id: str | None = attrs.field(default=None, metadata=_OPTIONAL_ID)


@attrs.frozen(kw_only=True)
class EditClaim(CRMCommand):
    """Change a claim's reasons, type, priority, department, people or documents; due dates
    follow a new type or priority."""

    name: ClassVar[str] = "edit_claim"
    claim_id: str = attrs.field(metadata=_ID)
    edit: ClaimEdit = attrs.field(metadata=checks(instance_of(ClaimEdit)))


@attrs.frozen(kw_only=True)
class InvestigateClaim(CRMCommand):
    """Start investigating a claim."""

    name: ClassVar[str] = "investigate_claim"
    claim_id: str = attrs.field(metadata=_ID)
    comment: str | None = attrs.field(default=None, metadata=_OPTIONAL_TEXT)
    responsible_manager: str | None = attrs.field(default=None, metadata=_OPTIONAL_ID)


@attrs.frozen(kw_only=True)
class AwaitClaimant(CRMCommand):
    """Pause a claim's clock while waiting for the claimant."""

    name: ClassVar[str] = "await_claimant"
    claim_id: str = attrs.field(metadata=_ID)
    comment: str | None = attrs.field(default=None, metadata=_OPTIONAL_TEXT)


@attrs.frozen(kw_only=True)
class ResumeClaim(CRMCommand):
    """Resume a paused claim."""

    name: ClassVar[str] = "resume_claim"
    claim_id: str = attrs.field(metadata=_ID)
    comment: str | None = attrs.field(default=None, metadata=_OPTIONAL_TEXT)


@attrs.frozen(kw_only=True)
class DecideClaim(CRMCommand):
    """Decide a claim: satisfied, partially satisfied or rejected."""

    name: ClassVar[str] = "decide_claim"
    claim_id: str = attrs.field(metadata=_ID)
    result: ClaimResult = attrs.field(metadata=checks(instance_of(ClaimResult)))
    comment: str | None = attrs.field(default=None, metadata=_OPTIONAL_TEXT)


@attrs.frozen(kw_only=True)
class CloseClaim(CRMCommand):
    """Close a decided claim."""

    name: ClassVar[str] = "close_claim"
    claim_id: str = attrs.field(metadata=_ID)
    comment: str | None = attrs.field(default=None, metadata=_OPTIONAL_TEXT)


@attrs.frozen(kw_only=True)
class ReopenClaim(CRMCommand):
    """Reopen a closed claim."""

    name: ClassVar[str] = "reopen_claim"
    claim_id: str = attrs.field(metadata=_ID)
    comment: str = attrs.field(metadata=checks(bounded_text(2000, multiline=True)))


@attrs.frozen(kw_only=True)
class CancelClaim(CRMCommand):
    """Cancel a claim."""

    name: ClassVar[str] = "cancel_claim"
    claim_id: str = attrs.field(metadata=_ID)
    comment: str = attrs.field(metadata=checks(bounded_text(2000, multiline=True)))


# Requests


@attrs.frozen(kw_only=True)
class RegisterRequest(CRMCommand):
    """Register a request typed in by a person; repeats and known clients are found."""

    name: ClassVar[str] = "register_request"
    draft: RequestDraft = attrs.field(metadata=checks(instance_of(RequestDraft)))
    request_id: str | None = attrs.field(default=None, metadata=_OPTIONAL_ID)
    received_at: datetime | None = attrs.field(
        default=None, metadata=checks(optional(aware_datetime))
    )


@attrs.frozen(kw_only=True)
class ReceiveWebForm(CRMCommand):
    """Take in a public web form's payload (untrusted), spam-checked, bound to a known
    client through the duplicate check; ``campaign_id`` attributes it to the marketing
    campaign whose landing page holds the form."""

    name: ClassVar[str] = "receive_web_form"
    payload: Mapping[str, Any] = attrs.field(converter=freeze, metadata=checks(_mapping))
    source: str = attrs.field(default="website_form", metadata=_ID)
    request_id: str | None = attrs.field(default=None, metadata=_OPTIONAL_ID)
    campaign_id: str | None = attrs.field(default=None, metadata=_OPTIONAL_ID)


@attrs.frozen(kw_only=True)
class EditRequest(CRMCommand):
    """Change an open request's contact, items, estimated amount, campaign or custom
    fields."""

    name: ClassVar[str] = "edit_request"
    request_id: str = attrs.field(metadata=_ID)
    changes: Mapping[str, Any] = attrs.field(
        converter=freeze,
        metadata={**checks(_mapping), **changes_of(Request, editable=REQUEST_EDITABLE)},
    )


@attrs.frozen(kw_only=True)
class TakeRequest(CRMCommand):
    """Take a request into work (by ``manager``, else by the actor)."""

    name: ClassVar[str] = "take_request"
    request_id: str = attrs.field(metadata=_ID)
    manager: str | None = attrs.field(default=None, metadata=_OPTIONAL_ID)


@attrs.frozen(kw_only=True)
class QualifyRequest(CRMCommand):
    """Mark a request as qualified: a real need worth a deal."""

    name: ClassVar[str] = "qualify_request"
    request_id: str = attrs.field(metadata=_ID)


@attrs.frozen(kw_only=True)
class RejectRequest(CRMCommand):
    """Reject a request with one of the configured reasons."""

    name: ClassVar[str] = "reject_request"
    request_id: str = attrs.field(metadata=_ID)
    reason: str = attrs.field(metadata=_REASON)
    comment: str | None = attrs.field(default=None, metadata=_OPTIONAL_TEXT)


@attrs.frozen(kw_only=True)
class AssignRequest(CRMCommand):
    """Make ``manager`` responsible for a request."""

    name: ClassVar[str] = "assign_request"
    request_id: str = attrs.field(metadata=_ID)
    manager: str = attrs.field(metadata=_ID)


@attrs.frozen(kw_only=True)
class BindRequest(CRMCommand):
    """Bind a request to a client card (and contact person) by hand."""

    name: ClassVar[str] = "bind_request"
    request_id: str = attrs.field(metadata=_ID)
    partner_id: str = attrs.field(metadata=_ID)
    contact_person_id: str | None = attrs.field(default=None, metadata=_OPTIONAL_ID)


@attrs.frozen(kw_only=True)
class ConvertRequest(CRMCommand):
    """Convert a request into a partner (found or new), a contact person and a deal."""

    name: ClassVar[str] = "convert_request"
    request_id: str = attrs.field(metadata=_ID)
    pipeline_id: str = attrs.field(metadata=_ID)
    responsible_manager: str | None = attrs.field(default=None, metadata=_OPTIONAL_ID)
    title: str | None = attrs.field(default=None, metadata=checks(optional(bounded_text(500))))
    deal_id: str | None = attrs.field(default=None, metadata=_OPTIONAL_ID)


# Rules


@attrs.frozen(kw_only=True)
class SaveRule(CRMCommand):
    """Store a rule: a new one at version 1, a known one as its next version."""

    name: ClassVar[str] = "save_rule"
    rule: Rule = attrs.field(metadata=checks(instance_of(Rule)))


# Claims' investigation plans


@attrs.frozen(kw_only=True)
class PlanClaimActivity(CRMCommand):
    """Add an activity to a claim's investigation plan; on a store that keeps tasks, the
    activity becomes a task linked to the claim (``task_id``, a new id by default)."""

    name: ClassVar[str] = "plan_claim_activity"
    claim_id: str = attrs.field(metadata=_ID)
    activity: Activity = attrs.field(metadata=checks(instance_of(Activity)))
    task_id: str | None = attrs.field(default=None, metadata=_OPTIONAL_ID)


# Tasks and projects


@attrs.frozen(kw_only=True)
class CreateTask(CRMCommand):
    """Create a task; the records it links to that the CRM stores must exist."""

    name: ClassVar[str] = "create_task"
    draft: TaskDraft = attrs.field(metadata=checks(instance_of(TaskDraft)))
    task_id: str | None = attrs.field(default=None, metadata=_OPTIONAL_ID)


@attrs.frozen(kw_only=True)
class EditTask(CRMCommand):
    """Change a task's title, description, people, due moment, priority or links."""

    name: ClassVar[str] = "edit_task"
    task_id: str = attrs.field(metadata=_ID)
    edit: TaskEdit = attrs.field(metadata=checks(instance_of(TaskEdit)))


@attrs.frozen(kw_only=True)
class StartTask(CRMCommand):
    """Start working on a task."""

    name: ClassVar[str] = "start_task"
    task_id: str = attrs.field(metadata=_ID)


@attrs.frozen(kw_only=True)
class StopTask(CRMCommand):
    """Put a task in progress back to open."""

    name: ClassVar[str] = "stop_task"
    task_id: str = attrs.field(metadata=_ID)


@attrs.frozen(kw_only=True)
class CompleteTask(CRMCommand):
    """Mark a task done; the investigation activity it was made from is done too."""

    name: ClassVar[str] = "complete_task"
    task_id: str = attrs.field(metadata=_ID)


@attrs.frozen(kw_only=True)
class CancelTask(CRMCommand):
    """Cancel a task; the investigation activity it was made from is cancelled too."""

    name: ClassVar[str] = "cancel_task"
    task_id: str = attrs.field(metadata=_ID)


@attrs.frozen(kw_only=True)
class ReopenTask(CRMCommand):
    """Reopen a done task."""

    name: ClassVar[str] = "reopen_task"
    task_id: str = attrs.field(metadata=_ID)


@attrs.frozen(kw_only=True)
class AddChecklistItem(CRMCommand):
    """Add an item to a task's checklist."""

    name: ClassVar[str] = "add_checklist_item"
    task_id: str = attrs.field(metadata=_ID)
    text: str = attrs.field(metadata=checks(bounded_text(500)))
    item_id: str | None = attrs.field(default=None, metadata=_OPTIONAL_ID)


@attrs.frozen(kw_only=True)
class TickChecklistItem(CRMCommand):
    """Tick an item of a task's checklist."""

    name: ClassVar[str] = "tick_checklist_item"
    task_id: str = attrs.field(metadata=_ID)
    item_id: str = attrs.field(metadata=_ID)


@attrs.frozen(kw_only=True)
class UntickChecklistItem(CRMCommand):
    """Untick an item of a task's checklist."""

    name: ClassVar[str] = "untick_checklist_item"
    task_id: str = attrs.field(metadata=_ID)
    item_id: str = attrs.field(metadata=_ID)


@attrs.frozen(kw_only=True)
class StartProject(CRMCommand):
    """Start a project from the plan ``plan_id`` of the settings, managed by ``manager``
    (the actor by default): one task per step, due on the settings' working calendar."""

    name: ClassVar[str] = "start_project"
    plan_id: str = attrs.field(metadata=_ID)
    manager: str | None = attrs.field(default=None, metadata=_OPTIONAL_ID)
    title: str | None = attrs.field(default=None, metadata=checks(optional(bounded_text(500))))
    links: tuple[EntityRef, ...] = attrs.field(
        default=(), metadata=checks(each(instance_of(EntityRef)))
    )
    project_id: str | None = attrs.field(default=None, metadata=_OPTIONAL_ID)


# Catalog


@attrs.frozen(kw_only=True)
class CreateProductGroup(CRMCommand):
    """Create a group of the product tree, under ``parent_id`` or at the top."""

    name: ClassVar[str] = "create_product_group"
    title: str = attrs.field(metadata=checks(bounded_text(200)))
    parent_id: str | None = attrs.field(default=None, metadata=_OPTIONAL_ID)
    group_id: str | None = attrs.field(default=None, metadata=_OPTIONAL_ID)


@attrs.frozen(kw_only=True)
class CreateProduct(CRMCommand):
    """Create a product or component of the catalog."""

    name: ClassVar[str] = "create_product"
    draft: ProductDraft = attrs.field(metadata=checks(instance_of(ProductDraft)))
    product_id: str | None = attrs.field(default=None, metadata=_OPTIONAL_ID)


@attrs.frozen(kw_only=True)
class EditProduct(CRMCommand):
    """Change a product's name, kind, group, unit, image or minimum price."""

    name: ClassVar[str] = "edit_product"
    product_id: str = attrs.field(metadata=_ID)
    changes: Mapping[str, Any] = attrs.field(
        converter=freeze,
        metadata={**checks(_mapping), **changes_of(Product, editable=PRODUCT_EDITABLE)},
    )


@attrs.frozen(kw_only=True)
class AddPriceType(CRMCommand):
    """Add a price type (a price list in one currency)."""

    name: ClassVar[str] = "add_price_type"
    price_type: PriceType = attrs.field(metadata=checks(instance_of(PriceType)))


@attrs.frozen(kw_only=True)
class SetPrice(CRMCommand):
    """Give a product a price in a price type from ``valid_from`` on."""

    name: ClassVar[str] = "set_price"
    product_id: str = attrs.field(metadata=_ID)
    price_type: str = attrs.field(metadata=_ID)
    price: Money = attrs.field(metadata=checks(instance_of(Money)))
    valid_from: date = attrs.field(metadata=checks(instance_of(date)))


@attrs.frozen(kw_only=True)
class ReportStock(CRMCommand):
    """Keep the host's latest stock of a product in a warehouse."""

    name: ClassVar[str] = "report_stock"
    level: StockLevel = attrs.field(metadata=checks(instance_of(StockLevel)))


# Deals' line items and documents


@attrs.frozen(kw_only=True)
class SetLineItems(CRMCommand):
    """Make the picked products the deal's line items, priced through the client's
    agreement (``agreement_id``, else the one linked to the deal); the amount follows."""

    name: ClassVar[str] = "set_line_items"
    deal_id: str = attrs.field(metadata=_ID)
    items: tuple[ProductPick, ...] = attrs.field(
        converter=_tuple, metadata=checks(each(instance_of(ProductPick)))
    )
    agreement_id: str | None = attrs.field(default=None, metadata=_OPTIONAL_ID)


@attrs.frozen(kw_only=True)
class RegisterOffer(CRMCommand):
    """Register the deal's next commercial offer from its line items under the agreement
    (``agreement_id``, else the one linked to the deal)."""

    name: ClassVar[str] = "register_offer"
    deal_id: str = attrs.field(metadata=_ID)
    agreement_id: str | None = attrs.field(default=None, metadata=_OPTIONAL_ID)
    offer_id: str | None = attrs.field(default=None, metadata=_OPTIONAL_ID)


@attrs.frozen(kw_only=True)
class SendOffer(CRMCommand):
    """Send an offer to the client: an e-mail from ``template`` (the agreements area's
    default text template when ``None``) in the outbox, with the offer attached."""

    name: ClassVar[str] = "send_offer"
    offer_id: str = attrs.field(metadata=_ID)
    template: QuoteTemplate | None = attrs.field(
        default=None, metadata=checks(optional(instance_of(QuoteTemplate)))
    )


@attrs.frozen(kw_only=True)
class AcceptOffer(CRMCommand):
    """Record that the client accepted an offer."""

    name: ClassVar[str] = "accept_offer"
    offer_id: str = attrs.field(metadata=_ID)


@attrs.frozen(kw_only=True)
class DeclineOffer(CRMCommand):
    """Record that the client declined an offer, and why if known."""

    name: ClassVar[str] = "decline_offer"
    offer_id: str = attrs.field(metadata=_ID)
    reason: str | None = attrs.field(default=None, metadata=checks(optional(bounded_text(500))))


@attrs.frozen(kw_only=True)
class Sell(CRMCommand):
    """The price form's "sell": the picked products become the deal's line items, a new
    offer is registered from them and sent to the client by e-mail, in one step."""

    name: ClassVar[str] = "sell"
    deal_id: str = attrs.field(metadata=_ID)
    items: tuple[ProductPick, ...] = attrs.field(
        converter=_tuple, metadata=checks(each(instance_of(ProductPick)))
    )
    agreement_id: str | None = attrs.field(default=None, metadata=_OPTIONAL_ID)
    offer_id: str | None = attrs.field(default=None, metadata=_OPTIONAL_ID)
    template: QuoteTemplate | None = attrs.field(
        default=None, metadata=checks(optional(instance_of(QuoteTemplate)))
    )


@attrs.frozen(kw_only=True)
class PlaceSupplierOrder(CRMCommand):
    """Order from a supplier what the deal needs."""

    name: ClassVar[str] = "place_supplier_order"
    deal_id: str = attrs.field(metadata=_ID)
    supplier_id: str = attrs.field(metadata=_ID)
    lines: tuple[SupplierOrderLine, ...] = attrs.field(
        converter=_tuple, metadata=checks(each(instance_of(SupplierOrderLine)))
    )
    expected_on: date | None = attrs.field(
        default=None, metadata=checks(optional(instance_of(date)))
    )
    order_id: str | None = attrs.field(default=None, metadata=_OPTIONAL_ID)


@attrs.frozen(kw_only=True)
class ReceiveSupplierOrder(CRMCommand):
    """Record that a supplier order was received."""

    name: ClassVar[str] = "receive_supplier_order"
    order_id: str = attrs.field(metadata=_ID)


@attrs.frozen(kw_only=True)
class CancelSupplierOrder(CRMCommand):
    """Cancel a supplier order."""

    name: ClassVar[str] = "cancel_supplier_order"
    order_id: str = attrs.field(metadata=_ID)


@attrs.frozen(kw_only=True)
class PlanBusiness(CRMCommand):
    """Draw (or draw again) a deal's business plan: its revenue from the line items, and
    the planned ``costs``."""

    name: ClassVar[str] = "plan_business"
    deal_id: str = attrs.field(metadata=_ID)
    costs: tuple[CostLine, ...] = attrs.field(
        default=(), converter=_tuple, metadata=checks(each(instance_of(CostLine)))
    )


@attrs.frozen(kw_only=True)
class ReportActuals(CRMCommand):
    """Report a deal's actual revenue and costs so far, beside its business plan."""

    name: ClassVar[str] = "report_actuals"
    deal_id: str = attrs.field(metadata=_ID)
    revenue: Money | None = attrs.field(default=None, metadata=checks(optional(instance_of(Money))))
    costs: tuple[CostLine, ...] = attrs.field(
        default=(), converter=_tuple, metadata=checks(each(instance_of(CostLine)))
    )


# Marketing


def _listed(value: Any) -> Any:
    """A list from JSON as the tuple a command holds; other values reach the checks."""
    return tuple(value) if isinstance(value, list) else value


@attrs.frozen(kw_only=True)
class DefineSegment(CRMCommand):
    """Define a segment: by a condition in the rules' language, or by a list."""

    name: ClassVar[str] = "define_segment"
    draft: SegmentDraft = attrs.field(metadata=checks(instance_of(SegmentDraft)))
    segment_id: str | None = attrs.field(default=None, metadata=_OPTIONAL_ID)


@attrs.frozen(kw_only=True)
class ChangeSegment(CRMCommand):
    """Rename a segment, give a dynamic one a new condition or a static one a new list."""

    name: ClassVar[str] = "change_segment"
    segment_id: str = attrs.field(metadata=_ID)
    title: str | None = attrs.field(default=None, metadata=checks(optional(bounded_text(200))))
    condition: Condition | None = attrs.field(
        default=None, metadata=checks(optional(instance_of(AllOf, AnyOf, Not, FieldCondition)))
    )
    members: tuple[str, ...] | None = attrs.field(
        default=None, converter=_listed, metadata=checks(optional(each(identifier)))
    )


@attrs.frozen(kw_only=True)
class RecordConsent(CRMCommand):
    """Record a contact person's consent (``granted``) or opt-out on a channel."""

    name: ClassVar[str] = "record_consent"
    contact_person_id: str = attrs.field(metadata=_ID)
    channel: str = attrs.field(metadata=checks(bounded_text(20)))
    status: str = attrs.field(metadata=checks(bounded_text(20)))
    source: str | None = attrs.field(default=None, metadata=checks(optional(bounded_text(200))))


@attrs.frozen(kw_only=True)
class Unsubscribe(CRMCommand):
    """Opt a contact person out of ``channels`` (every channel by default)."""

    name: ClassVar[str] = "unsubscribe"
    contact_person_id: str = attrs.field(metadata=_ID)
    channels: tuple[str, ...] = attrs.field(
        default=("email", "sms"), converter=_listed, metadata=checks(each(bounded_text(20)))
    )
    source: str | None = attrs.field(default=None, metadata=checks(optional(bounded_text(200))))


@attrs.frozen(kw_only=True)
class PlanCampaign(CRMCommand):
    """Plan a campaign: dates, budget, planned costs, segment and materials."""

    name: ClassVar[str] = "plan_campaign"
    draft: CampaignDraft = attrs.field(metadata=checks(instance_of(CampaignDraft)))
    campaign_id: str | None = attrs.field(default=None, metadata=_OPTIONAL_ID)


@attrs.frozen(kw_only=True)
class RecordCampaignCost(CRMCommand):
    """Record an actual cost of a campaign (or, if ``planned``, add one to its plan)."""

    name: ClassVar[str] = "record_campaign_cost"
    campaign_id: str = attrs.field(metadata=_ID)
    cost: CampaignCost = attrs.field(metadata=checks(instance_of(CampaignCost)))
    planned: bool = attrs.field(default=False, metadata=checks(instance_of(bool)))


@attrs.frozen(kw_only=True)
class MoveCampaign(CRMCommand):
    """Move a campaign by ``step``: ``start``, ``finish`` or ``cancel``."""

    name: ClassVar[str] = "move_campaign"
    campaign_id: str = attrs.field(metadata=_ID)
    step: str = attrs.field(metadata=checks(bounded_text(20)))


@attrs.frozen(kw_only=True)
class SendMailing(CRMCommand):
    """Send ``material`` of a running campaign to the contact persons of its segment,
    throttled, as e-mail or SMS messages in the outbox."""

    name: ClassVar[str] = "send_mailing"
    campaign_id: str = attrs.field(metadata=_ID)
    material: str = attrs.field(metadata=_ID)
    mailing_id: str | None = attrs.field(default=None, metadata=_OPTIONAL_ID)
    throttle: MailingThrottle | None = attrs.field(
        default=None, metadata=checks(optional(instance_of(MailingThrottle)))
    )


@attrs.frozen(kw_only=True)
class RecordPurchases(CRMCommand):
    """Record lines of won deals as purchases (for hosts whose deals carry no line items)."""

    name: ClassVar[str] = "record_purchases"
    purchases: tuple[Purchase, ...] = attrs.field(
        converter=_listed, metadata=checks(each(instance_of(Purchase), max_items=10_000))
    )


@attrs.frozen(kw_only=True)
class CreateSurvey(CRMCommand):
    """Create a survey."""

    name: ClassVar[str] = "create_survey"
    draft: SurveyDraft = attrs.field(metadata=checks(instance_of(SurveyDraft)))
    survey_id: str | None = attrs.field(default=None, metadata=_OPTIONAL_ID)


@attrs.frozen(kw_only=True)
class AnswerSurvey(CRMCommand):
    """Record a contact person's answers to a survey; ``answers`` is untrusted input."""

    name: ClassVar[str] = "answer_survey"
    survey_id: str = attrs.field(metadata=_ID)
    contact_person_id: str = attrs.field(metadata=_ID)
    answers: Mapping[str, Any] = attrs.field(metadata=checks(_mapping))
    response_id: str | None = attrs.field(default=None, metadata=_OPTIONAL_ID)
