"""Commands: handed to host handlers, applied to crmcore's aggregates, serialized."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from importlib.metadata import EntryPoint

import attrs
import pytest
from rule_samples import CONVERTER, NOW, STAFF, Facts, deal, example_rules, schemas

from crmcore.deals import DealChanged, DealKind, DealOpened
from crmcore.deals.model import Deal
from crmcore.errors import DomainValidationError, PluginError
from crmcore.money import Money
from crmcore.rules import (
    OPERATORS,
    AssignManager,
    CallWebhook,
    ChangeCoExecutor,
    CoExecutorChange,
    Command,
    FixedUser,
    RuleContext,
    RuleEngine,
    RuleOutcome,
    SetFields,
    SmsToClient,
    apply_command,
    dispatch,
    load_actions,
    load_operators,
    render_text,
)
from crmcore.rules.templates import render


def command(action: object, **fields: object) -> Command:
    return Command(
        rule_id="r", rule_version=1, entity="deal", entity_id="d-1", action=action,  # type: ignore[arg-type]
        caused_by="deal.opened", **fields,  # type: ignore[arg-type]
    )  # fmt: skip


class Recorder:
    def __init__(self) -> None:
        self.handled: list[Command] = []

    def handle(self, command: Command) -> None:
        self.handled.append(command)


def test_dispatch_hands_each_command_to_its_kind_and_skips_dry_runs() -> None:
    sms = Recorder()
    commands = [command(SmsToClient(text="a")), command(SmsToClient(text="b"), dry_run=True)]
    assert dispatch(commands, {"sms_client": sms}) == 1
    assert [c.action for c in sms.handled] == [SmsToClient(text="a")]


def test_dispatch_refuses_a_batch_with_an_unhandled_kind_before_handling_any() -> None:
    sms = Recorder()
    with pytest.raises(LookupError, match="set_fields"):
        dispatch(
            [command(SmsToClient(text="a")), command(SetFields(values={"title": "x"}))],
            {"sms_client": sms},
        )
    assert sms.handled == []


def a_deal() -> Deal:
    return Deal(
        id="d-1", title="Tea", partner_id="p-1", pipeline_id="main", kind=DealKind.UNSTAGED,
        amount=Money.of("10", "RUB"), responsible_manager="anna", created_at=NOW,
        stage_entered_at=NOW,
    )  # fmt: skip


def test_field_manager_and_co_executor_commands_apply_to_a_deal_with_its_event() -> None:
    deal_ = a_deal()
    changed = apply_command(
        deal_,
        command(
            SetFields(
                values={"title": "Big tea", "amount": "99.50", "expected_close": "2026-07-01"}
            )
        ),
        schemas=schemas(),
        now=NOW,
    )
    assert (changed.entity.title, changed.entity.amount, changed.entity.expected_close) == (
        "Big tea",
        Money.of("99.50", "RUB"),
        date(2026, 7, 1),
    )
    (event,) = changed.events
    assert isinstance(event, DealChanged)
    assert event.actor == "rule:r"
    assert set(event.changes) == {"title", "amount", "expected_close"}
    assigned = apply_command(
        changed.entity,
        command(AssignManager(strategy=FixedUser(user="boris")), assignment=_chosen("boris")),
        schemas=schemas(),
        now=NOW,
    )
    assert (assigned.entity.responsible_manager, assigned.entity.version) == ("boris", 3)
    helped = apply_command(
        assigned.entity, command(ChangeCoExecutor(user="vera")), schemas=schemas(), now=NOW
    )
    assert helped.entity.co_executors == frozenset({"vera"})
    removed = apply_command(
        helped.entity,
        command(ChangeCoExecutor(user="vera", change=CoExecutorChange.REMOVE)),
        schemas=schemas(),
        now=NOW,
    )
    assert removed.entity.co_executors == frozenset()


def _chosen(user: str) -> object:
    from crmcore.rules import Assignment  # noqa: PLC0415

    return Assignment(user=user, strategy="fixed_user", reason="test")


def test_a_value_that_does_not_fit_names_its_field_and_changes_nothing() -> None:
    deal_ = a_deal()
    with pytest.raises(DomainValidationError) as caught:
        apply_command(
            deal_,
            command(SetFields(values={"amount": "lots", "expected_close": "soon"})),
            schemas=schemas(),
            now=NOW,
        )
    assert caught.value.fields == ("values.amount", "values.expected_close")
    assert deal_ == a_deal()


def test_host_actions_are_not_applied_by_crmcore() -> None:
    with pytest.raises(TypeError, match="executed by the host"):
        apply_command(a_deal(), command(SmsToClient(text="hi")), schemas=schemas(), now=NOW)


def test_templates_fill_placeholders_only_as_text_url_parts_or_json_values() -> None:
    values = {"title": 'Tea "green" & co', "amount": Decimal("10.50"), "partner.region": None}
    assert render_text(
        "{{ title }} / {{amount}} / {{ partner.region }} / {{ title.__class__ }}", values
    ) == ('Tea "green" & co / 10.50 /  / {{ title.__class__ }}')
    assert (
        render("url", "https://x.example/d?t={{ title }}", values)
        == "https://x.example/d?t=Tea%20%22green%22%20%26%20co"
    )
    assert render(
        "json", '{"t": "{{ title }}", "n": "{{ amount }}", "s": "a {{ title }}"}', values
    ) == ('{"t": "Tea \\"green\\" & co", "n": "10.50", "s": "a Tea \\"green\\" & co"}')


def test_webhooks_need_a_fixed_https_host() -> None:
    for url in ("http://x.example/", "https://{{ title }}.example/", "https://user:pw@x.example/"):
        with pytest.raises(DomainValidationError, match="https URL"):
            CallWebhook(url=url)


def test_outcomes_round_trip_through_json() -> None:
    engine = RuleEngine(example_rules(), schemas=schemas())
    facts = Facts(partners={"p-1": {"id": "p-1", "segment": None, "custom": {}}}, purchases={})
    outcome = engine.process(
        DealOpened(entity_id="d-1", occurred_at=NOW),
        context=RuleContext(record=deal(), facts=facts, staff=STAFF),
        now=NOW,
        explain=True,
    )
    assert outcome.commands
    assert CONVERTER.structure(CONVERTER.unstructure(outcome), RuleOutcome) == outcome


def test_plugins_add_operators_and_actions_and_bad_ones_name_themselves() -> None:
    # The built-ins come from the package's own entry points, as a plugin's would.
    assert set(load_operators()) >= set(OPERATORS)
    good = EntryPoint(
        name="sms_client", value="crmcore.rules.actions:SmsToClient", group="crmcore.actions"
    )
    assert load_actions(available=[good])["sms_client"] is SmsToClient
    bad = EntryPoint(name="fax", value="crmcore.rules.actions:SmsToClient", group="crmcore.actions")
    with pytest.raises(PluginError, match="fax"):
        load_actions(available=[bad])
    wrong = EntryPoint(
        name="eq", value="crmcore.rules.actions:SmsToClient", group="crmcore.operators"
    )
    with pytest.raises(PluginError, match=r"must be a crmcore\.rules\.Operator"):
        load_operators(available=[wrong])


def test_installed_entry_points_provide_the_built_ins() -> None:
    assert set(load_actions()) >= {"create_task", "assign_manager", "call_webhook"}
    assert set(load_operators()) >= set(OPERATORS)
    _ = datetime(2026, 1, 1, tzinfo=UTC)


def test_a_plugin_operator_is_validated_and_run_like_a_built_in() -> None:
    from crmcore.deals import DealOpened  # noqa: PLC0415
    from crmcore.rules import FieldCondition, Rule, Trigger, TriggerKind  # noqa: PLC0415

    entry = EntryPoint(
        name="longer_than", value="rule_samples:LONGER_THAN", group="crmcore.operators"
    )
    operators = {**OPERATORS, **load_operators(available=[entry])}
    rule = Rule(
        id="long-titles", name="Long titles",
        trigger=Trigger(entity="deal", on=TriggerKind.CREATED),
        when=FieldCondition(field="title", op="longer_than", value=5),
        then=(SmsToClient(text="{{ title }}"),),
    )  # fmt: skip
    engine = RuleEngine([rule], schemas=schemas(), operators=operators)
    opened = DealOpened(entity_id="d-1", occurred_at=NOW)
    assert len(engine.process(opened, context=RuleContext(record=deal()), now=NOW).commands) == 1
    short = RuleContext(record=deal(title="Tea"))
    assert engine.process(opened, context=short, now=NOW).commands == ()
    with pytest.raises(DomainValidationError, match="does not apply to a money field"):
        RuleEngine(
            [attrs.evolve(rule, when=FieldCondition(field="amount", op="longer_than", value=5))],
            schemas=schemas(),
            operators=operators,
        )
    with pytest.raises(DomainValidationError, match="must be one of"):
        RuleEngine([rule], schemas=schemas())


def test_emails_set_off_email_triggers_by_their_direction() -> None:
    from crmcore.events import Change  # noqa: PLC0415
    from crmcore.interactions import InteractionCreated  # noqa: PLC0415
    from crmcore.rules import Rule, Trigger, TriggerKind  # noqa: PLC0415

    def rule(kind: TriggerKind) -> Rule:
        return Rule(id=kind.value, name=kind.value, trigger=Trigger(entity="interaction", on=kind),
                    then=(SmsToClient(text="hi"),))  # fmt: skip

    engine = RuleEngine(
        [rule(TriggerKind.EMAIL_RECEIVED), rule(TriggerKind.EMAIL_SENT), rule(TriggerKind.CREATED)],
        schemas=schemas(),
    )

    def fired(kind: str, direction: str | None) -> list[str]:
        changes = {"kind": Change(new=kind), "direction": Change(new=direction)}
        event = InteractionCreated(entity_id="i-1", occurred_at=NOW, changes=changes)
        return sorted(c.rule_id for c in engine.process(event, now=NOW).commands)

    assert fired("email", "incoming") == ["created", "email_received"]
    assert fired("email", "outgoing") == ["created", "email_sent"]
    assert fired("call", "incoming") == ["created"]


def test_a_filled_template_is_checked_like_typed_text_and_fails_only_its_rule() -> None:
    from crmcore.deals import DealOpened  # noqa: PLC0415
    from crmcore.rules import Rule, Trigger, TriggerKind  # noqa: PLC0415

    def rule(rule_id: str, *texts: str) -> Rule:
        created = Trigger(entity="deal", on=TriggerKind.CREATED)
        then = tuple(SmsToClient(text=text) for text in texts)
        return Rule(id=rule_id, name=rule_id, trigger=created, then=then)

    # "long" fills its first action, then fails on its second: it gives no command at all.
    rules = [rule("long", "New deal", "{{ title }}"), rule("short", "New deal")]
    engine = RuleEngine(rules, schemas=schemas())
    opened = DealOpened(entity_id="d-1", occurred_at=NOW)
    long_title = RuleContext(record=deal(title="x" * 1500))
    for explain in (False, True):
        outcome = engine.process(opened, context=long_title, now=NOW, explain=explain)
        assert [c.rule_id for c in outcome.commands] == ["short"]
        (failure,) = outcome.failures
        assert failure.rule_id == "long"
        assert "text: must be at most 1000 characters" in failure.message
