"""Business case of the application layer's funnel: a month's funnel counts the deals still
open at its end, though nothing happened to them in it, on every store."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from app_samples import NOW, romashka, settings

from crmcore.app import CRM, Store
from crmcore.app.commands import LoseDeal, OpenDeal, RegisterPartner
from crmcore.deals import DealDraft
from crmcore.memory import MemoryStore
from crmcore.money import Money
from crmcore.sql import SqlStore
from crmcore.sql.metadata import metadata

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "sql"))
from sql_backends import postgres_url  # importable once the path is set


@pytest.fixture(params=["memory", "sqlite", "postgres"])
def store(request: pytest.FixtureRequest) -> Iterator[Store]:
    if request.param == "memory":
        yield MemoryStore()
        return
    if request.param == "sqlite":
        opened = SqlStore.sqlite(":memory:")
    else:
        opened = SqlStore.from_url(postgres_url(), upgrade=True)
        with opened.database.begin("empty the test database", write=True) as connection:
            for table in reversed(metadata.sorted_tables):
                connection.execute(table.delete())
    yield opened
    opened.close()


def test_aprils_funnel_counts_a_deal_opened_in_march_and_still_open_though_untouched(
    store: Store,
) -> None:
    crm = CRM(store, settings=settings())
    partner = crm.execute(RegisterPartner(draft=romashka()), actor="anna", now=NOW).result
    opened = []
    for title in ("Трубы", "Краны"):
        draft = DealDraft(title=title, partner_id=partner.id, responsible_manager="anna",
                          amount=Money.of("1000", "RUB"))  # fmt: skip
        command = OpenDeal(draft=draft, pipeline_id="manual_sale")
        opened.append(crm.execute(command, actor="anna", now=NOW).result)
    lost = LoseDeal(deal_id=opened[1].id, reason="price")
    assert crm.execute(lost, actor="anna", now=NOW + timedelta(days=1)).failures == ()
    april = datetime(2026, 4, 1, tzinfo=UTC)
    report = crm.funnel("manual_sale", start=april, end=datetime(2026, 5, 1, tzinfo=UTC))
    assert (report.open, report.won, report.lost) == (1, 0, 0)
    assert report.open_amounts == (Money.of("1000", "RUB"),)
