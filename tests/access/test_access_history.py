"""The audit trail through CRM: every stored change keeps who, when, which command and the
fields before and after, on every store; a refused command leaves no entry."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs
import pytest
from access_samples import NOW, open_deal, partner, policy
from access_stores import STORES, store_ids

from crmcore.app import CRM
from crmcore.app.commands import EditDeal, SaveRule
from crmcore.app.store import Store
from crmcore.errors import AccessDeniedError, DomainValidationError
from crmcore.ids import EntityRef
from crmcore.memory import MemoryStore
from crmcore.memory.app import memory_repositories
from crmcore.rules import Rule
from crmcore.serialization import make_converter

_CONVERTER = make_converter()
_RULE: dict[str, Any] = {
    "id": "rename",
    "name": "Rename renamed deals",
    "trigger": {"entity": "deal", "on": "changed", "fields": ["title"]},
    "when": {"field": "title", "op": "eq", "value": "Valves"},
    "then": [{"action": "set_fields", "values": {"title": "Valves (checked)"}}],
}


@pytest.fixture(params=STORES, ids=store_ids)
def crm(request: pytest.FixtureRequest) -> CRM:
    factory: Callable[[], Store] = request.param
    rule: Rule = _CONVERTER.structure(_RULE, Rule)
    return CRM(factory(), policy=policy(), rules=[rule])


def _ref(deal_id: str) -> EntityRef:
    return EntityRef(entity_type="deal", entity_id=deal_id)


def test_every_change_of_a_record_is_kept_with_its_fields(crm: CRM) -> None:
    client = partner(crm)
    deal_id = open_deal(crm, client, manager="anna")
    crm.execute(EditDeal(deal_id=deal_id, changes={"title": "Valves"}), actor="anna", now=NOW)
    opened, edited, checked = crm.history(_ref(deal_id), actor="anna")
    assert (opened.actor, opened.command, opened.version, opened.at) == (
        "anna",
        "open_deal",
        1,
        NOW,
    )
    title = opened.change("title")
    assert title is not None
    assert (title.before, title.after) == (None, "Pumps")
    assert opened.change("version") is None
    assert (edited.command, edited.rule_id, edited.version) == ("edit_deal", None, 2)
    assert [(c.field, c.before, c.after) for c in edited.changes] == [("title", "Pumps", "Valves")]
    assert (checked.actor, checked.command, checked.rule_id) == ("anna", "edit_deal", "rename")
    assert [(c.field, c.after) for c in checked.changes] == [("title", "Valves (checked)")]
    partner_history = crm.history(EntityRef(entity_type="partner", entity_id=client), actor="carl")
    assert [entry.command for entry in partner_history] == ["register_partner"]


def test_a_refused_command_leaves_no_entry_and_history_needs_the_right_to_read(
    crm: CRM,
) -> None:
    client = partner(crm)
    deal_id = open_deal(crm, client, manager="boris")
    with pytest.raises(AccessDeniedError):
        crm.execute(EditDeal(deal_id=deal_id, changes={"title": "X"}), actor="anna", now=NOW)
    assert len(crm.history(_ref(deal_id), actor="boris")) == 1
    with pytest.raises(AccessDeniedError):
        crm.history(_ref(deal_id), actor="anna")
    with pytest.raises(DomainValidationError) as caught:
        crm.history(EntityRef(entity_type="planet", entity_id="p"), actor="carl")
    assert caught.value.fields == ("entity_type",)


def test_saving_a_rule_is_kept_too(crm: CRM) -> None:
    rule: Rule = _CONVERTER.structure({**_RULE, "id": "another"}, Rule)
    crm.execute(SaveRule(rule=rule), actor="carl", now=NOW)
    crm.execute(SaveRule(rule=attrs.evolve(rule, name="Another, renamed")), actor="carl", now=NOW)
    crm.execute(SaveRule(rule=attrs.evolve(rule, name="Another, renamed")), actor="carl", now=NOW)
    entries = crm.history(EntityRef(entity_type="rule", entity_id="another"), actor="carl")
    assert [(e.command, e.version) for e in entries] == [("save_rule", 1), ("save_rule", 2)]


def test_a_store_without_an_audit_trail_has_no_history() -> None:
    repositories = attrs.evolve(memory_repositories(), audit=None)
    crm = CRM(MemoryStore(repositories))
    with pytest.raises(DomainValidationError) as caught:
        crm.history(_ref("d-1"))
    assert caught.value.fields == ("store",)
