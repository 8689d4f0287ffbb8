"""The per-record execution log: which rule fired on which record and what it did."""

from __future__ import annotations

from datetime import timedelta

import pytest
from app_samples import NOW, romashka, rule, settings

from crmcore.app import CRM
from crmcore.app.commands import EditPartner, RegisterPartner
from crmcore.errors import DomainValidationError, EntityNotFoundError
from crmcore.ids import EntityRef

_HELLO = {"id": "hello", "name": "Hello", "trigger": {"entity": "partner", "on": "created"},
          "then": [{"action": "sms_client", "text": "Hello"},
                   {"action": "send_message", "text": "New client"}]}  # fmt: skip
_RENAMED = {"id": "renamed", "name": "Renamed",
            "trigger": {"entity": "partner", "on": "changed", "fields": ["short_name"]},
            "then": [{"action": "send_message", "text": "Renamed"}]}  # fmt: skip


def test_the_log_of_a_record_lists_each_firing_with_its_actions_oldest_first() -> None:
    crm = CRM.in_memory(settings=settings(), rules=[rule(_HELLO), rule(_RENAMED)])
    draft = romashka(tax_id=None, kpp=None)
    partner = crm.execute(RegisterPartner(draft=draft), actor="anna", now=NOW).result
    other = crm.execute(
        RegisterPartner(draft=romashka(short_name="Другой", tax_id=None, kpp=None), force=True),
        actor="anna", now=NOW,
    ).result  # fmt: skip
    later = NOW + timedelta(hours=1)
    crm.execute(
        EditPartner(partner_id=partner.id, changes={"short_name": "Ромашка-М"}),
        actor="anna", now=later,
    )  # fmt: skip
    log = crm.rule_firings(EntityRef(entity_type="partner", entity_id=partner.id))
    assert [(f.rule_id, f.at, f.actions) for f in log] == [
        ("hello", NOW, ("sms_client", "send_message")),
        ("renamed", later, ("send_message",)),
    ]
    assert {f.entity_id for f in log} == {partner.id}
    assert [f.caused_by for f in log] == ["partner.registered", "partner.changed"]
    other_log = crm.rule_firings(EntityRef(entity_type="partner", entity_id=other.id))
    assert [f.rule_id for f in other_log] == ["hello"]


def test_the_log_of_an_unknown_record_or_kind_is_refused() -> None:
    crm = CRM.in_memory(settings=settings())
    with pytest.raises(EntityNotFoundError):
        crm.rule_firings(EntityRef(entity_type="deal", entity_id="missing"))
    with pytest.raises(DomainValidationError) as raised:
        crm.rule_firings(EntityRef(entity_type="company", entity_id="p-1"))
    assert "now called 'partner'" in raised.value.violations[0].message
