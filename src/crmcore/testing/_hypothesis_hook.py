"""crmcore's ``hypothesis`` entry point: registers the kit's strategies for ``st.from_type``,
lazily, so that ``import hypothesis`` costs other projects next to nothing.

Hypothesis runs its entry points when it is first imported, in every process where crmcore
is installed. Building the strategies imports most of crmcore and the whole kit (over half a
second), so the hook does neither: it registers, for each model crmcore has a strategy for, a
function that builds the kit's strategies the first time a model is asked for. A model can
only be asked for once its module is imported, so the hook registers the models of the
modules imported already and watches for the others with a small import finder; it imports
no crmcore module itself.

If hypothesis's first import comes from :mod:`crmcore.testing.strategies` itself, that module
registers its strategies on its last line, as it always does.
"""

from __future__ import annotations

import importlib
import sys
import threading
from collections.abc import Mapping, Sequence
from importlib.abc import Loader, MetaPathFinder
from importlib.machinery import ModuleSpec
from types import ModuleType
from typing import Any, Final

__all__ = ["MODELS", "setup"]

_STRATEGIES: Final = "crmcore.testing.strategies"

MODELS: Final[Mapping[str, tuple[str, ...]]] = {
    "crmcore.agreements.commands": ("EmailDraft",),
    "crmcore.agreements.compliance": (
        "ComplianceReport",
        "ComplianceViolation",
    ),
    "crmcore.agreements.conditions": (
        "Audience",
        "ConditionOverrides",
        "DeliveryTerms",
        "EffectiveConditions",
        "OverrideLimits",
        "SalesConditions",
        "Taxation",
    ),
    "crmcore.agreements.documents": (
        "DocumentLine",
        "SalesDocument",
    ),
    "crmcore.agreements.events": (
        "AgreementApproved",
        "AgreementChanged",
        "AgreementClosed",
        "AgreementCreated",
        "AgreementExpired",
        "AgreementRejected",
        "AgreementStatusChanged",
        "AgreementSubmitted",
    ),
    "crmcore.agreements.model": (
        "Agreement",
        "StatusChange",
    ),
    "crmcore.agreements.pricing": ("PastSale",),
    "crmcore.agreements.quotes": (
        "Quote",
        "QuoteItem",
    ),
    "crmcore.agreements.schedule": (
        "Instalment",
        "PaymentSchedule",
        "PaymentStage",
    ),
    "crmcore.agreements.templates": ("QuoteTemplate",),
    "crmcore.analytics.periods": ("Period",),
    "crmcore.analytics.records": ("PartnerSales",),
    "crmcore.catalog.events": (
        "PriceSet",
        "ProductChanged",
        "ProductCreated",
        "ProductGroupCreated",
    ),
    "crmcore.catalog.model": (
        "Price",
        "PriceType",
        "Product",
        "ProductGroup",
        "StockLevel",
    ),
    "crmcore.claims.events": (
        "ClaimChanged",
        "ClaimDecided",
        "ClaimPlanChanged",
        "ClaimRegistered",
        "ClaimStatusChanged",
    ),
    "crmcore.claims.investigation": (
        "Activity",
        "InvestigationPlan",
    ),
    "crmcore.claims.model": (
        "Attachment",
        "Claim",
        "Claimant",
        "LinkedDocument",
        "Pause",
        "WorkflowStep",
    ),
    "crmcore.claims.selfservice": ("ClaimFormLimits",),
    "crmcore.claims.settings": (
        "ClaimReason",
        "ClaimSettings",
        "DeadlinePolicy",
        "DeadlineRules",
        "ReasonClassifier",
    ),
    "crmcore.conditions.model": (
        "AllOf",
        "AnyOf",
        "FieldCondition",
        "FieldRef",
        "Not",
    ),
    "crmcore.customfields": (
        "CustomField",
        "CustomFieldRegistry",
    ),
    "crmcore.deals.documents": (
        "BusinessPlan",
        "CommercialOffer",
        "CostLine",
        "SupplierOrder",
    ),
    "crmcore.deals.events": (
        "BusinessPlanChanged",
        "BusinessPlanDrawn",
        "CommercialOfferAccepted",
        "CommercialOfferDeclined",
        "CommercialOfferRegistered",
        "CommercialOfferSent",
        "DealChanged",
        "DealLost",
        "DealMoved",
        "DealOpened",
        "DealReopened",
        "DealResumed",
        "DealSuspended",
        "DealWon",
        "SupplierOrderChanged",
        "SupplierOrderPlaced",
    ),
    "crmcore.deals.items": ("LineItem",),
    "crmcore.deals.model": (
        "Deal",
        "StageChange",
    ),
    "crmcore.deals.pipeline": (
        "Pipeline",
        "Stage",
        "StageGate",
    ),
    "crmcore.events": (
        "Change",
        "DomainEvent",
    ),
    "crmcore.ids": ("EntityRef",),
    "crmcore.interactions.events": (
        "InteractionChanged",
        "InteractionCreated",
        "InteractionStatusChanged",
    ),
    "crmcore.interactions.model": (
        "Interaction",
        "Participant",
        "Reminder",
    ),
    "crmcore.money": ("Money",),
    "crmcore.marketing.events": (
        "CampaignChanged",
        "CampaignPlanned",
        "ConsentChanged",
        "MailingSent",
        "PurchaseRecorded",
        "SegmentChanged",
        "SegmentDefined",
        "SurveyAnswered",
        "SurveyCreated",
    ),
    "crmcore.marketing.mailings": (
        "CampaignEmail",
        "CampaignSms",
        "MailingThrottle",
    ),
    "crmcore.marketing.model": (
        "Campaign",
        "CampaignCost",
        "ChannelConsent",
        "Consent",
        "MailingRun",
        "Material",
        "Purchase",
        "Question",
        "Segment",
        "Survey",
        "SurveyResponse",
    ),
    "crmcore.partners.contact_data": (
        "Address",
        "BankAccount",
        "Email",
        "Phone",
    ),
    "crmcore.partners.events": (
        "ContactPersonAdded",
        "ContactPersonChanged",
        "PartnerChanged",
        "PartnerRegistered",
        "RelationshipLinked",
        "RelationshipUnlinked",
    ),
    "crmcore.partners.model": (
        "ContactPerson",
        "LegalData",
        "Partner",
        "Relationship",
    ),
    "crmcore.requests.events": (
        "RequestBindingProposed",
        "RequestBound",
        "RequestChanged",
        "RequestConverted",
        "RequestRegistered",
        "RequestStatusChanged",
    ),
    "crmcore.requests.model": (
        "Binding",
        "BindingProposal",
        "Campaign",
        "ContactData",
        "Request",
        "RequestedItem",
    ),
    "crmcore.requests.settings": ("RequestSettings",),
    "crmcore.requests.webform": ("RequestFormLimits",),
    "crmcore.rules.actions": (
        "AddProduct",
        "AssignManager",
        "CallWebhook",
        "ChangeCoExecutor",
        "CreateDeal",
        "CreateDocument",
        "CreateInvoice",
        "CreateRequest",
        "CreateTask",
        "EmailToClient",
        "SendMessage",
        "SetFields",
        "SmsToClient",
        "SmsToEmployee",
        "StartProject",
    ),
    "crmcore.rules.assignment": (
        "FieldMapping",
        "FixedUser",
        "HeadOfDepartment",
        "LoadBalancing",
        "Member",
        "RoundRobin",
        "Staff",
    ),
    "crmcore.rules.commands": ("Command",),
    "crmcore.rules.model": (
        "Branch",
        "Firing",
        "Rule",
        "Throttle",
        "Trigger",
        "Wait",
        "WaitDue",
    ),
    "crmcore.tasks.events": (
        "ProjectStarted",
        "TaskChanged",
        "TaskChecklistChanged",
        "TaskCreated",
        "TaskStatusChanged",
    ),
    "crmcore.tasks.model": (
        "ChecklistItem",
        "Task",
    ),
    "crmcore.tasks.projects": (
        "PlanStep",
        "Project",
        "ProjectPlan",
    ),
    "crmcore.workcalendar": (
        "HolidayRule",
        "WorkingCalendar",
        "WorkingPeriod",
    ),
}
"""The models the kit has a strategy for, by the module that defines them (a test checks it
against :func:`crmcore.testing.strategies.registration.model_strategies`)."""

