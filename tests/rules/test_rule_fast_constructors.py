"""The engine's prepared constructors give the same values as the models' own."""

from __future__ import annotations

import attrs
import pytest

from crmcore.ids import RuleId
from crmcore.rules import SendMessage
from crmcore.rules.commands import Command, command_maker
from crmcore.rules.outcome import Chain, RuleOutcome, commands_done


@pytest.mark.parametrize("dry_run", [False, True])
def test_a_made_command_is_the_command_of_its_fields(dry_run: bool) -> None:
    make = command_maker(rule_id=RuleId("r1"), rule_version=3, entity="request", dry_run=dry_run)
    action = SendMessage(text="Hello")
    made = make("q-1", action, "request.registered")
    expected = Command(
        rule_id=RuleId("r1"), rule_version=3, entity="request", entity_id="q-1", action=action,
        caused_by="request.registered", dry_run=dry_run,
    )  # fmt: skip
    assert made == expected
    assert hash(made) == hash(expected)
    assert repr(made) == repr(expected)
    assert attrs.evolve(made, entity_id="q-2").entity_id == "q-2"
    assert make("q-2", action, "x") != made  # each call makes its own command


def test_the_made_commands_of_one_maker_share_no_state() -> None:
    make = command_maker(rule_id=RuleId("r1"), rule_version=1, entity="deal", dry_run=False)
    first = make("d-1", SendMessage(text="a"), "deal.opened")
    second = make("d-2", SendMessage(text="b"), "deal.opened")
    assert (first.entity_id, first.action) == ("d-1", SendMessage(text="a"))
    assert (second.entity_id, second.action) == ("d-2", SendMessage(text="b"))
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        first.entity_id = "d-3"  # type: ignore[misc]


def test_an_outcome_of_commands_is_the_outcome_of_its_fields() -> None:
    command = command_maker(rule_id=RuleId("r"), rule_version=1, entity="deal", dry_run=True)(
        "d-1", SendMessage(text="a"), "deal.opened"
    )
    chain = Chain().after([("r", "deal", "d-1")])
    done = commands_done((command,), chain, dry_run=True)
    assert done == RuleOutcome(commands=(command,), chain=chain, dry_run=True)
    assert repr(done) == repr(RuleOutcome(commands=(command,), chain=chain, dry_run=True))


def test_a_chain_after_links_is_one_step_deeper_with_them() -> None:
    chain = Chain(depth=2, fired=(("a", "deal", "d-1"),))
    after = chain.after([("b", "deal", "d-1"), ("c", "deal", "d-2")])
    assert after == Chain(
        depth=3, fired=(("a", "deal", "d-1"), ("b", "deal", "d-1"), ("c", "deal", "d-2"))
    )
    assert chain == Chain(depth=2, fired=(("a", "deal", "d-1"),))  # unchanged
