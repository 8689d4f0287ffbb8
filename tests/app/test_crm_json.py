"""Commands come from JSON through the strict converter, as an HTTP handler takes them:
each round-trips, and a bad payload is one typed error naming its fields."""

from __future__ import annotations

from datetime import timedelta

import pytest
from app_samples import NOW

from crmcore.app import CRM, CRMCommand
from crmcore.app import commands as all_commands
from crmcore.app.commands import LoseDeal, OpenDeal, ReceiveWebForm, RegisterPartner
from crmcore.errors import DomainValidationError
from crmcore.serialization import make_converter

CONVERTER = make_converter()
COMMANDS = [
    getattr(all_commands, name)
    for name in all_commands.__all__
    if name != "CRMCommand" and issubclass(getattr(all_commands, name), CRMCommand)
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c.name)
def test_an_empty_payload_names_the_missing_fields_of_every_command(command: type) -> None:
    with pytest.raises(DomainValidationError) as raised:
        CONVERTER.structure({}, command)
    assert raised.value.fields


def test_commands_from_json_run_through_the_crm(crm: CRM) -> None:
    registered = crm.execute(
        CONVERTER.structure(
            {"draft": {"kind": "legal_entity", "roles": ["client"], "short_name": "ООО «Ромашка»",
                       "phones": ["+7 495 123-45-67"]}, "partner_id": "romashka"},
            RegisterPartner,
        ),
        actor="anna",
        now=NOW,
    )  # fmt: skip
    assert registered.result.phones[0].number == "+74951234567"
    payload = {
        "draft": {"title": "Поставка", "partner_id": "romashka", "responsible_manager": "anna",
                  "amount": {"amount": "1000.00", "currency": "RUB"}},
        "pipeline_id": "manual_sale",
        "deal_id": "d-1",
    }  # fmt: skip
    command = CONVERTER.structure(payload, OpenDeal)
    assert CONVERTER.structure(CONVERTER.unstructure(command), OpenDeal) == command
    crm.execute(command, actor="anna", now=NOW)
    lost = CONVERTER.structure({"deal_id": "d-1", "reason": "price"}, LoseDeal)
    assert crm.execute(lost, actor="anna", now=NOW + timedelta(hours=1)).result.status.value == (
        "lost"
    )


def test_a_bad_json_command_names_every_field() -> None:
    with pytest.raises(DomainValidationError) as raised:
        CONVERTER.structure(
            {"draft": {"title": "", "partner_id": 5, "responsible_manager": "anna"},
             "pipeline_id": "manual_sale", "extra": 1},
            OpenDeal,
        )  # fmt: skip
    assert "draft.partner_id" in raised.value.fields
    with pytest.raises(DomainValidationError) as form:
        CONVERTER.structure({"payload": ["not", "a", "form"]}, ReceiveWebForm)
    assert form.value.fields == ("payload",)
