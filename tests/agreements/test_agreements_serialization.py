"""Every agreements model round-trips through JSON with make_converter(), and st.from_type
draws each of them."""

from __future__ import annotations

import json
from typing import Any

import pytest
from agreement_samples import NOW, approved_typical, individual
from hypothesis import given, settings
from hypothesis import strategies as st

from crmcore.agreements import (
    Agreement,
    AgreementApproved,
    AgreementChanged,
    AgreementClosed,
    AgreementCreated,
    AgreementExpired,
    AgreementRejected,
    AgreementStatusChanged,
    AgreementSubmitted,
    Audience,
    ComplianceReport,
    ComplianceViolation,
    ConditionOverrides,
    DeliveryTerms,
    DocumentLine,
    EffectiveConditions,
    EmailDraft,
    Instalment,
    OverrideLimits,
    PastSale,
    PaymentSchedule,
    PaymentStage,
    Quote,
    QuoteItem,
    QuoteTemplate,
    SalesConditions,
    SalesDocument,
    StatusChange,
    Taxation,
    submit_for_approval,
)
from crmcore.errors import DomainValidationError
from crmcore.events import DomainEvent, Outcome
from crmcore.serialization import make_converter

CONVERTER = make_converter()
MODELS: tuple[type[Any], ...] = (
    Taxation,
    DeliveryTerms,
    PaymentStage,
    PaymentSchedule,
    Instalment,
    SalesConditions,
    Audience,
    OverrideLimits,
    ConditionOverrides,
    EffectiveConditions,
    StatusChange,
    Agreement,
    PastSale,
    DocumentLine,
    SalesDocument,
    ComplianceViolation,
    ComplianceReport,
    QuoteItem,
    Quote,
    QuoteTemplate,
    EmailDraft,
    AgreementCreated,
    AgreementChanged,
    AgreementStatusChanged,
    AgreementSubmitted,
    AgreementApproved,
    AgreementRejected,
    AgreementExpired,
    AgreementClosed,
)


def json_form(value: object, cls: object) -> Any:
    return json.loads(json.dumps(CONVERTER.unstructure(value, cls), ensure_ascii=False))


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
@settings(max_examples=20)
@given(data=st.data())
def test_every_model_round_trips_through_json(model: type[Any], data: st.DataObject) -> None:
    value = data.draw(st.from_type(model))
    assert isinstance(value, model)
    form = json_form(value, model)
    again = CONVERTER.structure(form, model)
    assert type(again) is model
    # Compared in JSON form: a local time that a zone skips equals no instant twice.
    assert json_form(again, model) == form


def test_status_events_are_tagged_and_outcomes_round_trip() -> None:
    base = approved_typical()
    outcome = submit_for_approval(individual(base), base=base, now=NOW)
    data = json_form(outcome, Outcome[Agreement])
    assert data["events"][0]["type"] == "agreement.submitted"
    assert CONVERTER.structure(data, Outcome[Agreement]) == outcome
    event = CONVERTER.structure(data["events"][0], DomainEvent)
    assert isinstance(event, AgreementSubmitted)


def test_untrusted_agreement_input_names_every_bad_path() -> None:
    data = json_form(approved_typical(), Agreement)
    data["conditions"]["discount"] = 5.5
    data["conditions"]["payment_form"] = "barter"
    data["status"] = "active"
    data["extra"] = 1
    with pytest.raises(DomainValidationError) as raised:
        CONVERTER.structure(data, Agreement)
    assert set(raised.value.fields) == {
        "conditions.discount",
        "conditions.payment_form",
        "status",
        "extra",
    }
