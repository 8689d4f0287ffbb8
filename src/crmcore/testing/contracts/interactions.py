"""The contract suite of the interactions area's repository."""

from __future__ import annotations

from abc import ABC, abstractmethod
from datetime import datetime, timedelta
from typing import Any, ClassVar

import attrs
import pytest

from crmcore.errors import (
    DomainValidationError,
)
from crmcore.ids import EntityRef, InteractionId, PartnerId, UserId
from crmcore.interactions.kinds import Direction, InteractionKind, InteractionStatus
from crmcore.interactions.model import Interaction, Participant, Reminder
from crmcore.interactions.repository import InteractionRepository
from crmcore.testing.contracts._common import (
    CREATED_AT,
    MOMENTS_IN_ZONES,
    PHONE_A,
    VersionedRepositoryContract,
    in_zone,
    instant,
    windows_in_zones,
)

__all__ = ["InteractionRepositoryContract"]

HOUR = timedelta(hours=1)
DEAL = EntityRef(entity_type="deal", entity_id="d-1")


def _interaction(interaction_id: str = "i-1", **changes: Any) -> Interaction:
    interaction = Interaction(
        id=InteractionId(interaction_id), kind=InteractionKind.MEETING, topic="Визит на склад",
        start=CREATED_AT + HOUR, end=CREATED_AT + 2 * HOUR, author=UserId("u-1"),
        responsible=UserId("u-1"), partner_id=PartnerId("p-1"), created_at=CREATED_AT,
    )  # fmt: skip
    return attrs.evolve(interaction, **changes)


def _ids(found: list[Interaction]) -> list[str]:
    return [interaction.id for interaction in found]


def _overlapping(found: list[Interaction], start: datetime, end: datetime) -> list[Interaction]:
    """What :meth:`~crmcore.interactions.InteractionRepository.of_user` finds in ``found``,
    compared as instants."""
    low, high = instant(start), instant(end)
    return [
        i
        for i in found
        if instant(i.start) < high and (instant(i.end) > low or instant(i.start) >= low)
    ]


def _by_start(found: list[Interaction]) -> list[Interaction]:
    return sorted(found, key=lambda i: (instant(i.start), i.id))


