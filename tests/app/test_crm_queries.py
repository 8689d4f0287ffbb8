"""The queries a host screen needs, read through the store: the manager's desktop, the
funnel, claim reports, KPI, a partner's 360 view and the stored rules."""

from __future__ import annotations

from datetime import date, timedelta

import attrs
import pytest
from app_samples import NOW, romashka, rule, settings

from crmcore.analytics import Period
from crmcore.app import CRM
from crmcore.app.commands import (
    AddPipeline,
    ConvertRequest,
    EditClaim,
    MoveDeal,
    OpenDeal,
    PlanInteraction,
    QualifyRequest,
    RegisterClaim,
    RegisterPartner,
    RegisterRequest,
    SaveRule,
    TakeRequest,
    WinDeal,
)
from crmcore.claims import Claimant, ClaimDraft, ClaimEdit, ClaimPriority
from crmcore.deals import MANUAL_SALE, DealDraft
from crmcore.errors import DomainValidationError, EntityNotFoundError
from crmcore.interactions import InteractionDraft
from crmcore.money import Money
from crmcore.partners import Partner, PartnerRole
from crmcore.requests import RequestDraft


def _partner(crm: CRM) -> Partner:
    found = crm.execute(RegisterPartner(draft=romashka()), actor="anna", now=NOW).result
    assert isinstance(found, Partner)
    return found


def test_the_desktop_shows_the_managers_day(crm: CRM) -> None:
    partner = _partner(crm)
    start = NOW + timedelta(hours=2)
    draft = InteractionDraft(
        kind="meeting", topic="Образцы", start=start, end=start + timedelta(hours=1),
        partner_id=partner.id, responsible="anna",
    )  # fmt: skip
    crm.execute(PlanInteraction(draft=draft), actor="anna", now=NOW)
    desk = crm.desktop("anna", now=NOW)
    assert "Образцы" in str(desk)
    (pending,) = crm.pending("anna")
    assert pending.topic == "Образцы"
    assert crm.overdue(NOW) == []
    assert crm.overdue(start + timedelta(hours=2), user="anna") == [pending]


def test_the_funnel_counts_what_the_stage_log_holds(crm: CRM) -> None:
    partner = _partner(crm)
    for index in range(3):
        draft = DealDraft(
            title=f"Сделка {index}",
            partner_id=partner.id,
            responsible_manager="anna",
            amount=Money.of("1000", "RUB"),
        )
        deal = crm.execute(OpenDeal(draft=draft, pipeline_id="manual_sale"), actor="anna", now=NOW)
        if index:
            crm.execute(
                MoveDeal(deal_id=deal.result.id, stage="qualification"), actor="anna", now=NOW
            )
        if index == 2:
            crm.execute(WinDeal(deal_id=deal.result.id), actor="anna", now=NOW)
    found = crm.funnel("manual_sale", start=NOW - timedelta(days=1), end=NOW + timedelta(days=1))
    counts = {row.stage: row.entered for row in found.stages}
    assert counts["first_contact"] == 3
    assert counts["qualification"] == 2
    with pytest.raises(EntityNotFoundError):
        crm.funnel("none", start=NOW, end=NOW)


def test_a_stored_pipeline_is_used_beside_those_of_the_settings(crm: CRM) -> None:
    partner = _partner(crm)
    custom = attrs.evolve(MANUAL_SALE, id="custom_sale", title="Своя")
    crm.execute(AddPipeline(pipeline=custom), actor="olga", now=NOW)
    draft = DealDraft(title="x", partner_id=partner.id, responsible_manager="anna")
    deal = crm.execute(OpenDeal(draft=draft, pipeline_id="custom_sale"), actor="anna", now=NOW)
    assert deal.result.pipeline_id == "custom_sale"
    with pytest.raises(DomainValidationError):
        crm.execute(AddPipeline(pipeline=MANUAL_SALE), actor="olga", now=NOW)


