"""Random command sequences through CRM.in_memory: every error is a typed crmcore error that
changes nothing, and every stored deal's stage log replays to its current stage and
status."""

from __future__ import annotations

import itertools
from datetime import timedelta
from typing import Any

from app_samples import NOW, romashka, rule, settings, snapshot
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition
from hypothesis.stateful import rule as step

from crmcore.app import CRM
from crmcore.app.commands import (
    CRMCommand,
    EditDeal,
    LoseDeal,
    MoveDeal,
    OpenDeal,
    RecordInteraction,
    RegisterPartner,
    ReopenDeal,
    WinDeal,
)
from crmcore.deals import DealDraft
from crmcore.errors import CRMError
from crmcore.interactions import InteractionDraft
from crmcore.memory import MemoryStore
from crmcore.money import Money
from crmcore.partners import Partner

_STAGES = ("first_contact", "qualification", "commercial_offer", "negotiation", "contract")
_RULES = (
    {"id": "big", "name": "Big deals to the head", "trigger": {"entity": "deal", "on": "created"},
     "when": {"field": "amount", "op": "gt", "value": 100000},
     "then": [{"action": "assign_manager", "strategy": "head_of_department"},
              {"action": "sms_employee", "to": ["head"], "text": "{{ title }}"}]},
    {"id": "thanks", "name": "Thanks on a win",
     "trigger": {"entity": "deal", "on": "status_set", "to_value": "won"},
     "then": [{"action": "sms_client", "text": "Спасибо"},
              {"action": "co_executor", "user": "boris"}]},
    {"id": "amount", "name": "Amount changed",
     "trigger": {"entity": "deal", "on": "changed", "fields": ["amount"]},
     "then": [{"action": "set_fields", "values": {"title": "Изменена сумма"}}]},
)  # fmt: skip


class CRMMachine(RuleBasedStateMachine):
    """A manager's random day through the CRM."""

    def __init__(self) -> None:
        super().__init__()
        self.store = MemoryStore()
        self.crm = CRM(self.store, settings=settings(), rules=[rule(r) for r in _RULES])
        self.now = NOW
        self.partners: list[str] = []
        self.deals: list[str] = []

    def run(self, command: CRMCommand, actor: str = "anna") -> Any:
        self.now += timedelta(minutes=7)
        before = snapshot(self.store)
        try:
            return self.crm.execute(command, actor=actor, now=self.now).result
        except CRMError:
            assert snapshot(self.store) == before
            return None

    @initialize()
    def first_client(self) -> None:
        self.register("Ромашка")

    @step(name=st.sampled_from(["Ромашка", "Василёк", "Север", "Восток"]))
    def register(self, name: str) -> None:
        result = self.run(
            RegisterPartner(
                draft=romashka(short_name=f"ООО «{name}»", tax_id=None, kpp=None, phones=[],
                               emails=[f"{len(self.partners)}@{name.lower()}.example"]),
                force=True,
            )
        )  # fmt: skip
        if isinstance(result, Partner):
            self.partners.append(result.id)

    @precondition(lambda self: self.partners)
    @step(
        data=st.data(),
        pipeline=st.sampled_from(["typical_sale", "manual_sale", "long_project"]),
        amount=st.sampled_from(["5000", "150000"]),
    )
    def open(self, data: st.DataObject, pipeline: str, amount: str) -> None:
        partner = data.draw(st.sampled_from(self.partners))
        draft = DealDraft(
            title="Сделка",
            partner_id=partner,
            responsible_manager="anna",
            amount=Money.of(amount, "RUB"),
        )
        deal = self.run(OpenDeal(draft=draft, pipeline_id=pipeline))
        if deal is not None:
            self.deals.append(deal.id)

    @precondition(lambda self: self.deals)
    @step(data=st.data(), stage=st.sampled_from(_STAGES))
    def move(self, data: st.DataObject, stage: str) -> None:
        self.run(MoveDeal(deal_id=data.draw(st.sampled_from(self.deals)), stage=stage))

    @precondition(lambda self: self.deals)
    @step(data=st.data(), kind=st.sampled_from(["win", "lose", "reopen", "amount"]))
    def close(self, data: st.DataObject, kind: str) -> None:
        deal_id = data.draw(st.sampled_from(self.deals))
        command: CRMCommand
        if kind == "win":
            command = WinDeal(deal_id=deal_id)
        elif kind == "lose":
            command = LoseDeal(deal_id=deal_id, reason="price")
        elif kind == "reopen":
            command = ReopenDeal(deal_id=deal_id, reason="снова")
        else:
            command = EditDeal(deal_id=deal_id, changes={"amount": Money.of("7000", "RUB")})
        self.run(command)

    @precondition(lambda self: self.partners)
    @step(data=st.data())
    def call(self, data: st.DataObject) -> None:
        draft = InteractionDraft(
            kind="call", topic="Звонок", start=self.now, direction="outgoing",
            partner_id=data.draw(st.sampled_from(self.partners)),
        )  # fmt: skip
        self.run(RecordInteraction(draft=draft))

    @invariant()
    def stage_logs_replay_to_the_deals(self) -> None:
        for deal_id in self.deals:
            deal = self.crm.get("deal", deal_id)
            log = self.crm.stage_log(deal_id)
            assert log, deal_id
            last = log[-1]
            assert (last.to_stage, last.status) == (deal.stage, deal.status)
            for earlier, later in itertools.pairwise(log):
                assert later.from_stage == earlier.to_stage
                assert later.from_status == earlier.status


TestCRMMachine = CRMMachine.TestCase
TestCRMMachine.settings = hypothesis_settings(max_examples=25, stateful_step_count=25)
