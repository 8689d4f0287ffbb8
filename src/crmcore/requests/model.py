"""Requests (leads): what came in, from whom, about what, and where it stands.

>>> from datetime import datetime, timezone
>>> at = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
>>> request = Request(id=RequestId("r-1"), source="website_form", received_at=at,
...     contact=ContactData(name=" Anna Petrova ", company="Vostok"))
>>> request.contact.name, request.status.value, request.binding_state.value
('Anna Petrova', 'new', 'unbound')
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime
from decimal import Decimal
from typing import Final

import attrs

from crmcore.customfields import CustomValue, custom_values
from crmcore.deals.pipeline import code
from crmcore.errors import Violation
from crmcore.ids import ContactPersonId, DealId, EntityRef, PartnerId, RequestId, UserId
from crmcore.matching import FieldEvidence
from crmcore.money import Money, not_negative
from crmcore.partners.contact_data import Email, Phone
from crmcore.requests.kinds import BindingMethod, BindingState, RequestStatus
from crmcore.validation import (
    FrozenMap,
    Model,
    aware_datetime,
    bounded_text,
    checks,
    clean_optional_text,
    clean_text,
    each,
    finite_decimal,
    freeze,
    identifier,
    instance_of,
    invariant,
    non_negative_int,
    optional,
    unique,
)
from crmcore.workcalendar import latest

__all__ = [
    "REQUEST",
    "Binding",
    "BindingProposal",
    "Campaign",
    "ContactData",
    "Request",
    "RequestedItem",
]

REQUEST: Final = "request"
_LINE = checks(optional(bounded_text(200)))
_MESSAGE = checks(optional(bounded_text(5000, multiline=True)))


def _probability(field: str, value: object) -> Iterator[Violation]:
    if isinstance(value, bool) or not isinstance(value, float | int) or not 0 <= value <= 1:
        yield Violation(field=field, message="must be a number from 0 to 1", value=value)


def _positive_decimal(field: str, value: object) -> Iterator[Violation]:
    problems = list(finite_decimal(field, value))
    yield from problems
    if not problems and value <= 0:  # type: ignore[operator]
        yield Violation(field=field, message="must be greater than 0", value=value)


def _to_decimal(value: object) -> object:
    """Whole numbers become ``Decimal``; anything else reaches the checks unchanged."""
    return Decimal(value) if isinstance(value, int) and not isinstance(value, bool) else value


_AMOUNT: Final = optional(not_negative)
"""An amount that may be missing, else Money of 0 or more."""


@attrs.frozen(kw_only=True)
class RequestedItem(Model):
    """A product or service asked for: what, how many, and the estimated amount if known."""

    product: str = attrs.field(converter=clean_text, metadata=checks(bounded_text(200)))
    quantity: Decimal = attrs.field(
        default=Decimal(1), converter=_to_decimal, metadata=checks(_positive_decimal)
    )
    unit: str | None = attrs.field(
        default=None, converter=clean_optional_text, metadata=checks(optional(bounded_text(20)))
    )
    amount: Money | None = attrs.field(default=None, metadata=checks(_AMOUNT))


@attrs.frozen(kw_only=True)
class ContactData(Model):
    """The contact data exactly as the person gave it: nothing here is a partner yet."""

    name: str | None = attrs.field(default=None, converter=clean_optional_text, metadata=_LINE)
    company: str | None = attrs.field(default=None, converter=clean_optional_text, metadata=_LINE)
    phones: tuple[Phone, ...] = attrs.field(
        default=(),
        metadata=checks(each(instance_of(Phone)), unique(lambda p: p.number, what="phone")),
    )
    emails: tuple[Email, ...] = attrs.field(
        default=(), metadata=checks(each(instance_of(Email)), unique(lambda e: e.key, what="email"))
    )
    region: str | None = attrs.field(default=None, converter=clean_optional_text, metadata=_LINE)
    message: str | None = attrs.field(
        default=None, converter=clean_optional_text, metadata=_MESSAGE
    )

    @invariant("name", "company", "phones", "emails")
    def _reachable(self) -> Iterator[Violation]:
        if not (self.name or self.company or self.phones or self.emails):
            message = "needs a name, a company, a phone or an email"
            yield Violation(field="name", message=message)

    @property
    def keys(self) -> frozenset[str]:
        """The phone numbers and case-folded emails that identify the person who wrote."""
        return frozenset(
            [f"phone:{phone.number}" for phone in self.phones]
            + [f"email:{email.key}" for email in self.emails]
        )


@attrs.frozen(kw_only=True)
class Campaign(Model):
    """The UTM-like marks of the advertising that brought the request."""

    source: str | None = attrs.field(default=None, converter=clean_optional_text, metadata=_LINE)
    medium: str | None = attrs.field(default=None, converter=clean_optional_text, metadata=_LINE)
    campaign: str | None = attrs.field(default=None, converter=clean_optional_text, metadata=_LINE)
    term: str | None = attrs.field(default=None, converter=clean_optional_text, metadata=_LINE)
    content: str | None = attrs.field(default=None, converter=clean_optional_text, metadata=_LINE)


@attrs.frozen(kw_only=True)
class BindingProposal(Model):
    """A known client the request may come from, with the duplicate check's explanation."""

    partner_id: PartnerId = attrs.field(metadata=checks(identifier))
    contact_person_id: ContactPersonId | None = attrs.field(
        default=None, metadata=checks(optional(identifier))
    )
    probability: float = attrs.field(metadata=checks(_probability))
    explanation: tuple[FieldEvidence, ...] = attrs.field(
        default=(), metadata=checks(each(instance_of(FieldEvidence)))
    )


