"""Business cases of deals as sales managers meet them: back-dated moves, the final stage's
conversion, the competitor of a lost deal, gate arguments, quotes and the forecast."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from deal_samples import NOW, opened

from crmcore.agreements import Quote, Taxation, TaxRegime
from crmcore.deals import (
    MANUAL_SALE,
    TYPICAL_SALE,
    DocumentKind,
    StageChange,
    funnel,
    link_document,
    load_gates,
    lose_deal,
    move_deal,
    parse_pipeline,
    upcoming,
    win_deal,
)
from crmcore.errors import DomainValidationError
from crmcore.ids import AgreementId, PartnerId
from crmcore.money import Money
from crmcore.serialization import make_converter


def test_a_deal_moved_10_days_ago_after_it_entered_its_stage_is_refused_naming_now() -> None:
    deal = move_deal(opened(MANUAL_SALE), "qualification", pipeline=MANUAL_SALE, now=NOW).entity
    with pytest.raises(DomainValidationError) as refused:
        move_deal(deal, "negotiation", pipeline=MANUAL_SALE, now=NOW - timedelta(days=10))
    assert refused.value.field == "now"
    with pytest.raises(DomainValidationError) as won_early:
        win_deal(deal, pipeline=MANUAL_SALE, now=NOW - timedelta(days=10))
    assert won_early.value.field == "now"


def test_the_contract_stage_converts_one_in_two_when_one_of_two_deals_there_is_won() -> None:
    log: list[StageChange] = []
    for deal_id, wins in (("d-1", True), ("d-2", False)):
        deal = opened(MANUAL_SALE, deal_id)
        moved = move_deal(deal, "contract", pipeline=MANUAL_SALE, now=NOW + timedelta(hours=1))
        log.extend(entry for entry in (moved.stage_change,) if entry is not None)
        if wins:
            won = win_deal(moved.entity, pipeline=MANUAL_SALE, now=NOW + timedelta(hours=2))
            log.extend(entry for entry in (won.stage_change,) if entry is not None)
    report = funnel(MANUAL_SALE, log, start=NOW, end=NOW + timedelta(days=1))
    contract = report.stages[-1]
    assert (contract.entered, contract.moved_on, contract.won) == (2, 1, 1)
    assert contract.conversion == Decimal("50.0")


def test_losing_to_a_competitor_without_naming_the_competitor_is_refused() -> None:
    deal = opened(MANUAL_SALE)
    with pytest.raises(DomainValidationError) as refused:
        lose_deal(deal, pipeline=MANUAL_SALE, reason="competitor", now=NOW)
    assert "competitor_id" in [violation.field for violation in refused.value.violations]
    lost = lose_deal(
        deal, pipeline=MANUAL_SALE, reason="competitor", competitor_id=PartnerId("p-9"), now=NOW
    )
    assert lost.entity.competitor_id == "p-9"


def _pipeline_with(gate: dict[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = make_converter().unstructure(TYPICAL_SALE)
    data["stages"][1]["gates"] = [gate]
    return data


def test_a_pipeline_asking_for_a_linked_document_of_no_kind_is_refused_when_loaded() -> None:
    with pytest.raises(DomainValidationError) as refused:
        parse_pipeline(_pipeline_with({"gate": "document_linked"}), gates=load_gates())
    fields = [violation.field for violation in refused.value.violations]
    assert fields == ["stages[1].gates[0].argument"]
    loaded = parse_pipeline(
        _pipeline_with({"gate": "document_linked", "argument": "sales_document"}),
        gates=load_gates(),
    )
    assert loaded.stages[1].gates[0].argument == "sales_document"


def test_a_quote_built_under_the_agreement_links_to_its_deal_as_a_commercial_offer() -> None:
    quote = Quote(
        id="q-1", partner_id=PartnerId("p-1"), agreement_id=AgreementId("a-1"), created_at=NOW,
        valid_until=None, price_type="wholesale", lines=(),
        taxation=Taxation(regime=TaxRegime.EXEMPT),
        total=Money.of("0", "RUB"),
    )  # fmt: skip
    deal = link_document(opened(MANUAL_SALE), quote.ref, now=NOW).entity
    assert deal.linked(DocumentKind.COMMERCIAL_OFFER) == (quote.ref,)


def test_the_forecast_of_rouble_and_euro_deals_is_summed_per_currency() -> None:
    deals = [
        opened(MANUAL_SALE, "d-1", amount=Money.of("1000", "RUB"), expected_close=date(2026, 3, 9)),
        opened(MANUAL_SALE, "d-2", amount=Money.of("200", "EUR"), expected_close=date(2026, 3, 9)),
        opened(MANUAL_SALE, "d-3", amount=Money.of("500", "RUB"), expected_close=date(2026, 3, 9)),
    ]
    report = upcoming(
        deals, pipelines={MANUAL_SALE.id: MANUAL_SALE}, today=NOW.date(), days=30, currency="RUB"
    )
    assert len(report.upcoming) == 3
    assert report.total == Money.of("1500", "RUB")
    assert set(report.totals) == {Money.of("1500", "RUB"), Money.of("200", "EUR")}
