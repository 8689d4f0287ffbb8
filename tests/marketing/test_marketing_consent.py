"""Consent per contact person and channel: granting, opting out, unsubscribing."""

import pytest
from marketing_samples import DAY, NOW

from crmcore.errors import DomainValidationError
from crmcore.ids import ContactPersonId, PartnerId
from crmcore.marketing import Channel, ConsentStatus, record_consent, unsubscribe

PERSON = ContactPersonId("cp-1")
PARTNER = PartnerId("p-1")


def test_a_grant_allows_mailings_on_that_channel_only() -> None:
    outcome = record_consent(
        None, contact_person_id=PERSON, partner_id=PARTNER, channel="email",
        status="granted", now=NOW, source="web form",
    )  # fmt: skip
    consent = outcome.entity
    assert consent.allows(Channel.EMAIL, marketing=True)
    assert not consent.allows(Channel.SMS, marketing=True)
    assert consent.allows(Channel.SMS, marketing=False)
    assert consent.version == 1
    assert outcome.events[0].changes["email"].new == "granted"


def test_recording_the_same_status_changes_nothing() -> None:
    consent = record_consent(
        None, contact_person_id=PERSON, partner_id=PARTNER, channel=Channel.SMS,
        status=ConsentStatus.GRANTED, now=NOW,
    ).entity  # fmt: skip
    again = record_consent(
        consent, contact_person_id=PERSON, partner_id=PARTNER, channel=Channel.SMS,
        status=ConsentStatus.GRANTED, now=NOW + DAY,
    )  # fmt: skip
    assert again.entity is consent
    assert again.events == ()


def test_unsubscribe_opts_out_of_every_channel() -> None:
    consent = record_consent(
        None, contact_person_id=PERSON, partner_id=PARTNER, channel=Channel.EMAIL,
        status=ConsentStatus.GRANTED, now=NOW,
    ).entity  # fmt: skip
    outcome = unsubscribe(consent, contact_person_id=PERSON, partner_id=PARTNER, now=NOW + DAY)
    gone = outcome.entity
    assert [c.status for c in gone.channels] == [ConsentStatus.OPTED_OUT] * 2
    assert not gone.allows(Channel.EMAIL, marketing=False)
    assert not gone.allows(Channel.SMS, marketing=False)
    assert gone.version == 2
    assert set(outcome.events[0].changes) == {"email", "sms"}


def test_unsubscribe_from_nothing_is_refused() -> None:
    with pytest.raises(DomainValidationError) as raised:
        unsubscribe(None, contact_person_id=PERSON, partner_id=PARTNER, now=NOW, channels=())
    assert raised.value.field == "channels"


def test_bad_channel_and_status_are_reported_together() -> None:
    with pytest.raises(DomainValidationError) as raised:
        record_consent(
            None, contact_person_id=PERSON, partner_id=PARTNER, channel="fax",
            status="maybe", now=NOW,
        )  # fmt: skip
    assert {v.field for v in raised.value.violations} == {"channel", "status"}


def test_another_persons_consent_is_refused() -> None:
    consent = unsubscribe(None, contact_person_id=PERSON, partner_id=PARTNER, now=NOW).entity
    with pytest.raises(DomainValidationError) as raised:
        unsubscribe(consent, contact_person_id=ContactPersonId("cp-2"), partner_id=PARTNER, now=NOW)
    assert raised.value.field == "contact_person_id"
