"""The demo's deals chapter: one deal of each kind of sales process, a blocked move with all
its reasons, a win, a loss, the funnel and the forecast."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import attrs

from crmcore.deals import (
    BUILTIN_PIPELINES,
    MANUAL_SALE,
    TYPICAL_SALE,
    Deal,
    DealDraft,
    DealOutcome,
    GateContext,
    edit_deal,
    funnel,
    lose_deal,
    move_deal,
    open_deal,
    upcoming,
    win_deal,
)
from crmcore.demo.world import World, table
from crmcore.errors import StageGateError
from crmcore.ids import DealId, EntityRef, PartnerId, UserId
from crmcore.memory import MemoryDealRepository, MemoryPipelineRepository, MemoryStageLog
from crmcore.money import Money

__all__ = ["chapter"]

_MANAGER = UserId("ivanova")


@attrs.define
class _Desk:
    """The chapter's own repositories, and the moment the story has reached."""

    world: World
    at: datetime
    pipelines: MemoryPipelineRepository = attrs.field(factory=MemoryPipelineRepository)
    deals: MemoryDealRepository = attrs.field(factory=MemoryDealRepository)
    log: MemoryStageLog = attrs.field(factory=MemoryStageLog)

    def record(self, outcome: DealOutcome, *, new: bool = False) -> Deal:
        """Store what a service returned, as a host does, and move the clock on a little."""
        deal = outcome.entity
        if new:
            self.deals.add(deal)
        elif outcome.events:
            self.deals.save(deal, expected_version=deal.version - 1)
        if outcome.stage_change is not None:
            self.log.append(outcome.stage_change)
        self.world.events.extend(outcome.events)
        self.at += timedelta(hours=5)
        return deal

    def open(
        self, deal_id: str, title: str, partner: str, pipeline_id: str, **draft: object
    ) -> Deal:
        fields: dict[str, object] = {"title": title, "partner_id": partner,
                                     "responsible_manager": _MANAGER, **draft}  # fmt: skip
        pipeline = self.pipelines.get(BUILTIN_PIPELINES[pipeline_id].id)
        outcome = open_deal(DealDraft(**fields), pipeline=pipeline, now=self.at,  # type: ignore[arg-type]
                            deal_id=DealId(deal_id), actor=_MANAGER)  # fmt: skip
        return self.record(outcome, new=True)


def chapter(world: World, now: datetime) -> Iterator[str]:
    """Three kinds of sales process side by side, told over the last three weeks."""
    desk = _Desk(world=world, at=now - timedelta(days=21))
    for pipeline in BUILTIN_PIPELINES.values():
        desk.pipelines.add(pipeline)
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
    yield ""
    yield from _reports(desk, now)


def _typical_sale(desk: _Desk) -> Iterator[str]:
    deal = desk.open("d-pipes", "Трубы для «Ромашки»", "romashka", "typical_sale",
                     amount=Money.of("1250000", "RUB"))  # fmt: skip
    deal = desk.record(move_deal(deal, "qualification", pipeline=TYPICAL_SALE, now=desk.at))
    romashka = desk.world.partners.get(PartnerId("romashka"))
    context = GateContext(partner=romashka)
    yield f"{deal.title}: the move to the commercial offer is refused, with every reason:"
    try:
        move_deal(deal, "commercial_offer", pipeline=TYPICAL_SALE, now=desk.at, context=context)
    except StageGateError as error:
        yield from (f"  - {gate.field}: {gate.message}" for gate in error.unmet)
    yield "The manager classifies the client (segment A) and links the agreement; then it moves:"
    context = GateContext(partner=attrs.evolve(romashka, segment="A"))
    agreement = EntityRef(entity_type="agreement", entity_id="agr-romashka-2026")
    deal = desk.record(edit_deal(deal, changes={"documents": (agreement,)}, now=desk.at))
    offer = EntityRef(entity_type="commercial_offer", entity_id="offer-118")
    steps: tuple[tuple[str, dict[str, object]], ...] = (
        ("commercial_offer", {"documents": (agreement, offer)}),
        ("negotiation", {"expected_close": desk.at.date() + timedelta(days=10)}),
        ("contract", {}),
    )
    for stage, changes in steps:
        deal = desk.record(move_deal(deal, stage, pipeline=TYPICAL_SALE, now=desk.at,
                                     context=context, actor=_MANAGER))  # fmt: skip
        if changes:
            deal = desk.record(edit_deal(deal, changes=changes, now=desk.at))
    deal = desk.record(win_deal(deal, pipeline=TYPICAL_SALE, now=desk.at, actor=_MANAGER))
    yield f"{deal.title}: {deal.status.value} at stage {deal.stage!r}, {deal.amount}."
    yield "Its stage log:"
    yield from table(
        ["at", "from", "to", "status"],
        [[f"{c.at:%Y-%m-%d %H:%M}", c.from_stage or "", c.to_stage or "", c.status.value]
         for c in desk.log.of_deal(deal.id)],
    )  # fmt: skip


