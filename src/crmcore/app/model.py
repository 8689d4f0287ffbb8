"""The application layer's own records: outbox messages and the recipients they resolve to."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import datetime

import attrs

from crmcore.rules.commands import Command
from crmcore.validation import (
    Model,
    aware_datetime,
    bounded_text,
    checks,
    each,
    identifier,
    instance_of,
    non_negative_int,
    optional,
    positive_int,
)

__all__ = ["OutboxMessage", "OutboxStatus", "Recipient"]


class OutboxStatus(enum.Enum):
    """Where a message is on its way out: waiting, delivered, or given up on."""

    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


@attrs.frozen(kw_only=True)
class Recipient(Model):
    """Whom a symbolic recipient (``"responsible"``, ``"head"``, ``"client"``, ...) turned out
    to be: a user or a contact, with the address found and why it was chosen."""

    symbol: str = attrs.field(metadata=checks(bounded_text(200)))
    user: str | None = attrs.field(default=None, metadata=checks(optional(identifier)))
    entity: str | None = attrs.field(default=None, metadata=checks(optional(identifier)))
    entity_id: str | None = attrs.field(default=None, metadata=checks(optional(identifier)))
    address: str | None = attrs.field(default=None, metadata=checks(optional(bounded_text(320))))
    explanation: str = attrs.field(metadata=checks(bounded_text(500)))


def _recipients(value: Iterable[Recipient]) -> tuple[Recipient, ...]:
    return tuple(value) if isinstance(value, Iterable) and not isinstance(value, str) else value


@attrs.frozen(kw_only=True)
class OutboxMessage(Model):
    """A command for the outside world, stored with the change that caused it.

    ``id`` is the idempotency key: deliver at least once, and let the receiver drop a
    message it has seen. ``attempts`` counts failed deliveries; after the outbox's
    ``max_attempts`` the message is :attr:`OutboxStatus.FAILED` and waits for a person.
    """

    id: str = attrs.field(metadata=checks(identifier))
    command: Command = attrs.field(metadata=checks(instance_of(Command)))
    recipients: tuple[Recipient, ...] = attrs.field(
        default=(), converter=_recipients, metadata=checks(each(instance_of(Recipient)))
    )
    created_at: datetime = attrs.field(metadata=checks(aware_datetime))
    status: OutboxStatus = attrs.field(
        default=OutboxStatus.PENDING, metadata=checks(instance_of(OutboxStatus))
    )
    attempts: int = attrs.field(default=0, metadata=checks(non_negative_int))
    last_error: str | None = attrs.field(
        default=None, metadata=checks(optional(bounded_text(2000, multiline=True)))
    )
    sent_at: datetime | None = attrs.field(default=None, metadata=checks(optional(aware_datetime)))
    version: int = attrs.field(default=1, metadata=checks(positive_int))

    @property
    def kind(self) -> str:
        """The kind of action the message carries (``"sms_client"``, ``"call_webhook"``, ...)."""
        return self.command.action.kind