class InteractionRepositoryContract(VersionedRepositoryContract[Interaction], ABC):
    """The behaviour every :class:`~crmcore.interactions.InteractionRepository` must show."""

    entity_type: ClassVar[str] = "interaction"

    @abstractmethod
    def make_repository(self) -> InteractionRepository:
        """A new, empty repository."""

    def make_interaction(self, interaction_id: str = "i-1", **changes: Any) -> Interaction:
        """A valid planned meeting of user ``u-1`` with partner ``p-1``, an hour long."""
        return _interaction(interaction_id, **changes)

    def make_full_interaction(self) -> Interaction:
        """A done incoming call with every field set, to check that nothing is lost."""
        return self.make_interaction(
            "i-full", kind=InteractionKind.CALL, topic="Цена на ящики", subject=DEAL,
            status=InteractionStatus.DONE, direction=Direction.INCOMING, reviewed=True,
            participants=(
                Participant(name="Анна", reach=PHONE_A),
                Participant(name="Сергей", ref=EntityRef(entity_type="user", entity_id="u-2")),
            ),
            location="Офис", duration=timedelta(minutes=7, seconds=30), result="Договорились",
            reminders=(Reminder(before=timedelta(minutes=15)), Reminder(at=CREATED_AT)),
            completed_at=CREATED_AT + 2 * HOUR, version=4,
        )  # fmt: skip

    def make_entity(self) -> Interaction:
        """The interaction of :meth:`make_interaction`."""
        return self.make_interaction()

    def moved(self, entity: Interaction) -> Interaction:
        """``entity`` handed to ``u-2``, with partner ``p-2``, in the chain about a deal."""
        return attrs.evolve(
            entity, responsible=UserId("u-2"), partner_id=PartnerId("p-2"), subject=DEAL
        )

    def found_by_keys(
        self, repository: InteractionRepository, entity: Interaction
    ) -> list[list[Interaction]]:
        """The interactions pending for ``entity``'s user, with its partner, in its chain."""
        found = [repository.pending(entity.responsible), repository.chain(entity.chain)]
        if entity.partner_id is not None:
            found.append(repository.history(entity.partner_id))
        return found

    test_save_of_an_interaction_never_added_raises_not_found = (
        VersionedRepositoryContract.save_of_an_entity_never_added_raises_not_found
    )

    def test_get_returns_an_equal_interaction_with_every_field(self) -> None:
        repository = self.make_repository()
        full = self.make_full_interaction()
        repository.add(full)
        repository.add(self.make_interaction())
        assert repository.get(full.id) == full
        assert repository.get(InteractionId("i-1")) == self.make_interaction()

    def test_pending_lists_planned_and_in_progress_by_start_then_id(self) -> None:
        repository = self.make_repository()
        done = {"status": InteractionStatus.DONE, "completed_at": CREATED_AT}
        for interaction in (
            self.make_interaction("i-3", start=CREATED_AT, end=CREATED_AT),
            self.make_interaction("i-2", status=InteractionStatus.IN_PROGRESS),
            self.make_interaction("i-1"),
            self.make_interaction("i-4", **done),
            self.make_interaction("i-5", status=InteractionStatus.CANCELLED),
            self.make_interaction("i-6", responsible=UserId("u-2")),
        ):
            repository.add(interaction)
        assert _ids(repository.pending(UserId("u-1"))) == ["i-3", "i-1", "i-2"]

    def test_overdue_lists_pending_interactions_past_their_end_by_end(self) -> None:
        repository = self.make_repository()
        now = CREATED_AT + 3 * HOUR
        for interaction in (
            self.make_interaction("i-1"),
            self.make_interaction("i-2", end=CREATED_AT + HOUR, responsible=UserId("u-2")),
            self.make_interaction("i-3", end=now),
            self.make_interaction("i-4", status=InteractionStatus.CANCELLED),
            self.make_interaction(
                "i-5", status=InteractionStatus.DONE, completed_at=CREATED_AT + 4 * HOUR
            ),
        ):
            repository.add(interaction)
        assert _ids(repository.overdue(now)) == ["i-2", "i-1"]
        assert _ids(repository.overdue(now, user=UserId("u-1"))) == ["i-1"]
        assert repository.overdue(CREATED_AT) == []

    def test_of_user_lists_every_status_overlapping_the_window(self) -> None:
        repository = self.make_repository()
        for interaction in (
            self.make_interaction("i-1", start=CREATED_AT, end=CREATED_AT + 5 * HOUR),
            self.make_interaction("i-2", status=InteractionStatus.CANCELLED),
            self.make_interaction("i-3", start=CREATED_AT + 4 * HOUR, end=CREATED_AT + 4 * HOUR),
            self.make_interaction("i-4", start=CREATED_AT + 6 * HOUR, end=CREATED_AT + 7 * HOUR),
            self.make_interaction("i-5", start=CREATED_AT - HOUR, end=CREATED_AT),
        ):
            repository.add(interaction)
        window: dict[str, Any] = {"start": CREATED_AT + 2 * HOUR, "end": CREATED_AT + 6 * HOUR}
        assert _ids(repository.of_user(UserId("u-1"), **window)) == ["i-1", "i-3"]
        window = {"start": CREATED_AT, "end": CREATED_AT + 6 * HOUR}
        assert _ids(repository.of_user(UserId("u-1"), **window)) == ["i-1", "i-2", "i-3"]
        assert repository.of_user(UserId("u-9"), **window) == []

    def test_windows_compare_moments_written_in_any_zone_as_instants(self) -> None:
        repository = self.make_repository()
        # Each lasts ten minutes and ends in another zone than it starts.
        interactions = [
            self.make_interaction(
                f"i-{number}", start=at, end=in_zone(instant(at) + HOUR / 6, number + 1)
            )
            for number, at in enumerate(MOMENTS_IN_ZONES)
        ]
        for interaction in reversed(interactions):
            repository.add(interaction)
        for start, end in windows_in_zones():
            found = repository.of_user(UserId("u-1"), start=start, end=end)
            assert _ids(found) == _ids(_by_start(_overlapping(interactions, start, end)))
            overdue = [i for i in interactions if instant(i.end) < instant(end)]
            overdue.sort(key=lambda i: (instant(i.end), i.id))
            assert _ids(repository.overdue(end)) == _ids(overdue), end
        assert _ids(repository.pending(UserId("u-1"))) == _ids(_by_start(interactions))
        newest_first = sorted(interactions, key=lambda i: (-instant(i.start).timestamp(), i.id))
        assert _ids(repository.history(PartnerId("p-1"))) == _ids(newest_first)

    def test_history_is_newest_first_and_limited(self) -> None:
        repository = self.make_repository()
        for index, hours in enumerate((1, 5, 3, 5)):
            at = CREATED_AT + hours * HOUR
            repository.add(self.make_interaction(f"i-{index}", start=at, end=at))
        repository.add(self.make_interaction("i-9", partner_id=PartnerId("p-2")))
        assert _ids(repository.history(PartnerId("p-1"))) == ["i-1", "i-3", "i-2", "i-0"]
        assert _ids(repository.history(PartnerId("p-1"), limit=2)) == ["i-1", "i-3"]
        assert repository.history(PartnerId("p-1"), limit=0) == []
        with pytest.raises(DomainValidationError) as raised:
            repository.history(PartnerId("p-1"), limit=-1)
        assert raised.value.field == "limit"

    def test_a_chain_is_listed_whole_in_order(self) -> None:
        repository = self.make_repository()
        first = self.make_interaction("i-1")
        later = CREATED_AT + 5 * HOUR
        repository.add(first)
        repository.add(self.make_interaction("i-3", subject=first.ref, start=later, end=later))
        repository.add(self.make_interaction("i-2", subject=first.ref))
        repository.add(self.make_interaction("i-4", subject=DEAL))
        assert _ids(repository.chain(first.ref)) == ["i-1", "i-2", "i-3"]
        assert _ids(repository.chain(DEAL)) == ["i-4"]

    def test_reminding_finds_pending_interactions_with_a_reminder_in_the_window(self) -> None:
        repository = self.make_repository()
        early = (Reminder(before=HOUR),)  # fires at CREATED_AT
        for interaction in (
            self.make_interaction("i-2", reminders=early),
            self.make_interaction("i-1", reminders=(Reminder(at=CREATED_AT + 3 * HOUR),)),
            self.make_interaction("i-3", reminders=early, status=InteractionStatus.CANCELLED),
            self.make_interaction("i-4"),
        ):
            repository.add(interaction)
        assert _ids(repository.reminding(CREATED_AT - HOUR, CREATED_AT)) == ["i-2"]
        assert _ids(repository.reminding(CREATED_AT, CREATED_AT + 3 * HOUR)) == ["i-1"]
        assert _ids(repository.reminding(CREATED_AT - HOUR, CREATED_AT + 9 * HOUR)) == [
            "i-1",
            "i-2",
        ]
