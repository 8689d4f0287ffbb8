"""Requests (leads): intake from the website, email, calls and marketplaces; duplicate
detection; binding to the client card through the duplicate check; qualification;
conversion into a partner and a deal; and the reports over them."""

from crmcore.requests.binding import (
    CONTACT_FIELDS,
    ContactPersonLookup,
    RequestMatcher,
    contact_match_model,
    contact_person_record,
    match_request,
    propose_bindings,
    request_contact_record,
    request_partner_record,
)
from crmcore.requests.conversion import Conversion, convert_request, partner_draft_of
from crmcore.requests.events import (
    RequestBindingProposed,
    RequestBound,
    RequestChanged,
    RequestConverted,
    RequestRegistered,
    RequestStatusChanged,
)
from crmcore.requests.kinds import (
    BUILTIN_REJECTION_REASONS,
    BUILTIN_SOURCES,
    BindingMethod,
    BindingState,
    RequestStatus,
)
from crmcore.requests.lifecycle import REQUEST_LIFECYCLE, REQUEST_LIFECYCLE_DEFINITION
from crmcore.requests.model import (
    Binding,
    BindingProposal,
    Campaign,
    ContactData,
    Request,
    RequestedItem,
)
from crmcore.requests.repository import RequestRepository
from crmcore.requests.services import (
    RequestDraft,
    assign_request,
    bind_request,
    find_duplicate,
    qualify_request,
    register_request,
    reject_request,
    reopen_request,
    request_changes,
    take_request,
)
from crmcore.requests.settings import RequestSettings
from crmcore.requests.webform import (
    RequestFormLimits,
    register_request_from_form,
    request_form,
)

__all__ = [
    "BUILTIN_REJECTION_REASONS",
    "BUILTIN_SOURCES",
    "CONTACT_FIELDS",
    "REQUEST_LIFECYCLE",
    "REQUEST_LIFECYCLE_DEFINITION",
    "Binding",
    "BindingMethod",
    "BindingProposal",
    "BindingState",
    "Campaign",
    "ContactData",
    "ContactPersonLookup",
    "Conversion",
    "Request",
    "RequestBindingProposed",
    "RequestBound",
    "RequestChanged",
    "RequestConverted",
    "RequestDraft",
    "RequestFormLimits",
    "RequestMatcher",
    "RequestRegistered",
    "RequestRepository",
    "RequestSettings",
    "RequestStatus",
    "RequestStatusChanged",
    "RequestedItem",
    "assign_request",
    "bind_request",
    "contact_match_model",
    "contact_person_record",
    "convert_request",
    "find_duplicate",
    "match_request",
    "partner_draft_of",
    "propose_bindings",
    "qualify_request",
    "register_request",
    "register_request_from_form",
    "reject_request",
    "reopen_request",
    "request_changes",
    "request_contact_record",
    "request_form",
    "request_partner_record",
    "take_request",
]
