"""Sample interactions shared by the interactions tests."""

from datetime import UTC, datetime, timedelta
from typing import Any, Final

import attrs

from crmcore.ids import InteractionId, PartnerId, UserId
from crmcore.interactions import Interaction, InteractionDraft, InteractionKind

NOW: Final = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
HOUR: Final = timedelta(hours=1)
MANAGER: Final = UserId("u-ivanova")


def draft(**changes: Any) -> InteractionDraft:
    """A meeting with partner ``p-1`` tomorrow at nine, an hour long."""
    meeting = InteractionDraft(
        kind="meeting", topic="Crates for spring", start=NOW + 24 * HOUR,
        end=NOW + 25 * HOUR, partner_id=PartnerId("p-1"),
    )  # fmt: skip
    return attrs.evolve(meeting, **changes)


def meeting(interaction_id: str = "i-1", **changes: Any) -> Interaction:
    """A planned meeting of the manager with partner ``p-1`` tomorrow at nine."""
    planned = Interaction(
        id=InteractionId(interaction_id), kind=InteractionKind.MEETING, topic="Crates",
        start=NOW + 24 * HOUR, end=NOW + 25 * HOUR, author=MANAGER, responsible=MANAGER,
        partner_id=PartnerId("p-1"), created_at=NOW,
    )  # fmt: skip
    return attrs.evolve(planned, **changes)
