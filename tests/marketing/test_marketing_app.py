"""Marketing through the application layer: commands run by CRM.execute, mailings in the
outbox, consent honoured by the rules' messages, and the marketing queries."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import attrs
import pytest
from marketing_samples import purchase

from crmcore.app import CRM, Settings
from crmcore.app.commands import (
    AddContactPerson,
    AnswerSurvey,
    ChangeSegment,
    CreateSurvey,
    DefineSegment,
    EditPartner,
    MoveCampaign,
    PlanCampaign,
    RecordCampaignCost,
    RecordConsent,
    RecordPurchases,
    RegisterPartner,
    RegisterRequest,
    SendMailing,
    Unsubscribe,
)
from crmcore.customfields import CustomField, CustomFieldRegistry, CustomFieldType
from crmcore.errors import DomainValidationError
from crmcore.ids import UserId
from crmcore.marketing import (
    CAMPAIGN_RULE,
    CampaignCost,
    CampaignDraft,
    CampaignEmail,
    Channel,
    MailingPlan,
    MailingThrottle,
    Material,
    Question,
    QuestionKind,
    SegmentDraft,
    SurveyDraft,
)
from crmcore.memory import MemoryStore, memory_repositories
from crmcore.money import Money
from crmcore.partners import ContactPersonDraft, Partner, PartnerDraft
from crmcore.requests import RequestDraft
from crmcore.rules import FieldCondition, Member, Rule, Staff
from crmcore.serialization import make_converter

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
STAFF = Staff(members=(Member(user=UserId("anna"), department="marketing"),))
CUSTOM = CustomFieldRegistry().with_field(
    "partner", CustomField(name="car_brand", type=CustomFieldType.TEXT)
)
CONVERTER = make_converter()


def _settings() -> Settings:
    return Settings(staff=STAFF, custom_fields=CUSTOM)


def _run(crm: CRM, command: Any) -> Any:
    return crm.execute(command, actor="anna", now=NOW)


def _client(crm: CRM, name: str, car: str, people: int) -> tuple[Partner, list[str]]:
    draft = PartnerDraft(
        kind="legal_entity", roles=["client"], short_name=name, custom={"car_brand": car}
    )
    partner = _run(crm, RegisterPartner(draft=draft, force=True)).result
    ids = []
    for number in range(people):
        person = ContactPersonDraft(
            name=f"{name} {number}", emails=[f"p{number}@{name.lower()}.ru"],
            phones=["+7 916 123-45-67"],
        )  # fmt: skip
        ids.append(_run(crm, AddContactPerson(partner_id=partner.id, draft=person)).result.id)
    return partner, ids


def _campaign(crm: CRM) -> None:
    condition = FieldCondition(field="custom.car_brand", op="eq", value="Audi")
    _run(
        crm, DefineSegment(draft=SegmentDraft(name="Audi", condition=condition), segment_id="audi")
    )
    draft = CampaignDraft(
        name="Spring", starts_on=date(2026, 3, 1), ends_on=date(2026, 3, 31),
        budget=Money.of("50000", "RUB"), segment_id="audi",  # type: ignore[arg-type]
        materials=(Material(code="letter", channel=Channel.EMAIL, template="tpl-spring"),),
    )  # fmt: skip
    _run(crm, PlanCampaign(draft=draft, campaign_id="spring"))
    _run(crm, MoveCampaign(campaign_id="spring", step="start"))


def test_a_mailing_puts_one_message_per_consenting_member_in_the_outbox() -> None:
    crm = CRM.in_memory(settings=_settings())
    _, audi = _client(crm, "Autohaus", "Audi", 3)
    _, bmw = _client(crm, "Bavaria", "BMW", 1)
    for person in [*audi, *bmw]:
        _run(crm, RecordConsent(contact_person_id=person, channel="email", status="granted"))
    _run(crm, Unsubscribe(contact_person_id=audi[2], source="link in a letter"))
    _campaign(crm)
    executed = _run(
        crm, SendMailing(campaign_id="spring", material="letter", mailing_id="m-1",
                         throttle=MailingThrottle(limit=1))
    )  # fmt: skip
    plan = executed.result
    assert isinstance(plan, MailingPlan)
    (message,) = executed.outbox
    assert isinstance(message.command.action, CampaignEmail)
    assert message.command.action.campaign_id == "spring"
    assert message.command.rule_id == CAMPAIGN_RULE
    assert message.command.caused_by == "campaign:spring:m-1"
    first, second = sorted(audi[:2])
    assert (message.command.entity, message.command.entity_id) == ("contact_person", first)
    assert message.recipients[0].entity_id == first
    assert message.recipients[0].address.endswith("@autohaus.ru")
    assert sorted(s.reason for s in plan.skipped) == [
        "no consent to e-mail",
        "over the campaign's throttle: left for a later run",
    ]
    later = crm.execute(SendMailing(campaign_id="spring", material="letter"), actor="anna",
                        now=NOW + timedelta(hours=2))  # fmt: skip
    assert [m.recipients[0].entity_id for m in later.outbox] == [second]
    assert crm.marketing.segment("audi", now=NOW).count == 1


def test_the_rules_client_sms_skips_a_person_who_opted_out() -> None:
    rule = CONVERTER.structure(
        {"id": "r", "name": "r", "trigger": {"entity": "partner", "on": "changed"},
         "then": [{"action": "sms_client", "text": "News"}]},
        Rule,
    )  # fmt: skip
    crm = CRM.in_memory(settings=_settings(), rules=[rule])
    partner, people = _client(crm, "Autohaus", "Audi", 2)
    _run(crm, Unsubscribe(contact_person_id=people[0], channels=("sms",)))
    executed = _run(crm, EditPartner(partner_id=partner.id, changes={"notes": "x"}))
    (message,) = executed.outbox
    found = {r.entity_id: r for r in message.recipients}
    assert found[people[0]].address is None
    assert found[people[0]].explanation == "Autohaus 0 opted out of phone"
    assert found[people[1]].address == "+79161234567"


def test_attribution_counts_the_requests_of_a_campaign() -> None:
    crm = CRM.in_memory(settings=_settings())
    _campaign(crm)
    _run(crm, RecordCampaignCost(campaign_id="spring", cost=CampaignCost(
        item="Ads", amount=Money.of("3000", "RUB"))))  # fmt: skip
    for number in range(2):
        draft = RequestDraft(source="website_form", name=f"Lead {number}",
                             phones=[f"+7 916 000-00-0{number}"], campaign_id="spring")  # fmt: skip
        _run(crm, RegisterRequest(draft=draft))
    report = crm.marketing.attribution(start=NOW - timedelta(days=1), end=NOW + timedelta(days=1))
    row = report.row("spring")
    assert (row.leads, row.converted, row.cost_per_lead) == (2, 0, Money.of("1500.00", "RUB"))


def test_purchases_give_cross_sell_top_products_and_suggestions() -> None:
    crm = CRM.in_memory(settings=_settings())
    audi, _ = _client(crm, "Autohaus", "Audi", 0)
    other, _ = _client(crm, "Bavaria", "BMW", 0)
    lines = [
        purchase("l-1", "d-1", audi.id, "oil", "100", NOW),
        purchase("l-2", "d-1", audi.id, "filter", "50", NOW),
        purchase("l-3", "d-2", other.id, "oil", "100", NOW),
        purchase("l-4", "d-2", other.id, "filter", "50", NOW),
        purchase("l-5", "d-3", other.id, "tyres", "900", NOW),
        purchase("l-6", "d-4", audi.id, "tyres", "900", NOW),
        purchase("l-7", "d-4", audi.id, "rims", "900", NOW),
        purchase("l-8", "d-5", other.id, "tyres", "900", NOW),
        purchase("l-9", "d-5", other.id, "rims", "900", NOW),
        purchase("l-10", "d-6", other.id, "wipers", "10", NOW),
    ]
    assert _run(crm, RecordPurchases(purchases=tuple(lines))).result == 10
    found = crm.marketing.cross_sell()
    assert {(p.product, p.also) for p in found.pairs} == {
        ("oil", "filter"), ("filter", "oil"), ("tyres", "rims"), ("rims", "tyres"),
    }  # fmt: skip
    _run(crm, DefineSegment(draft=SegmentDraft(name="All", members=(audi.id,)), segment_id="one"))
    top = crm.marketing.top_products("one", now=NOW)
    assert [r.product_id for r in top] == ["rims", "tyres", "oil", "filter"]
    lonely, _ = _client(crm, "Solo", "Lada", 0)
    _run(crm, RecordPurchases(purchases=(purchase("l-11", "d-7", lonely.id, "oil", "1", NOW),)))
    (suggestion,) = crm.marketing.suggestions(lonely.id)
    assert suggestion.product_id == "filter"
    assert suggestion.reason.startswith("clients who bought oil also bought filter")


def test_a_survey_is_answered_and_its_results_split_by_segment() -> None:
    crm = CRM.in_memory(settings=_settings())
    _, people = _client(crm, "Autohaus", "Audi", 2)
    question = Question(code="score", text="Score?", kind=QuestionKind.SCALE, scale_max=5)
    _run(
        crm, CreateSurvey(draft=SurveyDraft(title="Service", questions=(question,)), survey_id="s")
    )
    _run(crm, AnswerSurvey(survey_id="s", contact_person_id=people[0], answers={"score": 5}))
    _run(crm, AnswerSurvey(survey_id="s", contact_person_id=people[1], answers={"score": 2}))
    with pytest.raises(DomainValidationError) as raised:
        _run(crm, AnswerSurvey(survey_id="s", contact_person_id=people[1], answers={"score": 9}))
    assert raised.value.field == "score"
    one = SegmentDraft(name="One", members=(people[0],), audience="contact_persons")
    _run(crm, DefineSegment(draft=one, segment_id="one"))
    results = crm.marketing.survey("s", segments=("one",), now=NOW)
    assert results.result("everyone", "score").average == Decimal("3.50")
    assert results.result("one", "score").average == Decimal("5.00")


def test_segments_change_and_bad_commands_change_nothing() -> None:
    crm = CRM.in_memory(settings=_settings())
    _run(crm, DefineSegment(draft=SegmentDraft(name="List", members=("p-1",)), segment_id="l"))
    changed = _run(crm, ChangeSegment(segment_id="l", title="Renamed", members=("p-2",))).result
    assert (changed.name, changed.members, changed.version) == ("Renamed", ("p-2",), 2)
    with pytest.raises(DomainValidationError) as raised:
        _run(crm, MoveCampaign(campaign_id="nowhere", step="jump"))
    assert raised.value.field == "step"
    with pytest.raises(DomainValidationError) as raised:
        _run(crm, Unsubscribe(contact_person_id="cp", channels=("fax",)))
    assert raised.value.field == "channels[0]"
    draft = CampaignDraft(name="No segment", starts_on=date(2026, 3, 1),
                          ends_on=date(2026, 3, 2), budget=Money.of("1", "RUB"))  # fmt: skip
    _run(crm, PlanCampaign(draft=draft, campaign_id="c"))
    _run(crm, MoveCampaign(campaign_id="c", step="start"))
    with pytest.raises(DomainValidationError) as raised:
        _run(crm, SendMailing(campaign_id="c", material="letter"))
    assert raised.value.field == "segment_id"


def test_a_store_without_marketing_refuses_the_commands() -> None:
    bare = attrs.evolve(
        memory_repositories(), segments=None, consents=None, campaigns=None, purchases=None,
        surveys=None,
    )  # fmt: skip
    crm = CRM(MemoryStore(bare), settings=_settings())
    commands = [
        DefineSegment(draft=SegmentDraft(name="x")),
        RecordPurchases(purchases=()),
        CreateSurvey(draft=SurveyDraft(title="x", questions=())),
        RecordConsent(contact_person_id="cp", channel="email", status="granted"),
    ]
    for command in commands:
        with pytest.raises(DomainValidationError) as raised:
            _run(crm, command)
        assert raised.value.field == "command"
    with pytest.raises(DomainValidationError):
        crm.marketing.segment("x", now=NOW)


def test_marketing_commands_come_from_json() -> None:
    data = {
        "campaign_id": "spring",
        "material": "letter",
        "throttle": {"limit": 5, "window": "PT1H"},
    }
    command = CONVERTER.structure(data, SendMailing)
    assert command.throttle == MailingThrottle(limit=5, window=timedelta(hours=1))
    segment = CONVERTER.structure({"segment_id": "s", "condition": None}, ChangeSegment)
    assert segment.condition is None


def test_a_mailing_on_the_sql_store() -> None:
    crm = CRM.sqlite(":memory:", settings=_settings())
    _, people = _client(crm, "Autohaus", "Audi", 1)
    _run(crm, RecordConsent(contact_person_id=people[0], channel="email", status="granted"))
    _campaign(crm)
    executed = _run(crm, SendMailing(campaign_id="spring", material="letter"))
    assert len(executed.outbox) == 1
    assert crm.deliver(now=NOW, limit=None).sent == ()