@attrs.frozen(kw_only=True)
class Binding(Model):
    """The client card a request is bound to, and how: matched (with the evidence) or manual."""

    partner_id: PartnerId = attrs.field(metadata=checks(identifier))
    contact_person_id: ContactPersonId | None = attrs.field(
        default=None, metadata=checks(optional(identifier))
    )
    method: BindingMethod = attrs.field(metadata=checks(instance_of(BindingMethod)))
    probability: float | None = attrs.field(default=None, metadata=checks(optional(_probability)))
    explanation: tuple[FieldEvidence, ...] = attrs.field(
        default=(), metadata=checks(each(instance_of(FieldEvidence)))
    )
    bound_at: datetime = attrs.field(metadata=checks(aware_datetime))
    by: UserId | None = attrs.field(default=None, metadata=checks(optional(identifier)))

    @invariant("method", "probability")
    def _matched(self) -> Iterator[Violation]:
        if self.method is BindingMethod.MATCHED and self.probability is None:
            yield Violation(field="probability", message="is required for a matched binding")


def items_currency_problems(
    items: tuple[RequestedItem, ...], amount: Money | None
) -> Iterator[Violation]:
    currencies = {item.amount.currency for item in items if item.amount is not None}
    if amount is not None:
        currencies.add(amount.currency)
    if len(currencies) > 1:
        message = "items and the estimated amount must share one currency"
        yield Violation(field="estimated_amount", message=message, value=sorted(currencies))