def _other_kinds(desk: _Desk) -> Iterator[str]:
    deal = desk.open("d-crates", "Ящики для Vostok", "vostok", "manual_sale",
                     amount=Money.of("84000", "RUB"))  # fmt: skip
    moved = move_deal(deal, "negotiation", pipeline=MANUAL_SALE, now=desk.at, actor=_MANAGER)
    deal = desk.record(moved)
    yield f"{deal.title} (manual): jumped straight to negotiation; the gates only warn:"
    yield from (f"  - {warning}" for warning in moved.warnings)
    lost = lose_deal(deal, pipeline=MANUAL_SALE, reason="competitor", now=desk.at,
                     competitor_id=PartnerId("lilie"), comment="Lilie: -7 %")  # fmt: skip
    deal = desk.record(lost)
    result = f"{deal.status.value} ({deal.lost_reason}) to {deal.competitor_id}"
    yield f"  then {result}: {deal.lost_comment}"
    project = desk.open("d-warehouse", "Модернизация склада «Ромашки»", "romashka",
                        "long_project", amount=Money.of("9800000", "RUB"),
                        expected_close=desk.at.date() + timedelta(days=40))  # fmt: skip
    yield f"{project.title} (unstaged): no stages, {project.status.value}, collects its work."
    for number, (partner, stages) in enumerate((("petrov", 1), ("vostok", 2), ("romashka", 1))):
        extra = desk.open(f"d-extra-{number}", f"Поставка №{number + 1}", partner, "typical_sale",
                          amount=Money.of(150000 * (number + 1), "RUB"),
                          expected_close=desk.at.date() + timedelta(days=25 + number))  # fmt: skip
        if stages > 1:
            extra = desk.record(move_deal(extra, "qualification", pipeline=TYPICAL_SALE,
                                          now=desk.at))  # fmt: skip
        if number == 0:
            desk.record(lose_deal(extra, pipeline=TYPICAL_SALE, reason="no_budget", now=desk.at))


def _reports(desk: _Desk, now: datetime) -> Iterator[str]:
    start, end = now - timedelta(days=30), now + timedelta(days=1)
    report = funnel(TYPICAL_SALE, desk.log.by_deal(start, end), start=start, end=end, by_deal=True)
    yield "Funnel of the typical sale, last 30 days:"
    yield from table(
        ["stage", "entered", "moved on", "won", "lost", "conversion", "median h"],
        [[row.title, str(row.entered), str(row.moved_on), str(row.won), str(row.lost),
          f"{row.conversion}%" if row.conversion is not None else "", str(row.median_hours or "")]
         for row in report.stages],
    )  # fmt: skip
    amounts = ", ".join(str(m) for m in report.won_amounts) or "nothing"
    yield f"won {report.won}, lost {report.lost}, open {report.open}; win rate {report.win_rate}%"
    yield f"won amounts: {amounts}"
    forecast = upcoming(desk.deals.iterate(), pipelines=BUILTIN_PIPELINES, today=now.date(),
                        days=30, currency="RUB")  # fmt: skip
    yield ""
    yield "Open deals expected to close in the next 30 days, weighted by stage probability:"
    yield from table(
        ["deal", "expected", "amount", "probability", "weighted"],
        [[line.title, f"{line.expected_close}", str(line.amount), f"{line.probability}%",
          str(line.weighted)] for line in forecast.upcoming],
    )  # fmt: skip
    yield f"total {forecast.total}, weighted {forecast.weighted}; overdue: {len(forecast.overdue)}"
