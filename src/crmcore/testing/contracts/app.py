"""The contract suites of the application layer's own records: the outbox and the tick log."""

from __future__ import annotations

from abc import ABC, abstractmethod
from datetime import timedelta, timezone
from typing import Any, ClassVar

import attrs
import pytest

from crmcore.app.model import OutboxMessage, OutboxStatus, Recipient
from crmcore.app.repository import OutboxRepository, TickLog
from crmcore.errors import DomainValidationError, DuplicateEntityError
from crmcore.ids import RuleId
from crmcore.rules.actions import CallWebhook, SmsToClient
from crmcore.rules.commands import Command
from crmcore.testing.contracts._common import (
    CREATED_AT,
    Contract,
    VersionedRepositoryContract,
    run_in_threads,
)

__all__ = ["OutboxRepositoryContract", "TickLogContract"]

# The same instant as CREATED_AT + 3 hours, written at another offset.
_MOSCOW = timezone(timedelta(hours=3))


def _message(message_id: str = "m-1", **changes: Any) -> OutboxMessage:
    message = OutboxMessage(
        id=message_id,
        command=Command(
            rule_id=RuleId("r-1"),
            rule_version=1,
            entity="deal",
            entity_id="d-1",
            action=CallWebhook(url="https://example.com/hooks/deal"),
            caused_by="deal.created",
        ),
        created_at=CREATED_AT,
    )
    return attrs.evolve(message, **changes)


class OutboxRepositoryContract(VersionedRepositoryContract[OutboxMessage], ABC):
    """The behaviour every :class:`~crmcore.app.OutboxRepository` must show."""

    entity_type: ClassVar[str] = "outbox_message"

    @abstractmethod
    def make_repository(self) -> OutboxRepository:
        """A new, empty outbox."""

    def make_message(self, message_id: str = "m-1", **changes: Any) -> OutboxMessage:
        """A valid pending message carrying a webhook call; ``changes`` override."""
        return _message(message_id, **changes)

    def make_entity(self) -> OutboxMessage:
        """The message of :meth:`make_message`."""
        return self.make_message()

    def moved(self, entity: OutboxMessage) -> OutboxMessage:
        """``entity`` failed for good."""
        return attrs.evolve(entity, status=OutboxStatus.FAILED, attempts=5, last_error="timeout")

    def found_by_keys(
        self, repository: OutboxRepository, entity: OutboxMessage
    ) -> list[list[OutboxMessage]]:
        """The messages of ``entity``'s status."""
        return [repository.find(status=entity.status)]

    test_save_of_a_message_never_added_raises_not_found = (
        VersionedRepositoryContract.save_of_an_entity_never_added_raises_not_found
    )

    def test_get_returns_an_equal_message_with_every_field(self) -> None:
        outbox = self.make_repository()
        message = self.make_message(
            "m-full",
            command=attrs.evolve(
                _message().command, action=SmsToClient(text="Ваш заказ готов"), dry_run=True
            ),
            recipients=(
                Recipient(
                    symbol="client",
                    entity="contact_person",
                    entity_id="c-1",
                    address="+74951234567",
                    explanation="the deal's contact person",
                ),
                Recipient(symbol="responsible", user="u-1", explanation="the deal's manager"),
            ),
            status=OutboxStatus.SENT,
            attempts=2,
            last_error="gateway said 503\nretried",
            sent_at=CREATED_AT.astimezone(_MOSCOW) + timedelta(minutes=5),
        )
        outbox.add(message)
        assert outbox.get(message.id) == message

    def test_find_orders_by_creation_time_across_offsets_then_id(self) -> None:
        outbox = self.make_repository()
        # m-3 is the earliest instant although its local time reads later.
        outbox.add(self.make_message("m-1", created_at=CREATED_AT + timedelta(hours=1)))
        outbox.add(self.make_message("m-2", created_at=CREATED_AT))
        outbox.add(self.make_message("m-3", created_at=CREATED_AT.astimezone(_MOSCOW)))
        outbox.add(self.make_message("m-0", created_at=CREATED_AT - timedelta(minutes=1)))
        assert [m.id for m in outbox.find()] == ["m-0", "m-2", "m-3", "m-1"]
        assert [m.id for m in outbox.find(limit=2)] == ["m-0", "m-2"]
        assert outbox.find(limit=0) == []

    def test_find_filters_by_status(self) -> None:
        outbox = self.make_repository()
        outbox.add(self.make_message("m-1"))
        outbox.add(self.make_message("m-2", status=OutboxStatus.SENT, sent_at=CREATED_AT))
        outbox.add(self.make_message("m-3", status=OutboxStatus.FAILED, attempts=3))
        assert [m.id for m in outbox.find(status=OutboxStatus.PENDING)] == ["m-1"]
        assert [m.id for m in outbox.find(status=OutboxStatus.SENT)] == ["m-2"]
        assert [m.id for m in outbox.find(status=OutboxStatus.FAILED, limit=1)] == ["m-3"]

    def test_find_refuses_a_negative_limit(self) -> None:
        outbox = self.make_repository()
        with pytest.raises(DomainValidationError) as raised:
            outbox.find(limit=-1)
        assert raised.value.field == "limit"

    def test_concurrent_adds_of_one_id_keep_one(self) -> None:
        self.require_concurrency()
        outbox = self.make_repository()
        added: list[int] = []

        def worker(number: int) -> None:
            try:
                outbox.add(self.make_message("m-1", attempts=number))
            except DuplicateEntityError:
                return
            added.append(number)

        run_in_threads(worker, count=self.thread_count)
        assert len(added) == 1
        assert outbox.get("m-1").attempts == added[0]


