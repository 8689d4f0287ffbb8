"""Benchmark of crmcore.rules; prints one JSON object per line.

1,000 rules of realistic shape (created, changed-on-a-field and status rules on deals,
requests and companies; one to three tests each on text and money fields; messages and
tasks with placeholders) meet 100,000 events, each of which concerns a handful of rules.
Side by side in the same run, the same rules expressed for venmo's ``business-rules``
package (``pip install business-rules``, for this benchmark only): once as it is meant to
run (``run_all`` over every rule, the trigger as conditions), and once fed only the rules our
index picks, to separate indexing from evaluation. Both engines must trigger the same
actions on the events they share. Throughput is also reported for the events that meet at
most a handful (five) of rules, which the target of 100,000 events per second speaks of, by
how many rules an event meets, and the explain trace's overhead separately; beside them the
same engine asking every candidate rule in turn (``index_conditions=False``). Every figure is
CPU time, the best of three passes.
Run from the repository root::

    python benchmarks/rules/bench_rules.py --events 100000
"""

from __future__ import annotations

import argparse
import json
import random
import re
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from crmcore.agreements import AgreementChanged, AgreementCreated, AgreementStatusChanged
from crmcore.claims import ClaimPlanChanged, ClaimRegistered, ClaimStatusChanged
from crmcore.deals import DealChanged, DealOpened, DealWon
from crmcore.events import Change, DomainEvent
from crmcore.interactions import InteractionChanged, InteractionCreated, InteractionStatusChanged
from crmcore.partners import (
    ContactPersonAdded,
    ContactPersonChanged,
    PartnerChanged,
    PartnerRegistered,
)
from crmcore.requests import RequestChanged, RequestRegistered, RequestStatusChanged
from crmcore.rules import (
    AllOf,
    AnyOf,
    Condition,
    CreateTask,
    FieldCondition,
    FieldType,
    Rule,
    RuleContext,
    RuleEngine,
    SendMessage,
    Trigger,
    TriggerKind,
    default_schemas,
)
from crmcore.rules.watch import STATUS_ACTIONS

NOW = datetime(2026, 6, 1, 9, tzinfo=UTC)
REPEAT = 3  # passes per figure; the best counts, so that a busy machine skews less
HANDFUL = 5  # the most rules an event meets in the workload the throughput target speaks of
SCHEMAS = default_schemas()
WORDS = tuple(f"{stem}{suffix}" for stem in ("moscow", "ural", "tea", "cups", "key", "offer",
              "web", "call") for suffix in ("", "-a", "-b", "-c", "-d"))  # fmt: skip
EVENTS: dict[str, dict[TriggerKind, Callable[..., DomainEvent]]] = {
    "deal": {TriggerKind.CREATED: DealOpened, TriggerKind.CHANGED: DealChanged,
             TriggerKind.STATUS_SET: DealWon},
    "request": {TriggerKind.CREATED: RequestRegistered, TriggerKind.CHANGED: RequestChanged,
                TriggerKind.STATUS_SET: RequestStatusChanged},
    "partner": {TriggerKind.CREATED: PartnerRegistered, TriggerKind.CHANGED: PartnerChanged},
    "contact_person": {TriggerKind.CREATED: ContactPersonAdded,
                       TriggerKind.CHANGED: ContactPersonChanged},
    "interaction": {TriggerKind.CREATED: InteractionCreated,
                    TriggerKind.CHANGED: InteractionChanged,
                    TriggerKind.STATUS_SET: InteractionStatusChanged},
    "agreement": {TriggerKind.CREATED: AgreementCreated, TriggerKind.CHANGED: AgreementChanged,
                  TriggerKind.STATUS_SET: AgreementStatusChanged},
    "claim": {TriggerKind.CREATED: ClaimRegistered, TriggerKind.CHANGED: ClaimPlanChanged,
              TriggerKind.STATUS_SET: ClaimStatusChanged},
}  # fmt: skip
ENTITIES = tuple(EVENTS)


def _fields(entity: str, kind: FieldType) -> tuple[str, ...]:
    found = SCHEMAS.get(entity).fields
    return tuple(sorted(n for n, spec in found.items() if spec.type is kind and n != "id"))


TEXT_FIELDS = {entity: _fields(entity, FieldType.TEXT) for entity in ENTITIES}
MONEY_FIELDS = {entity: _fields(entity, FieldType.MONEY)[:1] for entity in ENTITIES}
WATCHED = {entity: tuple(sorted(set(SCHEMAS.get(entity).fields) - {"id", "version"}))
           for entity in ENTITIES}  # fmt: skip
STATUSES = {entity: SCHEMAS.get(entity).fields["status"].choices
            for entity in ENTITIES if "status" in SCHEMAS.get(entity).fields}  # fmt: skip


