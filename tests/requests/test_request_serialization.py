"""Requests events through JSON, and untrusted input naming its bad paths; the round trip of
every model is tested once for all areas in tests/test_serialization.py."""

from __future__ import annotations

import json
from typing import Any

import pytest
from request_samples import NOW, qualified

from crmcore.deals import TYPICAL_SALE
from crmcore.errors import DomainValidationError
from crmcore.events import DomainEvent
from crmcore.requests import (
    Request,
    convert_request,
)
from crmcore.serialization import make_converter

CONVERTER = make_converter()


def json_form(value: object, cls: object) -> Any:
    return json.loads(json.dumps(CONVERTER.unstructure(value, cls), ensure_ascii=False))


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
