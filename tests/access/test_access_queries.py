"""Queries through CRM under an access policy: each returns only what the actor may read,
with sensitive fields hidden, and the reports count only those records."""

from __future__ import annotations

from datetime import timedelta

import pytest
from access_samples import NOW, claim, interaction, open_deal, partner, policy, request

from crmcore.analytics import Period
from crmcore.app import CRM
from crmcore.app.commands import MoveDeal
from crmcore.errors import AccessDeniedError, DomainValidationError, EntityNotFoundError

START, END = NOW - timedelta(days=1), NOW + timedelta(days=1)


@pytest.fixture
def crm() -> CRM:
    return CRM.in_memory(policy=policy())


def _world(crm: CRM) -> dict[str, str]:
    client = partner(crm, manager="anna")
    other = partner(crm, manager="boris", name="Lutik")
    ids = {
        "client": client,
        "other": other,
        "annas": open_deal(crm, client, manager="anna"),
        "helped": open_deal(crm, client, manager="boris", co=("anna",)),
        "boriss": open_deal(crm, other, manager="boris"),
        "anna_claim": claim(crm, client, manager="anna"),
        "boris_claim": claim(crm, other, manager="boris"),
        "anna_call": interaction(crm, responsible="anna"),
        "boris_call": interaction(crm, responsible="boris"),
        "anna_request": request(crm, manager="anna"),
    }
    crm.execute(MoveDeal(deal_id=ids["boriss"], stage="negotiation"), actor="carl", now=NOW)
    return ids


def test_without_an_actor_a_policy_refuses_to_answer(crm: CRM) -> None:
    with pytest.raises(DomainValidationError) as caught:
        crm.overdue(NOW)
    assert caught.value.fields == ("actor",)
    with pytest.raises(DomainValidationError):
        crm.rules(actor="stranger")


def test_a_record_is_read_only_within_the_scope_with_hidden_fields(crm: CRM) -> None:
    ids = _world(crm)
    assert crm.get("deal", ids["annas"], actor="anna").amount is not None
    assert crm.get("deal", ids["annas"], actor="olga").id == ids["annas"]
    assert crm.get("deal", ids["helped"], actor="anna").id == ids["helped"]
    with pytest.raises(AccessDeniedError) as caught:
        crm.get("deal", ids["boriss"], actor="anna")
    assert (caught.value.action, caught.value.entity_id) == ("read", ids["boriss"])
    # The admin reads every deal but holds no right to their amounts.
    assert crm.get("deal", ids["boriss"], actor="carl").amount is None
    with pytest.raises(EntityNotFoundError):
        crm.get("deal", "no-such-deal", actor="carl")
    assert [c.deal_id for c in crm.stage_log(ids["annas"], actor="anna")] == [ids["annas"]]
    with pytest.raises(AccessDeniedError):
        crm.stage_log(ids["boriss"], actor="anna")


def test_the_partner_view_shows_only_what_the_actor_may_read(crm: CRM) -> None:
    ids = _world(crm)
    view = crm.partner_view(ids["client"], actor="anna")
    assert sorted(d.id for d in view.deals) == sorted([ids["annas"], ids["helped"]])
    assert [c.id for c in view.claims] == [ids["anna_claim"]]
    assert [r.id for r in view.requests] == []
    other = crm.partner_view(ids["other"], actor="anna")
    assert (other.deals, other.claims) == ((), ())
    viewer = crm.partner_view(ids["client"], actor="carl")
    assert len(viewer.deals) == 2
    assert all(d.amount is None for d in viewer.deals)
    with pytest.raises(AccessDeniedError):
        crm.partner_view(ids["client"], actor="ivan")


def test_interaction_queries_return_only_the_readable_ones(crm: CRM) -> None:
    ids = _world(crm)
    assert [i.id for i in crm.overdue(NOW, actor="anna")] == [ids["anna_call"]]
    assert len(crm.overdue(NOW, actor="olga")) == 2
    assert [i.id for i in crm.pending("anna", actor="anna")] == [ids["anna_call"]]
    assert crm.pending("boris", actor="anna") == []
    assert crm.desktop("anna", now=NOW, actor="anna").overdue == 1
    assert crm.desktop("boris", now=NOW, actor="olga").overdue == 1
    with pytest.raises(AccessDeniedError) as caught:
        crm.desktop("boris", now=NOW, actor="anna")
    assert (caught.value.entity_type, caught.value.entity_id) == ("desktop", "boris")


def test_reports_count_only_the_readable_records(crm: CRM) -> None:
    ids = _world(crm)
    everything = crm.funnel("manual_sale", start=START, end=END, actor="carl")
    assert everything.open == 3
    own = crm.funnel("manual_sale", start=START, end=END, actor="anna")
    assert own.open == 2
    head = crm.funnel("manual_sale", start=START, end=END, actor="olga")
    assert head.open == 3
    with pytest.raises(AccessDeniedError) as caught:
        crm.funnel("manual_sale", start=START, end=END, actor="ivan")
    assert (caught.value.action, caught.value.entity_type) == ("run_reports", "deal")
    _, structure, _ = crm.claims_report(start=START.date(), end=END.date(), now=NOW, actor="olga")
    assert structure.total == 2
    with pytest.raises(AccessDeniedError):
        crm.claims_report(start=START.date(), end=END.date(), now=NOW, actor="anna")
    period = Period(first=NOW.date(), last=NOW.date())
    table = crm.kpi(period, now=NOW, managers=["anna", "boris"], actor="anna")
    full = crm.kpi(period, now=NOW, managers=["anna", "boris"], actor="carl")
    assert table.managers == full.managers
    assert table != full
    assert ids["annas"]


def test_rules_are_read_within_the_scope(crm: CRM) -> None:
    assert crm.rules(actor="anna") == ()
    with pytest.raises(EntityNotFoundError):
        crm.get_rule("none", actor="carl")


def test_without_a_policy_the_queries_answer_as_before() -> None:
    crm = CRM.in_memory()
    assert crm.overdue(NOW) == []
    assert crm.rules() == ()


def test_the_system_actor_reads_and_reports_on_everything(crm: CRM) -> None:
    ids = _world(crm)
    assert crm.get("deal", ids["boriss"], actor="system").amount is not None
    assert crm.funnel("manual_sale", start=START, end=END, actor="system").open == 3
    assert len(crm.overdue(NOW, actor="system")) == 2
