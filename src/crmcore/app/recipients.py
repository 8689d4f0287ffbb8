"""Symbolic recipients resolved against stored data: whom ``"responsible"``, the
co-executors, the head of department or the client's contacts turn out to be for one record,
and why. A contact person who opted out of a channel gets no message on it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Final

from crmcore.app.model import Recipient
from crmcore.app.work import Work
from crmcore.errors import EntityNotFoundError
from crmcore.ids import ContactPersonId, PartnerId, UserId
from crmcore.marketing import Channel
from crmcore.rules import (
    CallWebhook,
    Command,
    CreateTask,
    EmailToClient,
    OrgStructure,
    SendMessage,
    SmsToClient,
    SmsToEmployee,
)

__all__ = ["CLIENT", "CO_EXECUTORS", "HEAD", "RESPONSIBLE", "resolve"]

RESPONSIBLE: Final = "responsible"
CO_EXECUTORS: Final = "co_executors"
HEAD: Final = "head"
CLIENT: Final = "client"
_HEADS: Final = frozenset({HEAD, "head_of_department"})
_MANAGER_FIELDS: Final = ("responsible_manager", "responsible", "manager")


def resolve(work: Work, command: Command, org: OrgStructure) -> tuple[Recipient, ...]:
    """The recipients of ``command``'s action for its record, as stored in ``work``."""
    action = command.action
    record = work.latest(command.entity, command.entity_id)
    if isinstance(action, SendMessage | SmsToEmployee):
        return tuple(r for symbol in action.to for r in _users(work, symbol, record, org))
    if isinstance(action, CreateTask):
        return tuple(_users(work, action.assignee, record, org))
    if isinstance(action, SmsToClient):
        return tuple(_client(work, command, record, channel="phone"))
    if isinstance(action, EmailToClient):
        return tuple(_client(work, command, record, channel="email"))
    if isinstance(action, CallWebhook):
        return (Recipient(symbol="webhook", address=action.url, explanation="the rule's URL"),)
    return ()


def _manager(record: Any) -> tuple[str, UserId] | None:
    for name in _MANAGER_FIELDS:
        value = getattr(record, name, None)
        if isinstance(value, str):
            return name, UserId(value)
    return None


def _users(work: Work, symbol: str, record: Any, org: OrgStructure) -> Iterator[Recipient]:
    if symbol == RESPONSIBLE:
        found = _manager(record)
        if found is None:
            yield Recipient(symbol=symbol, explanation="the record has no responsible person")
            return
        field, user = found
        yield Recipient(symbol=symbol, user=user, explanation=f"the record's {field}")
        return
    if symbol == CO_EXECUTORS:
        users = sorted(getattr(record, "co_executors", ()) or ())
        if not users:
            yield Recipient(symbol=symbol, explanation="the record has no co-executors")
        for user in users:
            yield Recipient(symbol=symbol, user=user, explanation="a co-executor of the record")
        return
    if symbol in _HEADS:
        yield _head(symbol, record, org)
        return
    yield Recipient(symbol=symbol, user=symbol, explanation="named by the rule")


def _head(symbol: str, record: Any, org: OrgStructure) -> Recipient:
    found = _manager(record)
    if found is None:
        return Recipient(symbol=symbol, explanation="the record has no responsible person")
    _, user = found
    department = org.department_of(user)
    if department is None:
        return Recipient(symbol=symbol, explanation=f"{user} belongs to no department")
    head = org.head_of(department)
    if head is None:
        return Recipient(symbol=symbol, explanation=f"department {department} has no head")
    return Recipient(
        symbol=symbol, user=head, explanation=f"head of {department}, the department of {user}"
    )


def _client(work: Work, command: Command, record: Any, *, channel: str) -> Iterator[Recipient]:
    """The client's addresses on ``channel``: the request's own contact data, else the
    partner card's, else its contact persons'."""
    if command.entity == "request" and record is not None:
        values = record.contact.phones if channel == "phone" else record.contact.emails
        if values:
            for value in values:
                yield Recipient(
                    symbol=CLIENT,
                    entity="request",
                    entity_id=record.id,
                    address=_address(value),
                    explanation=f"the request's {_word(channel)}",
                )
            return
    if command.entity == "claim" and record is not None:
        claimant = record.claimant
        value = claimant.phone if channel == "phone" else claimant.email
        if value is not None:
            yield Recipient(
                symbol=CLIENT,
                entity="claim",
                entity_id=record.id,
                address=_address(value),
                explanation=f"the claimant's {_word(channel)}",
            )
            return
    yield from _partner_contacts(work, command, record, channel=channel)


def _word(channel: str) -> str:
    return "e-mail" if channel == "email" else channel


def _a(channel: str) -> str:
    return "an e-mail" if channel == "email" else f"a {channel}"


def _partner_contacts(
    work: Work, command: Command, record: Any, *, channel: str
) -> Iterator[Recipient]:
    partner_id = _partner_id(command, record)
    if partner_id is None:
        yield Recipient(symbol=CLIENT, explanation="the record has no client")
        return
    partner = work.latest("partner", partner_id)
    if partner is None:
        yield Recipient(symbol=CLIENT, explanation=f"partner {partner_id} is not stored")
        return
    own = partner.phones if channel == "phone" else partner.emails
    if own:
        for value in own:
            yield Recipient(
                symbol=CLIENT,
                entity="partner",
                entity_id=partner.id,
                address=_address(value),
                explanation=f"{_a(channel)} of {partner.short_name}",
            )
        return
    people = work.repositories.contact_persons.of_partner(partner.id)
    given = False
    for person in people:
        if _opted_out(work, person.id, channel):
            given = True
            yield Recipient(
                symbol=CLIENT, entity="contact_person", entity_id=person.id,
                explanation=f"{person.name} opted out of {_word(channel)}",
            )  # fmt: skip
            continue
        for value in person.phones if channel == "phone" else person.emails:
            given = True
            yield Recipient(
                symbol=CLIENT,
                entity="contact_person",
                entity_id=person.id,
                address=_address(value),
                explanation=(
                    f"{_a(channel)} of {person.name}, contact person of {partner.short_name}"
                ),
            )
    if not given:
        yield Recipient(symbol=CLIENT, explanation=f"{partner.short_name} has no {_word(channel)}")


def _opted_out(work: Work, person_id: str, channel: str) -> bool:
    """Whether the contact person opted out of ``channel`` (``"phone"`` is SMS)."""
    consents = work.repositories.consents
    if consents is None:
        return False
    try:
        consent = consents.get(ContactPersonId(person_id))
    except EntityNotFoundError:
        return False
    return not consent.allows(Channel.SMS if channel == "phone" else Channel.EMAIL, marketing=False)


def _partner_id(command: Command, record: Any) -> PartnerId | None:
    if command.entity == "partner":
        return PartnerId(command.entity_id)
    partner_id = getattr(record, "partner_id", None)
    if partner_id is None:
        holder = getattr(record, "binding", None) or getattr(record, "claimant", None)
        partner_id = getattr(holder, "partner_id", None)
    return PartnerId(partner_id) if partner_id else None


def _address(value: Any) -> str:
    number = getattr(value, "number", None)
    if isinstance(number, str):
        return number
    address = getattr(value, "address", None)
    return address if isinstance(address, str) else str(value)
