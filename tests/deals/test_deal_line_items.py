"""Line items of a deal: the amount follows them, stays editable without them, and the
forecast takes the manager's own probability before the stage's."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import attrs
import pytest
from deal_samples import NOW, opened

from crmcore.deals import (
    BUILTIN_PIPELINES,
    TYPICAL_SALE,
    DealDraft,
    LineItem,
    edit_deal,
    line_item,
    open_deal,
    set_line_items,
    upcoming,
)
from crmcore.errors import DomainValidationError
from crmcore.money import Money, Rounding

LATER = NOW + timedelta(hours=1)
RUB = "RUB"


def item(product: str = "pump", quantity: str = "2", price: str = "1000") -> LineItem:
    return line_item(
        product, quantity=Decimal(quantity), unit_price=Money.of(price, RUB), tax_rate=Decimal(20)
    )


def test_a_line_item_computes_its_amount_and_tax_with_one_rounding() -> None:
    found = line_item(
        "pump",
        quantity=Decimal("3"),
        unit_price=Money.of("33.33", RUB),
        discount=Decimal("10"),
        tax_rate=Decimal("20"),
        rounding=Rounding(digits=0),
    )
    assert (found.amount, found.tax) == (Money.of("90", RUB), Money.of("18", RUB))


def test_a_line_item_names_every_bad_input() -> None:
    with pytest.raises(DomainValidationError) as raised:
        line_item(
            "pump",
            quantity=Decimal(0),
            unit_price=Money.of("-1", RUB),
            discount=Decimal(101),
            tax_rate=Decimal(-1),
        )
    fields = sorted(v.field for v in raised.value.violations)
    assert fields == ["discount", "quantity", "tax_rate", "unit_price"]


def test_a_line_item_keeps_one_currency() -> None:
    with pytest.raises(DomainValidationError, match="unit price's currency"):
        attrs.evolve(item(), amount=Money.of("2000", "EUR"))


def test_the_deals_amount_follows_its_items() -> None:
    deal = opened(TYPICAL_SALE, amount=Money.of("5", RUB))
    outcome = set_line_items(deal, [item(), item("seal", "10", "15.5")], now=LATER)
    changed = outcome.entity
    assert changed.amount == Money.of("2155.00", RUB)
    assert changed.version == deal.version + 1
    assert set(outcome.events[0].changes) == {"line_items", "amount"}


def test_clearing_the_items_keeps_the_amount_and_makes_it_editable_again() -> None:
    deal = set_line_items(opened(TYPICAL_SALE), [item()], now=LATER).entity
    cleared = set_line_items(deal, [], now=LATER).entity
    assert (cleared.line_items, cleared.amount) == ((), Money.of("2000.00", RUB))
    edited = edit_deal(cleared, now=LATER, changes={"amount": Money.of("7", RUB)}).entity
    assert edited.amount == Money.of("7", RUB)


def test_setting_the_same_items_changes_nothing() -> None:
    deal = set_line_items(opened(TYPICAL_SALE), [item()], now=LATER).entity
    again = set_line_items(deal, [item()], now=LATER)
    assert again.entity is deal
    assert again.events == ()


def test_editing_the_amount_of_a_deal_with_items_is_refused_with_every_problem() -> None:
    deal = set_line_items(opened(TYPICAL_SALE), [item()], now=LATER).entity
    with pytest.raises(DomainValidationError) as raised:
        edit_deal(deal, now=LATER, changes={"amount": Money.of("1", RUB), "title": ""})
    assert sorted(v.field for v in raised.value.violations) == ["amount", "title"]
    same = edit_deal(deal, now=LATER, changes={"amount": deal.amount, "title": "Насосы"})
    assert same.entity.title == "Насосы"


def test_items_in_two_currencies_or_not_items_are_refused() -> None:
    deal = opened(TYPICAL_SALE)
    euro = line_item("pump", quantity=Decimal(1), unit_price=Money.of("1", "EUR"))
    with pytest.raises(DomainValidationError, match="one currency, not EUR, RUB"):
        set_line_items(deal, [item(), euro], now=LATER)
    with pytest.raises(DomainValidationError) as raised:
        set_line_items(deal, ["pump"], now=LATER)  # type: ignore[list-item]
    assert raised.value.violations[0].field == "line_items[0]"
    with pytest.raises(DomainValidationError):
        set_line_items(deal, "pump", now=LATER)  # type: ignore[arg-type]


def test_a_deal_with_items_must_carry_their_sum() -> None:
    deal = set_line_items(opened(TYPICAL_SALE), [item()], now=LATER).entity
    with pytest.raises(DomainValidationError, match="the sum of the line items"):
        attrs.evolve(deal, amount=Money.of("1", RUB))


def test_tags_source_campaign_probability_and_next_step_are_kept_and_edited() -> None:
    draft = DealDraft(
        title="Насосы",
        partner_id="p-1",
        responsible_manager="u-1",
        tags=["насосы", "весна"],
        source="выставка",
        campaign_id="cmp-1",
        probability=Decimal(70),
        next_step="Позвонить главному инженеру",
        next_step_due=date(2026, 3, 5),
    )
    deal = open_deal(draft, pipeline=TYPICAL_SALE, now=NOW).entity
    assert deal.tags == frozenset({"насосы", "весна"})
    assert (deal.source, deal.campaign_id, deal.probability) == ("выставка", "cmp-1", Decimal(70))
    edited = edit_deal(
        deal, now=LATER, changes={"tags": ["опт"], "probability": None, "next_step": " "}
    ).entity
    assert (edited.tags, edited.probability, edited.next_step) == (frozenset({"опт"}), None, None)


def test_bad_tags_and_probability_are_named() -> None:
    deal = opened(TYPICAL_SALE)
    with pytest.raises(DomainValidationError) as raised:
        edit_deal(
            deal,
            now=LATER,
            changes={"tags": ["", "x" * 101], "probability": Decimal(101), "campaign_id": "a b"},
        )
    assert sorted({v.field for v in raised.value.violations}) == [
        "campaign_id",
        "probability",
        "tags",
    ]


def test_the_forecast_takes_the_managers_probability_before_the_stages() -> None:
    close = date(2026, 3, 20)
    plain = opened(TYPICAL_SALE, "d-1", amount=Money.of("1000", RUB), expected_close=close)
    own = opened(
        TYPICAL_SALE,
        "d-2",
        amount=Money.of("1000", RUB),
        expected_close=close,
        probability=Decimal(80),
    )
    report = upcoming(
        [plain, own], pipelines=BUILTIN_PIPELINES, today=NOW.date(), days=30, currency=RUB
    )
    assert [line.probability for line in report.upcoming] == [Decimal(5), Decimal(80)]
    assert report.weighted == Money.of("850.00", RUB)
