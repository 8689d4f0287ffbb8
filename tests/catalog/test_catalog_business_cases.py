"""Business case of the catalog through the CRM: setting a product the price it has from
that day already is no change, and no event fires rules on it."""

from __future__ import annotations

from datetime import UTC, date, datetime

from crmcore.app import CRM, Settings
from crmcore.app.commands import AddPriceType, CreateProduct, SetPrice
from crmcore.catalog import ProductDraft
from crmcore.catalog.model import PriceType
from crmcore.ids import UserId
from crmcore.memory import MemoryStore
from crmcore.money import Money
from crmcore.rules import Member, Staff

NOW = datetime(2026, 3, 2, 9, tzinfo=UTC)


def test_setting_the_wholesale_price_a_pump_has_already_is_no_change() -> None:
    crm = CRM(MemoryStore(), settings=Settings(staff=Staff(members=(Member(user=UserId("anna")),))))
    crm.execute(CreateProduct(draft=ProductDraft(name="Насос К-50"), product_id="pump"),
                actor="anna", now=NOW)  # fmt: skip
    crm.execute(AddPriceType(price_type=PriceType(id="wholesale", name="Опт", currency="RUB")),
                actor="anna", now=NOW)  # fmt: skip

    def price(amount: str, valid_from: date) -> tuple[str, ...]:
        command = SetPrice(product_id="pump", price_type="wholesale",
                           price=Money.of(amount, "RUB"), valid_from=valid_from)  # fmt: skip
        return tuple(event.name for event in crm.execute(command, actor="anna", now=NOW).events)

    first = price("10000", date(2026, 1, 1))
    assert len(first) == 1
    assert price("10000.00", date(2026, 1, 1)) == ()
    assert price("10500", date(2026, 1, 1)) == first
    assert price("10500", date(2026, 4, 1)) == first
