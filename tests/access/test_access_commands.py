"""Commands through CRM under an access policy: a refused command raises AccessDeniedError
naming action and record and changes nothing; rules run with the rights they state."""

from __future__ import annotations

from typing import Any

import pytest
from access_samples import NOW, open_deal, partner, policy

from crmcore.app import CRM
from crmcore.app.commands import (
    CreateTask,
    EditDeal,
    EditPartner,
    MoveDeal,
    OpenDeal,
    SaveRule,
    StartTask,
)
from crmcore.deals import DealDraft
from crmcore.errors import AccessDeniedError, DomainValidationError
from crmcore.ids import EntityRef, UserId
from crmcore.memory import MemoryStore
from crmcore.money import Money
from crmcore.rules import Rule
from crmcore.serialization import make_converter
from crmcore.tasks import TaskDraft


def _crm() -> CRM:
    return CRM.in_memory(policy=policy())


def _snapshot(crm: CRM) -> dict[str, Any]:
    store = crm.store
    assert isinstance(store, MemoryStore)
    with store.unit_of_work() as r:
        return {
            "partners": list(r.partners.iterate()),
            "deals": list(r.deals.iterate()),
            "log": r.stage_log.count(),
            "rules": r.rules.list(all_versions=True),
            "outbox": r.outbox.find(),
        }


def test_a_manager_changes_their_own_deal_and_not_anothers() -> None:
    crm = _crm()
    client = partner(crm)
    own = open_deal(crm, client, manager="anna")
    other = open_deal(crm, client, manager="boris")
    crm.execute(EditDeal(deal_id=own, changes={"title": "Valves"}), actor="anna", now=NOW)
    before = _snapshot(crm)
    with pytest.raises(AccessDeniedError) as caught:
        crm.execute(EditDeal(deal_id=other, changes={"title": "Mine"}), actor="anna", now=NOW)
    error = caught.value
    assert (error.actor, error.action, error.entity_type, error.entity_id) == (
        "anna",
        "change",
        "deal",
        other,
    )
    with pytest.raises(AccessDeniedError):
        crm.execute(MoveDeal(deal_id=other, stage="negotiation"), actor="anna", now=NOW)
    assert _snapshot(crm) == before


def test_a_manager_may_not_open_a_deal_for_someone_else() -> None:
    crm = _crm()
    client = partner(crm)
    before = _snapshot(crm)
    with pytest.raises(AccessDeniedError) as caught:
        open_deal(crm, client, manager="boris", actor="anna")
    assert (caught.value.action, caught.value.entity_type) == ("create", "deal")
    assert _snapshot(crm) == before


def test_the_head_changes_the_deals_of_the_departments_below() -> None:
    crm = _crm()
    client = partner(crm)
    deal_id = open_deal(crm, client, manager="boris")
    changed = crm.execute(
        EditDeal(deal_id=deal_id, changes={"title": "Head's"}), actor="olga", now=NOW
    )
    assert changed.result.title == "Head's"


def test_a_viewer_changes_nothing() -> None:
    crm = _crm()
    client = partner(crm)
    deal_id = open_deal(crm, client, manager="anna", co=("ivan",), amount=None)
    before = _snapshot(crm)
    # The viewer may change nothing at all.
    with pytest.raises(AccessDeniedError):
        crm.execute(
            EditDeal(deal_id=deal_id, changes={"amount": Money.of("5", "RUB")}),
            actor="ivan",
            now=NOW,
        )
    with pytest.raises(AccessDeniedError) as caught:
        crm.execute(EditPartner(partner_id=client, changes={"notes": "x"}), actor="ivan", now=NOW)
    assert caught.value.entity_type == "partner"
    assert _snapshot(crm) == before


def test_the_admin_without_the_right_may_not_set_a_deals_amount() -> None:
    crm = _crm()
    client = partner(crm)
    deal_id = open_deal(crm, client, manager="anna", amount=None)
    before = _snapshot(crm)
    with pytest.raises(AccessDeniedError) as caught:
        crm.execute(
            EditDeal(deal_id=deal_id, changes={"amount": Money.of("5", "RUB")}),
            actor="carl",
            now=NOW,
        )
    assert caught.value.fields == ("amount",)
    crm.execute(EditDeal(deal_id=deal_id, changes={"title": "Fine"}), actor="carl", now=NOW)
    assert _snapshot(crm)["deals"][0].title == "Fine"
    assert _snapshot(crm)["deals"][0].amount == before["deals"][0].amount


