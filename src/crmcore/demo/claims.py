"""The demo's claims chapter: a client's claim raised through the CRM (a rule acknowledges
it and tells the head), a bad one refused with nothing stored, the investigation, a pause
for the claimant, the decision and the claim's log; earlier claims feed the reports."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any, Final

from crmcore.app.commands import (
    AwaitClaimant,
    CloseClaim,
    DecideClaim,
    InvestigateClaim,
    RegisterClaim,
    ResumeClaim,
)
from crmcore.claims import Claim, Claimant, ClaimDraft, ClaimResult
from crmcore.demo.story import CLAIMS, MOSCOW, Story
from crmcore.demo.world import table
from crmcore.errors import CRMError, DomainValidationError
from crmcore.ids import PartnerId, UserId
from crmcore.partners import Email, PartnerRole

__all__ = ["chapter"]

_HOUR: Final = timedelta(hours=1)
# Earlier claims for the reports: partner, role, days ago, department, reasons, result.
_EARLIER: Final = (
    ("petrov", PartnerRole.SUPPLIER, 75, "Accounting", ("billing",), "rejected"),
    ("vostok", PartnerRole.DEALER, 70, "Logistics", ("delivery",), "satisfied"),
    ("romashka", PartnerRole.CLIENT, 45, "Warehouse", ("packaging", "delivery"), "satisfied"),
    ("romashka", PartnerRole.CLIENT, 40, "Warehouse", ("quality",), "partially_satisfied"),
    ("vostok", PartnerRole.DEALER, 12, "Logistics", ("delivery",), None),
)
_HOSTILE: Final[dict[str, Any]] = {
    "claimant": Claimant(role=PartnerRole.CLIENT, name="<script>alert(1)</script>"),
    "essence": "\u202e" + "A" * 20_000,
    "channel": "carrier-pigeon",
    "reasons": ["packaging", "packaging"],
}


def chapter(story: Story) -> Iterator[str]:
    """A claim's life from its registration to its close."""
    _register_earlier(story)
    at = story.now - timedelta(days=4)
    claimant = Claimant(
        role=PartnerRole.CLIENT, partner_id=PartnerId("romashka"), name="Анна Смирнова",
        email=Email.parse("a.smirnova@romashka.ru"),
    )  # fmt: skip
    draft = ClaimDraft(
        claimant=claimant, essence="Партия чая пришла в разбитых ящиках,\nчасть упаковок порвана.",
        channel="email", reasons=["packaging"], department="Warehouse",
        responsible_manager=UserId("anna"), requested_outcome="Заменить повреждённый товар",
    )  # fmt: skip
    claim: Claim = story.run(RegisterClaim(draft=draft, claim_id="c-100"), actor="anna", at=at)
    yield "A claim is raised with RegisterClaim; its due dates in Moscow working time:"
    yield from table(
        ["id", "from", "channel", "reasons", "respond by", "resolve by"],
        [[claim.id, str(claim.claimant.name), claim.channel.value, ", ".join(claim.reasons),
          _when(claim.response_due), _when(claim.resolution_due)]],
    )  # fmt: skip
    rules = ", ".join(f"{c.rule_id}: {c.action.kind}" for c in story.last.commands)
    yield f"  the rules answered with {rules}"
    yield ""
    yield from _refused(story)
    yield ""
    yield from _investigation(story, claim, at)


def _register_earlier(story: Story) -> None:
    for number, (partner, role, days, department, reasons, result) in enumerate(_EARLIER, 1):
        when = story.now - timedelta(days=days)
        name = story.crm.get("partner", partner).short_name
        draft = ClaimDraft(
            claimant=Claimant(role=role, partner_id=PartnerId(partner), name=name),
            essence=f"Claim about {', '.join(reasons)}", channel="call", department=department,
            reasons=reasons, responsible_manager=UserId("igor"),
        )  # fmt: skip
        claim_id = f"c-{number}"
        story.run(RegisterClaim(draft=draft, claim_id=claim_id), actor="igor", at=when)
        story.run(InvestigateClaim(claim_id=claim_id), actor="igor", at=when + _HOUR)
        if result is not None:
            decided = DecideClaim(claim_id=claim_id, result=ClaimResult(result))
            story.run(decided, actor="igor", at=when + 30 * _HOUR)


def _refused(story: Story) -> Iterator[str]:
    with story.crm.store.unit_of_work() as stored:
        before = len(stored.claims.find())
    yield "A hostile draft is refused whole, every problem named:"
    try:
        story.run(RegisterClaim(draft=ClaimDraft(**_HOSTILE)), actor="anna")
    except DomainValidationError as error:
        yield from (f"  {violation}" for violation in error.violations)
    stranger = ClaimDraft(
        claimant=Claimant(role=PartnerRole.CLIENT, partner_id=PartnerId("nobody"), name="Некто"),
        essence="Где мой заказ?", channel="email",
    )  # fmt: skip
    try:
        story.run(RegisterClaim(draft=stranger), actor="anna")
    except CRMError as error:
        yield f"A claim from an unknown partner: {type(error).__name__}: {error}"
    with story.crm.store.unit_of_work() as stored:
        after = len(stored.claims.find())
    yield f"  claims stored before: {before}, after: {after}"


def _investigation(story: Story, claim: Claim, at: Any) -> Iterator[str]:
    try:
        story.run(DecideClaim(claim_id=claim.id, result=ClaimResult.SATISFIED), actor="igor", at=at)
    except CRMError as error:
        yield f"Deciding before any investigation is refused: {error}"
    steps = (
        (InvestigateClaim(claim_id=claim.id, responsible_manager="anna"), 1),
        (AwaitClaimant(claim_id=claim.id, comment="Photos of labels?"), 2),
    )
    for command, hours in steps:
        story.run(command, actor="igor", at=at + hours * _HOUR)
    before = story.crm.get("claim", claim.id).resolution_due
    story.run(ResumeClaim(claim_id=claim.id), actor="igor", at=at + 26 * _HOUR)
    after: Claim = story.crm.get("claim", claim.id)
    paused = CLAIMS.calendar.working_time_between(before, after.resolution_due)
    yield f"Waiting for the claimant moved the resolution due date by {paused} of working time."
    decided = DecideClaim(claim_id=claim.id, result=ClaimResult.PARTIALLY_SATISFIED,
                          comment="Replace the broken half")  # fmt: skip
    story.run(decided, actor="igor", at=at + 28 * _HOUR)
    story.run(CloseClaim(claim_id=claim.id), actor="igor", at=at + 50 * _HOUR)
    claim = story.crm.get("claim", claim.id)
    result = claim.result.value if claim.result else "-"
    yield f"Decided {result}, closed; every step was logged:"
    yield from table(["step", "to", "who", "comment"], [
        [s.event, s.target.value, s.actor or "", s.comment or ""] for s in claim.history
    ])  # fmt: skip


def _when(moment: Any) -> str:
    return str(moment.astimezone(MOSCOW).strftime("%Y-%m-%d %H:%M"))
