"""Writes to the catalog and to marketing's records under an access policy: a manager who may
only read the catalog cannot add a product group, a price type, a price or stock; one who may
change their own records may record the consent of their own client's people and no one
else's; campaigns, segments and surveys need the right on all of them. A refused command
changes nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from access_samples import partner

from crmcore.access import AccessPolicy, parse_policy
from crmcore.app import CRM
from crmcore.app.commands import (
    AddContactPerson,
    AddPriceType,
    CreateProduct,
    CreateProductGroup,
    DefineSegment,
    PlanCampaign,
    RecordConsent,
    RecordPurchases,
    ReportStock,
    SetPrice,
)
from crmcore.catalog import PriceType, ProductDraft, StockLevel
from crmcore.conditions import FieldCondition
from crmcore.errors import AccessDeniedError
from crmcore.ids import DealId, PartnerId
from crmcore.marketing import CampaignDraft, Purchase, SegmentDraft
from crmcore.money import Money
from crmcore.partners import ContactPersonDraft

NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
RUB = "RUB"


def _policy() -> AccessPolicy:
    manager = [
        {"kind": "*", "action": "read", "scope": "all"},
        {"kind": "*", "action": "create", "scope": "own"},
        {"kind": "*", "action": "change", "scope": "own"},
    ]
    admin = [
        {"kind": "*", "action": action, "scope": "all"}
        for action in ("read", "create", "change", "run_reports")
    ]
    return parse_policy(
        {
            "users": [
                {"id": "anna", "roles": ["manager"]},
                {"id": "carl", "roles": ["admin"]},
            ],
            "roles": [
                {"id": "manager", "permissions": manager},
                {"id": "admin", "permissions": admin},
            ],
        }
    )


def _run(crm: CRM, command: Any, actor: str = "carl") -> Any:
    return crm.execute(command, actor=actor, now=NOW).result


@pytest.fixture(params=["memory", "sqlite"])
def crm(request: pytest.FixtureRequest) -> CRM:
    if request.param == "memory":
        return CRM.in_memory(policy=_policy())
    return CRM.sqlite(":memory:", policy=_policy())


def _refused(crm: CRM, command: Any, kind: str) -> None:
    with pytest.raises(AccessDeniedError) as raised:
        _run(crm, command, actor="anna")
    assert raised.value.entity_type == kind


def test_the_catalog_is_changed_only_by_who_may_change_all_of_it(crm: CRM) -> None:
    _run(crm, CreateProductGroup(title="Pumps", group_id="pumps"))
    _run(
        crm, CreateProduct(draft=ProductDraft(name="Pump K-50", group_id="pumps"), product_id="k50")
    )
    _run(crm, AddPriceType(price_type=PriceType(id="retail", name="Retail", currency=RUB)))
    price = SetPrice(
        product_id="k50", price_type="retail", price=Money.of("100", RUB),
        valid_from=date(2026, 1, 1),
    )  # fmt: skip
    _run(crm, price)
    level = StockLevel(product_id="k50", warehouse="msk", quantity=Decimal(3), as_of=NOW)
    _refused(crm, CreateProductGroup(title="Seals", group_id="seals"), "product_group")
    _refused(
        crm, AddPriceType(price_type=PriceType(id="dealer", name="D", currency=RUB)), "price_type"
    )
    _refused(crm, CreateProduct(draft=ProductDraft(name="Seal"), product_id="seal"), "product")
    cheaper = SetPrice(
        product_id="k50", price_type="retail", price=Money.of("1", RUB), valid_from=date(2026, 2, 1)
    )
    _refused(crm, cheaper, "product")
    _refused(crm, ReportStock(level=level), "product")
    with crm.store.unit_of_work() as repositories:
        catalog = repositories.catalog
        assert catalog is not None
        assert [p.price for p in catalog.prices_of("k50")] == [Money.of("100", RUB)]
        assert catalog.stock_of("k50") == []
        assert [g.id for g in catalog.groups()] == ["pumps"]
    _run(crm, ReportStock(level=level))


def test_a_consent_follows_its_partner_and_campaigns_need_the_right_on_all(crm: CRM) -> None:
    annas = partner(crm, manager="anna")
    boriss = partner(crm, manager="boris", name="Lutik")
    for client, person in ((annas, "cp-a"), (boriss, "cp-b")):
        _run(
            crm,
            AddContactPerson(
                partner_id=client, draft=ContactPersonDraft(name="Petr"), contact_person_id=person
            ),
        )
    mine = _run(
        crm, RecordConsent(contact_person_id="cp-a", channel="email", status="granted"), "anna"
    )
    assert mine.partner_id == annas
    _refused(
        crm, RecordConsent(contact_person_id="cp-b", channel="email", status="granted"), "consent"
    )
    campaign = CampaignDraft(
        name="Spring", starts_on=date(2026, 6, 1), ends_on=date(2026, 6, 30),
        budget=Money.of("1000", RUB),
    )  # fmt: skip
    _refused(crm, PlanCampaign(draft=campaign, campaign_id="spring"), "campaign")
    segment = SegmentDraft(
        name="Big", condition=FieldCondition(field="short_name", op="eq", value="Lutik")
    )
    _refused(crm, DefineSegment(draft=segment, segment_id="big"), "segment")
    assert _run(crm, PlanCampaign(draft=campaign, campaign_id="spring")).id == "spring"


def test_purchases_follow_their_partner_and_are_audited(crm: CRM) -> None:
    annas = partner(crm, manager="anna")
    boriss = partner(crm, manager="boris", name="Lutik")

    def bought(line: str, client: str) -> Purchase:
        return Purchase(
            id=line, deal_id=DealId("d-1"), partner_id=PartnerId(client), product_id="oil",
            amount=Money.of("100", RUB), won_at=NOW,
        )  # fmt: skip

    both = RecordPurchases(purchases=[bought("l-1", annas), bought("l-2", boriss)])
    _refused(crm, both, "purchase")
    with crm.store.unit_of_work() as repositories:
        history = repositories.purchases
        assert history is not None
        assert list(history.find()) == []
    assert _run(crm, RecordPurchases(purchases=[bought("l-1", annas)]), "anna") == 1
    with crm.store.unit_of_work() as repositories:
        audit = repositories.audit
        assert audit is not None
        (entry,) = audit.of_record("purchase", "l-1")
    assert (entry.actor, entry.command) == ("anna", "record_purchases")
