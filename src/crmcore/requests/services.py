"""Services of the requests area: register a request, move it along, assign and bind it.

Each service is a pure function returning an :class:`~crmcore.events.Outcome`; a refused
command raises a typed error naming every problem and changes nothing.

>>> from datetime import datetime, timezone
>>> now = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
>>> registered = register_request(
...     RequestDraft(source="call", name="Anna Petrova", phones=["+7 914 123-45-67"]),
...     request_id=RequestId("r-1"), now=now)
>>> taken = take_request(registered.entity, manager=UserId("u-1"), now=now)
>>> taken.entity.status.value, taken.entity.responsible_manager, taken.events[0].name
('in_work', 'u-1', 'request.status_changed')
>>> reject_request(taken.entity, "no_idea", now=now)
Traceback (most recent call last):
...
crmcore.errors.DomainValidationError: reason: must be one of spam, duplicate_request, ...
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from functools import partial
from typing import Any, Final, TypeVar

import attrs

from crmcore.customfields import CustomFieldRegistry
from crmcore.errors import DomainValidationError, Violation
from crmcore.events import Outcome
from crmcore.ids import RequestId, UserId, new_id
from crmcore.money import Money
from crmcore.partners.contact_data import Email, Phone
from crmcore.repository_checks import instant
from crmcore.requests.events import (
    RequestChanged,
    RequestRegistered,
    RequestStatusChanged,
    request_changes,
)
from crmcore.requests.kinds import RequestStatus
from crmcore.requests.lifecycle import REQUEST_LIFECYCLE
from crmcore.requests.model import (
    REQUEST,
    Campaign,
    ContactData,
    Request,
    RequestedItem,
)
from crmcore.requests.settings import RequestSettings
from crmcore.validation import (
    aware_datetime,
    bounded_text,
    field_violations,
    identifier,
    invariant_violations,
    optional,
    raise_violations,
    read_changes,
)
from crmcore.workcalendar import check_not_before

__all__ = [
    "REQUEST_EDITABLE",
    "RequestDraft",
    "assign_request",
    "edit_request",
    "find_duplicate",
    "qualify_request",
    "register_request",
    "reject_request",
    "reopen_request",
    "take_request",
]

T = TypeVar("T")
_DEFAULT_SETTINGS: Final = RequestSettings()
REQUEST_EDITABLE: Final = (
    "contact",
    "items",
    "estimated_amount",
    "campaign",
    "campaign_id",
    "custom",
)
"""The fields :func:`edit_request` changes; its other keys are refused."""


@attrs.frozen(kw_only=True)
class RequestDraft:
    """A new request as it came in: contact data as text, before any check."""

    source: str
    name: str | None = None
    company: str | None = None
    phones: Sequence[Phone | str] = ()
    emails: Sequence[Email | str] = ()
    region: str | None = None
    message: str | None = None
    items: Sequence[RequestedItem] = ()
    estimated_amount: Money | None = None
    campaign: Campaign | None = None
    campaign_id: str | None = None
    custom: Mapping[str, object] = attrs.field(factory=dict)
    responsible_manager: UserId | str | None = None


def _attempt(found: list[Violation], field: str, parse: Callable[[], T]) -> T | None:
    try:
        return parse()
    except DomainValidationError as error:
        found.extend(error.under(field).violations if field else error.violations)
        return None


def _phone(value: object, region: str) -> Phone:
    if isinstance(value, Phone):
        return value
    if not isinstance(value, str):
        raise DomainValidationError.single("", "must be a phone number", value=value)
    return Phone.parse(value, default_region=region, field="")


def _email(value: object) -> Email:
    if isinstance(value, Email):
        return value
    if not isinstance(value, str):
        raise DomainValidationError.single("", "must be an email address", value=value)
    return Email.parse(value, field="")


def _each(
    found: list[Violation], field: str, values: object, parse: Callable[[object], T]
) -> tuple[T, ...]:
    if isinstance(values, str) or not isinstance(values, Iterable):
        found.append(Violation(field=field, message="must be a list", value=values))
        return ()
    parsed = [_attempt(found, f"{field}[{i}]", partial(parse, v)) for i, v in enumerate(values)]
    return tuple(dict.fromkeys(item for item in parsed if item is not None))


def _contact(draft: RequestDraft, found: list[Violation], region: str) -> ContactData | None:
    phones = _each(found, "phones", draft.phones, partial(_phone, region=region))
    emails = _each(found, "emails", draft.emails, _email)
    fields = {"name": draft.name, "company": draft.company, "region": draft.region}
    return _attempt(
        found,
        "",
        lambda: ContactData(**fields, phones=phones, emails=emails, message=draft.message),
    )


def check_now(now: object) -> None:
    raise_violations(Violation(field="now", message=v.message) for v in aware_datetime("now", now))


def find_duplicate(
    contact: ContactData,
    earlier: Iterable[Request],
    *,
    received_at: datetime,
    settings: RequestSettings = _DEFAULT_SETTINGS,
    exclude: RequestId | None = None,
) -> RequestId | None:
    """The request that one with ``contact`` received at ``received_at`` repeats: the first of
    ``earlier`` from the same phone or email within the duplicate window before it (or the
    request that one repeats in turn), or ``None``."""
    raise_violations(aware_datetime("received_at", received_at))
    keys = contact.keys
    until = instant(received_at)
    since = until - settings.duplicate_window
    matches = sorted(
        (
            r
            for r in earlier
            if r.id != exclude
            and since <= instant(r.received_at) <= until
            and keys & r.contact.keys
        ),
        key=lambda r: (instant(r.received_at), r.id),
    )
    if not matches:
        return None
    first = matches[0]
    return first.duplicate_of or first.id


def _draft_fields(
    draft: RequestDraft,
    found: list[Violation],
    custom_fields: CustomFieldRegistry | None,
    received_at: datetime,
) -> dict[str, Any]:
    """The request fields of ``draft`` besides its source and contact; problems go to
    ``found``."""
    custom: Any = draft.custom
    if custom_fields is not None and isinstance(custom, Mapping):
        custom = _attempt(found, "", lambda: custom_fields.validate(REQUEST, draft.custom)) or {}
    fields: dict[str, Any] = {
        "items": tuple(draft.items) if isinstance(draft.items, Sequence) else draft.items,
        "estimated_amount": draft.estimated_amount,
        "campaign": draft.campaign,
        "campaign_id": draft.campaign_id,
        "custom": custom,
        "responsible_manager": draft.responsible_manager,
        "received_at": received_at,
    }
    for name, value in fields.items():
        found.extend(field_violations(Request, name, value))
    found.extend(invariant_violations(Request, fields, failed=[v.field for v in found]))
    return fields


def register_request(
    draft: RequestDraft,
    *,
    now: datetime,
    settings: RequestSettings = _DEFAULT_SETTINGS,
    request_id: RequestId | None = None,
    received_at: datetime | None = None,
    earlier: Iterable[Request] = (),
    custom_fields: CustomFieldRegistry | None = None,
    default_region: str = "RU",
    actor: UserId | None = None,
) -> Outcome[Request]:
    """A new request from ``draft`` with a :class:`RequestRegistered` event, linked to the
    request it repeats among ``earlier`` (the contact's recent requests, see
    :meth:`RequestRepository.from_contact <crmcore.requests.RequestRepository.from_contact>`).

    Raises :class:`DomainValidationError` listing every problem of the draft.
    """
    check_now(now)
    check_actor(actor)
    found: list[Violation] = settings.source_problems("source", draft.source)
    contact = _contact(draft, found, default_region)
    fields = _draft_fields(draft, found, custom_fields, received_at or now)
    raise_violations(found)
    assert contact is not None
    request = Request(
        id=request_id or RequestId(new_id()), source=draft.source, contact=contact, **fields
    )
    duplicate = find_duplicate(
        contact, earlier, received_at=request.received_at, settings=settings, exclude=request.id
    )
    estimate = request.estimated_amount
    request = attrs.evolve(
        request,
        estimated_amount=request.items_total() if estimate is None else estimate,
        duplicate_of=duplicate,
    )
    event = RequestRegistered(
        entity_id=request.id, occurred_at=now, actor=actor, duplicate_of=duplicate,
        changes=request_changes(None, request),
    )  # fmt: skip
    return Outcome(entity=request, events=(event,))


def check_actor(actor: object) -> None:
    raise_violations(optional(identifier)("actor", actor))


def _move(
    request: Request, step: str, *, now: datetime, actor: UserId | None, **changes: Any
) -> Outcome[Request]:
    check_now(now)
    check_actor(actor)
    target = REQUEST_LIFECYCLE.target(request.status.value, step, entity=(REQUEST, request.id))
    check_not_before(now, request.last_changed_at, entity=f"request {request.id!r}")
    moved = attrs.evolve(
        request, status=RequestStatus(target), version=request.version + 1, **changes
    )
    event = RequestStatusChanged(
        entity_id=request.id, occurred_at=now, actor=actor, step=step,
        changes=request_changes(request, moved),
    )  # fmt: skip
    return Outcome(entity=moved, events=(event,))


def take_request(
    request: Request, *, now: datetime, manager: UserId | None = None, actor: UserId | None = None
) -> Outcome[Request]:
    """``request`` taken into work by ``manager`` (else its responsible manager, else
    ``actor``); the first time is its first response."""
    raise_violations(optional(identifier)("manager", manager))
    responsible = manager or request.responsible_manager or actor
    first = request.first_response_at or now
    return _move(
        request,
        "take",
        now=now,
        actor=actor,
        responsible_manager=responsible,
        first_response_at=first,
    )


def qualify_request(
    request: Request, *, now: datetime, actor: UserId | None = None
) -> Outcome[Request]:
    """``request`` qualified: a real need worth a deal; the first time is kept for reports."""
    return _move(request, "qualify", now=now, actor=actor, qualified_at=request.qualified_at or now)


def reject_request(
    request: Request,
    reason: str,
    *,
    now: datetime,
    settings: RequestSettings = _DEFAULT_SETTINGS,
    comment: str | None = None,
    actor: UserId | None = None,
) -> Outcome[Request]:
    """``request`` rejected for ``reason`` (one of the configured rejection reasons)."""
    found = settings.reason_problems("reason", reason)
    found.extend(optional(bounded_text(2000))("comment", comment))
    raise_violations(found)
    return _move(
        request, "reject", now=now, actor=actor, rejection_reason=reason,
        rejection_comment=comment, closed_at=now,
    )  # fmt: skip


def reopen_request(
    request: Request, *, now: datetime, actor: UserId | None = None
) -> Outcome[Request]:
    """A rejected ``request`` back in work; the rejection reason is cleared (the event keeps it)."""
    return _move(
        request, "reopen", now=now, actor=actor, rejection_reason=None,
        rejection_comment=None, closed_at=None,
    )  # fmt: skip


def _changed(
    request: Request, *, now: datetime, actor: UserId | None, **changes: Any
) -> Outcome[Request]:
    check_not_before(now, request.last_changed_at, entity=f"request {request.id!r}")
    changed = attrs.evolve(request, **changes)
    differences = request_changes(request, changed)
    if not differences:
        return Outcome(entity=request)
    changed = attrs.evolve(changed, version=request.version + 1)
    event = RequestChanged(entity_id=request.id, occurred_at=now, changes=differences, actor=actor)
    return Outcome(entity=changed, events=(event,))


def require_open(request: Request, what: str) -> None:
    if not request.status.open:
        message = f"is {request.status.value}; only an open request can be {what}"
        raise DomainValidationError.single("status", message, value=request.status.value)


def assign_request(
    request: Request, manager: UserId, *, now: datetime, actor: UserId | None = None
) -> Outcome[Request]:
    """``request`` handed to ``manager``; assigning the same manager again changes nothing."""
    check_now(now)
    check_actor(actor)
    raise_violations(identifier("manager", manager))
    require_open(request, "assigned")
    return _changed(request, now=now, actor=actor, responsible_manager=manager)


def edit_request(
    request: Request,
    *,
    now: datetime,
    changes: Mapping[str, object],
    custom_fields: CustomFieldRegistry | None = None,
    actor: UserId | None = None,
) -> Outcome[Request]:
    """An open ``request`` with ``changes`` (its ``contact``, ``items``, ``estimated_amount``,
    ``campaign``, ``campaign_id`` or ``custom``) applied: what a manager learns while
    qualifying it. Changing nothing returns it as it was; status, binding and manager change
    through their own services."""
    check_now(now)
    check_actor(actor)
    read, found = read_changes(changes, editable=REQUEST_EDITABLE)
    require_open(request, "edited")
    fields: dict[str, Any] = dict(read)
    custom = fields.get("custom")
    if custom_fields is not None and isinstance(custom, Mapping):
        try:
            fields["custom"] = custom_fields.validate(REQUEST, custom)
        except DomainValidationError as error:
            found.extend(error.violations)
            del fields["custom"]
    for name, value in fields.items():
        found.extend(field_violations(Request, name, value))
    edited = {**attrs.asdict(request, recurse=False), **fields}
    failed = [v.field for v in found]
    raise_violations([*found, *invariant_violations(Request, edited, failed=failed)])
    return _changed(request, now=now, actor=actor, **fields)
