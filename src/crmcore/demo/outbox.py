"""The demo's outbox chapter: the SMS, emails, webhooks, messages and tasks the rules asked
for, each with the recipients the CRM resolved and why; a tick that fires a date rule once;
and a delivery where the ERP is down at first, at least once with idempotency keys."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import attrs

from crmcore.app.model import OutboxMessage
from crmcore.demo.story import Story
from crmcore.demo.world import table
from crmcore.rules import Command

__all__ = ["chapter"]


@attrs.define
class _Gateway:
    """A host's delivery channel of one kind: what it was handed, and how often it is down."""

    down: int = 0
    handed: list[Command] = attrs.field(factory=list)

    def handle(self, command: Command) -> None:
        if self.down > 0:
            self.down -= 1
            raise ConnectionError("erp.example did not answer")
        self.handed.append(command)


def chapter(story: Story) -> Iterator[str]:
    """The pending outbox, a tick, and two delivery rounds."""
    pending = story.crm.outbox.pending()
    yield f"{len(pending)} messages wait in the outbox, stored with the changes that caused them:"
    yield from _messages(story, pending)
    yield ""
    ticked = story.crm.tick(story.now)
    fired = ", ".join(f"{m.command.rule_id}: {m.command.action.kind}" for m in ticked.outbox)
    yield f"crm.tick(now) fired {len(ticked.triggers)} date trigger(s): {fired or 'nothing'}"
    yield from _messages(story, list(ticked.outbox))
    again = story.crm.tick(story.now)
    repeated = len(again.triggers) + len(again.reminders)
    yield f"The same tick again fires {repeated}: each trigger fires once."
    yield ""
    gateways = {kind: _Gateway() for kind in
                ("sms_client", "email_client", "send_message", "create_task")}  # fmt: skip
    gateways["call_webhook"] = _Gateway(down=1)
    first = story.crm.outbox.deliver(gateways, now=story.now)
    yield f"Delivery: {len(first.sent)} sent, {len(first.failed)} failed, left pending:"
    for message_id, reason in first.failed:
        message = story.crm.outbox.get(message_id)
        rule = message.command.rule_id
        yield f"  {message.kind} of {rule}: {reason} (attempt {message.attempts})"
    later = story.crm.outbox.deliver(gateways, now=story.now + timedelta(minutes=5))
    left = len(story.crm.outbox.pending())
    yield f"Five minutes later: {len(later.sent)} sent; pending now: {left}"
    handed = sum(len(g.handed) for g in gateways.values())
    yield f"The gateways were handed {handed} commands; each message id is its idempotency key."


def _messages(story: Story, messages: list[OutboxMessage]) -> Iterator[str]:
    """One row per resolved recipient; messages of one moment in the order of their rules
    (the outbox orders them by id there, and ids are random)."""
    rows = []
    for message in sorted(messages, key=lambda m: (m.created_at, m.command.rule_id, m.kind)):
        command = message.command
        action = command.action
        what = (getattr(action, "text", None) or getattr(action, "subject", None)
                or getattr(action, "title", None) or getattr(action, "body", ""))  # fmt: skip
        for recipient in message.recipients or ():
            to = recipient.user or recipient.address or "-"
            rows.append([message.kind, command.rule_id, f"{command.entity}:{command.entity_id}",
                         f"{recipient.symbol} -> {to}", recipient.explanation, what])  # fmt: skip
    yield from table(["kind", "rule", "record", "to", "why", "what"], rows)
