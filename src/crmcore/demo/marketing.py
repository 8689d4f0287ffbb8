"""The demo's marketing chapter: a segment of Audi owners who bought much last year, consent
and an unsubscribe, a campaign whose mailing lands in the outbox, the requests it brought in
the attribution report, and what sells together with a suggestion for a client."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Final

from crmcore.app.commands import (
    AddContactPerson,
    DefineSegment,
    MoveCampaign,
    PlanCampaign,
    RecordCampaignCost,
    RecordConsent,
    RecordPurchases,
    RegisterPartner,
    RegisterRequest,
    SendMailing,
    Unsubscribe,
)
from crmcore.demo.story import Story
from crmcore.demo.world import table
from crmcore.ids import DealId, PartnerId
from crmcore.marketing import (
    CampaignCost,
    CampaignDraft,
    Channel,
    MailingPlan,
    MailingThrottle,
    Material,
    Purchase,
    SegmentDraft,
)
from crmcore.money import Money
from crmcore.partners import ContactPersonDraft, PartnerDraft
from crmcore.requests import RequestDraft
from crmcore.rules import AllOf, FieldCondition

__all__ = ["chapter"]

# Clients of the car service: id, name, car brand, contact person, e-mail.
_CLIENTS: Final = (
    ("autostar", "Autostar", "Audi", "irina", "irina@autostar.ru"),
    ("bavaria", "Bavaria Motors", "BMW", "oleg", "oleg@bavaria-motors.ru"),
)
# Won deals' lines of last year: deal, partner, product, amount in roubles.
_LINES: Final = (
    ("w-1", "romashka", "oil", "32000"),
    ("w-1", "romashka", "filter", "26000"),
    ("w-2", "autostar", "oil", "18000"),
    ("w-2", "autostar", "filter", "9000"),
    ("w-3", "bavaria", "oil", "21000"),
    ("w-3", "bavaria", "filter", "11000"),
    ("w-4", "bavaria", "tyres", "64000"),
    ("w-5", "autostar", "tyres", "48000"),
    ("w-5", "autostar", "rims", "52000"),
    ("w-6", "romashka", "tyres", "70000"),
    ("w-6", "romashka", "rims", "61000"),
)
_BIG_AUDI: Final = AllOf(
    all=(
        FieldCondition(field="purchases_last_year", op="gt", value="50000"),
        FieldCondition(field="custom.car_brand", op="eq", value="Audi"),
    )
)


def _clients(story: Story) -> None:
    at = story.now - timedelta(days=60)
    for partner_id, name, brand, person, email in _CLIENTS:
        draft = PartnerDraft(
            kind="legal_entity", roles=["client"], short_name=name, custom={"car_brand": brand}
        )
        story.run(
            RegisterPartner(draft=draft, partner_id=partner_id, force=True), actor="anna", at=at
        )
        contact = ContactPersonDraft(name=person.capitalize(), emails=[email])
        added = AddContactPerson(partner_id=partner_id, draft=contact, contact_person_id=person)
        story.run(added, actor="anna", at=at)


def _purchases(story: Story) -> None:
    won_at = datetime(story.now.astimezone(UTC).year - 1, 6, 1, 12, 0, tzinfo=UTC)
    lines = tuple(
        Purchase(
            id=f"{deal}:{number}",
            deal_id=DealId(deal),
            partner_id=PartnerId(partner),
            product_id=product,
            amount=Money.of(amount, "RUB"),
            won_at=won_at,
        )
        for number, (deal, partner, product, amount) in enumerate(_LINES, start=1)
    )
    story.run(RecordPurchases(purchases=lines), actor="anna")


def _segment(story: Story) -> Iterator[str]:
    draft = SegmentDraft(
        name="Audi owners who bought over 50,000 RUB last year", condition=_BIG_AUDI
    )
    story.run(DefineSegment(draft=draft, segment_id="big-audi"), actor="anna")
    members = story.crm.marketing.segment("big-audi", now=story.now)
    yield f"Segment big-audi ({draft.name}): {members.count} members, each with why:"
    yield from table(
        ["member", "reasons"], [[m.entity_id, "; ".join(m.reasons)] for m in members.members]
    )


def _consent(story: Story) -> Iterator[str]:
    for person in ("anna-smirnova", "irina", "oleg"):
        story.run(
            RecordConsent(contact_person_id=person, channel="email", status="granted",
                          source="service visit"),
            actor="anna",
        )  # fmt: skip
    story.run(Unsubscribe(contact_person_id="oleg", source="link in a letter"), actor="anna")
    yield ""
    yield "Consent: Анна Смирнова and Irina agreed to e-mail; Oleg unsubscribed from all."


def _campaign(story: Story) -> Iterator[str]:
    today = story.now.date()
    draft = CampaignDraft(
        name="Spring service", starts_on=today - timedelta(days=1),
        ends_on=today + timedelta(days=30), budget=Money.of("100000", "RUB"),
        segment_id="big-audi",  # type: ignore[arg-type]
        planned_costs=(CampaignCost(item="Letter design", amount=Money.of("15000", "RUB")),),
        materials=(Material(code="letter", channel=Channel.EMAIL, template="spring-service",
                            title="Spring service: 20% off tyres"),),
    )  # fmt: skip
    story.run(PlanCampaign(draft=draft, campaign_id="spring"), actor="anna")
    story.run(MoveCampaign(campaign_id="spring", step="start"), actor="anna")
    cost = CampaignCost(item="Banner ads", amount=Money.of("12000", "RUB"))
    story.run(RecordCampaignCost(campaign_id="spring", cost=cost), actor="anna")
    throttle = MailingThrottle(limit=500, window=timedelta(hours=1))
    plan: MailingPlan = story.run(
        SendMailing(campaign_id="spring", material="letter", mailing_id="spring-1",
                    throttle=throttle),
        actor="anna",
    )  # fmt: skip
    yield ""
    yield "Campaign spring (budget 100000 RUB) sends its letter to the segment; the outbox:"
    yield from table(
        ["kind", "campaign", "template", "to", "why"],
        [[m.kind, getattr(m.command.action, "campaign_id", ""),
          getattr(m.command.action, "template", ""), m.recipients[0].address or "",
          m.recipients[0].explanation] for m in story.last.outbox],
    )  # fmt: skip
    for skipped in plan.skipped:
        yield f"  held back: {skipped.contact_person_id}: {skipped.reason}"


def _attribution(story: Story) -> Iterator[str]:
    for number, name in enumerate(("Мария Волкова", "Пётр Орлов"), start=1):
        draft = RequestDraft(
            source="website_form", name=name, phones=[f"+7 916 555-00-0{number}"],
            message="Записаться на сервис по акции", campaign_id="spring",
        )  # fmt: skip
        story.run(RegisterRequest(draft=draft), actor="anna")
    report = story.crm.marketing.attribution(
        start=story.now - timedelta(days=30), end=story.now + timedelta(days=1)
    )
    yield ""
    yield "Attribution over the last 30 days:"
    yield from table(
        ["campaign", "leads", "converted", "won", "revenue", "cost", "per lead"],
        [[r.campaign_id, r.leads, r.converted, r.won_deals, r.revenue, r.cost,
          r.cost_per_lead or "-"] for r in report.rows],
    )  # fmt: skip


def _cross_sell(story: Story) -> Iterator[str]:
    found = story.crm.marketing.cross_sell(min_together=2)
    yield ""
    yield f"Bought together in {found.baskets} won deals:"
    yield from table(
        ["product", "also", "deals", "support", "confidence", "lift"],
        [[p.product, p.also, p.together, p.support, p.confidence, p.lift] for p in found.pairs],
    )
    yield "Suggested for Bavaria Motors:"
    for suggestion in story.crm.marketing.suggestions("bavaria"):
        yield f"  {suggestion.product_id}: {suggestion.reason}"


def chapter(story: Story) -> Iterator[str]:
    """A segment, consent, a campaign and its mailing, attribution, cross-sell."""
    _clients(story)
    _purchases(story)
    yield from _segment(story)
    yield from _consent(story)
    yield from _campaign(story)
    yield from _attribution(story)
    yield from _cross_sell(story)
