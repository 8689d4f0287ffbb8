"""Every saved rule version says who saved it, when and why."""

from __future__ import annotations

from datetime import timedelta

import attrs
from app_samples import NOW, rule, settings

from crmcore.app import CRM
from crmcore.app.commands import SaveRule

_HELLO = {"id": "hello", "name": "Hello", "trigger": {"entity": "partner", "on": "created"},
          "then": [{"action": "sms_client", "text": "Hello"}]}  # fmt: skip


def test_each_saved_version_names_its_author_time_and_comment() -> None:
    crm = CRM.in_memory(settings=settings())
    first = crm.execute(SaveRule(rule=rule(_HELLO)), actor="olga", now=NOW).result
    assert (first.version, first.author, first.changed_at) == (1, "olga", NOW)
    later = NOW + timedelta(hours=2)
    changed = attrs.evolve(rule(_HELLO), name="Hello again", comment="Friendlier name")
    second = crm.execute(SaveRule(rule=changed), actor="anna", now=later).result
    assert (second.version, second.author, second.changed_at) == (2, "anna", later)
    assert second.comment == "Friendlier name"
    assert crm.get_rule("hello") == second


def test_saving_a_rule_again_as_stored_keeps_its_version_and_stamp() -> None:
    crm = CRM.in_memory(settings=settings())
    first = crm.execute(SaveRule(rule=rule(_HELLO)), actor="olga", now=NOW).result
    again = crm.execute(SaveRule(rule=rule(_HELLO)), actor="anna", now=NOW + timedelta(days=1))
    assert again.result == first
    restarted = CRM(crm.store, settings=settings(), rules=[rule(_HELLO)])
    assert restarted.get_rule("hello") == first, "given again as it was: not stored again"