def _leaf(rng: random.Random, entity: str) -> FieldCondition:
    money = MONEY_FIELDS[entity]
    if money and rng.random() < 0.3:
        low = rng.randrange(0, 900_000, 1000)
        if rng.random() < 0.5:
            return FieldCondition(field=money[0], op="gt", value=low)
        return FieldCondition(field=money[0], op="between", value=(low, low + 200_000))
    field = rng.choice(TEXT_FIELDS[entity])
    op = rng.choice(("eq", "eq", "in", "starts_with", "contains"))
    if op == "in":
        return FieldCondition(field=field, op=op, value=tuple(rng.sample(WORDS, 3)))
    word = rng.choice(WORDS)
    return FieldCondition(field=field, op=op, value=word[:3] if op == "starts_with" else word)


def _trigger(rng: random.Random, entity: str) -> Trigger:
    draw = rng.random()
    if draw < 0.04:
        return Trigger(entity=entity, on=TriggerKind.CREATED)
    if draw < 0.24 and entity in STATUSES:
        to_value = rng.choice(STATUSES[entity])
        return Trigger(entity=entity, on=TriggerKind.STATUS_SET, to_value=to_value)
    if TriggerKind.CHANGED not in EVENTS[entity]:
        return Trigger(entity=entity, on=TriggerKind.STATUS_SET)
    return Trigger(entity=entity, on=TriggerKind.CHANGED, fields=(rng.choice(WATCHED[entity]),))


def make_rules(count: int, rng: random.Random) -> list[Rule]:
    """``count`` rules spread over entities, triggers, watched fields and awaited statuses."""
    rules = []
    for number in range(count):
        entity = ENTITIES[number % len(ENTITIES)]
        leaves = tuple(_leaf(rng, entity) for _ in range(rng.randint(1, 3)))
        when: Condition = leaves[0] if len(leaves) == 1 else (
            AllOf(all=leaves) if rng.random() < 0.7 else AnyOf(any=leaves))  # fmt: skip
        field = TEXT_FIELDS[entity][0]
        then: tuple[Any, ...] = (SendMessage(text=f"Look at {{{{ {field} }}}}"),)
        if rng.random() < 0.3:
            then += (CreateTask(title="Call the client"),)
        rules.append(Rule(id=f"r{number}", name=f"Rule {number}", priority=rng.randint(0, 5),
                          trigger=_trigger(rng, entity), when=when, then=then))  # fmt: skip
    return rules


def make_records(entity: str, count: int, rng: random.Random) -> list[dict[str, Any]]:
    records = []
    for number in range(count):
        record: dict[str, Any] = {"id": f"{entity}-{number}"}
        for field in TEXT_FIELDS[entity]:
            record[field] = rng.choice(WORDS)
        for field in MONEY_FIELDS[entity]:
            record[field] = Decimal(rng.randrange(0, 1_000_000, 100))
        if entity in STATUSES:
            record["status"] = rng.choice(STATUSES[entity])
        records.append(record)
    return records


def _event_of(entity: str, record: dict[str, Any], rng: random.Random) -> DomainEvent:
    kinds = EVENTS[entity]
    draw = rng.random()
    changes: dict[str, Change] = {}
    kind = TriggerKind.CREATED
    if draw > 0.1 and entity in STATUSES and (draw < 0.25 or TriggerKind.CHANGED not in kinds):
        kind = TriggerKind.STATUS_SET
        changes["status"] = Change(old=None, new=rng.choice(STATUSES[entity]))
    elif draw > 0.1 and TriggerKind.CHANGED in kinds:
        kind = TriggerKind.CHANGED
        changes[rng.choice(WATCHED[entity])] = Change(old=None, new=None)
    return kinds[kind](entity_id=record["id"], occurred_at=NOW, changes=changes)


def make_events(
    count: int, records: dict[str, list[dict[str, Any]]], rng: random.Random
) -> list[tuple[DomainEvent, dict[str, Any]]]:
    events = []
    for _ in range(count):
        entity = rng.choice(ENTITIES)
        record = rng.choice(records[entity])
        events.append((_event_of(entity, record, rng), record))
    return events


# --- the same rules for business-rules --------------------------------------------------

_OPS = {"eq": "equal_to", "gt": "greater_than", "starts_with": "starts_with",
        "contains": "contains"}  # fmt: skip
_MOVES = (TriggerKind.STATUS_SET.value, TriggerKind.STAGE_SET.value)


