"""Shared samples of the claims tests: a working calendar, settings and a claim draft."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from crmcore.claims import (
    Claimant,
    ClaimDraft,
    ClaimPriority,
    ClaimReason,
    ClaimSettings,
    DeadlinePolicy,
    DeadlineRules,
    ReasonClassifier,
)
from crmcore.ids import PartnerId
from crmcore.partners import PartnerRole
from crmcore.workcalendar import WorkingCalendar, WorkingPeriod

MOSCOW = ZoneInfo("Europe/Moscow")
MONDAY = datetime(2026, 6, 1, 10, 0, tzinfo=MOSCOW)
HOUR = timedelta(hours=1)

SETTINGS = ClaimSettings(
    reasons=ReasonClassifier(
        reasons=(
            ClaimReason(code="packaging", name="Packaging"),
            ClaimReason(code="delivery", name="Late delivery"),
            ClaimReason(code="quality", name="Quality"),
        )
    ),
    deadlines=DeadlineRules(
        default=DeadlinePolicy(response=8 * HOUR, resolution=40 * HOUR),
        by_priority={ClaimPriority.CRITICAL: DeadlinePolicy(response=HOUR, resolution=4 * HOUR)},
        by_type={"warranty": DeadlinePolicy(response=2 * HOUR, resolution=80 * HOUR)},
    ),
    calendar=WorkingCalendar(
        time_zone="Europe/Moscow", hours=(WorkingPeriod(start=time(9), end=time(18)),)
    ),
    claim_types=frozenset({"warranty", "delivery"}),
)


def draft(**changes: object) -> ClaimDraft:
    """A valid claim draft of client ``p-1`` about the warehouse; ``changes`` override."""
    fields: dict[str, object] = {
        "claimant": Claimant(role=PartnerRole.CLIENT, partner_id=PartnerId("p-1")),
        "essence": "Crates arrived broken",
        "department": "Warehouse",
        "reasons": ["packaging"],
    }
    fields.update(changes)
    return ClaimDraft(**fields)  # type: ignore[arg-type]
