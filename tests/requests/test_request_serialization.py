"""Every requests model and event round-trips through JSON with make_converter(), and
st.from_type draws each of them valid; untrusted input names its bad paths."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from request_samples import NOW, qualified

from crmcore.deals import TYPICAL_SALE
from crmcore.errors import DomainValidationError
from crmcore.events import DomainEvent
from crmcore.requests import (
    Binding,
    BindingProposal,
    Campaign,
    ContactData,
    Request,
    RequestBindingProposed,
    RequestBound,
    RequestChanged,
    RequestConverted,
    RequestedItem,
    RequestFormLimits,
    RequestRegistered,
    RequestSettings,
    RequestStatusChanged,
    convert_request,
)
from crmcore.serialization import make_converter

CONVERTER = make_converter()
MODELS: tuple[type[Any], ...] = (
    RequestedItem,
    ContactData,
    Campaign,
    BindingProposal,
    Binding,
    Request,
    RequestSettings,
    RequestFormLimits,
    RequestRegistered,
    RequestChanged,
    RequestStatusChanged,
    RequestBound,
    RequestBindingProposed,
    RequestConverted,
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
    # Compared in JSON form: a local time that a zone repeats equals no instant twice.
    assert json_form(again, model) == form


def test_events_of_a_conversion_round_trip_as_tagged_events() -> None:
    result = convert_request(qualified(), pipeline=TYPICAL_SALE, now=NOW)
    for event in result.events:
        form = json_form(event, DomainEvent)
        assert CONVERTER.structure(form, DomainEvent) == event
    tags = [json_form(event, DomainEvent)["type"] for event in result.events]
    assert tags[-1] == "request.converted"


def test_untrusted_request_input_names_its_bad_paths() -> None:
    form = json_form(qualified(), Request)
    form["status"] = "lost"
    form["contact"]["emails"][0]["address"] = "nobody"
    with pytest.raises(DomainValidationError) as raised:
        CONVERTER.structure(form, Request)
    assert {"status", "contact.emails[0].address"} <= set(raised.value.fields)
