"""The application layer's newer queries under an access policy: the price form, a deal's
documents, the task agenda, the desktop's counterparties and tasks, the forecast and the
export; each is refused to an actor without rights and shows a permitted one exactly theirs."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from access_samples import NOW, extended_policy, open_deal, partner, policy

from crmcore.access import parse_policy
from crmcore.agreements import (
    Agreement,
    AgreementKind,
    AgreementStatus,
    ConditionOverrides,
    DeliveryMethod,
    DeliveryTerms,
    PaymentForm,
    SalesConditions,
    Taxation,
    TaxRegime,
)
from crmcore.app import CRM
from crmcore.app.commands import (
    AddPriceType,
    CreateProduct,
    CreateTask,
    EditDeal,
    PlanBusiness,
    PlanInteraction,
    RegisterOffer,
    SetLineItems,
    SetPrice,
)
from crmcore.catalog import PriceType, ProductDraft
from crmcore.deals import CostLine, ProductPick
from crmcore.errors import AccessDeniedError, DomainValidationError
from crmcore.ids import AgreementId, PartnerId, UserId
from crmcore.interactions import InteractionDraft
from crmcore.money import Money
from crmcore.tasks import TaskDraft

RUB = "RUB"


def _agreement(partner_id: str) -> Agreement:
    conditions = SalesConditions(
        currency=RUB,
        price_type="wholesale",
        payment_form=PaymentForm.BANK_TRANSFER,
        taxation=Taxation(regime=TaxRegime.VAT_ON_TOP, rate=Decimal(20)),
        delivery=DeliveryTerms(method=DeliveryMethod.PICKUP),
        discount=Decimal(5),
        max_manager_discount=Decimal(10),
    )
    return Agreement(
        id=AgreementId("ind-1"),
        kind=AgreementKind.INDIVIDUAL,
        name="Romashka 2026",
        status=AgreementStatus.APPROVED,
        valid_from=date(2026, 1, 1),
        valid_to=date(2026, 12, 31),
        partner_id=PartnerId(partner_id),
        base_id=AgreementId("typ-1"),
        overrides=ConditionOverrides(),
        conditions=conditions,
        created_at=NOW,
    )


def _desk() -> tuple[CRM, dict[str, str]]:
    """A client of Anna's under an agreement, a pump with a lowest price, and Anna's deal
    with an offer and a business plan; a client of Boris's."""
    crm = CRM.in_memory(policy=extended_policy())
    client = partner(crm, manager="anna")
    other = partner(crm, manager="boris", name="Lutik")
    with crm.store.unit_of_work() as repositories:
        repositories.agreements.add(_agreement(client))
    run = _runner(crm, "carl")
    # The catalog comes from the ERP, under the system actor: a lowest price is set only by
    # who has the right to see it, which Carl has not.
    system = _runner(crm, "system")
    system(AddPriceType(price_type=PriceType(id="wholesale", name="Wholesale", currency=RUB)))
    draft = ProductDraft(name="Pump", min_price=Money.of("9000", RUB))
    with pytest.raises(AccessDeniedError):
        run(CreateProduct(draft=draft, product_id="pump"))
    system(CreateProduct(draft=draft, product_id="pump"))
    price = Money.of("10000", RUB)
    start = date(2026, 1, 1)
    system(SetPrice(product_id="pump", price_type="wholesale", price=price, valid_from=start))
    deal = open_deal(crm, client, manager="anna", amount=None)
    anna = _runner(crm, "anna")
    picks = (ProductPick(product_id="pump", quantity=Decimal(2)),)
    anna(SetLineItems(deal_id=deal, items=picks, agreement_id="ind-1"))
    anna(RegisterOffer(deal_id=deal, agreement_id="ind-1", offer_id="o-1"))
    run(PlanBusiness(deal_id=deal, costs=[CostLine(name="Buy", amount=Money.of("15000", RUB))]))
    return crm, {"client": client, "other": other, "deal": deal}


def _runner(crm: CRM, actor: str) -> Any:
    def run(command: Any) -> Any:
        return crm.execute(command, actor=actor, now=NOW).result

    return run


