"""Registering requests, duplicates within the window, assignment, manual binding, the
lifecycle commands and their refusals: a typed error naming the field, nothing changed."""

from datetime import timedelta
from decimal import Decimal

import attrs
import pytest
from request_samples import HOUR, MANAGER, NOW, draft, qualified, registered

from crmcore.errors import DomainValidationError, InvalidTransitionError
from crmcore.ids import ContactPersonId, PartnerId, RequestId, UserId
from crmcore.money import Money
from crmcore.requests import (
    BindingMethod,
    BindingProposal,
    BindingState,
    RequestedItem,
    RequestRegistered,
    RequestSettings,
    RequestStatus,
    RequestStatusChanged,
    assign_request,
    bind_request,
    edit_request,
    find_duplicate,
    qualify_request,
    register_request,
    reject_request,
    reopen_request,
    take_request,
)


def test_a_registered_request_is_new_with_its_amount_from_the_items() -> None:
    outcome = register_request(
        draft(phones=["8 (495) 765-43-21"]), request_id=RequestId("r-1"), now=NOW
    )
    request = outcome.entity
    assert request.status is RequestStatus.NEW
    assert request.contact.phones[0].number == "+74957654321"
    assert request.estimated_amount == Money.of("45000", "RUB")
    assert request.received_at == NOW
    assert [event.name for event in outcome.events] == ["request.registered"]
    assert outcome.events[0].changes["source"].new == "website_form"


def test_a_bad_draft_names_every_field_at_once() -> None:
    bad = draft(
        source="pigeon",
        phones=["12"],
        emails=["anna@", 5],
        items=[RequestedItem(product="Ящик", amount=Money.of("1", "EUR"))],
        estimated_amount=Money.of("2", "RUB"),
        responsible_manager="not an id",
    )
    with pytest.raises(DomainValidationError) as raised:
        register_request(bad, now=NOW)
    assert set(raised.value.fields) >= {
        "source", "phones[0]", "emails[0]", "emails[1]", "responsible_manager", "estimated_amount",
    }  # fmt: skip


def test_a_draft_without_any_contact_is_refused() -> None:
    empty = draft(name=None, company=None, emails=[])
    with pytest.raises(DomainValidationError) as raised:
        register_request(empty, now=NOW)
    assert raised.value.fields == ("name",)


def test_a_naive_now_is_refused() -> None:
    with pytest.raises(DomainValidationError) as raised:
        register_request(draft(), now=NOW.replace(tzinfo=None))
    assert raised.value.fields == ("now",)


def test_a_repeated_request_from_the_same_email_is_linked_to_the_first() -> None:
    first = registered("r-1")
    second = register_request(
        draft(emails=["ANNA@sever.example"], name="Анна"), request_id=RequestId("r-2"),
        now=NOW + HOUR, earlier=[first],
    )  # fmt: skip
    assert second.entity.duplicate_of == "r-1"
    registered_event = second.events[0]
    assert isinstance(registered_event, RequestRegistered)
    assert registered_event.duplicate_of == "r-1"
    third = register_request(
        draft(), request_id=RequestId("r-3"), now=NOW + 2 * HOUR, earlier=[second.entity, first]
    )
    assert third.entity.duplicate_of == "r-1"


def test_requests_outside_the_window_or_from_others_are_not_duplicates() -> None:
    first = registered("r-1")
    settings = RequestSettings(duplicate_window=timedelta(hours=1))
    late = register_request(
        draft(), request_id=RequestId("r-2"), now=NOW + 2 * HOUR, earlier=[first], settings=settings
    )
    assert late.entity.duplicate_of is None
    other = register_request(
        draft(emails=["boris@sever.example"]), request_id=RequestId("r-3"), now=NOW + HOUR,
        earlier=[first],
    )  # fmt: skip
    assert other.entity.duplicate_of is None
    contact = first.contact
    assert find_duplicate(contact, [first], received_at=NOW, exclude=first.id) is None


def test_take_sets_the_manager_and_the_first_response_once() -> None:
    request = registered()
    taken = take_request(request, manager=MANAGER, now=NOW + HOUR).entity
    assert (taken.status, taken.responsible_manager, taken.first_response_at) == (
        RequestStatus.IN_WORK, MANAGER, NOW + HOUR,
    )  # fmt: skip
    rejected = reject_request(taken, "no_budget", now=NOW + 2 * HOUR).entity
    reopened = reopen_request(rejected, now=NOW + 3 * HOUR).entity
    assert reopened.status is RequestStatus.IN_WORK
    assert reopened.first_response_at == NOW + HOUR
    assert (reopened.rejection_reason, reopened.closed_at) == (None, None)
    assert reopened.version == request.version + 3


def test_qualified_keeps_its_first_qualification_time() -> None:
    request = qualified()
    assert request.qualified_at == NOW + 2 * HOUR
    again = qualify_request(
        reopen_request(
            reject_request(request, "other", now=NOW + 3 * HOUR).entity, now=NOW + 4 * HOUR
        ).entity,
        now=NOW + 5 * HOUR,
    )
    assert again.entity.qualified_at == NOW + 2 * HOUR


