"""Comparisons of request repositories."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Final

from hypothesis import settings as Settings  # noqa: N812 - the class, beside the argument name
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from crmcore.ids import DealId, PartnerId, RequestId, UserId
from crmcore.memory import MemoryRequestRepository
from crmcore.partners.contact_data import Email, Phone
from crmcore.requests.kinds import BindingMethod, RequestStatus
from crmcore.requests.model import Binding, ContactData, Request
from crmcore.requests.repository import RequestRepository
from crmcore.testing.stateful._common import (
    _CREATED_AT,
    _EMAILS,
    _NAMES,
    _cased,
    _comparison,
    _emails,
    _ids,
    _phones,
    _VersionedCalls,
    _zoned,
)

__all__ = ["request_repository_comparison"]

_REQUEST_HOURS: Final = (0, 1, 30, 80)
_SOURCES: Final = ("website_form", "call")
_request_moments = _zoned(
    st.sampled_from((-1, *_REQUEST_HOURS, 90)).map(
        lambda hours: _CREATED_AT + timedelta(hours=hours)
    )
)
_received_moments = _zoned(
    st.sampled_from(_REQUEST_HOURS).map(lambda hours: _CREATED_AT + timedelta(hours=hours))
)


@st.composite
def _pooled_requests(draw: st.DrawFn) -> Request:
    status = draw(st.sampled_from(tuple(RequestStatus)))
    closed = status in {RequestStatus.REJECTED, RequestStatus.CONVERTED}
    partner = draw(st.sampled_from((None, "p-1", "p-2")))
    binding = None
    if partner is not None:
        binding = Binding(
            partner_id=PartnerId(partner), method=BindingMethod.MANUAL, bound_at=_CREATED_AT
        )
    return Request(
        id=RequestId(draw(_ids)), source=draw(st.sampled_from(_SOURCES)),
        received_at=draw(_received_moments),
        contact=ContactData(
            name=draw(st.sampled_from(_NAMES)), phones=draw(_phones), emails=draw(_emails)
        ),
        binding=binding,
        responsible_manager=draw(st.sampled_from((None, UserId("u-1"), UserId("u-2")))),
        status=status,
        rejection_reason="spam" if status is RequestStatus.REJECTED else None,
        deal_id=DealId("d-1") if status is RequestStatus.CONVERTED else None,
        closed_at=_CREATED_AT if closed else None,
        version=draw(st.integers(min_value=1, max_value=3)),
    )  # fmt: skip


_cased_emails = st.lists(st.tuples(st.sampled_from(_EMAILS), _cased), max_size=2).map(
    lambda pairs: [Email.parse(case(address)) for address, case in pairs]
)


class _RequestRepositoryCalls(
    _VersionedCalls[RequestRepository], entities=_pooled_requests(), entity_id=RequestId
):
    """The calls compared on the reference and the subject request repository."""

    @rule(
        status=st.none() | st.sampled_from(tuple(RequestStatus)),
        source=st.none() | st.sampled_from(_SOURCES),
        manager=st.none() | st.sampled_from(("u-1", "u-2")).map(UserId),
        partner_id=st.none() | st.sampled_from(("p-1", "p-2")).map(PartnerId),
        start=st.none() | _request_moments,
        end=st.none() | _request_moments,
    )
    def find(
        self,
        status: RequestStatus | None,
        source: str | None,
        manager: UserId | None,
        partner_id: PartnerId | None,
        start: datetime | None,
        end: datetime | None,
    ) -> None:
        self.compare(
            lambda repository: repository.find(
                status=status, source=source, manager=manager, partner_id=partner_id,
                received_from=start, received_to=end,
            )
        )  # fmt: skip

    @rule(phones=_phones, emails=_cased_emails, since=_request_moments)
    def from_contact(self, phones: tuple[Phone, ...], emails: list[Email], since: datetime) -> None:
        self.compare(
            lambda repository: repository.from_contact(
                phones=phones, emails=emails, received_from=since
            )
        )

    @invariant()
    def same_requests(self) -> None:
        self.compare(lambda repository: repository.find())


def request_repository_comparison(
    make_repository: Callable[[], RequestRepository], *, settings: Settings | None = None
) -> type[RuleBasedStateMachine]:
    """A state machine comparing ``make_repository()`` with ``MemoryRequestRepository``."""
    return _comparison(_RequestRepositoryCalls, MemoryRequestRepository, make_repository, settings)
