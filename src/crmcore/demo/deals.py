"""The demo's deals chapter: a controlled sale refused at a gate with every reason, then
run through its gates to a quote and won; a manual sale lost to a competitor with a reason;
an unstaged project; each move a command, each stage-log entry written by the CRM."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import attrs

from crmcore.app.commands import (
    CRMCommand,
    EditDeal,
    EditPartner,
    LoseDeal,
    MoveDeal,
    OpenDeal,
    WinDeal,
)
from crmcore.deals import TYPICAL_SALE, Deal, DealDraft
from crmcore.demo.agreements import INDIVIDUAL
from crmcore.demo.story import Story
from crmcore.demo.world import table
from crmcore.errors import StageGateError
from crmcore.ids import EntityRef
from crmcore.money import Money

__all__ = ["chapter"]


@attrs.define
class _Desk:
    """The story's CRM and the moment the sales story has reached: five hours a step."""

    story: Story
    at: datetime

    def run(self, command: CRMCommand, *, actor: str = "anna") -> Any:
        done = self.story.run(command, actor=actor, at=self.at)
        self.at += timedelta(hours=5)
        return done

    def open(self, deal_id: str, title: str, partner: str, pipeline: str, **draft: Any) -> Deal:
        fields = {"title": title, "partner_id": partner, "responsible_manager": "anna", **draft}
        command = OpenDeal(draft=DealDraft(**fields), pipeline_id=pipeline, deal_id=deal_id)
        deal: Deal = self.run(command)
        return deal


def chapter(story: Story) -> Iterator[str]:
    """Three kinds of sales process side by side, told over three weeks."""
    desk = _Desk(story=story, at=story.now - timedelta(days=21))
    yield "The typical sale (controlled): stages in order, each guarded by gates:"
    yield from table(
        ["stage", "probability", "gates"],
        [
            [s.title, f"{s.probability}%", ", ".join(map(str, s.gates))]
            for s in TYPICAL_SALE.ordered
        ],
    )
    yield ""
    yield from _typical_sale(desk)
    yield ""
    yield from _other_kinds(desk)


def _typical_sale(desk: _Desk) -> Iterator[str]:
    deal = desk.open("d-pipes", "Трубы для «Ромашки»", "romashka", "typical_sale",
                     amount=Money.of("1250000", "RUB"))  # fmt: skip
    for command in desk.story.last.commands:
        if command.assignment is not None:
            yield (
                f"{deal.title} opened by anna; rule {command.rule_id} made"
                f" {command.assignment.user} responsible: {command.assignment.reason}"
            )
    desk.run(MoveDeal(deal_id=deal.id, stage="qualification"), actor="olga")
    yield "The move to the commercial offer is refused, with every reason:"
    try:
        desk.run(MoveDeal(deal_id=deal.id, stage="commercial_offer"), actor="olga")
    except StageGateError as error:
        yield from (f"  - {gate.field}: {gate.message}" for gate in error.unmet)
    yield "The client is classified (segment A) and the approved agreement linked; then it moves:"
    agreement = EntityRef(entity_type="agreement", entity_id=INDIVIDUAL)
    offer = EntityRef(entity_type="commercial_offer", entity_id="Q-1")
    desk.run(EditPartner(partner_id="romashka", changes={"segment": "A"}), actor="olga")
    steps: tuple[CRMCommand, ...] = (
        EditDeal(deal_id=deal.id, changes={"documents": (agreement,)}),
        MoveDeal(deal_id=deal.id, stage="commercial_offer"),
        EditDeal(deal_id=deal.id, changes={"documents": (agreement, offer)}),
        MoveDeal(deal_id=deal.id, stage="negotiation"),
        EditDeal(
            deal_id=deal.id, changes={"expected_close": (desk.at + timedelta(days=10)).date()}
        ),
        MoveDeal(deal_id=deal.id, stage="contract"),
        WinDeal(deal_id=deal.id, reason="Договор подписан"),
    )
    for step in steps:
        desk.run(step, actor="olga")
    deal = desk.story.crm.get("deal", deal.id)
    yield f"  quote Q-1 registered on the deal: {offer in deal.documents}"
    yield f"{deal.title}: {deal.status.value} at stage {deal.stage!r}, {deal.amount}."
    yield "Its stage log, written by the CRM with each move:"
    yield from table(
        ["at", "from", "to", "status", "by"],
        [[f"{c.at:%Y-%m-%d %H:%M}", c.from_stage or "", c.to_stage or "", c.status.value,
          c.by or ""] for c in desk.story.crm.stage_log(deal.id)],
    )  # fmt: skip


def _other_kinds(desk: _Desk) -> Iterator[str]:
    deal = desk.open("d-crates", "Ящики для Vostok", "vostok", "manual_sale",
                     amount=Money.of("84000", "RUB"))  # fmt: skip
    desk.run(MoveDeal(deal_id=deal.id, stage="negotiation"))
    yield f"{deal.title} (manual): jumped straight to negotiation; the gates only warn:"
    yield from (f"  - {warning}" for warning in desk.story.last.warnings)
    lost = LoseDeal(deal_id=deal.id, reason="competitor", competitor_id="lilie",
                    comment="Lilie: -7 %")  # fmt: skip
    deal = desk.run(lost)
    result = f"{deal.status.value} ({deal.lost_reason}) to {deal.competitor_id}"
    yield f"  then {result}: {deal.lost_comment}"
    today = desk.story.day_at(0).date()
    project = desk.open("d-warehouse", "Модернизация склада «Ромашки»", "romashka",
                        "long_project", amount=Money.of("980000", "RUB"),
                        expected_close=today + timedelta(days=20))  # fmt: skip
    yield f"{project.title} (unstaged): no stages, {project.status.value}, collects its work."
    for number, (partner, stages) in enumerate((("petrov", 1), ("vostok", 2), ("romashka", 1))):
        extra = desk.open(f"d-extra-{number}", f"Поставка №{number + 1}", partner, "typical_sale",
                          amount=Money.of(150000 * (number + 1), "RUB"),
                          expected_close=today + timedelta(days=2 + number))  # fmt: skip
        if stages > 1:
            desk.run(MoveDeal(deal_id=extra.id, stage="qualification"))
        if number == 0:
            desk.run(LoseDeal(deal_id=extra.id, reason="no_budget"))
