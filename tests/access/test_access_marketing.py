"""The marketing reports under an access policy: segments over the readable partners, the
reports on purchases and attribution over the readable deals and partners, a survey's results
over the readable partners' people; the reports need the right to run reports on deals."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from access_samples import partner

from crmcore.access import AccessPolicy, parse_policy
from crmcore.app import CRM
from crmcore.app.commands import (
    AddContactPerson,
    AnswerSurvey,
    CreateSurvey,
    DefineSegment,
    RecordPurchases,
)
from crmcore.errors import AccessDeniedError
from crmcore.ids import DealId, PartnerId
from crmcore.marketing import Purchase, Question, QuestionKind, SegmentDraft, SurveyDraft
from crmcore.money import Money
from crmcore.partners import ContactPersonDraft

NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def _policy() -> AccessPolicy:
    manager = [
        {"kind": "*", "action": "read", "scope": "own"},
        {"kind": "deal", "action": "run_reports", "scope": "own"},
    ]
    admin = [
        {"kind": "*", "action": action, "scope": "all"}
        for action in ("read", "create", "change", "run_reports")
    ]
    return parse_policy(
        {
            "users": [
                {"id": "anna", "roles": ["manager"]},
                {"id": "boris", "roles": ["manager"]},
                {"id": "ivan", "roles": ["viewer"]},
                {"id": "carl", "roles": ["admin"]},
            ],
            "roles": [
                {"id": "manager", "permissions": manager},
                {"id": "viewer", "permissions": [{"kind": "*", "action": "read", "scope": "all"}]},
                {"id": "admin", "permissions": admin},
            ],
        }
    )


def _run(crm: CRM, command: Any) -> Any:
    return crm.execute(command, actor="carl", now=NOW).result


def _bought(line: str, deal: str, client: str, product: str) -> Purchase:
    return Purchase(
        id=line,
        deal_id=DealId(deal),
        partner_id=PartnerId(client),
        product_id=product,
        amount=Money.of("100", "RUB"),
        won_at=NOW - DAY,
    )


@pytest.fixture
def world() -> tuple[CRM, str, str]:
    crm = CRM.in_memory(policy=_policy())
    annas = partner(crm, manager="anna")
    boriss = partner(crm, manager="boris", name="Lutik")
    lines = (
        _bought("l-1", "d-1", annas, "oil"),
        _bought("l-2", "d-1", annas, "filter"),
        _bought("l-3", "d-2", boriss, "oil"),
        _bought("l-4", "d-2", boriss, "filter"),
        _bought("l-5", "d-3", boriss, "tyres"),
        _bought("l-6", "d-4", boriss, "tyres"),
        _bought("l-7", "d-4", boriss, "rims"),
    )
    _run(crm, RecordPurchases(purchases=lines))
    _run(
        crm, DefineSegment(draft=SegmentDraft(name="Both", members=(annas, boriss)), segment_id="s")
    )
    return crm, annas, boriss


def test_a_segment_holds_only_the_readable_partners(world: tuple[CRM, str, str]) -> None:
    crm, annas, boriss = world
    assert crm.marketing.segment("s", now=NOW, actor="anna").ids == frozenset({annas})
    assert crm.marketing.segment("s", now=NOW, actor="carl").ids == frozenset({annas, boriss})


def test_the_purchase_reports_count_the_readable_partners_only(
    world: tuple[CRM, str, str],
) -> None:
    crm, annas, _ = world
    every = crm.marketing.cross_sell(min_together=1, actor="carl")
    assert {(p.product, p.also) for p in every.pairs} >= {("tyres", "rims"), ("oil", "filter")}
    own = crm.marketing.cross_sell(min_together=1, actor="anna")
    assert {(p.product, p.also) for p in own.pairs} == {("oil", "filter"), ("filter", "oil")}
    top = crm.marketing.top_products("s", now=NOW, actor="anna")
    assert sorted(rank.product_id for rank in top) == ["filter", "oil"]
    assert crm.marketing.suggestions(annas, min_together=1, actor="anna") == ()
    with pytest.raises(AccessDeniedError) as caught:
        crm.marketing.cross_sell(actor="ivan")
    assert (caught.value.action, caught.value.entity_type) == ("run_reports", "deal")
    with pytest.raises(AccessDeniedError):
        crm.marketing.attribution(start=NOW - DAY, end=NOW, actor="ivan")
    assert crm.marketing.attribution(start=NOW - DAY, end=NOW, actor="anna").rows == ()


def test_a_survey_counts_the_answers_of_readable_partners_people(
    world: tuple[CRM, str, str],
) -> None:
    crm, annas, boriss = world
    question = Question(code="score", text="Score?", kind=QuestionKind.SCALE, scale_max=5)
    _run(
        crm, CreateSurvey(draft=SurveyDraft(title="Service", questions=(question,)), survey_id="q")
    )
    for client, person, score in ((annas, "cp-a", 5), (boriss, "cp-b", 1)):
        draft = ContactPersonDraft(name="Petr")
        _run(crm, AddContactPerson(partner_id=client, draft=draft, contact_person_id=person))
        _run(crm, AnswerSurvey(survey_id="q", contact_person_id=person, answers={"score": score}))
    every = crm.marketing.survey("q", now=NOW, actor="carl").result("everyone", "score")
    own = crm.marketing.survey("q", now=NOW, actor="anna").result("everyone", "score")
    assert (every.average, own.average) == (Decimal("3.00"), Decimal("5.00"))
