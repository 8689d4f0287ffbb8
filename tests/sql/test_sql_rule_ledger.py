"""The contracts of the rules' ledger and waiting steps against the SQL store, on each
backend, and a CRM on SQL that throttles and waits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sql_backends import BACKENDS

from crmcore.app import CRM, Settings
from crmcore.app.commands import RegisterPartner
from crmcore.partners import PartnerDraft
from crmcore.rules import Member, Rule, Staff
from crmcore.serialization import make_converter
from crmcore.sql import SqlPendingSteps, SqlRuleLedger, SqlStore
from crmcore.testing.contracts.pending_steps import PendingStepsContract
from crmcore.testing.contracts.rule_ledger import RuleLedgerContract

for _backend in BACKENDS:
    for _contract, _method, _repository in (
        (RuleLedgerContract, "make_ledger", SqlRuleLedger),
        (PendingStepsContract, "make_steps", SqlPendingSteps),
    ):
        _class = _backend.suite(_contract, _repository, module=__name__, method=_method)
        globals()[_class.__name__] = _class
del _class

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
RULE = {
    "id": "hello", "name": "One greeting a day, and a call three days later",
    "trigger": {"entity": "partner", "on": "created"},
    "throttle": {"limit": 1, "window": "P1D"},
    "then": [{"action": "send_message", "text": "Новый клиент"}],
    "waits": [{"after": 3, "unit": "days",
               "then": [{"action": "send_message", "text": "Позвонили?"}]}],
}  # fmt: skip


def test_a_crm_on_sql_throttles_and_runs_waiting_steps_once_across_restarts(
    tmp_path: Any,
) -> None:
    path = tmp_path / "crm.db"
    settings = Settings(staff=Staff(members=(Member(user="anna"),)))
    rule = make_converter().structure(RULE, Rule)
    crm = CRM(SqlStore.sqlite(path), settings=settings, rules=[rule])
    crm.tick(NOW)
    sent = []
    for index in range(2):
        draft = PartnerDraft(
            kind="legal_entity", roles=["client"], short_name=f"Клиент {index}",
            responsible_manager="anna",
        )  # fmt: skip
        executed = crm.execute(RegisterPartner(draft=draft), actor="anna", now=NOW)
        sent.append(len(executed.outbox))
    assert sent == [1, 0], "the second greeting is held by the throttle"
    ticked = crm.tick(NOW + timedelta(days=4))
    assert [m.command.action.text for m in ticked.outbox] == ["Позвонили?"]
    crm.store.close()  # type: ignore[attr-defined]
    again = CRM(SqlStore.sqlite(path), settings=settings, rules=[rule])
    assert again.tick(NOW + timedelta(days=5)).steps == ()
    again.store.close()  # type: ignore[attr-defined]