_lock = threading.Lock()
_built: dict[type[Any], Any] = {}


def _strategy_of(model: type[Any]) -> Any:
    """The kit's strategy for ``model``, building every strategy on the first call."""
    with _lock:
        if not _built:
            registration = importlib.import_module(f"{_STRATEGIES}.registration")
            _built.update(registration.model_strategies())
    return _built[model]


def _register(module: ModuleType) -> None:
    from hypothesis import strategies as st  # noqa: PLC0415 - hypothesis is importing us

    for name in MODELS[module.__name__]:
        # A model renamed since the table was written is left out rather than break the
        # import of its module; the kit's own test names it.
        model = getattr(module, name, None)
        if isinstance(model, type):
            st.register_type_strategy(model, _strategy_of)


class _RegisteringLoader(Loader):
    """Runs a model module with its own loader, then registers the module's models."""

    def __init__(self, loader: Loader) -> None:
        self._loader = loader

    def create_module(self, spec: ModuleSpec) -> ModuleType | None:
        return self._loader.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        self._loader.exec_module(module)
        _register(module)

    def __getattr__(self, name: str) -> Any:
        # get_source, get_resource_reader, is_package...: what the wrapped loader offers.
        if name == "_loader":
            raise AttributeError(name)
        return getattr(self._loader, name)


class _ModelFinder(MetaPathFinder):
    """Finds nothing itself: hands a model module's spec found by the other finders back with
    a loader that registers the module's models once it has run."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        if fullname not in MODELS:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec: ModuleSpec | None = finder.find_spec(fullname, path, target)
            if spec is not None:
                if spec.loader is not None:
                    spec.loader = _RegisteringLoader(spec.loader)
                return spec
        return None


def setup() -> None:
    """Register crmcore's models with hypothesis, each with a function that builds the kit's
    strategies when a model is first asked for."""
    if not any(isinstance(finder, _ModelFinder) for finder in sys.meta_path):
        sys.meta_path.insert(0, _ModelFinder())
    for name in MODELS:
        module = sys.modules.get(name)
        if module is not None:
            _register(module)