def _br_condition(node: Condition) -> dict[str, Any]:
    if isinstance(node, AllOf):
        return {"all": [_br_condition(child) for child in node.all]}
    if isinstance(node, AnyOf):
        return {"any": [_br_condition(child) for child in node.any]}
    assert isinstance(node, FieldCondition)
    if node.op == "in":
        assert isinstance(node.value, tuple)
        return {
            "any": [{"name": node.field, "operator": "equal_to", "value": v} for v in node.value]
        }
    if node.op == "between":
        assert isinstance(node.value, tuple)
        low, high = node.value
        return {"all": [
            {"name": node.field, "operator": "greater_than_or_equal_to", "value": low},
            {"name": node.field, "operator": "less_than_or_equal_to", "value": high}]}  # fmt: skip
    return {"name": node.field, "operator": _OPS[node.op], "value": node.value}


def to_business_rules(rule: Rule) -> dict[str, Any]:
    """``rule`` as business-rules data: the trigger becomes conditions on the event."""
    trigger = rule.trigger
    kinds = [trigger.on.value]
    if trigger.on is TriggerKind.CHANGED and trigger.fields:
        kinds += list(_MOVES)  # a status or stage move reaches the rules watching its fields
    conditions: list[dict[str, Any]] = [
        {"name": "entity", "operator": "equal_to", "value": trigger.entity},
        {"any": [{"name": "event_kind", "operator": "equal_to", "value": k} for k in kinds]},
    ]
    if trigger.fields:
        conditions.append(
            {"name": "changed_fields", "operator": "contains", "value": trigger.fields[0]}
        )
    if trigger.to_value is not None:
        conditions.append({"name": "new_status", "operator": "equal_to", "value": trigger.to_value})
    assert rule.when is not None
    conditions.append(_br_condition(rule.when))
    actions = []
    for action in rule.then:
        if isinstance(action, SendMessage):
            actions.append({"name": "send_message", "params": {"text": action.text}})
        else:
            assert isinstance(action, CreateTask)
            actions.append({"name": "create_task", "params": {"title": action.title}})
    return {"conditions": {"all": conditions}, "actions": actions}


def _variables_class() -> type:
    """business-rules variables reading one event and its record."""
    from business_rules.variables import (  # noqa: PLC0415 - only this benchmark installs it
        BaseVariables,
        numeric_rule_variable,
        select_rule_variable,
        string_rule_variable,
    )

    def text(name: str) -> Any:
        return string_rule_variable()(lambda self: self.record.get(name))

    fields = {name for names in TEXT_FIELDS.values() for name in names} | {"status"}
    namespace: dict[str, Any] = {name: text(name) for name in fields}
    namespace["amount"] = numeric_rule_variable()(lambda self: self.record.get("amount"))
    namespace["entity"] = string_rule_variable()(lambda self: self.entity_name)
    namespace["event_kind"] = string_rule_variable()(lambda self: self.kind)
    namespace["changed_fields"] = select_rule_variable()(lambda self: list(self.event.changes))
    namespace["new_status"] = string_rule_variable()(lambda self: self.status_now)

    def init(self: Any, event: DomainEvent, record: dict[str, Any]) -> None:
        self.event, self.record = event, record
        self.entity_name = event.entity_type
        self.kind = _kind_of(event)
        status = event.changes.get("status")
        self.status_now = status.new if status is not None else record.get("status")

    namespace["__init__"] = init
    return type("EventVariables", (BaseVariables,), namespace)


def business_rules_runner() -> Callable[[list[dict[str, Any]], DomainEvent, dict[str, Any]], int]:
    """A function running business-rules data on one event and counting the actions."""
    from business_rules import run_all  # noqa: PLC0415 - only this benchmark installs it
    from business_rules.actions import BaseActions, rule_action  # noqa: PLC0415
    from business_rules.fields import FIELD_TEXT  # noqa: PLC0415

    variables_class = _variables_class()
    placeholder = re.compile(r"\{\{\s*([a-z_]+)\s*\}\}")

    class Commands(BaseActions):
        def __init__(self, record: dict[str, Any]) -> None:
            self.record, self.commands = record, []

        @rule_action(params={"text": FIELD_TEXT})
        def send_message(self, text: str) -> None:
            filled = placeholder.sub(lambda m: str(self.record.get(m.group(1), "")), text)
            self.commands.append(("send_message", filled))

        @rule_action(params={"title": FIELD_TEXT})
        def create_task(self, title: str) -> None:
            self.commands.append(("create_task", title))

    def run(rules: list[dict[str, Any]], event: DomainEvent, record: dict[str, Any]) -> int:
        commands = Commands(record)
        run_all(rules, variables_class(event, record), commands)
        return len(commands.commands)

    return run


def _kind_of(event: DomainEvent) -> str:
    if event.action in ("created", "changed", "stage_set"):
        return event.action
    return "status_set" if event.action in STATUS_ACTIONS else "changed"


