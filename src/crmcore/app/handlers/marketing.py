"""Handlers of the marketing commands: segments, consent and unsubscribing, campaigns and
their mailings into the outbox, purchases, surveys.

A store without the marketing repositories (``Repositories.segments`` and the others left
``None``) refuses these commands with a ``DomainValidationError`` naming ``command``.
"""

from __future__ import annotations

from typing import Final

from crmcore.app.commands import (
    AnswerSurvey,
    ChangeSegment,
    CreateSurvey,
    DefineSegment,
    MoveCampaign,
    PlanCampaign,
    RecordCampaignCost,
    RecordConsent,
    RecordPurchases,
    SendMailing,
    Unsubscribe,
)
from crmcore.app.handlers.base import Handler, Runtime, handles
from crmcore.app.marketing import (
    campaigns_of,
    consents_of,
    members_of,
    segments_of,
    surveys_of,
)
from crmcore.app.model import OutboxMessage, Recipient
from crmcore.app.work import Work
from crmcore.errors import DomainValidationError, EntityNotFoundError, Violation
from crmcore.events import Outcome
from crmcore.ids import ContactPersonId, new_id
from crmcore.marketing import (
    CAMPAIGN_RULE,
    Campaign,
    CampaignId,
    Channel,
    Consent,
    MailingId,
    MailingMessage,
    MailingPlan,
    PurchaseRecorded,
    Segment,
    SegmentId,
    SurveyId,
    SurveyResponse,
    answer_survey,
    cancel_campaign,
    change_segment,
    create_survey,
    define_segment,
    finish_campaign,
    plan_campaign,
    record_consent,
    record_cost,
    run_mailing,
    segment_schemas,
    start_campaign,
    unsubscribe,
)
from crmcore.marketing.model import Survey
from crmcore.rules import Command
from crmcore.validation import enum_member, raise_violations

__all__ = ["HANDLERS"]

HANDLERS: Final[dict[type, Handler]] = {}
_MOVES: Final = {"start": start_campaign, "finish": finish_campaign, "cancel": cancel_campaign}


@handles(HANDLERS, DefineSegment)
def _define(runtime: Runtime, work: Work, command: DefineSegment) -> Segment:
    segments_of(work.repositories)
    outcome = define_segment(
        command.draft, segment_id=SegmentId(command.segment_id or new_id()), now=work.now,
        schemas=segment_schemas(runtime.settings.custom_fields), actor=work.actor,
    )  # fmt: skip
    return work.add("segments", outcome)


@handles(HANDLERS, ChangeSegment)
def _change(runtime: Runtime, work: Work, command: ChangeSegment) -> Segment:
    segment = segments_of(work.repositories).get(SegmentId(command.segment_id))
    outcome = change_segment(
        segment, now=work.now, name=command.title, condition=command.condition,
        members=command.members, schemas=segment_schemas(runtime.settings.custom_fields),
        actor=work.actor,
    )  # fmt: skip
    return work.save("segments", segment, outcome)


def _store_consent(work: Work, before: Consent | None, outcome: Outcome[Consent]) -> Consent:
    if before is None:
        return work.add("consents", outcome)
    return work.save("consents", before, outcome)


def _current(work: Work, person_id: ContactPersonId) -> Consent | None:
    try:
        return consents_of(work.repositories).get(person_id)
    except EntityNotFoundError:
        return None


@handles(HANDLERS, RecordConsent)
def _consent(runtime: Runtime, work: Work, command: RecordConsent) -> Consent:
    consents_of(work.repositories)
    person = work.repositories.contact_persons.get(ContactPersonId(command.contact_person_id))
    before = _current(work, person.id)
    outcome = record_consent(
        before, contact_person_id=person.id, partner_id=person.partner_id,
        channel=command.channel, status=command.status, now=work.now, source=command.source,
        actor=work.actor,
    )  # fmt: skip
    return _store_consent(work, before, outcome)


@handles(HANDLERS, Unsubscribe)
def _unsubscribe(runtime: Runtime, work: Work, command: Unsubscribe) -> Consent:
    consents_of(work.repositories)
    found: list[Violation] = []
    channels = [
        enum_member(Channel, f"channels[{i}]", c, found) for i, c in enumerate(command.channels)
    ]
    raise_violations(found)
    person = work.repositories.contact_persons.get(ContactPersonId(command.contact_person_id))
    before = _current(work, person.id)
    outcome = unsubscribe(
        before, contact_person_id=person.id, partner_id=person.partner_id, now=work.now,
        channels=[c for c in channels if c is not None], source=command.source, actor=work.actor,
    )  # fmt: skip
    return _store_consent(work, before, outcome)


