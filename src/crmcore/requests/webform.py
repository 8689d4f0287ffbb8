"""Web intake: a request registered from a public form, whatever the form sends.

The payload is untrusted. :func:`register_request_from_form` reads it through the same
:class:`crmcore.intake.IntakeForm` as the claims' self-service form (types, lengths, allowed
fields, cleaned text, contact data syntax), refuses obvious spam by the host's
:class:`~crmcore.intake.SpamRules` (honeypot, too many links, blocked domains), registers the
request, links it to the contact's earlier request and matches it against known clients.

It returns the outcome or raises one :class:`~crmcore.errors.DomainValidationError` listing
every problem by field (a :class:`~crmcore.errors.SpamError` for spam); nothing else escapes
and nothing is created on rejection.

>>> from datetime import datetime, timezone
>>> now = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
>>> outcome = register_request_from_form(
...     {"name": "Anna", "email": "anna@example.com", "message": "300 crates, please",
...      "items": [{"product": "Crate 60x40", "quantity": 300}], "website": ""},
...     source="website_form", now=now, request_id=RequestId("r-1"))
>>> outcome.entity.items[0].quantity, str(outcome.entity.contact.emails[0])
(Decimal('300'), 'anna@example.com')
>>> register_request_from_form({"name": "Bot", "email": "a@b.c", "website": "http://x"},
...     source="website_form", now=now)
Traceback (most recent call last):
...
crmcore.errors.SpamError: website: is a trap field that people leave empty
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any, Final

import attrs

from crmcore.errors import DomainValidationError, SpamError, Violation
from crmcore.events import Outcome
from crmcore.ids import RequestId, UserId
from crmcore.intake import (
    FieldReader,
    IntakeForm,
    IntegerField,
    ListField,
    NestedField,
    ParsedField,
    SpamRules,
    TextField,
)
from crmcore.partners.contact_data import Email, Phone
from crmcore.requests.binding import RequestMatcher, match_request
from crmcore.requests.model import Campaign, Request, RequestedItem
from crmcore.requests.services import RequestDraft, register_request
from crmcore.requests.settings import RequestSettings
from crmcore.validation import Model, checks, int_at_most

__all__ = ["RequestFormLimits", "register_request_from_form", "request_form"]

_CAMPAIGN: Final = ("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content")
_DEFAULT_SETTINGS: Final = RequestSettings()
_DEFAULT_SPAM: Final = SpamRules()


@attrs.frozen(kw_only=True)
class RequestFormLimits(Model):
    """How much a public request form accepts; text limits stay within the request's own."""

    name: int = attrs.field(default=200, metadata=checks(int_at_most(200)))
    message: int = attrs.field(default=5000, metadata=checks(int_at_most(5000)))
    items: int = attrs.field(default=20, metadata=checks(int_at_most(100)))
    quantity: int = attrs.field(default=1_000_000, metadata=checks(int_at_most(10**9)))


def request_form(limits: RequestFormLimits, spam: SpamRules) -> IntakeForm:
    """The public request form for ``limits``, with the honeypot of ``spam`` if it has one."""
    item = IntakeForm(
        fields={
            "product": TextField(max_length=200),
            "quantity": IntegerField(minimum=1, maximum=limits.quantity, required=False),
            "unit": TextField(max_length=20, required=False),
        }
    )
    line = TextField(max_length=limits.name, required=False)
    fields: dict[str, FieldReader] = {
        "name": line,
        "company": line,
        "email": ParsedField(parse=Email.parse, required=False),
        "phone": ParsedField(parse=Phone.parse, max_length=64, required=False),
        "region": TextField(max_length=200, required=False),
        "message": TextField(max_length=limits.message, multiline=True, required=False),
        "items": ListField(item=NestedField(form=item), max_items=limits.items, required=False),
        **dict.fromkeys(_CAMPAIGN, TextField(max_length=200, required=False)),
    }
    return IntakeForm(fields={**fields, **spam.trap_fields()})


def _draft(values: Mapping[str, Any], source: str, campaign_id: str | None) -> RequestDraft:
    items = [
        RequestedItem(
            product=item["product"],
            quantity=Decimal(item.get("quantity", 1)),
            unit=item.get("unit"),
        )
        for item in values.get("items", ())
    ]
    marks = {name.removeprefix("utm_"): values[name] for name in _CAMPAIGN if name in values}
    return RequestDraft(
        source=source,
        name=values.get("name"),
        company=values.get("company"),
        phones=[values["phone"]] if "phone" in values else [],
        emails=[values["email"]] if "email" in values else [],
        region=values.get("region"),
        message=values.get("message"),
        items=items,
        campaign=Campaign(**marks) if marks else None,
        campaign_id=campaign_id,
    )


def register_request_from_form(
    payload: Mapping[str, object],
    *,
    source: str,
    now: datetime,
    request_id: RequestId | None = None,
    settings: RequestSettings = _DEFAULT_SETTINGS,
    limits: RequestFormLimits | None = None,
    spam: SpamRules = _DEFAULT_SPAM,
    earlier: Iterable[Request] = (),
    matcher: RequestMatcher | None = None,
    actor: UserId | None = None,
    campaign_id: str | None = None,
) -> Outcome[Request]:
    """A request registered from the untrusted ``payload`` of a public form, linked to the
    contact's request among ``earlier`` it repeats and matched by ``matcher`` when given.

    ``campaign_id`` names the marketing campaign whose form this is (the host knows which
    landing page the form sits on): the request is attributed to it. The payload's
    ``utm_*`` marks are kept as the request's ``campaign`` labels whatever they say; they
    never choose the campaign, since a visitor can write anything in a link.

    Raises :class:`SpamError` when the payload is obvious spam, else
    :class:`DomainValidationError` listing every problem by field; nothing else.
    """
    form = request_form(limits or RequestFormLimits(), spam)
    values, found = form.read_with_violations(payload)
    signs = spam.problems(values)
    if signs:
        raise SpamError(signs)
    if not found and "email" not in values and "phone" not in values:
        found.append(Violation(field="email", message="or a phone is needed to answer"))
    if found:
        raise DomainValidationError(found)
    outcome = register_request(
        _draft(values, source, campaign_id),
        now=now,
        settings=settings,
        request_id=request_id,
        earlier=earlier,
        actor=actor,
    )
    if matcher is None:
        return outcome
    matched = match_request(outcome.entity, matcher, now=now, actor=actor)
    # Bound on arrival, never stored before: still the first version.
    entity = attrs.evolve(matched.entity, version=outcome.entity.version)
    return Outcome(entity=entity, events=(*outcome.events, *matched.events))
