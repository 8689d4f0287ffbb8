"""Commercial offers of a deal: built from its line items through the agreement's conditions
(the quote builder of :mod:`crmcore.agreements`), numbered 1, 2, ... per deal, sent to the
client from a template, accepted or declined.

Registering an offer links it to the deal, which is what the gate
``commercial_offer_registered`` looks for.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, TypeVar

import attrs

from crmcore.agreements import Agreement, PriceSource, QuoteItem, SalesHistory, build_quote
from crmcore.agreements.templates import (
    DEFAULT_TEXT_TEMPLATE,
    QuoteTemplate,
    RenderedQuote,
    render_quote,
)
from crmcore.deals._commands import DealOutcome
from crmcore.deals.documents import OFFER_LIFECYCLE, CommercialOffer
from crmcore.deals.events import (
    CommercialOfferAccepted,
    CommercialOfferDeclined,
    CommercialOfferRegistered,
    CommercialOfferSent,
    DealChanged,
)
from crmcore.deals.kinds import OfferStatus
from crmcore.deals.model import DEAL, Deal
from crmcore.errors import DomainValidationError, InvalidTransitionError
from crmcore.events import DomainEvent, Outcome, changes_between
from crmcore.ids import EntityRef, UserId, new_id
from crmcore.partners.model import Partner
from crmcore.validation import check_now
from crmcore.workcalendar import check_not_before

__all__ = [
    "COMMERCIAL_OFFER",
    "DocumentOutcome",
    "accept_offer",
    "decline_offer",
    "link_document",
    "offer_email",
    "register_offer",
    "send_offer",
]

COMMERCIAL_OFFER = "commercial_offer"


T = TypeVar("T")


@attrs.frozen(kw_only=True)
class DocumentOutcome(Outcome[T]):
    """A new deal document, its events, and the deal with the document linked."""

    deal: DealOutcome


def link_document(
    deal: Deal, ref: EntityRef, *, now: datetime, actor: UserId | None = None
) -> DealOutcome:
    """``deal`` with ``ref`` among its documents and a :class:`DealChanged` event; a document
    linked already leaves the deal as it was."""
    check_not_before(now, deal.last_changed_at, entity=f"deal {deal.id!r}")
    if ref in deal.documents:
        return DealOutcome(entity=deal)
    changed = attrs.evolve(deal, documents=(*deal.documents, ref))
    differences = changes_between(deal, changed)
    changed = attrs.evolve(changed, version=deal.version + 1)
    event = DealChanged(entity_id=deal.id, occurred_at=now, changes=differences, actor=actor)
    return DealOutcome(entity=changed, events=(event,))


def register_offer(
    deal: Deal,
    *,
    partner: Partner,
    agreement: Agreement,
    prices: PriceSource,
    history: SalesHistory,
    now: datetime,
    previous: Sequence[CommercialOffer] = (),
    offer_id: str | None = None,
    actor: UserId | None = None,
) -> DocumentOutcome[CommercialOffer]:
    """The next offer of ``deal`` (numbered after ``previous``, the deal's offers so far),
    priced by :func:`~crmcore.agreements.build_quote` from the deal's line items under
    ``agreement``; an item without a discount of its own gets the agreement's.

    Raises :class:`~crmcore.errors.InvalidTransitionError` for a deal that is won or lost,
    ``DomainValidationError`` for a deal without line items, a partner that is not the
    deal's, or an item the agreement cannot price, and
    :class:`~crmcore.errors.AgreementNotApplicableError` for an agreement not in force.
    """
    check_now(now)
    if deal.status.closed:
        raise InvalidTransitionError(
            DEAL, deal.id, state=deal.status.value, event="register_offer", allowed=()
        )
    if partner.id != deal.partner_id:
        message = f"is not the partner {deal.partner_id!r} of deal {deal.id!r}"
        raise DomainValidationError.single("partner", message, value=partner.id)
    if not deal.line_items:
        raise DomainValidationError.single("line_items", "the deal has no line items to offer")
    items = [
        QuoteItem(product=item.product_id, quantity=item.quantity, discount=item.discount or None)
        for item in deal.line_items
    ]
    identifier = offer_id or new_id()
    quote = build_quote(
        partner, agreement, items, prices=prices, history=history, now=now, quote_id=identifier
    )
    number = max((offer.number for offer in previous if offer.deal_id == deal.id), default=0) + 1
    offer = CommercialOffer(
        id=identifier, deal_id=deal.id, number=number, quote=quote, created_at=now
    )
    event = CommercialOfferRegistered(
        entity_id=offer.id, occurred_at=now, changes=changes_between(None, offer), actor=actor
    )
    linked = link_document(deal, offer.ref, now=now, actor=actor)
    return DocumentOutcome(entity=offer, events=(event,), deal=linked)


def _moved(
    offer: CommercialOffer,
    transition: str,
    event: type[DomainEvent],
    *,
    now: datetime,
    actor: UserId | None,
    **fields: Any,
) -> Outcome[CommercialOffer]:
    check_now(now)
    check_not_before(now, offer.last_changed_at, entity=f"commercial offer {offer.id!r}")
    status = OFFER_LIFECYCLE.target(
        offer.status.value, transition, entity=(COMMERCIAL_OFFER, offer.id)
    )
    changed = attrs.evolve(offer, status=OfferStatus(status), **fields)
    differences = changes_between(offer, changed)
    changed = attrs.evolve(changed, version=offer.version + 1)
    happened = event(entity_id=offer.id, occurred_at=now, changes=differences, actor=actor)
    return Outcome(entity=changed, events=(happened,))


def send_offer(
    offer: CommercialOffer, *, now: datetime, actor: UserId | None = None
) -> Outcome[CommercialOffer]:
    """``offer`` sent to the client at ``now`` (sent again, if it was sent before)."""
    return _moved(offer, "send", CommercialOfferSent, now=now, actor=actor, sent_at=now)


def accept_offer(
    offer: CommercialOffer, *, now: datetime, actor: UserId | None = None
) -> Outcome[CommercialOffer]:
    """``offer`` accepted by the client."""
    return _moved(offer, "accept", CommercialOfferAccepted, now=now, actor=actor, decided_at=now)


def decline_offer(
    offer: CommercialOffer,
    *,
    now: datetime,
    reason: str | None = None,
    actor: UserId | None = None,
) -> Outcome[CommercialOffer]:
    """``offer`` declined by the client, with the ``reason`` if given."""
    return _moved(
        offer,
        "decline",
        CommercialOfferDeclined,
        now=now,
        actor=actor,
        decided_at=now,
        decline_reason=reason,
    )


def offer_email(
    offer: CommercialOffer,
    *,
    partner_name: str,
    template: QuoteTemplate = DEFAULT_TEXT_TEMPLATE,
    manager: str = "",
) -> RenderedQuote:
    """The subject and body of the e-mail that sends ``offer``, from ``template``."""
    return render_quote(offer.quote, template, partner_name=partner_name, manager=manager)
