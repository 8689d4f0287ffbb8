"""Cross-sell: products bought together, top products of a segment, suggestions."""

from datetime import datetime
from decimal import Decimal

import attrs
import pytest
from marketing_samples import NOW, purchase

from crmcore.deals import DealStatus
from crmcore.errors import DomainValidationError
from crmcore.marketing import (
    Purchase,
    cross_sell,
    purchases_from_deals,
    suggest_products,
    top_products,
)
from crmcore.money import Money

BASKETS = {
    "d-1": ("p-1", ("oil", "filter")),
    "d-2": ("p-2", ("oil", "filter", "wipers")),
    "d-3": ("p-3", ("oil",)),
    "d-4": ("p-4", ("tyres", "rims")),
    "d-5": ("p-5", ("tyres", "rims", "oil")),
    "d-6": ("p-6", ("filter",)),
}


def _lines() -> list[Purchase]:
    return [
        purchase(f"{deal}:{n}", deal, partner, product, "1000", NOW)
        for deal, (partner, products) in BASKETS.items()
        for n, product in enumerate(products)
    ]


def test_pairs_carry_support_confidence_and_lift() -> None:
    found = cross_sell(_lines())
    assert found.baskets == 6
    pairs = {(p.product, p.also): p for p in found.pairs}
    assert set(pairs) == {
        ("oil", "filter"),
        ("filter", "oil"),
        ("tyres", "rims"),
        ("rims", "tyres"),
    }
    rims = pairs[("rims", "tyres")]
    assert (rims.together, rims.support, rims.confidence, rims.lift) == (
        2, Decimal("0.3333"), Decimal("1.0000"), Decimal("3.0000"),
    )  # fmt: skip
    oil = pairs[("oil", "filter")]
    assert (oil.confidence, oil.lift) == (Decimal("0.5000"), Decimal("1.0000"))
    assert found.pairs[0].lift == Decimal("3.0000")
    assert [p.also for p in found.also_bought("oil")] == ["filter"]
    assert cross_sell(_lines(), min_together=1, limit=2).pairs == found.pairs[:2]
    assert len(cross_sell(_lines(), min_together=1).pairs) == 12


def test_min_together_must_be_positive() -> None:
    with pytest.raises(DomainValidationError) as raised:
        cross_sell(_lines(), min_together=0)
    assert raised.value.field == "min_together"


def test_suggestions_say_why_and_skip_what_was_bought() -> None:
    lines = _lines()
    found = cross_sell(lines, min_together=1)
    suggestions = suggest_products("p-3", lines, found, min_lift=Decimal("1.1"))
    assert [s.product_id for s in suggestions] == ["wipers"]
    assert suggestions[0].reason == (
        "clients who bought oil also bought wipers in 1 of 4 deals (confidence 25.0%, lift 1.5)"
    )
    assert suggest_products("p-2", lines, found) == ()
    every = suggest_products("p-3", lines, found, min_lift=Decimal(0))
    assert [s.product_id for s in every] == ["filter", "wipers", "rims", "tyres"]
    assert len(suggest_products("p-3", lines, found, min_lift=Decimal(0), limit=1)) == 1
    assert [s.product_id for s in suggest_products("p-6", lines, found)] == ["wipers"]


def test_top_products_of_a_segment_rank_by_buyers_then_amount() -> None:
    lines = [*_lines(), purchase("x", "d-9", "p-1", "oil", "10", NOW)]
    lines.append(attrs.evolve(lines[0], id="usd", amount=Money.of("5", "USD")))
    ranked = top_products(lines, partner_ids={"p-1", "p-2", "p-9"})
    assert [(r.product_id, r.buyers) for r in ranked] == [("oil", 2), ("filter", 2), ("wipers", 1)]
    assert ranked[0].amount == Money.of("2010", "RUB")
    assert ranked[0].share == Decimal("0.6667")
    everyone = top_products(lines, limit=1)
    assert [(r.product_id, r.buyers, r.share) for r in everyone] == [("oil", 4, Decimal("0.6667"))]


@attrs.frozen
class LineItem:
    product_id: str
    amount: Money


@attrs.frozen
class Deal:
    id: str
    partner_id: str
    status: DealStatus
    closed_at: datetime | None
    line_items: tuple[LineItem, ...]


def test_purchases_come_from_won_deals_line_items() -> None:
    item = LineItem("oil", Money.of("100", "RUB"))
    deals = [
        Deal("d-1", "p-1", DealStatus.WON, NOW, (item, LineItem("filter", Money.of("5", "RUB")))),
        Deal("d-2", "p-1", DealStatus.LOST, NOW, (item,)),
        Deal("d-3", "p-1", DealStatus.WON, None, (item,)),
    ]
    found = purchases_from_deals(deals)
    assert [(p.id, p.product_id, p.won_at) for p in found] == [
        ("d-1:1", "oil", NOW),
        ("d-1:2", "filter", NOW),
    ]
