"""Strategies for the requests area: requests, their contact data, bindings and settings."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, Final

from hypothesis import strategies as st

from crmcore.events import DomainEvent
from crmcore.ids import ContactPersonId, DealId, PartnerId, RequestId, UserId
from crmcore.matching import FieldEvidence
from crmcore.requests import (
    BUILTIN_REJECTION_REASONS,
    BUILTIN_SOURCES,
    Binding,
    BindingMethod,
    BindingProposal,
    Campaign,
    ContactData,
    Request,
    RequestBindingProposed,
    RequestBound,
    RequestChanged,
    RequestConverted,
    RequestedItem,
    RequestFormLimits,
    RequestRegistered,
    RequestSettings,
    RequestStatus,
    RequestStatusChanged,
)
from crmcore.testing.strategies._common import (
    _IDS,
    _NAMES,
    _PERSON_NAMES,
    _TIMESTAMPS,
    _VERSIONS,
    _WORD,
    Choices,
    _after,
    _free_text,
    _optional,
    _strategy,
    aware_datetimes,
)
from crmcore.testing.strategies.contacts import emails, phones
from crmcore.testing.strategies.kernel import _EVENT_DETAILS, money

__all__ = [
    "REQUEST_EVENTS",
    "binding_proposals",
    "bindings",
    "campaigns",
    "contact_data",
    "request_settings",
    "requested_items",
    "requests",
]

REQUEST_EVENTS: Final[tuple[type[DomainEvent], ...]] = (
    RequestRegistered,
    RequestChanged,
    RequestStatusChanged,
    RequestBound,
    RequestBindingProposed,
    RequestConverted,
)
"""The event classes of the requests area."""

_REQUEST_EVENT_FIELDS: Final[dict[type[DomainEvent], dict[str, st.SearchStrategy[Any]]]] = {
    RequestRegistered: {"duplicate_of": _optional(_IDS)},
    RequestStatusChanged: {"step": st.sampled_from(("take", "qualify", "reject", "reopen"))},
    RequestConverted: {"deal_id": _IDS},
}
_PROBABILITIES: Final = st.floats(min_value=0, max_value=1)
_REQUEST_MINUTES: Final = st.integers(min_value=0, max_value=60 * 24 * 30).map(
    lambda m: timedelta(minutes=m)
)
_EVIDENCE: Final = st.builds(
    FieldEvidence, field=st.sampled_from(("short_name", "phone", "email", "name")),
    left=_optional(_WORD), right=_optional(_WORD), similarity=_optional(_PROBABILITIES),
    weight=st.floats(min_value=-20, max_value=20),
)  # fmt: skip
_MESSAGES: Final = _free_text(max_size=200, multiline=True)
_MANAGERS: Final = (None, UserId("u-1"), UserId("u-2"))
_UTM: Final = _optional(st.sampled_from(("yandex", "google", "cpc", "spring_sale", "banner")))


def requested_items(
    *, currencies: Choices[str] = ("RUB", "EUR")
) -> st.SearchStrategy[RequestedItem]:
    """Products asked for: a name, a positive quantity, perhaps a unit and an amount."""
    return st.builds(
        RequestedItem, product=_free_text(max_size=60),
        quantity=st.decimals(min_value=Decimal("0.001"), max_value=10**6, places=3),
        unit=st.none() | st.sampled_from(("шт", "kg", "m", "h")),
        amount=_optional(money(currencies=currencies, min_value=0)),
    )  # fmt: skip


@st.composite
def contact_data(draw: st.DrawFn) -> ContactData:
    """Contact data as people leave it: a name or a company or a way to reach them, or all."""
    name = draw(_optional(_PERSON_NAMES))
    company = draw(_optional(_WORD))
    reach = draw(st.lists(phones(), max_size=2, unique_by=lambda p: p.number))
    mails = draw(st.lists(emails(), max_size=2, unique_by=lambda e: e.key))
    if not (name or company or reach or mails):
        name = draw(_PERSON_NAMES)
    return ContactData(
        name=name, company=company, phones=tuple(reach), emails=tuple(mails),
        region=draw(_optional(_WORD)), message=draw(_optional(_MESSAGES)),
    )  # fmt: skip


def campaigns() -> st.SearchStrategy[Campaign]:
    """UTM-like campaign marks, any of them missing."""
    return st.builds(Campaign, source=_UTM, medium=_UTM, campaign=_UTM, term=_UTM, content=_UTM)


def binding_proposals() -> st.SearchStrategy[BindingProposal]:
    """Clients a request may come from, with a probability and an explanation."""
    return st.builds(
        BindingProposal, partner_id=_IDS.map(PartnerId),
        contact_person_id=_optional(_IDS.map(ContactPersonId)), probability=_PROBABILITIES,
        explanation=st.lists(_EVIDENCE, max_size=3).map(tuple),
    )  # fmt: skip


@st.composite
def bindings(draw: st.DrawFn) -> Binding:
    """Bindings to a client card, matched (with probability and evidence) or manual."""
    method = draw(st.sampled_from(BindingMethod))
    matched = method is BindingMethod.MATCHED
    return Binding(
        partner_id=PartnerId(draw(_IDS)),
        contact_person_id=draw(_optional(_IDS.map(ContactPersonId))), method=method,
        probability=draw(_PROBABILITIES if matched else _optional(_PROBABILITIES)),
        explanation=tuple(draw(st.lists(_EVIDENCE, max_size=3))), bound_at=draw(_TIMESTAMPS),
        by=draw(_optional(_IDS.map(UserId))),
    )  # fmt: skip


def _another(request_id: RequestId, duplicate_of: RequestId | None) -> RequestId | None:
    """``duplicate_of`` unless it is the request itself, which cannot duplicate itself."""
    return None if duplicate_of == request_id else duplicate_of


@st.composite
def requests(
    draw: st.DrawFn,
    *,
    statuses: Choices[RequestStatus] = tuple(RequestStatus),
    sources: Choices[str] = BUILTIN_SOURCES,
    reasons: Choices[str] = BUILTIN_REJECTION_REASONS,
    managers: Choices[UserId | None] = _MANAGERS,
) -> Request:
    """Requests in any of ``statuses``, consistent with it (a rejected one has a reason, a
    converted one a deal), from ``sources``, bound, proposed or neither."""
    status = draw(_strategy(statuses))
    received = draw(aware_datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2027, 1, 1)))
    currency = draw(st.sampled_from(("RUB", "EUR")))
    closed = not status.open
    binding = draw(_optional(bindings()))
    taken = status not in {RequestStatus.NEW, RequestStatus.REJECTED} or (
        status is RequestStatus.REJECTED and draw(st.booleans())
    )
    qualified = status in {RequestStatus.QUALIFIED, RequestStatus.CONVERTED}
    request_id = RequestId(draw(_IDS))
    return Request(
        id=request_id, source=draw(_strategy(sources)), received_at=received,
        contact=draw(contact_data()),
        items=tuple(draw(st.lists(requested_items(currencies=(currency,)), max_size=3))),
        estimated_amount=draw(_optional(money(currencies=(currency,), min_value=0))),
        campaign=draw(_optional(campaigns())), binding=binding,
        campaign_id=draw(_optional(_IDS)),
        proposals=() if binding else tuple(draw(st.lists(binding_proposals(), max_size=2))),
        duplicate_of=_another(request_id, draw(_optional(_IDS.map(RequestId)))),
        responsible_manager=draw(_strategy(managers)), status=status,
        rejection_reason=draw(_strategy(reasons)) if status is RequestStatus.REJECTED else None,
        first_response_at=_after(received, draw(_REQUEST_MINUTES)) if taken else None,
        qualified_at=_after(received, draw(_REQUEST_MINUTES)) if qualified else None,
        deal_id=DealId(draw(_IDS)) if status is RequestStatus.CONVERTED else None,
        closed_at=_after(received, draw(_REQUEST_MINUTES)) if closed else None,
        version=draw(_VERSIONS),
    )  # fmt: skip


def request_settings() -> st.SearchStrategy[RequestSettings]:
    """Request settings: some sources and rejection reasons, a duplicate window."""
    codes = st.lists(_NAMES, min_size=1, max_size=4, unique=True).map(tuple)
    return st.builds(
        RequestSettings, sources=codes, rejection_reasons=codes, duplicate_window=_REQUEST_MINUTES
    )


def _request_strategies() -> dict[type[Any], st.SearchStrategy[Any]]:
    """The requests area's models and their strategies, for :func:`_hypothesis_setup_hook`."""
    registered: dict[type[Any], st.SearchStrategy[Any]] = {
        RequestedItem: requested_items(),
        ContactData: contact_data(),
        Campaign: campaigns(),
        BindingProposal: binding_proposals(),
        Binding: bindings(),
        Request: requests(),
        RequestSettings: request_settings(),
        RequestFormLimits: st.builds(
            RequestFormLimits, name=st.integers(0, 200), message=st.integers(0, 5000),
            items=st.integers(0, 100), quantity=st.integers(0, 10**9),
        ),
    }  # fmt: skip
    for cls in REQUEST_EVENTS:
        own = _REQUEST_EVENT_FIELDS.get(cls, {})
        registered[cls] = st.builds(cls, entity_id=_IDS, **_EVENT_DETAILS, **own)
    return registered
