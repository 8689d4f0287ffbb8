"""The demo's automation chapter: the rules the CRM stores, every command they gave during
the story (carried out through the area services or put in the outbox), and one explain
trace of a rule that did not fire."""

from __future__ import annotations

from collections.abc import Iterator

from crmcore.deals import DealOpened
from crmcore.demo.story import STAFF, Story
from crmcore.demo.world import table
from crmcore.rules import Command, RuleContext, RuleEngine

__all__ = ["chapter"]


def _row(command: Command) -> list[str]:
    action = command.action
    shown = getattr(action, "text", None) or getattr(action, "title", None) or ""
    shown = shown or getattr(action, "subject", None) or getattr(action, "url", None) or ""
    if command.assignment is not None:
        shown = f"{command.assignment.user}: {command.assignment.reason}"
    return [command.rule_id, f"{command.entity}:{command.entity_id}", action.kind, shown]


def chapter(story: Story) -> Iterator[str]:
    """The stored rules, the commands they gave, and why one rule did not fire."""
    with story.crm.store.unit_of_work() as stored:
        rules = stored.rules.list()
        every = stored.rules.list(all_versions=True)
    yield f"{len(rules)} rules are stored:"
    yield from table(["rule", "version", "when"], [[r.id, str(r.version), r.name] for r in rules])
    commands = list(story.rule_commands())
    yield ""
    yield f"During the story the rules gave {len(commands)} commands:"
    yield from table(["rule", "record", "action", "details"], [_row(c) for c in commands])
    deal = story.crm.get("deal", "d-crates")
    engine = RuleEngine(every, schemas=story.crm.settings.schemas)
    opened = DealOpened(entity_id=deal.id, occurred_at=deal.created_at)
    context = RuleContext(record=deal, staff=STAFF)
    outcome = engine.process(opened, context=context, now=story.now, explain=True)
    yield ""
    for trace in outcome.trace:
        yield f"Why {trace.rule_id} did not fire for {deal.id} ({trace.reason}):"
        rows = [
            [node.path, node.field or "", node.op, str(node.actual), str(node.expected),
             str(node.result)]
            for node in trace.nodes
        ]  # fmt: skip
        yield from table(["node", "field", "op", "actual", "expected", "result"], rows)
