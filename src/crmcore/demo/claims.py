"""The demo's claims chapter: a claim from the public form, a hostile one refused, an
investigation planned, paused and decided, overdue claims, and the three reports."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, time, timedelta
from typing import Final

from crmcore.claims import (
    Activity,
    ActivityStatus,
    Claim,
    Claimant,
    ClaimDraft,
    ClaimPriority,
    ClaimReason,
    ClaimSettings,
    DeadlinePolicy,
    DeadlineRules,
    ReasonClassifier,
    await_claimant,
    claim_dynamics,
    claim_satisfaction,
    claim_structure,
    close,
    decide,
    investigate,
    plan_activity,
    register_claim,
    register_claim_from_form,
    resume,
    update_activity,
)
from crmcore.demo.world import Ledger, World, table
from crmcore.errors import ClaimNotDecidableError, DomainValidationError
from crmcore.ids import ClaimId, PartnerId, UserId
from crmcore.memory import MemoryClaimRepository
from crmcore.partners import PartnerRole
from crmcore.workcalendar import HolidayRule, WorkingCalendar, WorkingPeriod

__all__ = ["chapter"]

_Claims = Ledger[MemoryClaimRepository]
"""The chapter's own claims and the events its services returned."""

_HOUR: Final = timedelta(hours=1)
_QUALITY: Final = UserId("u-quality")
_SETTINGS: Final = ClaimSettings(
    reasons=ReasonClassifier(
        reasons=(
            ClaimReason(code="packaging", name="Damaged packaging"),
            ClaimReason(code="delivery", name="Late delivery"),
            ClaimReason(code="quality", name="Product quality"),
            ClaimReason(code="billing", name="Billing error"),
        )
    ),
    deadlines=DeadlineRules(
        default=DeadlinePolicy(response=8 * _HOUR, resolution=40 * _HOUR),
        by_priority={ClaimPriority.CRITICAL: DeadlinePolicy(response=_HOUR, resolution=8 * _HOUR)},
    ),
    calendar=WorkingCalendar(
        time_zone="Europe/Moscow",
        hours=(WorkingPeriod(start=time(9), end=time(13)),
               WorkingPeriod(start=time(14), end=time(18))),
        holiday_rules=(
            HolidayRule(name="New Year", rule="FREQ=YEARLY;BYMONTH=1;BYMONTHDAY=1,2,3,4,5,6,7,8"),
            HolidayRule(name="Defender's Day", rule="FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=23"),
            HolidayRule(name="Women's Day", rule="FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=8"),
            HolidayRule(name="Spring and Labour Day", rule="FREQ=YEARLY;BYMONTH=5;BYMONTHDAY=1"),
            HolidayRule(name="Victory Day", rule="FREQ=YEARLY;BYMONTH=5;BYMONTHDAY=9"),
            HolidayRule(name="Russia Day", rule="FREQ=YEARLY;BYMONTH=6;BYMONTHDAY=12"),
            HolidayRule(name="Unity Day", rule="FREQ=YEARLY;BYMONTH=11;BYMONTHDAY=4"),
        ),
    ),
)  # fmt: skip
_FORM: Final = {
    "name": "Анна Смирнова",
    "email": "a.smirnova@romashka.ru",
    "essence": "Партия чая пришла в разбитых ящиках,\nчасть упаковок порвана.",
    "requested_outcome": "Заменить повреждённый товар",
    "reasons": ["packaging"],
    "documents": [{"kind": "shipment", "number": "РН-0042"}],
    "attachments": [{"name": "ящики.jpg", "media_type": "image/jpeg", "size": 482133}],
}
_HOSTILE: Final = {
    "name": "<script>alert(1)</script>",
    "email": "admin@localhost'; DROP TABLE claims; --",
    "essence": "\u202e" + "A" * 20_000,
    "status": "closed",
    "attachments": [{"name": "invoice.exe", "media_type": "application/x-msdownload", "size": -1}],
}
# Earlier claims for the reports: partner, role, days ago, department, reasons, result.
_EARLIER: Final = (
    ("petrov", PartnerRole.SUPPLIER, 75, "Accounting", ("billing",), "rejected"),
    ("vostok", PartnerRole.DEALER, 70, "Logistics", ("delivery",), "satisfied"),
    ("romashka", PartnerRole.CLIENT, 45, "Warehouse", ("packaging", "delivery"), "satisfied"),
    ("romashka", PartnerRole.CLIENT, 40, "Warehouse", ("quality",), "partially_satisfied"),
    ("vostok", PartnerRole.DEALER, 12, "Logistics", ("delivery",), None),
)


