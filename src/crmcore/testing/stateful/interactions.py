"""Comparisons of interaction repositories."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, Final

from hypothesis import settings as Settings  # noqa: N812 - the class, beside the argument name
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from crmcore.ids import EntityRef, InteractionId, PartnerId, UserId
from crmcore.interactions.kinds import InteractionKind, InteractionStatus
from crmcore.interactions.model import Interaction, Reminder
from crmcore.interactions.repository import InteractionRepository
from crmcore.memory import MemoryInteractionRepository
from crmcore.testing.stateful._common import (
    _CREATED_AT,
    _NAMES,
    _comparison,
    _ids,
    _VersionedCalls,
    _zoned,
)

__all__ = ["interaction_repository_comparison"]

_INTERACTION_HOURS: Final = (0, 1, 2, 5)
_USERS: Final = ("u-1", "u-2")
_CHAINS: Final = (None, EntityRef(entity_type="deal", entity_id="d-1"))
_WHOLE_DAY: Final[dict[str, Any]] = {
    "start": _CREATED_AT - timedelta(days=1),
    "end": _CREATED_AT + timedelta(days=1),
}
_chain_subjects = st.sampled_from(_CHAINS[1:]) | _ids.map(
    lambda i: EntityRef(entity_type="interaction", entity_id=i)
)


@st.composite
def _pooled_interactions(draw: st.DrawFn) -> Interaction:
    status = draw(st.sampled_from(tuple(InteractionStatus)))
    # Start and end each in a zone of its own; the hours are added in UTC.
    start = _CREATED_AT + timedelta(hours=draw(st.sampled_from(_INTERACTION_HOURS)))
    end = draw(_zoned(st.just(start + timedelta(hours=draw(st.sampled_from(_INTERACTION_HOURS))))))
    start = draw(_zoned(st.just(start)))
    reminders = draw(st.lists(st.sampled_from(_INTERACTION_HOURS), max_size=2))
    return Interaction(
        id=InteractionId(draw(_ids)), kind=InteractionKind.MEETING,
        topic=draw(st.sampled_from(_NAMES)), subject=draw(st.sampled_from(_CHAINS)),
        start=start, end=end, author=UserId("u-1"),
        responsible=UserId(draw(st.sampled_from(_USERS))), status=status,
        partner_id=draw(st.sampled_from((None, PartnerId("p-1"), PartnerId("p-2")))),
        reminders=tuple(Reminder(before=timedelta(hours=hours)) for hours in reminders),
        completed_at=end if status is InteractionStatus.DONE else None,
        created_at=_CREATED_AT, version=draw(st.integers(min_value=1, max_value=3)),
    )  # fmt: skip


_moments = _zoned(
    st.sampled_from((-1, *_INTERACTION_HOURS, 7)).map(
        lambda hours: _CREATED_AT + timedelta(hours=hours)
    )
)
_users = st.sampled_from((*_USERS, "u-9")).map(UserId)


class _InteractionRepositoryCalls(
    _VersionedCalls[InteractionRepository], entities=_pooled_interactions(), entity_id=InteractionId
):
    """The calls compared on the reference and the subject interaction repository."""

    @rule(user=_users, now=_moments, by_user=st.booleans())
    def pending_and_overdue(self, user: UserId, now: datetime, by_user: bool) -> None:
        self.compare(lambda repository: repository.pending(user))
        chosen = user if by_user else None
        self.compare(lambda repository: repository.overdue(now, user=chosen))

    @rule(user=_users, start=_moments, end=_moments)
    def of_user_and_reminding(self, user: UserId, start: datetime, end: datetime) -> None:
        self.compare(lambda repository: repository.of_user(user, start=start, end=end))
        self.compare(lambda repository: repository.reminding(start, end))

    @rule(
        partner_id=st.sampled_from(("p-1", "p-2")).map(PartnerId),
        limit=st.none() | st.integers(min_value=0, max_value=3),
    )
    def history(self, partner_id: PartnerId, limit: int | None) -> None:
        self.compare(lambda repository: repository.history(partner_id, limit=limit))

    @rule(subject=_chain_subjects)
    def chain(self, subject: EntityRef) -> None:
        self.compare(lambda repository: repository.chain(subject))

    @invariant()
    def same_interactions(self) -> None:
        self.compare(lambda repository: repository.of_user(UserId("u-1"), **_WHOLE_DAY))
        self.compare(lambda repository: repository.of_user(UserId("u-2"), **_WHOLE_DAY))


def interaction_repository_comparison(
    make_repository: Callable[[], InteractionRepository], *, settings: Settings | None = None
) -> type[RuleBasedStateMachine]:
    """A state machine comparing ``make_repository()`` with ``MemoryInteractionRepository``."""
    return _comparison(
        _InteractionRepositoryCalls, MemoryInteractionRepository, make_repository, settings
    )
