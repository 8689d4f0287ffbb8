"""Samples the deals tests share: a moment and a quick way to open a deal."""

from __future__ import annotations

from datetime import UTC, datetime

from crmcore.deals import (
    Deal,
    DealDraft,
    Pipeline,
    open_deal,
)
from crmcore.ids import DealId

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def opened(pipeline: Pipeline, deal_id: str = "d-1", **draft: object) -> Deal:
    """A new deal of ``pipeline`` for the client ``p-1``."""
    fields: dict[str, object] = {
        "title": "Трубы",
        "partner_id": "p-1",
        "responsible_manager": "u-1",
    }
    fields.update(draft)
    made = DealDraft(**fields)  # type: ignore[arg-type]
    return open_deal(made, pipeline=pipeline, now=NOW, deal_id=DealId(deal_id)).entity