def chapter(world: World, now: datetime) -> Iterator[str]:
    """A claim's life from the public form to the reports."""
    claims = _Claims(MemoryClaimRepository())
    _register_earlier(claims, world, now)
    yield "A claim arrives through the public form:"
    outcome = register_claim_from_form(
        _FORM, claim_id=ClaimId("c-100"), now=now, settings=_SETTINGS
    )
    claim = claims.keep(outcome)
    yield from table(
        ["id", "from", "channel", "reasons", "respond by", "resolve by"],
        [[claim.id, str(claim.claimant.name), claim.channel.value, ", ".join(claim.reasons),
          _when(claim.response_due), _when(claim.resolution_due)]],
    )  # fmt: skip
    yield ""
    yield "A hostile payload is refused whole, every problem named, nothing registered:"
    try:
        register_claim_from_form(_HOSTILE, claim_id=ClaimId("c-666"), now=now, settings=_SETTINGS)
    except DomainValidationError as error:
        yield from (f"  {violation}" for violation in error.violations)
    yield ""
    yield from _investigation(claims, claim, now)
    yield ""
    yield "Overdue claims now:"
    overdue = claims.repository.overdue(now)
    yield from table(["id", "department", "missed"], [
        [c.id, c.department or "", ", ".join(c.missed_deadlines(now))] for c in overdue
    ])  # fmt: skip
    yield ""
    yield from _reports(claims.repository.find(), now)
    yield ""
    names = ", ".join(sorted({event.name for event in claims.events}))
    yield f"The claims services returned {len(claims.events)} events: {names}"


def _register_earlier(claims: _Claims, world: World, now: datetime) -> None:
    for number, (partner, role, days, department, reasons, result) in enumerate(_EARLIER, 1):
        when = now - timedelta(days=days)
        name = world.partners.get(PartnerId(partner)).short_name
        draft = ClaimDraft(
            claimant=Claimant(role=role, partner_id=PartnerId(partner), name=name),
            essence=f"Claim about {', '.join(reasons)}", channel="email", department=department,
            reasons=reasons,
        )  # fmt: skip
        claim = claims.keep(
            register_claim(draft, claim_id=ClaimId(f"c-{number}"), now=when, settings=_SETTINGS)
        )
        claim = claims.keep(investigate(claim, now=when + _HOUR, actor=_QUALITY))
        if result is not None:
            claim = claims.keep(decide(claim, result=result, now=when + 30 * _HOUR))


def _investigation(claims: _Claims, claim: Claim, now: datetime) -> Iterator[str]:
    claim = claims.keep(
        investigate(claim, now=now + _HOUR, actor=_QUALITY, responsible_manager=UserId("u-anna"))
    )
    for number, name, mandatory in ((1, "Inspect the batch", True), (2, "Ask the carrier", False)):
        activity = Activity(
            id=f"a-{number}", name=name, assignee=UserId("u-anna"), planned_start=now,
            planned_finish=now + number * 4 * _HOUR, mandatory=mandatory,
        )  # fmt: skip
        claim = claims.keep(plan_activity(claim, activity, now=now + _HOUR))
    yield "The investigation is planned; deciding now is refused:"
    try:
        decide(claim, result="satisfied", now=now + 2 * _HOUR)
    except ClaimNotDecidableError as error:
        yield f"  {error}"
    before = claim.resolution_due
    claim = claims.keep(await_claimant(claim, now=now + 2 * _HOUR, comment="Photos of labels?"))
    claim = claims.keep(resume(claim, now=now + 26 * _HOUR, settings=_SETTINGS))
    paused = _SETTINGS.calendar.working_time_between(before, claim.resolution_due)
    yield f"Waiting for the claimant moved the resolution due date by {paused} of working time."
    found = "Crates stacked six high"
    done = update_activity(
        claim, "a-1", status=ActivityStatus.DONE, result=found, now=now + 27 * _HOUR
    )
    claim = claims.keep(done)
    decided = decide(claim, result="partially_satisfied", now=now + 28 * _HOUR, actor=_QUALITY,
                     comment="Replace the broken half")  # fmt: skip
    claim = claims.keep(decided)
    claim = claims.keep(close(claim, now=now + 50 * _HOUR, actor=_QUALITY))
    result = claim.result.value if claim.result else "-"
    yield f"Decided {result} with the plan {claim.plan.progress:.0%} done; every step was logged:"
    yield from table(["step", "to", "who", "comment"], [
        [s.event, s.target.value, s.actor or "", s.comment or ""] for s in claim.history
    ])  # fmt: skip


def _reports(found: list[Claim], now: datetime) -> Iterator[str]:
    start = (now - timedelta(days=80)).date()
    dynamics = claim_dynamics(found, start=start, end=now.date(), zone=_SETTINGS.calendar.zone)
    busiest = dynamics.busiest.strftime("%B %Y") if dynamics.busiest else "none"
    yield f"Claim dynamics by month (the month with most claims: {busiest}):"
    yield from dynamics.table()
    yield ""
    yield "Satisfaction by reason:"
    yield from claim_satisfaction(found, classifier=_SETTINGS.reasons).table()
    yield ""
    yield "Structure by department and reason:"
    yield from claim_structure(found, classifier=_SETTINGS.reasons).table()


def _when(moment: datetime) -> str:
    return moment.astimezone(_SETTINGS.calendar.zone).strftime("%Y-%m-%d %H:%M")
