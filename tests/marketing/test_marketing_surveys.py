"""Surveys: questions, answers read through the kernel intake, results per segment."""

from decimal import Decimal

import pytest
from marketing_samples import NOW, person

from crmcore.errors import DomainValidationError
from crmcore.marketing import (
    Question,
    QuestionKind,
    Survey,
    SurveyDraft,
    SurveyId,
    answer_survey,
    create_survey,
    survey_results,
)

QUESTIONS = (
    Question(code="score", text="Recommend us?", kind=QuestionKind.SCALE, scale_max=10),
    Question(code="again", text="Come again?", kind=QuestionKind.CHOICE, choices=("yes", "no")),
    Question(code="note", text="Anything else?", kind=QuestionKind.TEXT, required=False),
)


def _survey() -> Survey:
    draft = SurveyDraft(title="Service", questions=QUESTIONS)
    return create_survey(draft, survey_id=SurveyId("s-1"), now=NOW).entity


def test_an_answer_is_cleaned_and_recorded() -> None:
    outcome = answer_survey(
        _survey(), {"score": 9, "again": "yes", "note": " Fast\u200b service\r\n "},
        response_id="a-1", contact_person=person("cp-1", "p-1"), now=NOW,
    )  # fmt: skip
    response = outcome.entity
    assert dict(response.answers) == {"score": 9, "again": "yes", "note": "Fast service"}
    assert (response.partner_id, response.contact_person_id) == ("p-1", "cp-1")
    assert outcome.events[0].name == "survey.answered"


@pytest.mark.parametrize(
    ("payload", "fields"),
    [
        ({"score": 0, "again": "maybe", "extra": 1}, {"score", "again", "extra"}),
        ({"score": True, "note": "x" * 9000}, {"score", "again", "note"}),
        ("not an object", {"$"}),
        ({"score": "9", "again": ["yes"]}, {"score", "again"}),
    ],
)
def test_every_bad_answer_is_reported(payload: object, fields: set[str]) -> None:
    with pytest.raises(DomainValidationError) as raised:
        answer_survey(
            _survey(), payload, response_id="a-1", contact_person=person("cp-1", "p-1"), now=NOW
        )
    assert {v.field for v in raised.value.violations} == fields


def test_a_bad_response_id_is_named_under_response() -> None:
    with pytest.raises(DomainValidationError) as raised:
        answer_survey(
            _survey(), {"score": 3, "again": "no"}, response_id="bad id!",
            contact_person=person("cp-1", "p-1"), now=NOW,
        )  # fmt: skip
    assert raised.value.field == "response.id"


def test_a_survey_needs_questions_with_unique_codes_and_sound_choices() -> None:
    with pytest.raises(DomainValidationError) as raised:
        create_survey(SurveyDraft(title="", questions=()), survey_id=SurveyId("s"), now=NOW)
    assert {v.field for v in raised.value.violations} == {"title", "questions"}
    with pytest.raises(DomainValidationError):
        create_survey(
            SurveyDraft(title="x", questions=(QUESTIONS[0], QUESTIONS[0])),
            survey_id=SurveyId("s"), now=NOW,
        )  # fmt: skip
    with pytest.raises(DomainValidationError) as raised:
        Question(code="q", text="?", kind=QuestionKind.TEXT, choices=("a",), scale_max=101)
    assert {v.field for v in raised.value.violations} == {"choices", "scale_max"}


def test_results_per_segment() -> None:
    survey = _survey()
    answers = [
        ("cp-1", "p-1", {"score": 10, "again": "yes", "note": "Great"}),
        ("cp-2", "p-1", {"score": 7, "again": "no"}),
        ("cp-3", "p-2", {"score": 4, "again": "no"}),
    ]
    responses = [
        answer_survey(
            survey, payload, response_id=f"a-{pid}", contact_person=person(pid, partner), now=NOW
        ).entity
        for pid, partner, payload in answers
    ]
    results = survey_results(survey, responses, segments={"vip": {"p-1"}, "cp-3 only": {"cp-3"}})
    everyone = results.result("everyone", "score")
    assert (everyone.answered, everyone.average) == (3, Decimal("7.00"))
    assert results.result("vip", "again").counts == {"yes": 1, "no": 1}
    assert results.result("vip", "note").answered == 1
    assert results.result("vip", "note").counts == {}
    assert results.result("cp-3 only", "score").average == Decimal("4.00")
    with pytest.raises(LookupError):
        results.result("vip", "colour")
    empty = survey_results(survey, [], segments={"none": ()})
    assert empty.result("none", "score").average is None
