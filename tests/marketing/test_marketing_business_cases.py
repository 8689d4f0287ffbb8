"""Business cases of marketing figures: shares and averages are rounded half-up, as every
other report of crmcore rounds them."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from marketing_samples import NOW, person, purchase

from crmcore.ids import PartnerId
from crmcore.marketing import (
    CampaignAttribution,
    CampaignDraft,
    CampaignId,
    Channel,
    Consent,
    ConsentStatus,
    CrossSell,
    MailingId,
    MailingThrottle,
    Material,
    ProductPair,
    Question,
    QuestionKind,
    SegmentId,
    SurveyDraft,
    SurveyId,
    answer_survey,
    create_survey,
    plan_campaign,
    record_consent,
    run_mailing,
    start_campaign,
    suggest_products,
    survey_results,
)
from crmcore.money import Money


def test_one_conversion_in_sixteen_leads_is_6_3_percent() -> None:
    spring = CampaignAttribution(
        campaign_id="c-1", name="Spring", leads=16, converted=1, won_deals=1,
        revenue=Money.of("1000", "RUB"), cost=Money.of("100", "RUB"),
    )  # fmt: skip
    assert spring.conversion == Decimal("6.3")
    assert spring.cost_per_lead == Money.of("6.25", "RUB")


def test_eight_scores_summing_to_37_average_4_63() -> None:
    question = Question(code="score", text="Recommend us?", kind=QuestionKind.SCALE, scale_max=5)
    survey = create_survey(
        SurveyDraft(title="Service", questions=(question,)), survey_id=SurveyId("s-1"), now=NOW
    ).entity
    scores = (5, 5, 5, 5, 5, 4, 4, 4)  # 37 / 8 = 4.625
    responses = [
        answer_survey(
            survey, {"score": score}, response_id=f"a-{n}",
            contact_person=person(f"cp-{n}", "p-1"), now=NOW,
        ).entity
        for n, score in enumerate(scores)
    ]  # fmt: skip
    assert survey_results(survey, responses).result("everyone", "score").average == Decimal("4.63")


def test_a_suggestion_bought_together_in_one_of_sixteen_deals_reads_6_3_percent() -> None:
    pair = ProductPair(
        product="tea", also="cups", together=1, support=Decimal("0.0625"),
        confidence=Decimal("0.0625"), lift=Decimal(2),
    )  # fmt: skip
    found = CrossSell(baskets=16, pairs=(pair,), counts={"tea": 16})
    bought = [purchase("l-1", "d-1", "p-1", "tea", "100", NOW)]
    (suggestion,) = suggest_products("p-1", bought, found)
    assert "(confidence 6.3%, lift 2)" in suggestion.reason


def test_an_hourly_throttle_lets_a_run_1_45_real_hours_later_through_on_the_autumn_night() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    sms = Material(code="sms", channel=Channel.SMS, template="tpl-sms")
    draft = CampaignDraft(
        name="Autumn", starts_on=date(2026, 6, 1), ends_on=date(2026, 12, 31),
        budget=Money.of("1000", "RUB"), segment_id=SegmentId("s-1"), materials=(sms,),
    )  # fmt: skip
    planned = plan_campaign(draft, campaign_id=CampaignId("c-1"), now=NOW).entity
    campaign = start_campaign(planned, now=NOW).entity
    people = [person(f"cp-{n}", "p-1") for n in range(2)]
    consents: dict[str, Consent] = {
        p.id: record_consent(
            None, contact_person_id=p.id, partner_id=PartnerId("p-1"), channel=Channel.SMS,
            status=ConsentStatus.GRANTED, now=NOW,
        ).entity
        for p in people
    }  # fmt: skip
    throttle = MailingThrottle(limit=1, window=timedelta(hours=1))
    # Clocks in Berlin go from 03:00 back to 02:00 on 25 October 2026: 02:45 (summer time)
    # and 03:30 (winter time) are an hour and three quarters apart.
    first = run_mailing(
        campaign, material="sms", people=people, consents=consents, mailing_id=MailingId("m-1"),
        now=datetime(2026, 10, 25, 2, 45, tzinfo=berlin), throttle=throttle,
    )  # fmt: skip
    assert len(first.messages) == 1
    second = run_mailing(
        first.outcome.entity, material="sms", people=people[1:], consents=consents,
        mailing_id=MailingId("m-2"), now=datetime(2026, 10, 25, 3, 30, tzinfo=berlin),
        throttle=throttle,
    )  # fmt: skip
    assert [message.contact_person_id for message in second.messages] == ["cp-1"]
