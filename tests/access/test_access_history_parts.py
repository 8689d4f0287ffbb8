"""The audit trail of what a record keeps in stores of its own: a link made and removed stays
in its source partner's history, a product's prices and stock in the product's, and a new
product group or price type in the store's trail, on every store."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest
from access_samples import NOW, partner, policy
from access_stores import STORES, store_ids

from crmcore.app import CRM
from crmcore.app.commands import (
    AddPriceType,
    CreateProduct,
    CreateProductGroup,
    LinkRelationship,
    ReportStock,
    SetPrice,
    UnlinkRelationship,
)
from crmcore.app.store import Store
from crmcore.catalog import PriceType, ProductDraft, StockLevel
from crmcore.ids import EntityRef
from crmcore.money import Money

RUB = "RUB"


@pytest.fixture(params=STORES, ids=store_ids)
def crm(request: pytest.FixtureRequest) -> CRM:
    factory: Callable[[], Store] = request.param
    return CRM(factory(), policy=policy())


def _partner_ref(partner_id: str) -> EntityRef:
    return EntityRef(entity_type="partner", entity_id=partner_id)


def test_a_link_made_and_removed_stays_in_its_sources_history(crm: CRM) -> None:
    client, supplier = partner(crm, name="Romashka"), partner(crm, name="Lutik")
    link = LinkRelationship(
        kind="partner_of",
        source=_partner_ref(client),
        target=_partner_ref(supplier),
        relationship_id="r-1",
    )
    crm.execute(link, actor="anna", now=NOW)
    crm.execute(UnlinkRelationship(relationship_id="r-1"), actor="system", now=NOW)
    entries = crm.history(_partner_ref(client), actor="carl")
    linked, unlinked = entries[1:]
    assert [(e.actor, e.command) for e in (linked, unlinked)] == [
        ("anna", "link_relationship"),
        ("system", "unlink_relationship"),
    ]
    made, gone = linked.change("relationships.r-1"), unlinked.change("relationships.r-1")
    assert made is not None
    assert gone is not None
    assert made.before is None
    assert isinstance(made.after, dict)
    assert made.after["target"] == {"entity_type": "partner", "entity_id": supplier}
    assert (gone.before, gone.after) == (made.after, None)
    assert [e.command for e in crm.history(_partner_ref(supplier), actor="carl")] == [
        "register_partner"
    ]


def test_a_products_prices_and_stock_are_in_its_history(crm: CRM) -> None:
    def run(command: object) -> None:
        crm.execute(command, actor="carl", now=NOW)  # type: ignore[arg-type]

    run(CreateProductGroup(title="Pumps", group_id="pumps"))
    run(AddPriceType(price_type=PriceType(id="retail", name="Retail", currency=RUB)))
    run(CreateProduct(draft=ProductDraft(name="Pump", group_id="pumps"), product_id="k50"))
    for amount in ("100", "120"):
        price = Money.of(amount, RUB)
        run(
            SetPrice(
                product_id="k50", price_type="retail", price=price, valid_from=date(2026, 1, 1)
            )
        )
    for quantity in (3, 12):
        level = StockLevel(product_id="k50", warehouse="msk", quantity=Decimal(quantity), as_of=NOW)
        run(ReportStock(level=level))
    history = crm.history(EntityRef(entity_type="product", entity_id="k50"), actor="carl")
    assert [e.command for e in history] == [
        "create_product",
        "set_price",
        "set_price",
        "report_stock",
        "report_stock",
    ]
    changes = [(c.field, c.before, c.after) for e in history[1:] for c in e.changes]
    first = {"amount": "100", "currency": RUB}
    assert changes == [
        ("prices.retail@2026-01-01", None, first),
        ("prices.retail@2026-01-01", first, {"amount": "120", "currency": RUB}),
        ("stock.msk", None, "3"),
        ("stock.msk", "3", "12"),
    ]
    with crm.store.unit_of_work() as repositories:
        audit = repositories.audit
        assert audit is not None
        (group,) = audit.of_record("product_group", "pumps")
        (price_type,) = audit.of_record("price_type", "retail")
    assert (group.command, group.actor, group.version) == ("create_product_group", "carl", 1)
    assert price_type.change("currency") is not None