def test_the_price_form_is_the_clients_and_hides_the_lowest_prices() -> None:
    crm, ids = _desk()
    (line,) = crm.price_form(ids["client"], now=NOW, actor="olga").lines
    assert line.price is not None
    assert (line.product.min_price, line.price.minimum) == (
        Money.of("9000", RUB),
        Money.of("9000", RUB),
    )
    (shown,) = crm.price_form(ids["client"], now=NOW, actor="anna").lines
    assert shown.product.min_price is None
    assert shown.price is not None
    assert shown.price.minimum == shown.price.recommended == Money.of("9500", RUB)
    viewer = parse_policy(
        {"users": [{"id": "ivan", "roles": ["viewer"]}], "roles": [{"id": "viewer"}]}
    )
    with pytest.raises(AccessDeniedError) as caught:
        CRM(crm.store, policy=viewer).price_form(ids["client"], now=NOW, actor="ivan")
    assert (caught.value.action, caught.value.entity_type) == ("read", "partner")


def test_a_deals_documents_are_read_with_the_deal_and_hide_the_costs() -> None:
    crm, ids = _desk()
    seen = crm.deal_documents(ids["deal"], actor="olga")
    assert [o.id for o in seen.offers] == ["o-1"]
    assert seen.business_plan is not None
    assert seen.business_plan.planned_costs != ()
    own = crm.deal_documents(ids["deal"], actor="anna")
    assert [o.id for o in own.offers] == ["o-1"]
    assert own.business_plan is not None
    assert own.business_plan.planned_costs == ()
    with pytest.raises(AccessDeniedError) as caught:
        crm.deal_documents(ids["deal"], actor="boris")
    assert (caught.value.entity_type, caught.value.entity_id) == ("deal", ids["deal"])


def test_the_documents_of_anothers_deal_are_not_written() -> None:
    crm, ids = _desk()
    command = RegisterOffer(deal_id=ids["deal"], agreement_id="ind-1", offer_id="o-2")
    with pytest.raises(AccessDeniedError) as caught:
        crm.execute(command, actor="boris", now=NOW)
    assert (caught.value.action, caught.value.entity_type) == ("create", "commercial_offer")
    assert [o.id for o in crm.deal_documents(ids["deal"], actor="anna").offers] == ["o-1"]


def test_the_export_lists_the_exportable_records_as_mappings() -> None:
    crm, ids = _desk()
    boriss = open_deal(crm, ids["other"], manager="boris")
    annas = crm.export("deal", actor="anna")
    assert [row["id"] for row in annas] == [ids["deal"]]
    assert annas[0]["amount"] is not None
    every = crm.export("deal", actor="carl")
    assert sorted(row["id"] for row in every) == sorted([ids["deal"], boriss])
    assert {row["amount"] for row in every} == {None}
    assert {len(row["line_items"]) for row in every} == {0}
    assert [row["id"] for row in crm.export("partner", actor="anna")] == [ids["client"]]
    with pytest.raises(AccessDeniedError) as caught:
        crm.export("deal", actor="olga")
    assert (caught.value.action, caught.value.entity_type) == ("export", "deal")
    with pytest.raises(DomainValidationError) as refused:
        crm.export("interaction", actor="carl")
    assert refused.value.fields == ("kind",)


def test_the_task_agenda_lists_the_readable_tasks_only() -> None:
    crm = CRM.in_memory(policy=policy())
    due = NOW + timedelta(hours=3)
    run = _runner(crm, "carl")
    mine = run(CreateTask(draft=TaskDraft(title="Call", assignee=UserId("anna"), due=due)))
    helped = TaskDraft(
        title="Help", assignee=UserId("boris"), due=due, co_executors=[UserId("anna")]
    )
    run(CreateTask(draft=helped))
    agenda = crm.task_agenda("anna", now=NOW, actor="anna")
    assert [t.id for t in agenda.today] == [mine.id]
    assert crm.task_agenda("anna", now=NOW, actor="boris").today == ()
    assert [t.id for t in crm.task_agenda("anna", now=NOW, actor="olga").today] == [mine.id]


