"""The outbox as a host drains it: what is pending, and marking each message sent or failed.

Delivery is at least once: a worker hands each pending message to the host's
:class:`~crmcore.rules.ActionHandler` for its kind and marks it sent only after the handler
returned; the message's ``id`` is the idempotency key a receiver uses to drop repeats. A
handler that raises leaves the message pending with the error noted, until
``max_attempts`` failures mark it failed for a person to look at.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Protocol, runtime_checkable

import attrs

from crmcore.app.model import OutboxMessage, OutboxStatus
from crmcore.app.store import Store
from crmcore.errors import DomainValidationError
from crmcore.rules import ActionHandler
from crmcore.validation import aware_datetime, bounded_text, raise_violations

__all__ = ["Delivery", "MessageHandler", "Outbox"]

_ERROR_LIMIT = 2000


@runtime_checkable
class MessageHandler(Protocol):
    """A handler that wants the whole message: its id (the idempotency key to send along)
    and the resolved recipients, beside the command."""

    def deliver(self, message: OutboxMessage) -> None:
        """Deliver ``message``; raise to leave it pending."""
        ...


@attrs.frozen(kw_only=True)
class Delivery:
    """What one :meth:`Outbox.deliver` did: the ids sent, and those that failed with why."""

    sent: tuple[str, ...] = ()
    failed: tuple[tuple[str, str], ...] = ()
    skipped: tuple[str, ...] = ()


class Outbox:
    """The outbox of one store."""

    def __init__(self, store: Store, *, max_attempts: int) -> None:
        self._store = store
        self._max_attempts = max_attempts

    def pending(self, *, limit: int | None = None) -> list[OutboxMessage]:
        """Up to ``limit`` messages waiting to be delivered, oldest first."""
        with self._store.unit_of_work() as repositories:
            return repositories.outbox.find(status=OutboxStatus.PENDING, limit=limit)

    def failed(self, *, limit: int | None = None) -> list[OutboxMessage]:
        """Up to ``limit`` messages given up on, oldest first."""
        with self._store.unit_of_work() as repositories:
            return repositories.outbox.find(status=OutboxStatus.FAILED, limit=limit)

    def get(self, message_id: str) -> OutboxMessage:
        """The message ``message_id``, else ``EntityNotFoundError``."""
        with self._store.unit_of_work() as repositories:
            return repositories.outbox.get(message_id)

    def mark_sent(self, message_id: str, *, now: datetime) -> OutboxMessage:
        """Mark a message delivered; marking a sent one again changes nothing."""
        raise_violations(aware_datetime("now", now))
        with self._store.unit_of_work() as repositories:
            message = repositories.outbox.get(message_id)
            if message.status is OutboxStatus.SENT:
                return message
            sent = attrs.evolve(
                message, status=OutboxStatus.SENT, sent_at=now, version=message.version + 1
            )
            repositories.outbox.save(sent, expected_version=message.version)
            return sent

    def mark_failed(self, message_id: str, reason: str, *, now: datetime) -> OutboxMessage:
        """Note a failed delivery: the message stays pending until its attempts run out."""
        raise_violations(aware_datetime("now", now))
        if isinstance(reason, str):
            reason = reason[:_ERROR_LIMIT]
        raise_violations(bounded_text(_ERROR_LIMIT, multiline=True)("reason", reason))
        with self._store.unit_of_work() as repositories:
            message = repositories.outbox.get(message_id)
            if message.status is OutboxStatus.SENT:
                raise DomainValidationError.single(
                    "message_id", "was delivered already", value=message_id
                )
            attempts = message.attempts + 1
            status = OutboxStatus.FAILED if attempts >= self._max_attempts else OutboxStatus.PENDING
            failed = attrs.evolve(
                message,
                status=status,
                attempts=attempts,
                last_error=reason,
                version=message.version + 1,
            )
            repositories.outbox.save(failed, expected_version=message.version)
            return failed

    def retry(self, message_id: str) -> OutboxMessage:
        """Put a failed message back to pending, its attempts counted anew."""
        with self._store.unit_of_work() as repositories:
            message = repositories.outbox.get(message_id)
            if message.status is not OutboxStatus.FAILED:
                raise DomainValidationError.single("message_id", "has not failed", value=message_id)
            again = attrs.evolve(
                message, status=OutboxStatus.PENDING, attempts=0, version=message.version + 1
            )
            repositories.outbox.save(again, expected_version=message.version)
            return again

    def deliver(
        self,
        handlers: Mapping[str, ActionHandler | MessageHandler],
        *,
        now: datetime,
        limit: int | None = None,
    ) -> Delivery:
        """Hand each pending message to the handler of its kind (the whole message to a
        :class:`MessageHandler`, the command to an :class:`~crmcore.rules.ActionHandler`), then
        mark it sent, or failed with the handler's error; a kind without a handler is skipped
        and stays pending."""
        sent: list[str] = []
        failed: list[tuple[str, str]] = []
        skipped: list[str] = []
        for message in self.pending(limit=limit):
            handler = handlers.get(message.kind)
            if handler is None:
                skipped.append(message.id)
                continue
            try:
                if isinstance(handler, MessageHandler):
                    handler.deliver(message)
                else:
                    handler.handle(message.command)
            except Exception as error:
                reason = f"{type(error).__name__}: {error}"
                self.mark_failed(message.id, reason, now=now)
                failed.append((message.id, reason))
                continue
            self.mark_sent(message.id, now=now)
            sent.append(message.id)
        return Delivery(sent=tuple(sent), failed=tuple(failed), skipped=tuple(skipped))