def test_claim_reports_count_the_stored_claims(crm: CRM) -> None:
    partner = _partner(crm)
    draft = ClaimDraft(
        claimant=Claimant(role=PartnerRole.CLIENT, partner_id=partner.id), essence="Бой"
    )
    claim = crm.execute(RegisterClaim(draft=draft), actor="anna", now=NOW).result
    edited = crm.execute(
        EditClaim(claim_id=claim.id, edit=ClaimEdit(priority=ClaimPriority.HIGH)),
        actor="anna",
        now=NOW + timedelta(minutes=5),
    ).result
    assert edited.priority is ClaimPriority.HIGH
    dynamics, structure, overdue = crm.claims_report(
        start=date(2026, 3, 1), end=date(2026, 3, 31), now=NOW + timedelta(days=30)
    )
    assert sum(row.registered for row in dynamics.rows) == 1
    assert structure.total == 1
    assert overdue == (crm.get("claim", claim.id),)


def test_the_kpi_table_compares_each_manager_with_last_year(crm: CRM) -> None:
    draft = RequestDraft(source="call", name="Пётр", phones=["+7 912 000-11-22"],
                         estimated_amount=Money.of("1000", "RUB"))  # fmt: skip
    request = crm.execute(RegisterRequest(draft=draft), actor="anna", now=NOW).result
    crm.execute(TakeRequest(request_id=request.id), actor="anna", now=NOW)
    crm.execute(QualifyRequest(request_id=request.id), actor="anna", now=NOW)
    conversion = crm.execute(
        ConvertRequest(
            request_id=request.id, pipeline_id="manual_sale", responsible_manager="anna"
        ),
        actor="anna",
        now=NOW,
    ).result
    crm.execute(WinDeal(deal_id=conversion.deal.id), actor="anna", now=NOW + timedelta(days=1))
    table = crm.kpi(
        Period(first=date(2026, 3, 1), last=date(2026, 3, 31)), now=NOW + timedelta(days=2)
    )
    assert "anna" in table.managers
    assert table.values["anna"]["deals_won"].current == 1


def test_rules_are_stored_as_versions_and_listed() -> None:
    first = rule(
        {"id": "hello", "name": "Hello", "trigger": {"entity": "partner", "on": "created"},
         "then": [{"action": "sms_client", "text": "Привет"}]}
    )  # fmt: skip
    crm = CRM.in_memory(settings=settings(), rules=[first])
    assert crm.get_rule("hello").version == 1
    changed = attrs.evolve(first, name="Hello again")
    saved = crm.execute(SaveRule(rule=changed), actor="olga", now=NOW).result
    assert saved.version == 2
    assert crm.rules() == (saved,)
    again = CRM(crm.store, settings=settings(), rules=[changed])
    assert again.get_rule("hello").version == 2, "an unchanged rule is not stored again"
    new = crm.execute(SaveRule(rule=attrs.evolve(first, id="other")), actor="olga", now=NOW)
    assert new.result.version == 1
    with pytest.raises(DomainValidationError):
        crm.get("nothing", "x")


def test_a_rule_saved_elsewhere_is_read_after_the_refresh_interval() -> None:
    hello = rule(
        {"id": "hello", "name": "Hello", "trigger": {"entity": "partner", "on": "created"},
         "then": [{"action": "sms_client", "text": "Привет"}]}
    )  # fmt: skip
    crm = CRM.in_memory(settings=settings(rules_refresh=timedelta(minutes=1)))
    other = CRM(crm.store, settings=settings())

    def register(at: timedelta, name: str) -> int:
        draft = romashka(short_name=name, tax_id=None, kpp=None)
        executed = crm.execute(RegisterPartner(draft=draft, force=True), actor="anna", now=NOW + at)
        return len(executed.outbox)

    assert register(timedelta(0), "Первый") == 0
    other.execute(SaveRule(rule=hello), actor="olga", now=NOW)
    assert register(timedelta(seconds=30), "Второй") == 0, "not read again yet"
    assert register(timedelta(minutes=2), "Третий") == 1
    crm.execute(SaveRule(rule=attrs.evolve(hello, enabled=False)), actor="olga", now=NOW)
    assert register(timedelta(minutes=2, seconds=1), "Четвёртый") == 0, "saved here: read at once"
