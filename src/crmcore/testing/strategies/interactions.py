"""Strategies for the interactions area and the records of analytics
(:mod:`crmcore.interactions`, :mod:`crmcore.analytics`).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any, Final

from hypothesis import strategies as st

from crmcore.analytics.periods import Period
from crmcore.analytics.records import PartnerSales
from crmcore.events import DomainEvent
from crmcore.ids import InteractionId, PartnerId, UserId
from crmcore.interactions import (
    PARTICIPANT_TYPES,
    SUBJECT_TYPES,
    Direction,
    Interaction,
    InteractionChanged,
    InteractionCreated,
    InteractionKind,
    InteractionStatus,
    InteractionStatusChanged,
    Participant,
    Reminder,
)
from crmcore.testing.strategies._common import (
    _IDS,
    _PERSON_NAMES,
    _TIMESTAMPS,
    _VERSIONS,
    _WORD,
    Choices,
    _after,
    _free_text,
    _optional,
    _strategy,
    aware_datetimes,
)
from crmcore.testing.strategies.contacts import emails, phones
from crmcore.testing.strategies.kernel import domain_events, entity_refs, money

__all__ = [
    "INTERACTION_EVENTS",
    "interactions",
    "participants",
    "partner_sales",
    "periods",
    "reminders",
]

INTERACTION_EVENTS: Final[tuple[type[DomainEvent], ...]] = (
    InteractionCreated,
    InteractionChanged,
    InteractionStatusChanged,
)
"""The event classes of the interactions area."""

_MINUTES: Final = st.integers(min_value=0, max_value=7 * 24 * 60).map(
    lambda m: timedelta(minutes=m)
)
_PARTICIPANT_TYPES: Final = tuple(sorted(PARTICIPANT_TYPES))
_SUBJECT_TYPES: Final = tuple(sorted(SUBJECT_TYPES - {"interaction"}))


def participants() -> st.SearchStrategy[Participant]:
    """Participants known by name and how to reach them, linked, or both."""
    refs = entity_refs(entity_types=_PARTICIPANT_TYPES)
    reach = st.none() | emails().map(lambda e: e.address) | phones().map(lambda p: p.number)
    return st.one_of(
        st.builds(Participant, name=_PERSON_NAMES, reach=reach, ref=st.none() | refs),
        st.builds(Participant, ref=refs),
    )


def reminders() -> st.SearchStrategy[Reminder]:
    """Reminders some minutes before the start, or at a set moment."""
    return st.builds(Reminder, before=_MINUTES) | st.builds(Reminder, at=_TIMESTAMPS)


@st.composite
def interactions(
    draw: st.DrawFn,
    *,
    kinds: Choices[InteractionKind] = tuple(InteractionKind),
    statuses: Choices[InteractionStatus] = tuple(InteractionStatus),
) -> Interaction:
    """Interactions of ``kinds`` in ``statuses``, with the fields their kind allows."""
    kind, status = draw(_strategy(kinds)), draw(_strategy(statuses))
    start = draw(aware_datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2030, 1, 1)))
    end = _after(start, draw(_MINUTES))
    direction = draw(st.sampled_from(Direction)) if kind.directed else None
    return Interaction(
        id=InteractionId(draw(_IDS)), kind=kind, topic=draw(_free_text(max_size=60)),
        subject=draw(st.none() | entity_refs(entity_types=_SUBJECT_TYPES)),
        start=start, end=end, author=UserId(draw(_IDS)), responsible=UserId(draw(_IDS)),
        status=status, direction=direction,
        reviewed=direction is Direction.INCOMING and draw(st.booleans()),
        partner_id=draw(_optional(_IDS.map(PartnerId))),
        participants=tuple(draw(st.lists(participants(), max_size=3))),
        location=draw(st.none() | _WORD) if kind is InteractionKind.MEETING else None,
        duration=draw(st.none() | _MINUTES) if kind is InteractionKind.CALL else None,
        body_ref=draw(_optional(_IDS)) if kind is InteractionKind.EMAIL else None,
        result=draw(st.none() | _free_text(max_size=100, multiline=True)),
        reminders=tuple(draw(st.lists(reminders(), max_size=2))),
        completed_at=end if status is InteractionStatus.DONE else None,
        created_at=start - draw(_MINUTES), version=draw(_VERSIONS),
    )  # fmt: skip


def periods(
    *, min_value: date = date(2001, 1, 1), max_value: date = date(2099, 12, 31)
) -> st.SearchStrategy[Period]:
    """Periods of analysis between ``min_value`` and ``max_value``, a day to a few years long."""
    days = st.dates(min_value=min_value, max_value=max_value)
    return st.builds(sorted, st.lists(days, min_size=2, max_size=2)).map(
        lambda ends: Period(first=ends[0], last=ends[1])
    )


def partner_sales(*, currencies: Choices[str] = ("RUB", "EUR")) -> st.SearchStrategy[PartnerSales]:
    """Sales figures of a partner: a first deal, a count and a total."""
    return st.builds(
        PartnerSales, first_deal=st.dates(date(2000, 1, 1), date(2100, 12, 31)),
        deals=st.integers(min_value=1, max_value=10_000),
        total=_strategy(currencies).flatmap(lambda c: money(currencies=(c,), min_value=0)),
    )  # fmt: skip


def _interaction_strategies() -> dict[type[Any], st.SearchStrategy[Any]]:
    """The interactions and analytics models and their strategies, for the setup hook."""
    registered: dict[type[Any], st.SearchStrategy[Any]] = {
        Participant: participants(),
        Reminder: reminders(),
        Interaction: interactions(),
        Period: periods(),
        PartnerSales: partner_sales(),
    }
    registered.update({cls: domain_events(classes=(cls,)) for cls in INTERACTION_EVENTS})
    return registered