class TickLogContract(Contract, ABC):
    """The behaviour every :class:`~crmcore.app.TickLog` must show."""

    @abstractmethod
    def make_repository(self) -> TickLog:
        """A new, empty tick log."""

    def test_a_recorded_key_has_fired_and_others_have_not(self) -> None:
        ticks = self.make_repository()
        assert not ticks.fired("reminder:i-1:0")
        ticks.record("reminder:i-1:0", at=CREATED_AT)
        assert ticks.fired("reminder:i-1:0")
        assert not ticks.fired("reminder:i-1:1")

    def test_recording_a_key_twice_raises_duplicate(self) -> None:
        ticks = self.make_repository()
        ticks.record("due:r-1:d-1", at=CREATED_AT)
        with pytest.raises(DuplicateEntityError) as raised:
            ticks.record("due:r-1:d-1", at=CREATED_AT + timedelta(minutes=1))
        assert (raised.value.entity_type, raised.value.entity_id) == ("fired", "due:r-1:d-1")

    def test_recording_a_naive_moment_is_rejected_and_records_nothing(self) -> None:
        ticks = self.make_repository()
        with pytest.raises(DomainValidationError) as raised:
            ticks.record("k", at=CREATED_AT.replace(tzinfo=None))
        assert raised.value.field == "at"
        assert not ticks.fired("k")

    def test_the_watermark_starts_empty_and_moves_forward(self) -> None:
        ticks = self.make_repository()
        assert ticks.watermark() is None
        ticks.advance(CREATED_AT)
        assert ticks.watermark() == CREATED_AT
        ticks.advance(CREATED_AT)
        later = CREATED_AT.astimezone(_MOSCOW) + timedelta(minutes=5)
        ticks.advance(later)
        assert ticks.watermark() == later

    def test_the_watermark_does_not_move_back(self) -> None:
        ticks = self.make_repository()
        ticks.advance(CREATED_AT)
        # Earlier as an instant, although its local time reads later.
        earlier = (CREATED_AT - timedelta(seconds=1)).astimezone(_MOSCOW)
        with pytest.raises(DomainValidationError) as raised:
            ticks.advance(earlier)
        assert raised.value.field == "to"
        assert ticks.watermark() == CREATED_AT

    def test_advancing_to_a_naive_moment_is_rejected(self) -> None:
        ticks = self.make_repository()
        with pytest.raises(DomainValidationError) as raised:
            ticks.advance(CREATED_AT.replace(tzinfo=None))
        assert raised.value.field == "to"
        assert ticks.watermark() is None

    def test_concurrent_records_of_one_key_keep_one(self) -> None:
        self.require_concurrency()
        ticks = self.make_repository()
        recorded: list[int] = []

        def worker(number: int) -> None:
            try:
                ticks.record("due:r-1:d-1", at=CREATED_AT + timedelta(seconds=number))
            except DuplicateEntityError:
                return
            recorded.append(number)

        run_in_threads(worker, count=self.thread_count)
        assert len(recorded) == 1
        assert ticks.fired("due:r-1:d-1")
