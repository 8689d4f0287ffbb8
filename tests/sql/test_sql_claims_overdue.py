"""A claim that missed its response before a pause stays overdue after the clock resumed
with later due dates, in the SQL store as in the memory store."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from crmcore.claims import (
    Claimant,
    ClaimDraft,
    ClaimSettings,
    await_claimant,
    investigate,
    register_claim,
    resume,
)
from crmcore.memory import MemoryClaimRepository
from crmcore.partners import PartnerRole
from crmcore.sql import SqlStore

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_a_breach_before_a_pause_keeps_the_claim_overdue_on_every_store() -> None:
    settings = ClaimSettings()
    draft = ClaimDraft(claimant=Claimant(role=PartnerRole.CLIENT, name="Пётр"), essence="Бой")
    claim = register_claim(draft, claim_id="c-1", now=START, settings=settings).entity
    late = claim.response_due + timedelta(hours=1)
    paused = await_claimant(investigate(claim, now=late).entity, now=late).entity
    resumed = resume(paused, now=late + timedelta(days=30), settings=settings).entity
    now = late + timedelta(days=30, minutes=1)
    assert resumed.resolution_due > now, "the resumed clock moved the due date on"
    assert resumed.is_overdue(now)
    memory = MemoryClaimRepository()
    memory.add(resumed)
    store = SqlStore.sqlite(":memory:")
    store.repositories.claims.add(resumed)
    assert [c.id for c in store.repositories.claims.overdue(now)] == ["c-1"]
    assert store.repositories.claims.overdue(now) == memory.overdue(now)
    store.close()
