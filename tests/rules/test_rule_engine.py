"""The engine on the four examples, and its order, stops, dry runs, failures and versions."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import attrs
import pytest
from rule_samples import NOW, STAFF, Facts, deal, example_rules, schemas

from crmcore.deals import DealChanged, DealOpened, DealWon
from crmcore.errors import DomainValidationError
from crmcore.events import Change
from crmcore.money import Money
from crmcore.partners import Email
from crmcore.requests import ContactData, Request, RequestedItem, RequestRegistered
from crmcore.rules import (
    AssignManager,
    CreateTask,
    FieldCondition,
    FixedUser,
    Rule,
    RuleContext,
    RuleEngine,
    SendMessage,
    SetFields,
    SmsToClient,
    Staff,
    Trigger,
    TriggerKind,
    due_time_triggers,
)

FACTS = Facts(
    partners={
        "p-1": {
            "id": "p-1",
            "short_name": "Ромашка",
            "segment": "regular",
            "custom": {"car_brand": "Audi"},
        },
        "p-2": {"id": "p-2", "short_name": "Vostok", "segment": "key", "custom": {}},
    },
    purchases={"p-1": Decimal(1000), "p-2": Decimal(70000)},
)


def engine(*rules: Rule) -> RuleEngine:
    return RuleEngine(rules or example_rules(), schemas=schemas())


def opened(entity_id: str = "d-1") -> DealOpened:
    return DealOpened(entity_id=entity_id, occurred_at=NOW)


def context(**fields: object) -> RuleContext:
    return RuleContext(record=deal(**fields), facts=FACTS, staff=STAFF)


def test_a_big_deal_goes_to_the_head_of_the_responsible_department() -> None:
    outcome = engine().process(opened(), context=context(), now=NOW)
    (command,) = outcome.commands
    assert command.rule_id == "big-deals"
    assert command.assignment is not None
    assert command.assignment.user == "olga"
    assert "head of sales" in command.assignment.reason


@pytest.mark.parametrize(
    ("fields", "why"),
    [({"amount": Decimal(100000)}, "not more than 100,000"), ({"partner_id": "p-2"}, "key client")],
)
def test_small_deals_and_key_clients_keep_their_manager(
    fields: dict[str, object], why: str
) -> None:
    assert engine().process(opened(), context=context(**fields), now=NOW).commands == (), why


def request(
    *,
    region: str = "Moscow",
    source: str = "website_form",
    product: str = "cups",
    amount: str | None = None,
) -> Request:
    return Request(
        id="r-1",
        source=source,
        received_at=NOW,
        contact=ContactData(name="Анна", region=region, emails=(Email.parse("anna@example.com"),)),
        items=(RequestedItem(product=product, quantity=Decimal(1)),),
        estimated_amount=Money.of(amount, "RUB") if amount else None,
    )


def assign_request(record: Request, staff: Staff = STAFF) -> tuple[str, str]:
    event = RequestRegistered(entity_id="r-1", occurred_at=NOW)
    outcome = engine().process(event, context=RuleContext(record=record, staff=staff), now=NOW)
    (command,) = outcome.commands
    assert command.assignment is not None
    return command.assignment.user, command.assignment.reason


def test_requests_are_assigned_by_the_mapping_first() -> None:
    assert assign_request(request(source="exhibition")) == ("gleb", "row 1 matches")
    user, reason = assign_request(request(product="Tea-green"))
    assert (user, reason.split(";")[0]) == ("gleb", "row 2 matches")


def test_a_mapped_manager_on_leave_hands_the_request_to_the_fallback_and_says_why() -> None:
    user, reason = assign_request(request(region="Siberia", amount="600000"))
    assert user in {"anna", "boris"}  # the sales team's round robin, vera being away
    assert reason.startswith("row 0 matches, but vera is on leave; next in turn in team sales")


def test_other_requests_go_round_robin_among_available_managers() -> None:
    staff = STAFF
    chosen = []
    for _ in range(3):
        user, _reason = assign_request(request(), staff)
        chosen.append(user)
        staff = attrs.evolve(staff, rotation={"sales": user})
    assert chosen == ["anna", "boris", "anna"]  # vera is on leave


def won(entity_id: str = "d-1") -> DealWon:
    return DealWon(
        entity_id=entity_id, occurred_at=NOW, changes={"status": Change(old="open", new="won")}
    )


def test_an_sms_goes_to_audi_drivers_and_to_big_buyers_only() -> None:
    rules = engine()
    audi = rules.process(won(), context=context(), now=NOW).commands
    assert [c.action for c in audi] == [SmsToClient(text="Thank you, Ромашка!")]
    big = rules.process(won(), context=context(partner_id="p-2"), now=NOW).commands
    assert [c.action for c in big] == [SmsToClient(text="Thank you, Vostok!")]
    nobody = rules.process(won(), context=context(partner_id="p-3"), now=NOW).commands
    assert nobody == ()


def test_a_task_is_created_three_days_before_the_expected_close() -> None:
    rules = example_rules()
    records = {"deal": [deal()]}
    early = due_time_triggers(rules, records, since=NOW, now=NOW + timedelta(days=5))
    assert early.due == ()
    due = due_time_triggers(rules, records, since=early.watermark, now=NOW + timedelta(days=6))
    (trigger,) = due.due
    assert trigger.due_at.date().isoformat() == "2026-06-07"
    outcome = engine().process_due(trigger, context=context(), now=trigger.due_at)
    assert [c.action for c in outcome.commands] == [
        CreateTask(title="Close Green tea", due_in=timedelta(days=1))
    ]


def message(rule_id: str, priority: int = 0, *, stop: bool = False, **options: object) -> Rule:
    return Rule(
        id=rule_id,
        name=rule_id,
        priority=priority,
        stop_processing=stop,
        trigger=Trigger(entity="deal", on=TriggerKind.CREATED),
        then=(SendMessage(text=f"{rule_id} {{{{ title }}}}"),),
        **options,  # type: ignore[arg-type]
    )


def fired(outcome: object) -> list[str]:
    return [c.rule_id for c in outcome.commands]  # type: ignore[attr-defined]


def test_rules_run_by_descending_priority_and_stop_processing_ends_the_run() -> None:
    rules = engine(message("low", 1), message("high", 5), message("mid", 3, stop=True))
    assert fired(rules.process(opened(), context=context(), now=NOW)) == ["high", "mid"]


def test_a_dry_run_gives_the_same_commands_marked_as_such() -> None:
    rules = engine()
    real = rules.process(opened(), context=context(), now=NOW)
    dry = rules.process(opened(), context=context(), now=NOW, dry_run=True)
    assert dry.dry_run
    assert all(c.dry_run for c in dry.commands)
    assert [attrs.evolve(c, dry_run=False) for c in dry.commands] == list(real.commands)


def test_a_failing_rule_is_reported_and_the_others_still_run() -> None:
    failing = Rule(
        id="assign",
        name="assign",
        priority=9,
        trigger=Trigger(entity="deal", on=TriggerKind.CREATED),
        then=(AssignManager(strategy=FixedUser(user="nobody")),),
    )
    outcome = engine(failing, message("after")).process(
        opened(), context=context(), now=NOW, explain=True
    )
    assert fired(outcome) == ["after"]
    assert [f.rule_id for f in outcome.failures] == ["assign"]
    assert outcome.trace[0].reason == "failed: NoAvailableManagerError"


def test_rule_versions_apply_by_their_effective_dates() -> None:
    old = message("greet", effective_until=NOW)
    new = attrs.evolve(
        message("greet"), version=2, effective_from=NOW, then=(SendMessage(text="v2"),)
    )
    rules = engine(old, new)
    before = rules.process(
        attrs.evolve(opened(), occurred_at=NOW - timedelta(hours=1)), context=context(), now=NOW
    )
    after = rules.process(opened(), context=context(), now=NOW)
    assert [c.rule_version for c in before.commands] == [1]
    assert [c.rule_version for c in after.commands] == [2]


def test_overlapping_versions_are_refused_with_both_positions() -> None:
    with pytest.raises(DomainValidationError) as caught:
        engine(message("greet"), attrs.evolve(message("greet"), version=2))
    assert caught.value.fields == ("[1].version",)


def test_an_event_meets_only_the_rules_indexed_for_it() -> None:
    watched = Rule(
        id="amount-watch",
        name="amount",
        trigger=Trigger(entity="deal", on=TriggerKind.CHANGED, fields=("amount",)),
        then=(SendMessage(text="amount changed"),),
    )
    rules = engine(watched, message("created"))
    title = DealChanged(
        entity_id="d-1", occurred_at=NOW, changes={"title": Change(old="a", new="b")}
    )
    amount = DealChanged(
        entity_id="d-1", occurred_at=NOW, changes={"amount": Change(old=None, new=None)}
    )
    assert rules.candidates(title) == ()
    assert [r.id for r in rules.candidates(amount)] == ["amount-watch"]
    assert [r.id for r in rules.candidates(opened())] == ["created"]


def test_changed_from_and_to_values_are_checked_on_the_watched_field() -> None:
    rule = Rule(
        id="to-won",
        name="won",
        trigger=Trigger(
            entity="deal",
            on=TriggerKind.CHANGED,
            fields=("stage",),
            from_value="offer",
            to_value="contract",
        ),
        then=(SendMessage(text="signed"),),
    )
    rules = engine(rule)
    right = DealChanged(
        entity_id="d-1", occurred_at=NOW, changes={"stage": Change(old="offer", new="contract")}
    )
    wrong = DealChanged(
        entity_id="d-1", occurred_at=NOW, changes={"stage": Change(old="lead", new="contract")}
    )
    assert fired(rules.process(right, context=context(), now=NOW)) == ["to-won"]
    assert fired(rules.process(wrong, context=context(), now=NOW)) == []


def test_without_a_record_the_engine_reads_the_events_changes() -> None:
    rule = Rule(
        id="big",
        name="big",
        trigger=Trigger(entity="deal", on=TriggerKind.CREATED),
        when=FieldCondition(field="amount", op="gt", value="99.50"),
        then=(SendMessage(text="{{ title }}: {{ amount }}"),),
    )
    event = DealOpened(
        entity_id="d-9",
        occurred_at=NOW,
        changes={
            "amount": Change(new={"amount": "100.00", "currency": "RUB"}),
            "title": Change(new="Cups"),
        },
    )
    (command,) = engine(rule).process(event, now=NOW).commands
    assert command.action == SendMessage(text="Cups: 100.00")


def test_a_rule_that_feeds_itself_stops_at_the_loop_guard_naming_the_cycle() -> None:
    bump = Rule(
        id="bump",
        name="bump",
        trigger=Trigger(entity="deal", on=TriggerKind.CHANGED, fields=("title",)),
        then=(SetFields(values={"title": "again"}),),
    )
    rules = engine(bump)
    change = DealChanged(
        entity_id="d-1", occurred_at=NOW, changes={"title": Change(old="a", new="again")}
    )
    first = rules.process(change, context=context(), now=NOW)
    assert fired(first) == ["bump"]
    second = rules.process(change, context=attrs.evolve(context(), chain=first.chain), now=NOW)
    assert fired(second) == []
    (loop,) = second.loops
    assert loop.rules == ("bump",)
    assert loop.entity_id == "d-1"


def test_chains_stop_at_their_maximum_depth() -> None:
    rules = RuleEngine([message("m")], schemas=schemas(), max_depth=2)
    chain = context().chain.after([]).after([])
    outcome = rules.process(opened(), context=attrs.evolve(context(), chain=chain), now=NOW)
    assert fired(outcome) == []
    assert "depth" in outcome.loops[0].reason


def test_a_cycle_of_two_rules_is_reported_with_both() -> None:
    def setter(rule_id: str, watched: str, written: str) -> Rule:
        return Rule(
            id=rule_id,
            name=rule_id,
            trigger=Trigger(entity="deal", on=TriggerKind.CHANGED, fields=(watched,)),
            then=(SetFields(values={written: rule_id}),),
        )

    rules = engine(
        setter("title-to-comment", "title", "lost_comment"),
        setter("comment-to-title", "lost_comment", "title"),
    )
    chain = context().chain
    loops = []
    for field in ("title", "lost_comment", "title"):
        change = DealChanged(
            entity_id="d-1", occurred_at=NOW, changes={field: Change(old=None, new="x")}
        )
        outcome = rules.process(change, context=attrs.evolve(context(), chain=chain), now=NOW)
        chain, loops = outcome.chain, list(outcome.loops)
    (loop,) = loops
    assert loop.rule_id == "title-to-comment"
    assert loop.rules == ("title-to-comment", "comment-to-title")


@pytest.mark.parametrize(
    ("event_name", "kind"),
    [
        ("deal.opened", TriggerKind.CREATED),
        ("deal.moved", TriggerKind.STAGE_SET),
        ("deal.lost", TriggerKind.STATUS_SET),
        ("request.converted", TriggerKind.STATUS_SET),
        ("claim.decided", TriggerKind.STATUS_SET),
        ("claim.plan_changed", TriggerKind.CHANGED),
        ("agreement.approved", TriggerKind.STATUS_SET),
        ("partner.changed", TriggerKind.CHANGED),
    ],
)
def test_each_areas_events_set_off_their_trigger_kind(event_name: str, kind: TriggerKind) -> None:
    from crmcore.rules.watch import trigger_kinds  # noqa: PLC0415
    from crmcore.serialization import _event_classes, make_converter  # noqa: PLC0415

    make_converter()
    extra = {"deal_id": "d-1"} if event_name == "request.converted" else {}
    event = _event_classes()[event_name](entity_id="x-1", occurred_at=NOW, **extra)
    assert trigger_kinds(event) == (kind,)
