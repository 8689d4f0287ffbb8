"""Reminders that fall due, found idempotently with a watermark.

The host keeps one moment, the watermark: the ``now`` of its last successful call. Each call
returns the reminders due in ``(since, now]`` and the new watermark; calling again with the
same ``since`` returns the same reminders, and consecutive windows never repeat or skip one.

>>> from datetime import datetime, timedelta, timezone
>>> from crmcore.ids import InteractionId, UserId
>>> from crmcore.interactions.kinds import InteractionKind
>>> from crmcore.interactions.model import Interaction, Reminder
>>> at = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
>>> meeting = Interaction(id=InteractionId("i-1"), kind=InteractionKind.MEETING, topic="Visit",
...     start=at, end=at, author=UserId("u-1"), responsible=UserId("u-1"), created_at=at,
...     reminders=(Reminder(before=timedelta(minutes=30)),))
>>> batch = due_reminders([meeting], since=at - timedelta(hours=1), now=at)
>>> [(r.interaction_id, r.at.strftime("%H:%M")) for r in batch.reminders]
[('i-1', '08:30')]
>>> due_reminders([meeting], since=batch.watermark, now=at + timedelta(hours=1)).reminders
()
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime

import attrs

from crmcore.errors import DomainValidationError
from crmcore.ids import InteractionId, UserId
from crmcore.interactions.model import Interaction
from crmcore.repository_checks import instant
from crmcore.validation import aware_datetime, raise_violations

__all__ = ["DueReminder", "DueReminders", "due_reminders"]


@attrs.frozen(kw_only=True)
class DueReminder:
    """Reminder number ``index`` of an interaction fell due ``at``: tell ``user``.

    ``(interaction_id, index, at)`` identifies it, should the host want to deduplicate.
    """

    interaction_id: InteractionId
    index: int
    at: datetime
    user: UserId
    topic: str
    start: datetime


@attrs.frozen(kw_only=True)
class DueReminders:
    """The reminders due in a window, ordered by moment, then interaction and index, and the
    watermark to pass as ``since`` next time."""

    reminders: tuple[DueReminder, ...]
    watermark: datetime


def _window(since: datetime, now: datetime) -> None:
    raise_violations([*aware_datetime("since", since), *aware_datetime("now", now)])
    if instant(now) < instant(since):
        raise DomainValidationError.single("now", "must not be before since", value=now)


def due_in(interaction: Interaction, *, since: datetime, now: datetime) -> Iterator[DueReminder]:
    """The reminders of ``interaction`` due in ``(since, now]``; none once it is done or
    cancelled."""
    if not interaction.status.pending:
        return
    for index, moment in enumerate(interaction.reminder_moments()):
        if instant(since) < instant(moment) <= instant(now):
            yield DueReminder(
                interaction_id=interaction.id, index=index, at=moment,
                user=interaction.responsible, topic=interaction.topic, start=interaction.start,
            )  # fmt: skip


def due_reminders(
    interactions: Iterable[Interaction], *, since: datetime, now: datetime
) -> DueReminders:
    """The reminders of ``interactions`` due after ``since`` up to and including ``now``.

    Raises :class:`DomainValidationError` for a naive moment or a ``now`` before ``since``.
    """
    _window(since, now)
    found = [r for i in interactions for r in due_in(i, since=since, now=now)]
    found.sort(key=lambda r: (instant(r.at), r.interaction_id, r.index))
    return DueReminders(reminders=tuple(found), watermark=now)
