"""Benchmark of crmcore.rules with every rule on one trigger; prints one JSON object per line.

The hard case of indexed conditions: 1,000 and 10,000 rules, all "new request where ..." (one
trigger of one entity), as admins write them: an amount range (``gt`` or ``between``), a
region by equality, a source by equality or membership, and sometimes a product prefix or a
word in the company name; one in a hundred tests only a big amount, one only a word. Every
event meets every rule, and a handful fire for it. Side by side in the same run: the engine
with its alpha network, the same engine asking every rule in turn
(``index_conditions=False``), a hand-written Python loop over the same rules, and venmo's
``business-rules`` (``pip install business-rules``, for this benchmark only) on a sample.
Each engine must fire the same rules as the hand-written loop. Every figure is CPU time,
the best of three passes. Run from the repository root::

    python benchmarks/rules/bench_one_trigger.py --events 20000
"""

from __future__ import annotations

import argparse
import json
import random
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from bench_rules import business_rules_runner, measure, to_business_rules

from crmcore.events import DomainEvent
from crmcore.requests import RequestRegistered
from crmcore.rules import (
    AllOf,
    Condition,
    FieldCondition,
    Rule,
    RuleContext,
    RuleEngine,
    SendMessage,
    Trigger,
    TriggerKind,
    default_schemas,
)

NOW = datetime(2026, 6, 1, 9, tzinfo=UTC)
REGIONS = tuple(f"region-{n}" for n in range(40))
SOURCES = ("web", "call", "email", "fair", "partner", "ads", "referral", "chat")
PRODUCTS = tuple(f"{stem}-{n}" for stem in ("tea", "cups", "kettle", "pot") for n in range(10))
WORDS = ("trade", "group", "foods", "tech", "steel", "union")
TRIGGER = Trigger(entity="request", on=TriggerKind.CREATED)


def _range(rng: random.Random) -> FieldCondition:
    low = rng.randrange(0, 900_000, 1000)
    if rng.random() < 0.5:
        return FieldCondition(field="amount", op="gt", value=low)
    return FieldCondition(field="amount", op="between", value=(low, low + 200_000))


def _condition(rng: random.Random) -> Condition:
    draw = rng.random()
    if draw < 0.01:  # the biggest deals, whatever their region
        return FieldCondition(field="amount", op="gt", value=rng.randrange(950_000, 999_000))
    if draw < 0.02:
        return FieldCondition(field="company", op="contains", value="holding")
    leaves = [_range(rng), FieldCondition(field="region", op="eq", value=rng.choice(REGIONS))]
    if rng.random() < 0.5:
        leaves.append(FieldCondition(field="source", op="eq", value=rng.choice(SOURCES)))
    else:
        sources = tuple(rng.sample(SOURCES, 3))
        leaves.append(FieldCondition(field="source", op="in", value=sources))
    if rng.random() < 0.3:
        prefix = rng.choice(PRODUCTS)[:3]
        leaves.append(FieldCondition(field="product", op="starts_with", value=prefix))
    if rng.random() < 0.2:
        leaves.append(FieldCondition(field="company", op="contains", value=rng.choice(WORDS)))
    return AllOf(all=tuple(leaves))


def make_rules(count: int, rng: random.Random) -> list[Rule]:
    """``count`` rules, every one on new requests."""
    then = (SendMessage(text="New request from {{ region }}"),)
    return [
        Rule(
            id=f"r{number:05}",
            name=f"Rule {number}",
            priority=rng.randint(0, 5),
            trigger=TRIGGER,
            when=_condition(rng),
            then=then,
        )
        for number in range(count)
    ]


def make_events(count: int, rng: random.Random) -> list[tuple[DomainEvent, dict[str, Any]]]:
    """``count`` new requests with their records."""
    events = []
    for number in range(count):
        record = {
            "id": f"q-{number}", "amount": Decimal(rng.randrange(0, 1_000_000, 100)),
            "region": rng.choice(REGIONS), "source": rng.choice(SOURCES),
            "product": rng.choice(PRODUCTS),
            "company": f"{rng.choice(WORDS)} {rng.choice(WORDS)} "
                       + ("holding" if rng.random() < 0.05 else "ltd"),
        }  # fmt: skip
        events.append((RequestRegistered(entity_id=record["id"], occurred_at=NOW), record))
    return events