def test_an_actor_the_policy_names_is_known_and_a_stranger_is_not() -> None:
    crm = _crm()
    with pytest.raises(DomainValidationError) as caught:
        partner(crm.__class__.in_memory(), manager="anna")
    assert caught.value.fields == ("actor",)
    assert crm.policy is not None


_CONVERTER = make_converter()


def _rule(runs_as: str | None) -> Rule:
    data: dict[str, Any] = {
        "id": "rename",
        "name": "Rename new deals",
        "trigger": {"entity": "deal", "on": "created"},
        "then": [{"action": "set_fields", "values": {"title": "Renamed"}}],
        "author": "boris",
    }
    if runs_as is not None:
        data["runs_as"] = runs_as
    rule: Rule = _CONVERTER.structure(data, Rule)
    return rule


def test_a_rule_runs_with_the_rights_of_the_user_it_states() -> None:
    crm = CRM.in_memory(policy=policy(), rules=[_rule("boris")])
    client = partner(crm)
    executed_id = open_deal(crm, client, manager="anna")
    deal = crm.get("deal", executed_id, actor="carl")
    assert deal.title == "Pumps"
    crm_system = CRM.in_memory(policy=policy(), rules=[_rule(None)])
    client = partner(crm_system)
    deal_id = open_deal(crm_system, client, manager="anna")
    assert crm_system.get("deal", deal_id, actor="carl").title == "Renamed"


def test_a_refused_rule_is_a_rule_failure_and_the_persons_command_stands() -> None:
    crm = CRM.in_memory(policy=policy(), rules=[_rule("boris")])
    client = partner(crm)
    draft = DealDraft(title="Pumps", partner_id=client, responsible_manager="anna")
    executed = crm.execute(OpenDeal(draft=draft, pipeline_id="manual_sale"), actor="anna", now=NOW)
    assert [(f.rule_id, f.error) for f in executed.failures] == [("rename", "AccessDeniedError")]


def test_saving_a_rule_needs_the_right_to_create_or_change_rules() -> None:
    crm = _crm()
    with pytest.raises(AccessDeniedError) as caught:
        crm.execute(SaveRule(rule=_rule(None)), actor="ivan", now=NOW)
    assert (caught.value.action, caught.value.entity_type) == ("create", "rule")
    saved = crm.execute(SaveRule(rule=_rule(None)), actor="carl", now=NOW).result
    assert saved.version == 1
    with pytest.raises(AccessDeniedError) as caught:
        crm.execute(SaveRule(rule=_rule(None)), actor="anna", now=NOW)
    assert caught.value.action == "change"
    assert crm.execute(SaveRule(rule=_rule("boris")), actor="carl", now=NOW).result.version == 2


def test_tasks_join_the_policy_by_their_assignee_and_co_executors() -> None:
    crm = _crm()
    draft = TaskDraft(title="Send the offer", assignee=UserId("anna"))
    task = crm.execute(CreateTask(draft=draft), actor="anna", now=NOW).result
    with pytest.raises(AccessDeniedError) as caught:
        crm.execute(StartTask(task_id=task.id), actor="boris", now=NOW)
    assert (caught.value.action, caught.value.entity_type) == ("change", "task")
    with pytest.raises(AccessDeniedError):
        crm.execute(
            CreateTask(draft=TaskDraft(title="Not mine", assignee=UserId("boris"))),
            actor="anna",
            now=NOW,
        )
    assert [t.id for t in crm.tasks(actor="anna")] == [task.id]
    assert crm.tasks(actor="boris") == []
    assert [t.id for t in crm.tasks(actor="olga")] == [task.id]
    entries = crm.history(EntityRef(entity_type="task", entity_id=task.id), actor="olga")
    assert [(e.entity_type, e.command) for e in entries] == [("task", "create_task")]
