"""The request model: a request that exists is consistent, and every broken rule is named."""

from datetime import timedelta

import pytest
from request_samples import NOW, registered

from crmcore.errors import DomainValidationError
from crmcore.ids import DealId, PartnerId, RequestId
from crmcore.money import Money
from crmcore.partners import Email, Phone
from crmcore.requests import (
    Binding,
    BindingMethod,
    BindingProposal,
    ContactData,
    Request,
    RequestedItem,
    RequestSettings,
    RequestStatus,
)


def test_statuses_and_their_fields_must_agree() -> None:
    with pytest.raises(DomainValidationError) as raised:
        Request(
            id=RequestId("r-1"), source="call", received_at=NOW, contact=ContactData(name="Анна"),
            status=RequestStatus.REJECTED, deal_id=DealId("d-1"), duplicate_of=RequestId("r-1"),
            binding=Binding(partner_id=PartnerId("p-1"), method=BindingMethod.MANUAL, bound_at=NOW),
            proposals=(BindingProposal(partner_id=PartnerId("p-2"), probability=0.6),),
        )  # fmt: skip
    assert raised.value.fields == (
        "rejection_reason", "deal_id", "closed_at", "duplicate_of", "proposals",
    )  # fmt: skip


def test_items_and_the_estimate_share_one_currency() -> None:
    items = (RequestedItem(product="Ящик", amount=Money.of("10", "RUB")),)
    with pytest.raises(DomainValidationError) as raised:
        Request(id=RequestId("r-1"), source="call", received_at=NOW, contact=ContactData(name="A"),
                items=items, estimated_amount=Money.of("1", "EUR"))  # fmt: skip
    assert raised.value.fields == ("estimated_amount",)


def test_field_checks_name_each_field() -> None:
    with pytest.raises(DomainValidationError) as raised:
        Request(id=RequestId(""), source="Web Form", received_at=NOW.replace(tzinfo=None),
                contact="Анна", estimated_amount=Money.of("-1", "RUB"))  # type: ignore[arg-type]  # fmt: skip
    assert raised.value.fields == ("id", "source", "received_at", "contact", "estimated_amount")


def test_a_matched_binding_needs_its_probability() -> None:
    with pytest.raises(DomainValidationError) as raised:
        Binding(partner_id=PartnerId("p-1"), method=BindingMethod.MATCHED, bound_at=NOW)
    assert raised.value.fields == ("probability",)
    with pytest.raises(DomainValidationError):
        BindingProposal(partner_id=PartnerId("p-1"), probability=1.5)


def test_contact_keys_are_phone_numbers_and_casefolded_emails() -> None:
    contact = ContactData(
        phones=(Phone.parse("+7 495 123-45-67"),), emails=(Email.parse("Anna@Example.com"),)
    )
    assert contact.keys == frozenset({"phone:+74951234567", "email:anna@example.com"})
    with pytest.raises(DomainValidationError) as raised:
        ContactData(emails=(Email.parse("a@b.ru"), Email.parse("A@B.ru")))
    assert raised.value.fields == ("emails[1]",)


def test_a_request_knows_its_reference_and_items_total() -> None:
    request = registered()
    assert str(request.ref) == "request:r-1"
    assert request.items_total() == Money.of("45000", "RUB")
    assert registered(items=[]).items_total() is None


def test_settings_need_codes_and_a_non_negative_window() -> None:
    with pytest.raises(DomainValidationError) as raised:
        RequestSettings(
            sources=(), rejection_reasons=("No Budget",), duplicate_window=-timedelta(minutes=1)
        )
    assert raised.value.fields == ("sources", "rejection_reasons[0]", "duplicate_window")