def _leaf_check(leaf: FieldCondition) -> Callable[[dict[str, Any]], bool]:
    """One leaf as a hand-written Python test."""
    field, value = leaf.field, leaf.value
    if leaf.op == "gt":
        return lambda record: record[field] > value
    if leaf.op == "between":
        assert isinstance(value, tuple)
        low, high = value
        return lambda record: low <= record[field] <= high
    if leaf.op == "eq":
        return lambda record: record[field] == value
    if leaf.op == "in":
        assert isinstance(value, tuple)
        members = frozenset(value)
        return lambda record: record[field] in members
    assert isinstance(value, str)
    if leaf.op == "starts_with":
        return lambda record: record[field].casefold().startswith(value)
    return lambda record: value in record[field].casefold()


def hand_written(rules: list[Rule]) -> Callable[[dict[str, Any]], list[str]]:
    """The rules as a hand-written loop: plain tests per rule, in running order."""
    ordered = sorted(rules, key=lambda rule: (-rule.priority, rule.id))
    checks = []
    for rule in ordered:
        assert rule.when is not None
        leaves = rule.when.all if isinstance(rule.when, AllOf) else (rule.when,)
        checks.append((rule.id, tuple(_leaf_check(leaf) for leaf in leaves)))  # type: ignore[arg-type]

    def fired(record: dict[str, Any]) -> list[str]:
        found = []
        for rule_id, tests in checks:
            for test in tests:
                if not test(record):
                    break
            else:
                found.append(rule_id)
        return found

    return fired


def run(count: int, events: list[tuple[DomainEvent, dict[str, Any]]], samples: int) -> None:
    rng = random.Random(count)
    rules = make_rules(count, rng)
    started = time.process_time()
    engine = RuleEngine(rules, schemas=default_schemas())
    compiled = time.process_time() - started
    contexts = [(event, RuleContext(record=record)) for event, record in events]
    first = time.process_time()
    engine.process(contexts[0][0], context=contexts[0][1], now=NOW)  # builds the network
    network = time.process_time() - first
    print(json.dumps({"benchmark": "one_trigger.compile", "rules": count,
                      "seconds": round(compiled, 4),
                      "first_event_seconds": round(network, 4)}))  # fmt: skip
    linear = RuleEngine(rules, schemas=default_schemas(), index_conditions=False)
    loop = hand_written(rules)

    def fired_by(chosen: RuleEngine) -> Callable[[tuple[DomainEvent, RuleContext]], int]:
        return lambda item: len(chosen.process(item[0], context=item[1], now=NOW).commands)

    ours = measure("one_trigger.indexed", contexts, fired_by(engine), rules=count)
    fired = [fired_by(engine)(item) for item in contexts]
    by_fired = {"none": [i for i, n in zip(contexts, fired, strict=True) if n == 0],
                "one": [i for i, n in zip(contexts, fired, strict=True) if n == 1]}  # fmt: skip
    for label, group in by_fired.items():
        if group:
            measure(f"one_trigger.indexed_firing_{label}", group, fired_by(engine), rules=count)
    plain = measure("one_trigger.linear", contexts[:samples], fired_by(linear), rules=count)
    hand = measure("one_trigger.hand_written_loop", events[:samples],
                   lambda item: len(loop(item[1])), rules=count)  # fmt: skip
    for event, context in contexts[:samples]:
        got = [c.rule_id for c in engine.process(event, context=context, now=NOW).commands]
        assert got == loop(context.record), event.entity_id  # type: ignore[arg-type]
    translated = [to_business_rules(rule) for rule in rules]
    runner = business_rules_runner()
    few = events[: max(samples // 20, 20)]
    baseline = measure("one_trigger.business_rules", few,
                       lambda item: runner(translated, *item), rules=count)  # fmt: skip
    assert baseline["commands"] == sum(len(loop(record)) for _, record in few)
    rate = ours["events_per_second"]
    print(json.dumps({
        "benchmark": "one_trigger.summary", "rules": count, "events_per_second": rate,
        "rules_fired_per_event": round(sum(fired) / len(fired), 2),
        "speedup_vs_linear": round(rate / plain["events_per_second"], 1),
        "speedup_vs_hand_written_loop": round(rate / hand["events_per_second"], 2),
        "speedup_vs_business_rules": round(rate / baseline["events_per_second"], 1),
        "compile_seconds": round(compiled + network, 4), "same_rules_fired": True,
        "target_events_per_second": 100_000 if count <= 1000 else None,
        "target_speedup_vs_business_rules": 300, "target_vs_hand_written_loop": 0.5,
    }))  # fmt: skip


def main(argv: Iterable[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rules", type=int, nargs="+", default=[1000, 10_000])
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--samples", type=int, default=2000)
    args = parser.parse_args(list(argv) if argv is not None else None)
    events = make_events(args.events, random.Random(11))
    for count in args.rules:
        run(count, events, min(args.samples, args.events))


if __name__ == "__main__":
    main()
