"""Surveys: questions, answers from contact persons read as untrusted input through the
kernel intake, and results per segment.

>>> from datetime import datetime, timezone
>>> from crmcore.partners import ContactPerson
>>> at = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
>>> survey = create_survey(SurveyDraft(title="Service", questions=(
...     Question(code="score", text="How likely are you to recommend us?",
...              kind=QuestionKind.SCALE, scale_max=10),
...     Question(code="again", text="Would you come again?", kind=QuestionKind.CHOICE,
...              choices=("yes", "no")),
... )), survey_id=SurveyId("s-1"), now=at).entity
>>> anna = ContactPerson(id="cp-1", partner_id="p-1", name="Anna", created_at=at)
>>> answer_survey(survey, {"score": 9, "again": "yes"}, response_id="a-1",
...     contact_person=anna, now=at).entity.answers["score"]
9
>>> answer_survey(survey, {"score": 11, "colour": "red"}, response_id="a-2",
...     contact_person=anna, now=at)
Traceback (most recent call last):
...
crmcore.errors.DomainValidationError: colour: is not a known field; score: must be a whole...
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Final

import attrs

from crmcore.errors import DomainValidationError
from crmcore.events import Outcome, changes_between
from crmcore.intake import ChoiceField, FieldReader, IntakeForm, IntegerField, TextField
from crmcore.marketing.events import SurveyAnswered, SurveyCreated
from crmcore.marketing.model import (
    CampaignId,
    Question,
    QuestionKind,
    Survey,
    SurveyId,
    SurveyResponse,
)
from crmcore.partners import ContactPerson
from crmcore.validation import check_now

__all__ = [
    "QuestionResult",
    "SurveyDraft",
    "SurveyResults",
    "answer_survey",
    "create_survey",
    "survey_form",
    "survey_results",
]

TEXT_ANSWER: Final = 2000
EVERYONE: Final = "everyone"
_HUNDREDTH: Final = Decimal("0.01")  # averages to two digits, half-up as reports round


@attrs.frozen(kw_only=True)
class SurveyDraft:
    """A new survey as entered."""

    title: str
    questions: Sequence[Question]
    campaign_id: CampaignId | None = None


def create_survey(
    draft: SurveyDraft, *, survey_id: SurveyId, now: datetime, actor: str | None = None
) -> Outcome[Survey]:
    """A new survey from ``draft``; every problem is reported at once."""
    check_now(now)
    survey = Survey(
        id=survey_id, title=draft.title, questions=tuple(draft.questions),
        campaign_id=draft.campaign_id, created_at=now,
    )  # fmt: skip
    changes = changes_between(None, survey)
    event = SurveyCreated(entity_id=survey.id, occurred_at=now, changes=changes, actor=actor)
    return Outcome(entity=survey, events=(event,))


def _reader(question: Question) -> FieldReader:
    if question.kind is QuestionKind.CHOICE:
        return ChoiceField(choices={c: c for c in question.choices}, required=question.required)
    if question.kind is QuestionKind.SCALE:
        return IntegerField(minimum=1, maximum=question.scale_max, required=question.required)
    return TextField(max_length=TEXT_ANSWER, multiline=True, required=question.required)


def survey_form(survey: Survey) -> IntakeForm:
    """The intake form of ``survey``: one field per question, by its code."""
    return IntakeForm(fields={q.code: _reader(q) for q in survey.questions})


def answer_survey(
    survey: Survey,
    payload: object,
    *,
    response_id: str,
    contact_person: ContactPerson,
    now: datetime,
) -> Outcome[SurveyResponse]:
    """The answers of ``contact_person`` in ``payload`` (untrusted: a mapping of question
    codes to answers), read through the survey's form.

    Raises :class:`DomainValidationError` naming every unknown, missing and bad answer.
    """
    check_now(now)
    answers = survey_form(survey).read(payload)
    try:
        response = SurveyResponse(
            id=response_id, survey_id=survey.id, contact_person_id=contact_person.id,
            partner_id=contact_person.partner_id, answers=answers, answered_at=now,
        )  # fmt: skip
    except DomainValidationError as error:
        raise error.under("response") from None
    event = SurveyAnswered(
        entity_id=response.id, occurred_at=now, actor=contact_person.id, survey_id=survey.id
    )
    return Outcome(entity=response, events=(event,))


@attrs.frozen(kw_only=True)
class QuestionResult:
    """The answers to one question within one group: how many answered, the count of each
    choice (or score), and the average score of a scale question."""

    code: str
    answered: int
    counts: Mapping[str, int]
    average: Decimal | None = None


@attrs.frozen(kw_only=True)
class SurveyResults:
    """The results of a survey per group (each segment given, and ``"everyone"``)."""

    survey_id: str
    groups: Mapping[str, tuple[QuestionResult, ...]]

    def result(self, group: str, code: str) -> QuestionResult:
        """The result of question ``code`` in ``group``; ``LookupError`` if there is none."""
        for found in self.groups[group]:
            if found.code == code:
                return found
        raise LookupError(f"no question {code!r} in the survey")


def survey_results(
    survey: Survey,
    responses: Iterable[SurveyResponse],
    *,
    segments: Mapping[str, Iterable[str]] | None = None,
) -> SurveyResults:
    """The results of ``survey`` over ``responses``, for everyone and for each of
    ``segments`` (a name and its members: contact person or partner ids)."""
    answered = [r for r in responses if r.survey_id == survey.id]
    groups = {EVERYONE: _results(survey, answered)}
    for name, members in (segments or {}).items():
        ids = frozenset(members)
        chosen = [r for r in answered if r.contact_person_id in ids or r.partner_id in ids]
        groups[name] = _results(survey, chosen)
    return SurveyResults(survey_id=survey.id, groups=groups)


def _results(survey: Survey, responses: list[SurveyResponse]) -> tuple[QuestionResult, ...]:
    results: list[QuestionResult] = []
    for question in survey.questions:
        values = [r.answers[question.code] for r in responses if question.code in r.answers]
        counts: dict[str, int] = {}
        if question.kind is not QuestionKind.TEXT:
            for value in values:
                counts[str(value)] = counts.get(str(value), 0) + 1
        average = None
        scores = [v for v in values if isinstance(v, int)]
        if question.kind is QuestionKind.SCALE and scores:
            average = (Decimal(sum(scores)) / len(scores)).quantize(_HUNDREDTH, ROUND_HALF_UP)
        results.append(
            QuestionResult(code=question.code, answered=len(values), counts=counts, average=average)
        )
    return tuple(results)
