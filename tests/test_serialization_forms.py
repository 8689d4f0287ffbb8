"""The forms packages above the kernel register: every converter made since calls them after
the kernel's own hooks, once each however often they register."""

from typing import Any

import attrs
import pytest

import crmcore.serialization
from crmcore.conditions import AllOf, Condition, FieldCondition
from crmcore.rules.serialization import configure as rules_forms
from crmcore.serialization import Converter, make_converter, register_forms


@attrs.frozen
class Beacon:
    """A model only the registered forms below know how to write."""

    signal: str


def _beacon(converter: Converter) -> None:
    converter.register_unstructure_hook(Beacon, lambda value: f"beacon:{value.signal}")


def test_registered_forms_apply_to_every_converter_made_since_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    registered = list(crmcore.serialization._FORMS)
    monkeypatch.setattr(crmcore.serialization, "_FORMS", registered)
    calls: list[Any] = []

    def counted(converter: Converter) -> None:
        calls.append(converter)
        _beacon(converter)

    register_forms(counted)
    register_forms(counted)
    converter = make_converter()
    assert converter.unstructure(Beacon(signal="sos")) == "beacon:sos"
    assert calls == [converter]
    assert registered.count(counted) == 1


def test_the_rules_register_theirs_on_import_and_condition_trees_are_the_kernels() -> None:
    register_forms(rules_forms)  # registered by crmcore.rules already: nothing changes
    converter = make_converter()
    rule_form = {
        "id": "r-1",
        "name": "Big deals",
        "trigger": {"entity": "deal", "on": "created"},
        "then": [{"action": "campaign_sms", "campaign_id": "c", "mailing_id": "m",
                  "material": "x", "template": "t"}],
    }  # fmt: skip
    from crmcore.rules import Rule  # noqa: PLC0415 - the class, imported like a host would

    rule = converter.structure(rule_form, Rule)
    assert rule.then[0].kind == "campaign_sms"
    tree = AllOf(all=(FieldCondition(field="amount", op="gt", value=5),))
    assert converter.unstructure(tree, AllOf) == {
        "all": [{"field": "amount", "op": "gt", "value": 5}]
    }
    optional: Any = Condition | None
    assert converter.structure(None, optional) is None
    assert converter.structure({"not": {"field": "x", "op": "eq"}}, optional).condition.field == "x"
