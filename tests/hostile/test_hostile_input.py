"""Hostile input at every entry point: only crmcore errors escape, a refused call changes
nothing, messages stay short, and what is accepted can be stored and read back.

The payloads come from :mod:`crmcore.testing.hostile`; ``benchmarks/hostile/`` runs the same
entry points with 20,000 payloads each and times them.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crmcore.agreements import (
    DeliveryMethod,
    DeliveryTerms,
    PaymentForm,
    SalesConditions,
    Taxation,
    TaxRegime,
    create_typical_agreement,
    expire,
)
from crmcore.deals import TYPICAL_SALE, funnel
from crmcore.errors import CRMError, DomainValidationError
from crmcore.money import Money
from crmcore.partners import (
    ContactPersonDraft,
    Partner,
    PartnerDraft,
    add_contact_person,
    create_partner,
    edit_partner,
)
from crmcore.requests import find_duplicate
from crmcore.serialization import make_converter
from crmcore.testing.hostile import EntryPoint, attempt, entry_point, entry_points

CONVERTER = make_converter()
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
# Long and deep payloads are drawn on purpose; a modest number keeps the suite fast.
HOSTILE = settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("entry", entry_points(), ids=lambda entry: entry.name)
@HOSTILE
@given(data=st.data())
def test_only_crmcore_errors_escape_and_a_refused_call_changes_nothing(
    entry: EntryPoint, data: st.DataObject
) -> None:
    payload = data.draw(entry.payloads, label="payload")
    outcome = attempt(entry, payload)
    assert outcome.result != "foreign", repr(outcome.error)
    assert outcome.unchanged
    if outcome.error is not None:
        assert isinstance(outcome.error, CRMError)
        assert len(str(outcome.error)) < 8_000


@pytest.mark.parametrize("entry", entry_points(), ids=lambda entry: entry.name)
def test_every_entry_point_accepts_its_valid_payload(entry: EntryPoint) -> None:
    # The hostile payloads are mutations of this one: it must pass, or little is tested.
    outcome = attempt(entry, entry.valid)
    assert outcome.result == "accepted", repr(outcome.error)


@pytest.mark.parametrize(
    ("name", "payload"),
    [
        ("edit_partner", {"short_name": "x" * 1_000_000}),
        ("edit_partner", {"x" * 1_000_000: 1}),
        ("stored_partner", {"id": "p" * 1_000_000}),
        ("custom_values", {"employees": 10**5000}),
        ("money", ("1", "R" * 1_000_000, 1, [1])),
    ],
    ids=["long-text", "long-key", "long-id", "huge-integer", "long-currency"],
)
def test_a_message_quotes_a_short_prefix_of_a_huge_value(name: str, payload: Any) -> None:
    outcome = attempt(entry_point(name), payload)
    assert isinstance(outcome.error, DomainValidationError)
    assert len(str(outcome.error)) < 400


def test_twenty_thousand_unknown_keys_give_a_short_message() -> None:
    outcome = attempt(entry_point("edit_partner"), {f"key{i}": i for i in range(20_000)})
    assert isinstance(outcome.error, DomainValidationError)
    assert len(str(outcome.error)) < 4_000


def test_a_hundred_thousand_roles_are_refused_by_the_limit() -> None:
    outcome = attempt(entry_point("edit_partner"), {"roles": list(range(100_000))})
    assert isinstance(outcome.error, DomainValidationError)
    assert outcome.error.fields == ("roles",)
    assert "at most 1000 items" in str(outcome.error)


def test_a_string_is_not_split_into_lost_reasons() -> None:
    pipeline = entry_point("pipeline_json").valid
    outcome = attempt(entry_point("pipeline_json"), {**pipeline, "lost_reasons": "price"})
    assert isinstance(outcome.error, DomainValidationError)
    assert outcome.error.fields == ("lost_reasons",)


@HOSTILE
@given(data=st.data())
def test_what_the_domain_accepts_is_stored_as_json_and_read_back(data: st.DataObject) -> None:
    entry = entry_point("stored_partner")
    payload = data.draw(entry.payloads, label="payload")
    try:
        partner = CONVERTER.structure(payload, Partner)
    except CRMError:
        return
    # What a store writes: UTF-8 JSON text, without NUL (PostgreSQL refuses it in text).
    text = json.dumps(CONVERTER.unstructure(partner), ensure_ascii=False)
    assert "\\u0000" not in text
    stored = text.encode("utf-8")
    assert CONVERTER.structure(json.loads(stored.decode("utf-8")), Partner) == partner


def test_a_blank_topic_does_not_hide_a_call_s_missing_direction() -> None:
    entry = entry_point("interaction_draft")
    outcome = attempt(entry, {**entry.valid, "topic": " ", "direction": None})
    assert isinstance(outcome.error, DomainValidationError)
    assert outcome.error.fields == ("topic", "direction")


def test_a_bad_stage_does_not_hide_a_negative_amount_and_a_blank_title() -> None:
    changes = {"stage": "won", "amount": Money.of("-1", "RUB"), "title": " "}
    outcome = attempt(entry_point("edit_deal"), changes)
    assert isinstance(outcome.error, DomainValidationError)
    assert outcome.error.fields == ("stage", "amount", "title")


NAIVE = datetime(2026, 3, 2, 9, 0)


def _partner_services() -> list[tuple[str, Callable[[], object]]]:
    partner = create_partner(PartnerDraft(**entry_point("partner_draft").valid), now=NOW).entity
    person = ContactPersonDraft(name="Анна")
    return [
        ("create_partner", lambda: create_partner(PartnerDraft(**_valid_draft()), now=NAIVE)),
        ("edit_partner", lambda: edit_partner(partner, changes={"notes": "x"}, now=NAIVE)),
        ("add_contact_person", lambda: add_contact_person(person, partner=partner, now=NAIVE)),
    ]


def _valid_draft() -> dict[str, Any]:
    draft: dict[str, Any] = entry_point("partner_draft").valid
    return draft


@pytest.mark.parametrize("call", [call for _, call in _partner_services()],
                         ids=[name for name, _ in _partner_services()])  # fmt: skip
def test_a_naive_now_is_refused_by_its_own_name(call: Callable[[], object]) -> None:
    with pytest.raises(DomainValidationError) as raised:
        call()
    assert raised.value.fields == ("now",)


def test_a_funnel_over_naive_bounds_is_refused_by_field() -> None:
    with pytest.raises(DomainValidationError) as raised:
        funnel(TYPICAL_SALE, [], start=NAIVE, end=NOW)
    assert raised.value.fields == ("start",)


def _conditions() -> SalesConditions:
    return SalesConditions(
        currency="RUB",
        price_type="wholesale",
        payment_form=PaymentForm.BANK_TRANSFER,
        taxation=Taxation(regime=TaxRegime.VAT_INCLUDED, rate=Decimal(20)),
        delivery=DeliveryTerms(method=DeliveryMethod.OUR_DELIVERY, address_required=False),
    )


def test_an_agreement_does_not_expire_on_a_naive_now() -> None:
    agreement = create_typical_agreement(
        name="Опт", conditions=_conditions(), valid_from=date(2026, 1, 1), now=NOW
    ).entity
    with pytest.raises(DomainValidationError) as raised:
        expire(agreement, now=NAIVE)
    assert raised.value.fields == ("now",)


@pytest.mark.parametrize(
    "moment",
    [datetime.max.replace(tzinfo=UTC), datetime.min.replace(tzinfo=UTC), datetime(2026, 1, 1)],
    ids=["max", "min", "naive"],
)
def test_the_duplicate_search_refuses_odd_moments_by_field(moment: datetime) -> None:
    request = entry_point("edit_request").store_factory().get("r-1")
    with pytest.raises(DomainValidationError) as raised:
        find_duplicate(request.contact, [request], received_at=moment)
    assert raised.value.fields == ("received_at",)