@attrs.frozen(kw_only=True)
class Request(Model):
    """An incoming inquiry (lead) before it becomes a deal; change it through the services.

    ``duplicate_of`` links an earlier request from the same contact; ``binding`` is the client
    card it belongs to, ``proposals`` the cards it may belong to. ``rejection_reason`` is set
    exactly when it is rejected, ``deal_id`` exactly when it is converted.
    """

    id: RequestId = attrs.field(metadata=checks(identifier))
    source: str = attrs.field(metadata=checks(code))
    received_at: datetime = attrs.field(metadata=checks(aware_datetime))
    contact: ContactData = attrs.field(metadata=checks(instance_of(ContactData)))
    items: tuple[RequestedItem, ...] = attrs.field(
        default=(), metadata=checks(each(instance_of(RequestedItem)))
    )
    estimated_amount: Money | None = attrs.field(default=None, metadata=checks(_AMOUNT))
    campaign: Campaign | None = attrs.field(
        default=None, metadata=checks(optional(instance_of(Campaign)))
    )
    campaign_id: str | None = attrs.field(default=None, metadata=checks(optional(identifier)))
    custom: Mapping[str, CustomValue] = attrs.field(
        factory=FrozenMap, converter=freeze, metadata=checks(custom_values)
    )
    binding: Binding | None = attrs.field(
        default=None, metadata=checks(optional(instance_of(Binding)))
    )
    proposals: tuple[BindingProposal, ...] = attrs.field(
        default=(), metadata=checks(each(instance_of(BindingProposal)))
    )
    duplicate_of: RequestId | None = attrs.field(
        default=None, metadata=checks(optional(identifier))
    )
    responsible_manager: UserId | None = attrs.field(
        default=None, metadata=checks(optional(identifier))
    )
    status: RequestStatus = attrs.field(
        default=RequestStatus.NEW, metadata=checks(instance_of(RequestStatus))
    )
    rejection_reason: str | None = attrs.field(default=None, metadata=checks(optional(code)))
    rejection_comment: str | None = attrs.field(
        default=None, converter=clean_optional_text, metadata=checks(optional(bounded_text(2000)))
    )
    first_response_at: datetime | None = attrs.field(
        default=None, metadata=checks(optional(aware_datetime))
    )
    qualified_at: datetime | None = attrs.field(
        default=None, metadata=checks(optional(aware_datetime))
    )
    deal_id: DealId | None = attrs.field(default=None, metadata=checks(optional(identifier)))
    closed_at: datetime | None = attrs.field(
        default=None, metadata=checks(optional(aware_datetime))
    )
    version: int = attrs.field(default=1, metadata=checks(non_negative_int))

    @property
    def last_changed_at(self) -> datetime:
        """The latest moment recorded on the request: its receipt, first response,
        qualification, binding or close; no command may be dated before it."""
        bound = None if self.binding is None else self.binding.bound_at
        return latest(
            self.received_at, self.first_response_at, self.qualified_at, self.closed_at, bound
        )

    @invariant("items", "estimated_amount")
    def _one_currency(self) -> Iterator[Violation]:
        return items_currency_problems(self.items, self.estimated_amount)

    @invariant("status", "rejection_reason")
    def _rejected(self) -> Iterator[Violation]:
        if (self.status is RequestStatus.REJECTED) != (self.rejection_reason is not None):
            yield Violation(field="rejection_reason", message="is set exactly when rejected")

    @invariant("status", "deal_id")
    def _converted(self) -> Iterator[Violation]:
        if (self.status is RequestStatus.CONVERTED) != (self.deal_id is not None):
            yield Violation(field="deal_id", message="is set exactly when converted")

    @invariant("status", "closed_at")
    def _closed(self) -> Iterator[Violation]:
        if self.status.open == (self.closed_at is not None):
            yield Violation(field="closed_at", message="is set exactly when converted or rejected")

    @invariant("id", "duplicate_of")
    def _other_request(self) -> Iterator[Violation]:
        if self.duplicate_of == self.id:
            yield Violation(field="duplicate_of", message="must be another request")

    @invariant("binding", "proposals")
    def _bound_or_proposed(self) -> Iterator[Violation]:
        if self.binding is not None and self.proposals:
            yield Violation(field="proposals", message="must be empty once the request is bound")

    @property
    def ref(self) -> EntityRef:
        """This request as a typed reference."""
        return EntityRef(entity_type=REQUEST, entity_id=self.id)

    @property
    def binding_state(self) -> BindingState:
        """Whether the request is bound to a client, has proposals, or neither."""
        if self.binding is not None:
            return BindingState.BOUND
        return BindingState.PROPOSED if self.proposals else BindingState.UNBOUND

    def items_total(self) -> Money | None:
        """The sum of the items' amounts, or ``None`` when no item has one."""
        amounts = [item.amount for item in self.items if item.amount is not None]
        if not amounts:
            return None
        total = amounts[0]
        for amount in amounts[1:]:
            total = total + amount
        return total
