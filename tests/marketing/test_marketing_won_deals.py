"""Cross-sell on a CRM reads the line items of the deals the store holds: only won deals
count, beside the purchases a host records; in memory and on SQLite."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from marketing_samples import NOW, deal, purchase

from crmcore.app import CRM, Settings, Store
from crmcore.app.commands import RecordPurchases, RegisterPartner
from crmcore.deals import DealStatus
from crmcore.ids import UserId
from crmcore.memory import MemoryStore
from crmcore.partners import PartnerDraft
from crmcore.rules import Member, Staff
from crmcore.sql import SqlStore

SETTINGS = Settings(staff=Staff(members=(Member(user=UserId("anna"), department="marketing"),)))
STORES: dict[str, Callable[[], Store]] = {
    "memory": MemoryStore,
    "sqlite": lambda: SqlStore.sqlite(":memory:"),
}
DEALS = (
    deal("d-1", "p-1", DealStatus.WON, ("oil", "3000"), ("filter", "800")),
    deal("d-2", "p-2", DealStatus.WON, ("oil", "3000"), ("filter", "800")),
    deal("d-3", "p-3", DealStatus.LOST, ("oil", "3000"), ("wipers", "500")),
    deal("d-4", "p-3", DealStatus.OPEN, ("oil", "3000"), ("wipers", "500")),
    deal("d-5", "p-5", DealStatus.WON, ("tyres", "20000")),
)


def _run(crm: CRM, command: Any) -> Any:
    return crm.execute(command, actor="anna", now=datetime(2026, 6, 2, tzinfo=UTC)).result


@pytest.mark.parametrize("kind", sorted(STORES))
def test_won_deals_lines_and_recorded_purchases_feed_cross_sell(kind: str) -> None:
    store = STORES[kind]()
    crm = CRM(store, settings=SETTINGS)
    for partner_id in ("p-1", "p-2", "p-3", "p-4", "p-5"):
        draft = PartnerDraft(kind="legal_entity", roles=["client"], short_name=partner_id)
        _run(crm, RegisterPartner(draft=draft, partner_id=partner_id, force=True))
    with store.unit_of_work() as repositories:
        for each in DEALS:
            repositories.deals.add(each)
    recorded = (
        purchase("x-1", "old-1", "p-4", "oil", "2500", NOW),
        purchase("x-2", "old-1", "p-4", "wipers", "400", NOW),
    )
    _run(crm, RecordPurchases(purchases=recorded))
    found = crm.marketing.cross_sell(min_together=1)
    # Four baskets: d-1, d-2, d-5 (won) and old-1 (recorded); d-3 (lost) and d-4 (open) not.
    assert found.baskets == 4
    assert {(p.product, p.also): p.together for p in found.pairs} == {
        ("filter", "oil"): 2, ("oil", "filter"): 2, ("oil", "wipers"): 1, ("wipers", "oil"): 1,
    }  # fmt: skip
    # p-4 bought oil: filter is in 2 of the 3 baskets with oil, and in 2 of all 4.
    (suggestion,) = crm.marketing.suggestions("p-4", min_together=1)
    assert (suggestion.product_id, suggestion.confidence, suggestion.lift) == (
        "filter", Decimal("0.6667"), Decimal("1.3333"),
    )  # fmt: skip
    assert suggestion.reason.startswith("clients who bought oil also bought filter in 2 of 3")
    assert crm.marketing.suggestions("p-3", min_together=1) == ()