@handles(HANDLERS, PlanCampaign)
def _plan(runtime: Runtime, work: Work, command: PlanCampaign) -> Campaign:
    campaigns_of(work.repositories)
    if command.draft.segment_id is not None:
        segments_of(work.repositories).get(command.draft.segment_id)
    outcome = plan_campaign(
        command.draft, campaign_id=CampaignId(command.campaign_id or new_id()), now=work.now,
        actor=work.actor,
    )  # fmt: skip
    return work.add("campaigns", outcome)


def _campaign(work: Work, campaign_id: str) -> Campaign:
    return campaigns_of(work.repositories).get(CampaignId(campaign_id))


@handles(HANDLERS, RecordCampaignCost)
def _cost(runtime: Runtime, work: Work, command: RecordCampaignCost) -> Campaign:
    campaign = _campaign(work, command.campaign_id)
    outcome = record_cost(
        campaign, command.cost, now=work.now, planned=command.planned, actor=work.actor
    )
    return work.save("campaigns", campaign, outcome)


@handles(HANDLERS, MoveCampaign)
def _move(runtime: Runtime, work: Work, command: MoveCampaign) -> Campaign:
    move = _MOVES.get(command.step)
    if move is None:
        message = "must be one of " + ", ".join(sorted(_MOVES))
        raise DomainValidationError.single("step", message, value=command.step)
    campaign = _campaign(work, command.campaign_id)
    return work.save("campaigns", campaign, move(campaign, now=work.now, actor=work.actor))


@handles(HANDLERS, SendMailing)
def _send(runtime: Runtime, work: Work, command: SendMailing) -> MailingPlan:
    campaign = _campaign(work, command.campaign_id)
    if campaign.segment_id is None:
        raise DomainValidationError.single("segment_id", "the campaign has no segment")
    segment = segments_of(work.repositories).get(campaign.segment_id)
    people = members_of(work.repositories, segment, runtime.settings, work.now)
    consents: dict[str, Consent] = {
        p.id: c for p in people if (c := _current(work, p.id)) is not None
    }
    plan = run_mailing(
        campaign, material=command.material, people=people, consents=consents,
        mailing_id=MailingId(command.mailing_id or new_id()), now=work.now,
        throttle=command.throttle, actor=work.actor,
    )  # fmt: skip
    work.save("campaigns", campaign, plan.outcome)
    for message in plan.messages:
        recipient = Recipient(
            symbol="client", entity="contact_person", entity_id=message.contact_person_id,
            address=message.address, explanation=message.explanation,
        )  # fmt: skip
        work.outbox.append(
            OutboxMessage(
                id=work.message_id(), command=_command(campaign, message),
                recipients=(recipient,), created_at=work.now,
            )
        )  # fmt: skip
    return plan


def _command(campaign: Campaign, message: MailingMessage) -> Command:
    """The outbox's command for one message of a mailing of ``campaign``."""
    return Command(
        rule_id=CAMPAIGN_RULE, rule_version=campaign.version, entity="contact_person",
        entity_id=message.contact_person_id, action=message.action, caused_by=message.caused_by,
    )  # fmt: skip


@handles(HANDLERS, RecordPurchases)
def _purchases(runtime: Runtime, work: Work, command: RecordPurchases) -> int:
    history = work.repositories.purchases
    if history is None:
        raise DomainValidationError.single("command", "needs a store that keeps purchases")
    for purchase in command.purchases:
        work.check_write("purchases", None, purchase)
    for purchase in command.purchases:
        history.add(purchase)
        work.record_change("purchases", None, purchase)
        work.publish(
            [PurchaseRecorded(entity_id=purchase.id, occurred_at=work.now, actor=work.actor)]
        )
    return len(command.purchases)


@handles(HANDLERS, CreateSurvey)
def _survey(runtime: Runtime, work: Work, command: CreateSurvey) -> Survey:
    surveys_of(work.repositories)
    outcome = create_survey(
        command.draft, survey_id=SurveyId(command.survey_id or new_id()), now=work.now,
        actor=work.actor,
    )  # fmt: skip
    return work.add("surveys", outcome)


@handles(HANDLERS, AnswerSurvey)
def _answer(runtime: Runtime, work: Work, command: AnswerSurvey) -> SurveyResponse:
    surveys = surveys_of(work.repositories)
    survey = surveys.get(SurveyId(command.survey_id))
    person = work.repositories.contact_persons.get(ContactPersonId(command.contact_person_id))
    outcome = answer_survey(
        survey, command.answers, response_id=command.response_id or new_id(),
        contact_person=person, now=work.now,
    )  # fmt: skip
    work.check_write("surveys", None, outcome.entity, kind="survey_response")
    surveys.add_response(outcome.entity)
    work.record_change("surveys", None, outcome.entity, kind="survey_response")
    work.publish(outcome.events)
    return outcome.entity