def test_a_move_the_lifecycle_does_not_allow_is_refused_with_the_allowed_ones() -> None:
    request = registered()
    with pytest.raises(InvalidTransitionError) as raised:
        qualify_request(request, now=NOW)
    assert (raised.value.state, raised.value.event, raised.value.allowed) == (
        "new", "qualify", ("reject", "take"),
    )  # fmt: skip
    with pytest.raises(InvalidTransitionError):
        reopen_request(request, now=NOW)


def test_reject_needs_a_configured_reason_and_a_sane_comment() -> None:
    request = registered()
    with pytest.raises(DomainValidationError) as raised:
        reject_request(request, "bored", now=NOW, comment="x" * 3000)
    assert raised.value.fields == ("reason", "comment")
    settings = RequestSettings(rejection_reasons=("bored",))
    rejected = reject_request(request, "bored", now=NOW, settings=settings, comment="  Спам  ")
    assert rejected.entity.rejection_reason == "bored"
    assert rejected.entity.rejection_comment == "Спам"
    [moved] = rejected.events
    assert isinstance(moved, RequestStatusChanged)
    assert moved.step == "reject"


def test_assign_changes_the_manager_once_and_refuses_a_closed_request() -> None:
    request = registered()
    assigned = assign_request(request, UserId("u-2"), now=NOW)
    assert assigned.entity.responsible_manager == "u-2"
    assert assign_request(assigned.entity, UserId("u-2"), now=NOW).events == ()
    closed = reject_request(request, "spam", now=NOW).entity
    with pytest.raises(DomainValidationError) as raised:
        assign_request(closed, UserId("u-2"), now=NOW)
    assert raised.value.fields == ("status",)
    with pytest.raises(DomainValidationError) as raised:
        assign_request(request, UserId(""), now=NOW)
    assert raised.value.fields == ("manager",)


def test_a_person_binds_a_request_keeping_the_chosen_proposals_explanation() -> None:
    proposal = BindingProposal(partner_id=PartnerId("p-1"), probability=0.7)
    request = attrs.evolve(registered(), proposals=(proposal,))
    outcome = bind_request(
        request, PartnerId("p-1"), contact_person_id=ContactPersonId("cp-1"), now=NOW,
        actor=UserId("u-1"),
    )  # fmt: skip
    bound = outcome.entity
    assert bound.binding_state is BindingState.BOUND
    assert bound.binding is not None
    assert (bound.binding.method, bound.binding.probability, bound.binding.by) == (
        BindingMethod.MANUAL, 0.7, "u-1",
    )  # fmt: skip
    assert bound.proposals == ()
    assert outcome.events[0].changes["binding"].new["partner_id"] == "p-1"


def test_binding_refuses_bad_ids_and_closed_requests() -> None:
    request = registered()
    with pytest.raises(DomainValidationError) as raised:
        bind_request(request, PartnerId(""), contact_person_id=ContactPersonId("a b"), now=NOW)
    assert raised.value.fields == ("partner_id", "contact_person_id")
    with pytest.raises(DomainValidationError):
        bind_request(reject_request(request, "spam", now=NOW).entity, PartnerId("p-1"), now=NOW)


def test_quantities_are_decimals_and_must_be_positive() -> None:
    assert RequestedItem(product="Ящик", quantity=3).quantity == Decimal(3)
    with pytest.raises(DomainValidationError) as raised:
        RequestedItem(product=" ", quantity=Decimal(0))
    assert raised.value.fields == ("product", "quantity")


def test_edit_sets_what_a_manager_learns_and_names_what_it_cannot_change() -> None:
    request = registered()
    estimate = Money.of("52000", "RUB")
    edited = edit_request(request, now=NOW, changes={"estimated_amount": estimate})
    assert edited.entity.estimated_amount == estimate
    assert edited.entity.version == request.version + 1
    assert [event.name for event in edited.events] == ["request.changed"]
    assert edit_request(edited.entity, now=NOW, changes={"estimated_amount": estimate}).events == ()
    with pytest.raises(DomainValidationError) as raised:
        edit_request(request, now=NOW, changes={"status": "converted", "binding": None})
    assert raised.value.fields == ("binding", "status")
    with pytest.raises(DomainValidationError) as raised:
        edit_request(request, now=NOW, changes={"estimated_amount": Money.of("1", "EUR")})
    assert raised.value.fields == ("estimated_amount",)
    with pytest.raises(DomainValidationError) as raised:
        edit_request(request, now=NOW, changes={"items": "crates"})
    assert raised.value.fields == ("items",)


def test_a_request_qualified_today_cannot_be_rejected_yesterday() -> None:
    request = qualified()
    with pytest.raises(DomainValidationError) as raised:
        reject_request(request, "no_budget", now=request.last_changed_at - timedelta(days=1))
    assert raised.value.field == "now"
    with pytest.raises(DomainValidationError) as raised:
        assign_request(request, UserId("u-9"), now=request.last_changed_at - timedelta(days=1))
    assert raised.value.field == "now"
