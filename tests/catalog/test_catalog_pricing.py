"""Prices for a client through the agreement, the product tree, and the price form."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_CEILING

import attrs
import pytest
from catalog_samples import CLIENT, GROUPS, PUMP, SEAL, TODAY, agreement, catalog, history

from crmcore.agreements import AgreementStatus, lowest_price
from crmcore.catalog import Product, price_for, price_form, product_tree, ungrouped
from crmcore.errors import AgreementNotApplicableError
from crmcore.ids import PartnerId
from crmcore.money import Money, Rounding


def test_the_price_follows_the_agreement_and_the_date() -> None:
    found = price_for(PUMP, partner=CLIENT, agreement=agreement(), prices=catalog(), on=TODAY)
    assert found is not None
    assert (found.list_price, found.recommended, found.minimum) == (
        Money.of("10000", "RUB"),
        Money.of("9500.00", "RUB"),
        Money.of("8500.00", "RUB"),
    )
    later = price_for(
        PUMP, partner=CLIENT, agreement=agreement(), prices=catalog(), on=date(2026, 3, 10)
    )
    assert later is not None
    assert later.list_price == Money.of("11000", "RUB")


def test_the_minimum_is_the_agreements_lowest_price_with_its_rounding() -> None:
    whole = agreement(rounding=Rounding(mode=ROUND_CEILING, digits=0))
    found = price_for(PUMP, partner=CLIENT, agreement=whole, prices=catalog(), on=TODAY)
    assert found is not None
    conditions = whole.in_force(TODAY)
    assert found.minimum == lowest_price(Money.of("10000", "RUB"), conditions)


def test_the_products_own_minimum_price_is_a_floor() -> None:
    found = price_for(SEAL, partner=CLIENT, agreement=agreement(), prices=catalog(), on=TODAY)
    assert found is not None
    # 15% off 100 RUB is 85, below the seal's own minimum of 95; 5% off is 95 exactly.
    assert (found.minimum, found.recommended) == (Money.of("95.00", "RUB"), Money.of("95", "RUB"))


def test_a_product_without_a_price_has_none() -> None:
    unpriced = Product(id="valve", name="Valve")
    assert (
        price_for(unpriced, partner=CLIENT, agreement=agreement(), prices=catalog(), on=TODAY)
        is None
    )


def test_an_agreement_not_in_force_or_of_another_partner_is_refused() -> None:
    other = attrs.evolve(CLIENT, id=PartnerId("p-2"))
    with pytest.raises(AgreementNotApplicableError):
        price_for(PUMP, partner=other, agreement=agreement(), prices=catalog(), on=TODAY)
    draft = attrs.evolve(agreement(), status=AgreementStatus.DRAFT)
    with pytest.raises(AgreementNotApplicableError):
        price_for(PUMP, partner=CLIENT, agreement=draft, prices=catalog(), on=TODAY)


def test_the_tree_nests_groups_and_leaves_out_the_ungrouped() -> None:
    loose = Product(id="loose", name="Loose")
    orphan = Product(id="orphan", name="Orphan", group_id="gone")
    products = [SEAL, PUMP, loose, orphan]
    (top,) = product_tree(GROUPS, products)
    assert top.group.id == "pumps"
    assert [p.id for p in top.products] == ["pump"]
    assert [(c.group.id, [p.id for p in c.products]) for c in top.children] == [("parts", ["seal"])]
    assert [p.id for p in ungrouped(GROUPS, products)] == ["loose", "orphan"]


def test_the_price_form_shows_stock_prices_past_prices_and_images() -> None:
    stored = catalog()
    form = price_form(
        CLIENT,
        agreement(),
        groups=stored.groups(),
        products=list(stored.iterate()),
        stock=[level for p in stored.iterate() for level in stored.stock_of(p.id)],
        prices=stored,
        history=history(),
        on=TODAY,
    )
    pump, seal = form.lines
    assert pump.product.image == "img/pump.png"
    assert [(s.warehouse, str(s.quantity)) for s in pump.stock] == [("msk", "12"), ("spb", "3")]
    assert pump.price is not None
    assert pump.price.minimum == Money.of("8500.00", "RUB")
    assert pump.last_sale is not None
    assert pump.last_sale.price == Money.of("9300", "RUB")
    assert seal.stock == ()
    assert seal.last_sale is None
    assert [node.group.id for node in form.tree] == ["pumps"]
