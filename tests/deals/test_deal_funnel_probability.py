"""The funnel weighs the open deals as the forecast does: by the manager's own probability
where the deal has one, else by its stage's (issue 17's business case)."""

from __future__ import annotations

import doctest
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import crmcore.deals.weights
from crmcore.app import CRM, Settings
from crmcore.app.commands import EditDeal, LoseDeal, OpenDeal, RegisterPartner
from crmcore.deals import DealDraft, funnel
from crmcore.deals.builtin import MANUAL_SALE, TYPICAL_SALE
from crmcore.deals.kinds import DealStatus
from crmcore.deals.model import StageChange
from crmcore.ids import DealId, PipelineId, UserId
from crmcore.money import Money
from crmcore.partners import PartnerDraft
from crmcore.rules import Member, Staff

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
START = NOW - timedelta(days=1)
END = NOW + timedelta(days=1)


def _deal(crm: CRM, client: str, amount: str, deal_id: str) -> None:
    draft = DealDraft(
        title="Pumps",
        partner_id=client,
        responsible_manager="anna",
        amount=Money.of(amount, "RUB"),
        expected_close=date(2026, 3, 20),
    )
    crm.execute(
        OpenDeal(draft=draft, pipeline_id="typical_sale", deal_id=deal_id), actor="anna", now=NOW
    )


def test_the_managers_estimate_weighs_the_deal_in_the_funnel_as_in_the_forecast() -> None:
    # Anna expects to win the pump order at 80% though it stands at first contact (5%);
    # the valve order she has no estimate of, and a third deal is lost.
    crm = CRM.in_memory(settings=Settings(staff=Staff(members=(Member(user=UserId("anna")),))))
    draft = PartnerDraft(kind="legal_entity", roles=["client"], short_name="Romashka")
    client = str(crm.execute(RegisterPartner(draft=draft), actor="anna", now=NOW).result.id)
    _deal(crm, client, "100000", "d-pumps")
    _deal(crm, client, "20000", "d-valves")
    _deal(crm, client, "50000", "d-lost")
    estimate = EditDeal(deal_id="d-pumps", changes={"probability": Decimal(80)})
    crm.execute(estimate, actor="anna", now=NOW)
    crm.execute(LoseDeal(deal_id="d-lost", reason="price"), actor="anna", now=NOW)
    report = crm.funnel("typical_sale", start=START, end=END, weighted=True)
    stage = TYPICAL_SALE.stage("first_contact").probability
    expected = Money.of("80000", "RUB") + Money.of("20000", "RUB") * (stage / 100)
    assert report.weighted_open == (expected.rounded(),)
    assert report.weighted_open == (crm.forecast(now=NOW).weighted,)
    assert crm.funnel("typical_sale", start=START, end=END).weighted_open == ()


def _entry(deal: str, version: int, stage: str, status: DealStatus, amount: str) -> StageChange:
    return StageChange(
        deal_id=DealId(deal),
        pipeline_id=PipelineId("manual_sale"),
        from_stage=None if version == 1 else "first_contact",
        to_stage=stage,
        from_status=None if version == 1 else DealStatus.OPEN,
        status=status,
        at=NOW + timedelta(hours=version),
        amount=Money.of(amount, "USD"),
        version=version,
    )


def test_the_funnel_weighs_each_open_deal_once_in_either_order_of_the_log() -> None:
    log = [
        _entry("d-1", 1, "first_contact", DealStatus.OPEN, "1000"),
        _entry("d-2", 1, "first_contact", DealStatus.OPEN, "333.33"),
        _entry("d-1", 2, "contract", DealStatus.OPEN, "1000"),
        _entry("d-2", 2, "first_contact", DealStatus.LOST, "333.33"),
        _entry("d-3", 1, "first_contact", DealStatus.OPEN, "10.01"),
    ]
    own = {"d-3": Decimal(33), "d-2": Decimal(99)}
    report = funnel(MANUAL_SALE, log, start=START, end=END, probabilities=own)
    contract = MANUAL_SALE.stage("contract").probability
    expected = Money.of("1000", "USD") * (contract / 100) + Money.of("3.30", "USD")
    assert report.weighted_open == (expected.rounded(),)
    grouped = sorted(log, key=lambda entry: (entry.deal_id, entry.version))
    assert (
        funnel(MANUAL_SALE, grouped, start=START, end=END, probabilities=own, by_deal=True)
        == report
    )
    by_stage = funnel(MANUAL_SALE, log, start=START, end=END, probabilities={})
    assert by_stage.weighted_open != report.weighted_open
    assert funnel(MANUAL_SALE, log, start=START, end=END).weighted_open == ()


def test_the_weights_modules_examples_hold() -> None:
    failed, tried = doctest.testmod(crmcore.deals.weights, optionflags=doctest.ELLIPSIS)
    assert (failed, tried > 0) == (0, True)
