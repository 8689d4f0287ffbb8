"""Cross-sell: products bought together, top products of a segment, suggestions."""

from decimal import Decimal

import attrs
import pytest
from marketing_samples import NOW, deal, purchase

from crmcore.deals import DealStatus
from crmcore.errors import DomainValidationError
from crmcore.marketing import (
    ProductPair,
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


def test_purchases_come_from_won_deals_line_items() -> None:
    deals = [
        deal("d-1", "p-1", DealStatus.WON, ("oil", "100"), ("filter", "5")),
        deal("d-2", "p-1", DealStatus.LOST, ("oil", "100")),
        deal("d-3", "p-1", DealStatus.OPEN, ("oil", "100")),
        deal("d-4", "p-2", DealStatus.WON),
    ]
    found = purchases_from_deals(deals)
    assert [(p.id, p.deal_id, p.partner_id, p.product_id, p.amount, p.won_at) for p in found] == [
        ("d-1:1", "d-1", "p-1", "oil", Money.of("100.00", "RUB"), NOW),
        ("d-1:2", "d-1", "p-1", "filter", Money.of("5.00", "RUB"), NOW),
    ]


# A car service's won deals: four of the six baskets hold oil, three of them a filter too.
SERVICE = (
    deal("d-1", "p-1", DealStatus.WON, ("oil", "3000"), ("filter", "800")),
    deal("d-2", "p-2", DealStatus.WON, ("oil", "3000"), ("filter", "800"), ("wipers", "500")),
    deal("d-3", "p-3", DealStatus.WON, ("oil", "3000"), ("filter", "800")),
    deal("d-4", "p-4", DealStatus.WON, ("oil", "3000")),
    deal("d-5", "p-5", DealStatus.WON, ("tyres", "20000"), ("rims", "40000")),
    deal("d-6", "p-1", DealStatus.WON, ("tyres", "20000")),
    deal("d-7", "p-6", DealStatus.LOST, ("oil", "3000"), ("filter", "800")),
    deal("d-8", "p-7", DealStatus.OPEN, ("tyres", "20000"), ("rims", "40000")),
)


def _figures(pair: ProductPair) -> tuple[str, str, int, str, str, str]:
    return (
        pair.product, pair.also, pair.together, str(pair.support), str(pair.confidence),
        str(pair.lift),
    )  # fmt: skip


def test_the_car_service_baskets_give_the_figures_worked_out_by_hand() -> None:
    lines = purchases_from_deals(SERVICE)
    found = cross_sell(lines)
    # oil in 4 of 6 won baskets, filter in 3, both in 3: support 3/6, confidence oil -> filter
    # 3/4, filter -> oil 3/3, lift 0.75 / (3/6) = 1 / (4/6) = 1.5.
    assert found.baskets == 6
    assert [_figures(pair) for pair in found.pairs] == [
        ("filter", "oil", 3, "0.5000", "1.0000", "1.5000"),
        ("oil", "filter", 3, "0.5000", "0.7500", "1.5000"),
    ]
    every = {(p.product, p.also): _figures(p) for p in cross_sell(lines, min_together=1).pairs}
    # tyres in 2 baskets, rims in 1, both in 1: rims -> tyres 1/1 over 2/6 is a lift of 3;
    # the lift is worked out before rounding: filter -> wipers is (1/3) / (1/6) = 2.
    assert every[("rims", "tyres")] == ("rims", "tyres", 1, "0.1667", "1.0000", "3.0000")
    assert every[("tyres", "rims")] == ("tyres", "rims", 1, "0.1667", "0.5000", "3.0000")
    assert every[("filter", "wipers")] == ("filter", "wipers", 1, "0.1667", "0.3333", "2.0000")
    assert len(every) == 8
    (suggestion,) = suggest_products("p-4", lines, found)
    assert (suggestion.product_id, suggestion.confidence, suggestion.lift) == (
        "filter", Decimal("0.7500"), Decimal("1.5000"),
    )  # fmt: skip
    assert suggestion.reason == (
        "clients who bought oil also bought filter in 3 of 4 deals (confidence 75.0%, lift 1.5)"
    )
    top = top_products(lines, partner_ids={"p-1", "p-2"})
    assert [(r.product_id, r.buyers, str(r.amount), str(r.share)) for r in top] == [
        ("oil", 2, "6000.00 RUB", "1.0000"),
        ("filter", 2, "1600.00 RUB", "1.0000"),
        ("tyres", 1, "20000.00 RUB", "0.5000"),
        ("wipers", 1, "500.00 RUB", "0.5000"),
    ]