def measure(
    label: str, events: list[Any], call: Callable[[Any], int], **extra: Any
) -> dict[str, Any]:
    """The best of ``REPEAT`` passes over ``events`` (each engine alike), as a JSON line.

    Timed in CPU time of this process, so that other work on a shared machine skews less.
    """
    timings = []
    for _ in range(REPEAT):
        started = time.process_time()
        commands = sum(call(item) for item in events)
        timings.append(time.process_time() - started)
    seconds = min(timings)
    rate = round(len(events) / seconds)
    figure = {"benchmark": label, "events": len(events), "seconds": round(seconds, 4),
              "events_per_second": rate, "commands": commands, **extra}  # fmt: skip
    print(json.dumps(figure), flush=True)
    return figure


def _ours(
    engine: RuleEngine, contexts: list[Any]
) -> tuple[Callable[[Any], int], dict[str, Any], dict[str, Any]]:
    """Measure the engine plainly, on a handful of rules, by rules met, and explained; the
    plain call, its figure and the handful's figure."""
    sample = contexts[:10_000]
    candidates = sum(len(engine.candidates(event)) for event, _ in sample) / len(sample)

    def ours(item: tuple[DomainEvent, RuleContext]) -> int:
        return len(engine.process(item[0], context=item[1], now=NOW).commands)

    def explained(item: tuple[DomainEvent, RuleContext]) -> int:
        return len(engine.process(item[0], context=item[1], now=NOW, explain=True).commands)

    plain = measure("rules.process", contexts, ours, candidates_per_event=round(candidates, 2))
    met = [len(engine.candidates(event)) for event, _ in contexts]
    handful = [item for item, count in zip(contexts, met, strict=True) if count <= HANDFUL]
    met_by_few = sum(count for count in met if count <= HANDFUL) / len(handful)
    few = measure("rules.process_handful", handful, ours, at_most_rules=HANDFUL,
                  candidates_per_event=round(met_by_few, 2))  # fmt: skip
    for low, high in ((0, 2), (3, 5), (6, 10), (11, 10_000)):
        group = [item for item, count in zip(contexts, met, strict=True) if low <= count <= high]
        if group:
            measure(f"rules.process_meeting_{low}_to_{min(high, 999)}_rules", group, ours)
    traced = measure("rules.process_explain", contexts, explained)
    overhead = traced["seconds"] / plain["seconds"]
    print(json.dumps({"benchmark": "rules.explain_overhead", "ratio": round(overhead, 2)}))
    return ours, plain, few


def main(argv: Iterable[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rules", type=int, default=1000)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--baseline-events", type=int, default=2000)
    args = parser.parse_args(list(argv) if argv is not None else None)
    rng = random.Random(7)
    rules = make_rules(args.rules, rng)
    records = {entity: make_records(entity, 1000, rng) for entity in ENTITIES}
    events = make_events(args.events, records, rng)
    contexts = [(event, RuleContext(record=record)) for event, record in events]
    started = time.perf_counter()
    engine = RuleEngine(rules, schemas=default_schemas())
    build = round(time.perf_counter() - started, 4)
    print(json.dumps({"benchmark": "rules.compile", "rules": len(rules), "seconds": build}))
    ours, plain, few = _ours(engine, contexts)
    linear = RuleEngine(rules, schemas=default_schemas(), index_conditions=False)

    def asked_in_turn(item: tuple[DomainEvent, RuleContext]) -> int:
        return len(linear.process(item[0], context=item[1], now=NOW).commands)

    measure("rules.process_linear", contexts, asked_in_turn)
    run = business_rules_runner()
    translated = {rule.id: to_business_rules(rule) for rule in rules}
    every = list(translated.values())
    sample = events[: args.baseline_events]
    naive = measure("business_rules.run_all", sample, lambda item: run(every, *item))
    indexed = measure(
        "business_rules.indexed_by_crmcore", events[: args.baseline_events * 10],
        lambda item: run([translated[r.id] for r in engine.candidates(item[0])], *item),
    )  # fmt: skip
    ours_on_sample = sum(ours(item) for item in contexts[: args.baseline_events])
    assert ours_on_sample == naive["commands"], (ours_on_sample, naive["commands"])
    rate = plain["events_per_second"]
    print(json.dumps({
        "benchmark": "rules.summary", "rules": len(rules),
        "speedup_vs_business_rules": round(rate / naive["events_per_second"], 1),
        "speedup_vs_business_rules_indexed": round(rate / indexed["events_per_second"], 1),
        "events_per_second": rate, "events_per_second_handful": few["events_per_second"],
        "target_speedup": 20, "target_events_per_second": 100_000,
        "same_commands_on_sample": True,
    }))  # fmt: skip


if __name__ == "__main__":
    main()
