"""Business cases of marketing figures: shares and averages are rounded half-up, as every
other report of crmcore rounds them."""

from __future__ import annotations

from decimal import Decimal

from marketing_samples import NOW, person, purchase

from crmcore.marketing import (
    CampaignAttribution,
    CrossSell,
    ProductPair,
    Question,
    QuestionKind,
    SurveyDraft,
    SurveyId,
    answer_survey,
    create_survey,
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
