"""The SQL price list and sales history answer as the reference ones do, on every backend."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sql_backends import BACKENDS, Backend

from crmcore.errors import DomainValidationError
from crmcore.ids import EntityRef, PartnerId
from crmcore.memory import MemoryPriceList, MemorySalesHistory
from crmcore.money import Money
from crmcore.sql import SqlPriceList, SqlSalesHistory, SqlStore
from crmcore.sql import metadata as tables

EXAMPLES = settings(max_examples=10, database=None)
START = date(2026, 1, 1)
_days = st.integers(min_value=0, max_value=60).map(lambda days: START + timedelta(days=days))
_amounts = st.integers(min_value=0, max_value=500).map(lambda amount: Money.of(amount, "RUB"))
_products = st.sampled_from(("tea", "cups", "sugar"))
_kinds = st.sampled_from(("retail", "wholesale"))
_partners = st.sampled_from(("p-1", "p-2"))


@pytest.fixture(params=BACKENDS, ids=[backend.name for backend in BACKENDS])
def store(request: pytest.FixtureRequest) -> SqlStore:
    backend: Backend = request.param
    return backend.store()


def test_prices_are_those_in_effect_on_each_day(store: SqlStore) -> None:
    @EXAMPLES
    @given(
        sets=st.lists(st.tuples(_kinds, _products, _amounts, _days), max_size=8),
        asked=st.lists(st.tuples(_products, _days), min_size=1, max_size=5),
    )
    def same_prices(
        sets: list[tuple[str, str, Money, date]], asked: list[tuple[str, date]]
    ) -> None:
        _clear(store)
        reference = MemoryPriceList()
        prices = SqlPriceList(store.database)
        for kind, product, price, since in sets:
            reference.set(kind, product, price, since=since)
            prices.set(kind, product, price, since=since)
        for product, on in asked:
            for kind in ("retail", "wholesale"):
                assert prices.price(kind, product, on) == reference.price(kind, product, on)

    same_prices()


def test_last_sales_are_the_latest_on_or_before_the_day(store: SqlStore) -> None:
    @EXAMPLES
    @given(
        sales=st.lists(st.tuples(_partners, _products, _amounts, _days), max_size=10),
        until=_days,
    )
    def same_sales(sales: list[tuple[str, str, Money, date]], until: date) -> None:
        _clear(store)
        reference = MemorySalesHistory()
        history = SqlSalesHistory(store.database)
        for number, (partner, product, price, sold_on) in enumerate(sales):
            document = EntityRef(entity_type="shipment", entity_id=f"s-{number}")
            for each in (reference, history):
                each.record(PartnerId(partner), product, price, sold_on=sold_on, document=document)
        asked = ("tea", "cups", "sugar", "tea")
        for partner in ("p-1", "p-2"):
            found = history.last_sales(PartnerId(partner), asked, until=until)
            assert found == reference.last_sales(PartnerId(partner), asked, until=until)

    same_sales()


def test_a_negative_price_is_refused_and_stores_nothing(store: SqlStore) -> None:
    with pytest.raises(DomainValidationError) as raised:
        SqlPriceList(store.database).set("retail", "tea", Money.of(-1, "RUB"), since=START)
    assert raised.value.field == "price"
    assert store.repositories.prices.price("retail", "tea", START) is None


def _clear(store: SqlStore) -> None:
    with store.database.begin("empty the prices and sales", write=True) as connection:
        connection.execute(tables.prices.delete())
        connection.execute(tables.sales.delete())
