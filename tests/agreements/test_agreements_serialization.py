"""Agreements events and outcomes through JSON, and untrusted agreement input; the round trip of
every model is tested once for all areas in tests/test_serialization.py."""

from __future__ import annotations

import json
from typing import Any

import pytest
from agreement_samples import NOW, approved_typical, individual

from crmcore.agreements import (
    Agreement,
    AgreementSubmitted,
    submit_for_approval,
)
from crmcore.errors import DomainValidationError
from crmcore.events import DomainEvent, Outcome
from crmcore.serialization import make_converter

CONVERTER = make_converter()


def json_form(value: object, cls: object) -> Any:
    return json.loads(json.dumps(CONVERTER.unstructure(value, cls), ensure_ascii=False))


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
