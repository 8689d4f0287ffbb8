"""The public request form: hostile payloads give only the typed error, spam is refused by
its rules, a good payload becomes a request linked to the contact's earlier one and bound."""

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from request_samples import HOUR, NOW, ROMASHKA, matcher, registered

from crmcore.errors import DomainValidationError, SpamError
from crmcore.ids import RequestId
from crmcore.intake import SpamRules
from crmcore.memory import MemoryRequestRepository
from crmcore.requests import (
    BindingState,
    RequestFormLimits,
    register_request_from_form,
    request_form,
)
from crmcore.testing.strategies import hostile_payloads

FIELDS = tuple(request_form(RequestFormLimits(), SpamRules()).fields)
GOOD: dict[str, Any] = {
    "name": "Анна Смирнова",
    "company": "ООО «Север»",
    "email": "anna@sever.example",
    "phone": "+7 914 000-12-34",
    "message": "Нужны ящики\r\nк весне",
    "items": [{"product": "Ящик 60x40", "quantity": 300, "unit": "шт"}, {"product": "Поддон"}],
    "utm_source": "yandex",
    "utm_campaign": "spring",
    "website": "",
}


def submit(payload: object, **options: Any) -> Any:
    return register_request_from_form(
        payload,  # type: ignore[arg-type]
        source="website_form", now=NOW, request_id=RequestId("r-9"), **options,
    )  # fmt: skip


def test_a_good_payload_becomes_a_clean_request() -> None:
    outcome = submit(GOOD)
    request = outcome.entity
    assert request.source == "website_form"
    assert request.contact.message == "Нужны ящики\nк весне"
    assert request.contact.phones[0].number == "+79140001234"
    assert [(i.product, str(i.quantity), i.unit) for i in request.items] == [
        ("Ящик 60x40", "300", "шт"), ("Поддон", "1", None),
    ]  # fmt: skip
    assert request.campaign is not None
    assert (request.campaign.source, request.campaign.campaign) == ("yandex", "spring")
    assert [event.name for event in outcome.events] == ["request.registered"]


def test_every_problem_is_named_by_field() -> None:
    payload = {"name": 5, "email": "x@", "items": [{"product": "", "quantity": 0}], "admin": True}
    with pytest.raises(DomainValidationError) as raised:
        submit(payload)
    assert type(raised.value) is DomainValidationError
    assert set(raised.value.fields) == {
        "admin", "name", "email", "items[0].product", "items[0].quantity",
    }  # fmt: skip


def test_a_request_needs_a_way_to_answer() -> None:
    with pytest.raises(DomainValidationError) as raised:
        submit({"name": "Анна", "message": "Позвоните"})
    assert raised.value.fields == ("email",)


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({**GOOD, "website": "http://cheap.example"}, "website"),
        (
            {**GOOD, "message": "a.example/x http://b.example https://c.example www.d.example"},
            "message",
        ),
        ({**GOOD, "email": "bot@casino.example"}, "email"),
        ({**GOOD, "message": "visit https://www.casino.example/win"}, "message"),
    ],
)
def test_spam_is_refused_by_its_rules(payload: dict[str, Any], field: str) -> None:
    rules = SpamRules(max_links=2, blocked_domains=frozenset({"casino.example"}))
    with pytest.raises(SpamError) as raised:
        submit(payload, spam=rules)
    assert raised.value.fields == (field,)


def test_without_a_honeypot_the_field_is_unknown() -> None:
    with pytest.raises(DomainValidationError) as raised:
        submit(GOOD, spam=SpamRules(honeypot=None))
    assert raised.value.fields == ("website",)


def test_limits_bound_what_the_form_takes() -> None:
    limits = RequestFormLimits(message=10, items=1)
    with pytest.raises(DomainValidationError) as raised:
        submit(GOOD, limits=limits)
    assert raised.value.fields == ("message", "items")
    with pytest.raises(DomainValidationError):
        RequestFormLimits(message=6000)


def test_a_repeated_request_is_linked_and_a_known_client_bound_on_arrival() -> None:
    earlier = registered("r-1", emails=["info@romashka.ru"])
    payload = {"company": "Romashka", "email": "info@romashka.ru", "phone": "84951234567"}
    outcome = register_request_from_form(
        payload, source="website_form", now=NOW + HOUR, request_id=RequestId("r-2"),
        earlier=[earlier], matcher=matcher(),
    )  # fmt: skip
    request = outcome.entity
    assert request.duplicate_of == "r-1"
    assert request.binding_state is BindingState.BOUND
    assert request.binding is not None
    assert request.binding.partner_id == ROMASHKA.id
    assert request.version == 1
    assert [event.name for event in outcome.events] == ["request.registered", "request.bound"]


def test_an_unknown_source_is_named() -> None:
    with pytest.raises(DomainValidationError) as raised:
        register_request_from_form(GOOD, source="fax", now=NOW)
    assert raised.value.fields == ("source",)


MATCHER = matcher()


@settings(max_examples=150)
@given(payload=hostile_payloads(FIELDS, valid=st.just(GOOD)), matched=st.booleans())
def test_hostile_payloads_give_only_the_typed_error_and_store_nothing(
    payload: object, matched: bool
) -> None:
    repository = MemoryRequestRepository()
    try:
        repository.add(submit(payload, matcher=MATCHER if matched else None).entity)
    except DomainValidationError:
        assert repository.find() == []
    else:
        assert [request.id for request in repository.find()] == ["r-9"]
