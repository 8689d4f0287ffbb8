"""Mailings: one material of a running campaign sent to the contact persons of its segment,
as e-mail or SMS commands for the outbox, each carrying the campaign's id.

A person gets a material once however many runs there are; a person without a granted
consent on the channel, or without an address on it, is skipped with the reason; a throttle
(at most ``limit`` messages per ``window`` for the campaign) holds the rest back for a later
run. Each message carries its action, ``campaign_email`` or ``campaign_sms``; the application
layer puts it in the outbox as a command of :data:`CAMPAIGN_RULE`, and the host renders the
material's template and sends it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import ClassVar, Final, TypeAlias

import attrs

from crmcore.actions import Action
from crmcore.errors import DomainValidationError, Violation
from crmcore.events import Outcome
from crmcore.ids import ContactPersonId, RuleId
from crmcore.marketing.events import MailingSent
from crmcore.marketing.model import (
    Campaign,
    CampaignStatus,
    Channel,
    Consent,
    MailingId,
    MailingRun,
    Material,
)
from crmcore.partners import ContactPerson
from crmcore.validation import (
    Model,
    bounded_text,
    check_now,
    checks,
    identifier,
    optional,
    positive_int,
)

__all__ = [
    "CAMPAIGN_RULE",
    "MAILING_ACTIONS",
    "CampaignAction",
    "CampaignEmail",
    "CampaignSms",
    "MailingMessage",
    "MailingPlan",
    "MailingSkip",
    "MailingThrottle",
    "run_mailing",
]

CAMPAIGN_RULE: Final = RuleId("campaign")
"""The ``rule_id`` of the commands the outbox holds for a mailing: no rule asked for them, a
campaign did."""


@attrs.frozen(kw_only=True)
class CampaignEmail(Action):
    """Send the material ``template`` of campaign ``campaign_id`` to a contact person by
    e-mail."""

    kind: ClassVar[str] = "campaign_email"
    campaign_id: str = attrs.field(metadata=checks(identifier))
    mailing_id: str = attrs.field(metadata=checks(identifier))
    material: str = attrs.field(metadata=checks(identifier))
    template: str = attrs.field(metadata=checks(identifier))
    title: str | None = attrs.field(default=None, metadata=checks(optional(bounded_text(200))))


@attrs.frozen(kw_only=True)
class CampaignSms(Action):
    """Send the material ``template`` of campaign ``campaign_id`` to a contact person by
    SMS."""

    kind: ClassVar[str] = "campaign_sms"
    campaign_id: str = attrs.field(metadata=checks(identifier))
    mailing_id: str = attrs.field(metadata=checks(identifier))
    material: str = attrs.field(metadata=checks(identifier))
    template: str = attrs.field(metadata=checks(identifier))


CampaignAction: TypeAlias = CampaignEmail | CampaignSms
"""What one message of a mailing asks the host to send."""

MAILING_ACTIONS: Final = (CampaignEmail, CampaignSms)
"""The action classes of mailings, which the rules' converter forms read beside their own."""


def _window(field: str, value: object) -> list[Violation]:
    if not isinstance(value, timedelta) or value <= timedelta(0):
        return [Violation(field=field, message="must be a positive duration")]
    return []


@attrs.frozen(kw_only=True)
class MailingThrottle(Model):
    """At most ``limit`` messages of one campaign per ``window``."""

    limit: int = attrs.field(metadata=checks(positive_int))
    window: timedelta = attrs.field(default=timedelta(hours=1), metadata=checks(_window))


@attrs.frozen(kw_only=True)
class MailingMessage:
    """One message of a mailing: to whom, at which address, what to send, and why.

    ``caused_by`` names the campaign and the mailing (``campaign:<id>:<mailing id>``), as the
    outbox's command records it.
    """

    contact_person_id: ContactPersonId
    partner_id: str
    address: str
    action: CampaignAction
    caused_by: str
    explanation: str


@attrs.frozen(kw_only=True)
class MailingSkip:
    """A member the mailing held back, and why."""

    contact_person_id: ContactPersonId
    reason: str


@attrs.frozen(kw_only=True)
class MailingPlan:
    """What a mailing run does: the campaign with the run recorded, the messages for the
    outbox, and the members held back."""

    outcome: Outcome[Campaign]
    messages: tuple[MailingMessage, ...]
    skipped: tuple[MailingSkip, ...]


