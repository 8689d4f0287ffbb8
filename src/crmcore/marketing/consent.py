"""Consent and opt-out per contact person and channel.

>>> from datetime import datetime, timezone
>>> from crmcore.ids import ContactPersonId, PartnerId
>>> at = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
>>> granted = record_consent(None, contact_person_id=ContactPersonId("cp-1"),
...     partner_id=PartnerId("p-1"), channel=Channel.EMAIL, status=ConsentStatus.GRANTED,
...     now=at, source="web form").entity
>>> granted.allows(Channel.EMAIL, marketing=True), granted.allows(Channel.SMS, marketing=True)
(True, False)
>>> gone = unsubscribe(granted, contact_person_id=granted.id, partner_id=granted.partner_id,
...     now=at, source="unsubscribe link").entity
>>> gone.allows(Channel.EMAIL, marketing=False), gone.version
(False, 2)
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import attrs

from crmcore.errors import DomainValidationError, Violation
from crmcore.events import Change, Outcome, primitive
from crmcore.ids import ContactPersonId, PartnerId
from crmcore.marketing.events import ConsentChanged
from crmcore.marketing.model import Channel, ChannelConsent, Consent, ConsentStatus
from crmcore.validation import check_now, enum_member, raise_violations

__all__ = ["record_consent", "unsubscribe"]


def record_consent(
    current: Consent | None,
    *,
    contact_person_id: ContactPersonId,
    partner_id: PartnerId,
    channel: Channel | str,
    status: ConsentStatus | str,
    now: datetime,
    source: str | None = None,
    actor: str | None = None,
) -> Outcome[Consent]:
    """``current`` (``None`` for a person never asked) with ``status`` on ``channel`` from
    ``now``; recording the status a channel already has changes nothing."""
    check_now(now)
    found: list[Violation] = []
    chosen = enum_member(Channel, "channel", channel, found)
    wanted = enum_member(ConsentStatus, "status", status, found)
    raise_violations(found)
    assert chosen is not None
    assert wanted is not None
    return _changed(
        current, contact_person_id, partner_id, {chosen: wanted}, now=now, source=source,
        actor=actor,
    )  # fmt: skip


def unsubscribe(
    current: Consent | None,
    *,
    contact_person_id: ContactPersonId,
    partner_id: PartnerId,
    now: datetime,
    channels: Iterable[Channel] = tuple(Channel),
    source: str | None = None,
    actor: str | None = None,
) -> Outcome[Consent]:
    """``current`` opted out of every channel in ``channels`` (by default all) at ``now``."""
    check_now(now)
    wanted = dict.fromkeys(channels, ConsentStatus.OPTED_OUT)
    if not wanted:
        raise DomainValidationError.single("channels", "must name at least one channel")
    return _changed(
        current, contact_person_id, partner_id, wanted, now=now, source=source, actor=actor
    )


def _changed(
    current: Consent | None,
    contact_person_id: ContactPersonId,
    partner_id: PartnerId,
    wanted: dict[Channel, ConsentStatus],
    *,
    now: datetime,
    source: str | None,
    actor: str | None,
) -> Outcome[Consent]:
    base = current or Consent(id=contact_person_id, partner_id=partner_id, version=0)
    if base.id != contact_person_id:
        raise DomainValidationError.single(
            "contact_person_id", "must be the consent's contact person", value=contact_person_id
        )
    kept = {c.channel: c for c in base.channels}
    changes: dict[str, Change] = {}
    for channel, status in wanted.items():
        before = kept.get(channel)
        if before is not None and before.status is status:
            continue
        kept[channel] = ChannelConsent(
            channel=channel, status=status, changed_at=now, source=source
        )
        old = None if before is None else before.status.value
        changes[channel.value] = Change(old=old, new=primitive(status))
    if not changes and current is not None:
        return Outcome(entity=current)
    ordered = tuple(kept[c] for c in Channel if c in kept)
    consent = attrs.evolve(base, partner_id=partner_id, channels=ordered, version=base.version + 1)
    event = ConsentChanged(entity_id=consent.id, occurred_at=now, changes=changes, actor=actor)
    return Outcome(entity=consent, events=(event,))