def _assisted() -> CRM:
    data = {
        "users": [
            {"id": "anna", "roles": ["manager"]},
            {"id": "zoe", "roles": ["assistant"]},
            {"id": "carl", "roles": ["admin"]},
        ],
        "roles": [
            {
                "id": "manager",
                "permissions": [{"kind": "*", "action": "read", "scope": "own"}],
            },
            {
                "id": "assistant",
                "permissions": [
                    {"kind": "interaction", "action": "read", "scope": "all"},
                    {"kind": "partner", "action": "read", "scope": "own"},
                    {"kind": "task", "action": "read", "scope": "co_executor"},
                ],
            },
            {
                "id": "admin",
                "permissions": [
                    {"kind": "*", "action": action, "scope": "all"}
                    for action in ("read", "create", "change")
                ],
            },
        ],
    }
    return CRM.in_memory(policy=parse_policy(data))


def test_the_desktop_shows_the_readable_partners_and_tasks() -> None:
    crm = _assisted()
    annas, zoes = partner(crm, manager="anna"), partner(crm, manager="zoe", name="Lutik")
    run = _runner(crm, "carl")
    for client, hour in ((annas, 2), (zoes, 3)):
        draft = InteractionDraft(
            kind="call",
            topic="Prices",
            start=NOW + timedelta(hours=hour),
            responsible=UserId("anna"),
            direction="outgoing",
            partner_id=PartnerId(client),
        )
        run(PlanInteraction(draft=draft))
    due = NOW + timedelta(hours=4)
    alone = run(CreateTask(draft=TaskDraft(title="Call", assignee=UserId("anna"), due=due)))
    shared = TaskDraft(
        title="Visit", assignee=UserId("anna"), due=due, co_executors=[UserId("zoe")]
    )
    helped = run(CreateTask(draft=shared))
    own = crm.desktop("anna", now=NOW, actor="anna")
    assert [c.partner_id for c in own.counterparties] == [annas]
    assert sorted(t.id for t in own.tasks_today) == sorted([alone.id, helped.id])
    assisted = crm.desktop("anna", now=NOW, actor="zoe")
    assert (assisted.events, [c.partner_id for c in assisted.counterparties]) == (2, [zoes])
    assert [t.id for t in assisted.tasks_today] == [helped.id]
    assert len(crm.desktop("anna", now=NOW, actor="carl").counterparties) == 2


def test_the_forecast_weighs_only_the_readable_deals() -> None:
    crm = CRM.in_memory(policy=policy())
    client = partner(crm, manager="anna")
    close = {"expected_close": NOW.date() + timedelta(days=5)}
    annas = open_deal(crm, client, manager="anna")
    boriss = open_deal(crm, client, manager="boris")
    for deal, actor in ((annas, "anna"), (boriss, "boris")):
        crm.execute(EditDeal(deal_id=deal, changes=close), actor=actor, now=NOW)
    assert [line.deal_id for line in crm.forecast(now=NOW, actor="anna").upcoming] == [annas]
    assert len(crm.forecast(now=NOW, actor="olga").upcoming) == 2
    with pytest.raises(AccessDeniedError) as caught:
        crm.forecast(now=NOW, actor="ivan")
    assert (caught.value.action, caught.value.entity_type) == ("run_reports", "deal")


def test_every_exportable_kind_is_exported_within_the_scope() -> None:
    crm, _ = _desk()
    run = _runner(crm, "carl")
    run(CreateTask(draft=TaskDraft(title="Call", assignee=UserId("anna"))))
    for kind in ("contact_person", "claim", "request", "rule", "pipeline"):
        assert crm.export(kind, actor="carl") == []
    assert [row["id"] for row in crm.export("agreement", actor="carl")] == ["ind-1"]
    assert crm.export("agreement", actor="anna") == []
    assert [row["assignee"] for row in crm.export("task", actor="anna")] == ["anna"]
    assert crm.export("task", actor="boris") == []
    assert crm.export("project", actor="carl") == []
    assert len(crm.export("partner", actor="carl")) == 2


def test_without_a_policy_the_export_lists_every_record() -> None:
    crm = CRM.in_memory()
    with crm.store.unit_of_work() as repositories:
        repositories.agreements.add(_agreement("p-1"))
    assert [row["id"] for row in crm.export("agreement")] == ["ind-1"]