def run_mailing(
    campaign: Campaign,
    *,
    material: str,
    people: Sequence[ContactPerson],
    consents: Mapping[str, Consent],
    mailing_id: MailingId,
    now: datetime,
    throttle: MailingThrottle | None = None,
    actor: str | None = None,
) -> MailingPlan:
    """Send ``material`` of a running ``campaign`` to ``people`` (the segment's contact
    persons) whose ``consents`` (by contact person id) allow it."""
    check_now(now)
    chosen = _material(campaign, material, now)
    room = _room(campaign, throttle, now)
    done = campaign.reached_by(chosen.code)
    messages: list[MailingMessage] = []
    skipped: list[MailingSkip] = []
    for person in sorted(people, key=lambda p: p.id):
        reason = _held_back(person, chosen.channel, consents.get(person.id), done)
        if reason is None and len(messages) >= room:
            reason = "over the campaign's throttle: left for a later run"
        if reason is not None:
            skipped.append(MailingSkip(contact_person_id=person.id, reason=reason))
            continue
        messages.append(_message(campaign, chosen, person, mailing_id))
    reached = tuple(message.contact_person_id for message in messages)
    run = MailingRun(
        id=mailing_id, material=chosen.code, at=now, reached=reached, skipped=len(skipped)
    )
    changed = attrs.evolve(
        campaign, mailings=(*campaign.mailings, run), version=campaign.version + 1
    )
    event = MailingSent(
        entity_id=campaign.id, occurred_at=now, actor=actor, mailing_id=mailing_id,
        sent=len(messages), skipped=len(skipped),
    )  # fmt: skip
    outcome = Outcome(entity=changed, events=(event,))
    return MailingPlan(outcome=outcome, messages=tuple(messages), skipped=tuple(skipped))


def _material(campaign: Campaign, material: str, now: datetime) -> Material:
    found: list[Violation] = []
    chosen = campaign.material(material)
    if chosen is None:
        found.append(
            Violation(field="material", message="is not a material of the campaign", value=material)
        )
    if campaign.status is not CampaignStatus.RUNNING:
        message = f"a {campaign.status.value} campaign sends no mailings; start it first"
        found.append(Violation(field="status", message=message, value=campaign.status.value))
    if not campaign.starts_on <= now.date() <= campaign.ends_on:
        message = f"must be within the campaign, {campaign.starts_on} to {campaign.ends_on}"
        found.append(Violation(field="now", message=message, value=now.date()))
    if found:
        raise DomainValidationError(found)
    assert chosen is not None
    return chosen


def _room(campaign: Campaign, throttle: MailingThrottle | None, now: datetime) -> int | float:
    if throttle is None:
        return float("inf")
    # The window is real time, and an instant in UTC compares with the runs' moments as
    # instants: two moments of one zone compare by their wall clocks, an hour off at a change.
    since = now.astimezone(UTC) - throttle.window
    return max(0, throttle.limit - campaign.sent_since(since))


def _held_back(
    person: ContactPerson, channel: Channel, consent: Consent | None, done: frozenset[str]
) -> str | None:
    if person.id in done:
        return "already sent this material"
    if consent is None or not consent.allows(channel, marketing=True):
        return f"no consent to {_word(channel)}"
    if not _addresses(person, channel):
        return f"has no {_word(channel)} address"
    return None


def _word(channel: Channel) -> str:
    return "e-mail" if channel is Channel.EMAIL else "SMS"


def _addresses(person: ContactPerson, channel: Channel) -> tuple[str, ...]:
    if channel is Channel.EMAIL:
        return tuple(email.address for email in person.emails)
    return tuple(phone.number for phone in person.phones)


def _message(
    campaign: Campaign, material: Material, person: ContactPerson, mailing_id: MailingId
) -> MailingMessage:
    action: CampaignAction
    if material.channel is Channel.EMAIL:
        action = CampaignEmail(
            campaign_id=campaign.id, mailing_id=mailing_id, material=material.code,
            template=material.template, title=material.title,
        )  # fmt: skip
    else:
        action = CampaignSms(
            campaign_id=campaign.id, mailing_id=mailing_id, material=material.code,
            template=material.template,
        )  # fmt: skip
    explanation = (
        f"{person.name}, in the segment of campaign {campaign.name}, consented to "
        f"{_word(material.channel)}"
    )
    return MailingMessage(
        contact_person_id=person.id, partner_id=person.partner_id,
        address=_addresses(person, material.channel)[0], action=action,
        caused_by=f"campaign:{campaign.id}:{mailing_id}", explanation=explanation,
    )  # fmt: skip
