"""Comparisons of claim repositories."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Final

from hypothesis import settings as Settings  # noqa: N812 - the class, beside the argument name
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from crmcore.claims.kinds import ClaimChannel, ClaimResult, ClaimStatus
from crmcore.claims.model import Claim, Claimant, Pause
from crmcore.claims.repository import ClaimRepository
from crmcore.ids import ClaimId, PartnerId
from crmcore.memory import MemoryClaimRepository
from crmcore.partners.kinds import PartnerRole
from crmcore.testing.stateful._common import (
    _CREATED_AT,
    _NAMES,
    _comparison,
    _ids,
    _VersionedCalls,
    _zoned,
)

__all__ = ["claim_repository_comparison"]

_DEPARTMENTS: Final = (None, "Склад", "Продажи")
_CLAIM_HOURS: Final = (0, 4, 8, 30)


def _hours_later(hours: int) -> datetime:
    return _CREATED_AT + timedelta(hours=hours)


@st.composite
def _pooled_claims(draw: st.DrawFn) -> Claim:
    status = draw(st.sampled_from(tuple(ClaimStatus)))
    decided = status in {ClaimStatus.DECIDED, ClaimStatus.CLOSED}
    waiting = status is ClaimStatus.WAITING_FOR_CLAIMANT
    partner = draw(st.sampled_from((None, "p-1", "p-2")))
    due = _CREATED_AT + timedelta(hours=draw(st.sampled_from(_CLAIM_HOURS)))
    return Claim(
        id=ClaimId(draw(_ids)),
        claimant=Claimant(
            role=PartnerRole.CLIENT,
            partner_id=None if partner is None else PartnerId(partner),
            name=draw(st.sampled_from(_NAMES)),
        ),
        registered_at=draw(_zoned(st.sampled_from(_CLAIM_HOURS).map(_hours_later))),
        channel=ClaimChannel.MANUAL,
        essence=draw(st.sampled_from(_NAMES)),
        response_due=due,
        resolution_due=due + timedelta(hours=draw(st.sampled_from(_CLAIM_HOURS))),
        department=draw(st.sampled_from(_DEPARTMENTS)),
        status=status,
        result=ClaimResult.SATISFIED if decided else None,
        decided_at=_CREATED_AT if decided else None,
        responded_at=draw(st.sampled_from((None, _CREATED_AT))),
        pauses=(Pause(started_at=_CREATED_AT),) if waiting else (),
        version=draw(st.integers(min_value=1, max_value=3)),
    )


_moments = _zoned(st.sampled_from(_CLAIM_HOURS).map(_hours_later))


class _ClaimRepositoryCalls(
    _VersionedCalls[ClaimRepository], entities=_pooled_claims(), entity_id=ClaimId
):
    """The calls compared on the reference and the subject claim repository."""

    @rule(
        status=st.none() | st.sampled_from(tuple(ClaimStatus)),
        department=st.sampled_from(_DEPARTMENTS),
        partner_id=st.none() | st.sampled_from(("p-1", "p-2")).map(PartnerId),
        start=st.none() | _moments,
        end=st.none() | _moments,
    )
    def find(
        self,
        status: ClaimStatus | None,
        department: str | None,
        partner_id: PartnerId | None,
        start: datetime | None,
        end: datetime | None,
    ) -> None:
        self.compare(
            lambda repository: repository.find(
                status=status, department=department, partner_id=partner_id,
                registered_from=start, registered_to=end,
            )
        )  # fmt: skip

    @rule(now=_moments)
    def overdue(self, now: datetime) -> None:
        self.compare(lambda repository: repository.overdue(now))

    @invariant()
    def same_claims(self) -> None:
        self.compare(lambda repository: repository.find())


def claim_repository_comparison(
    make_repository: Callable[[], ClaimRepository], *, settings: Settings | None = None
) -> type[RuleBasedStateMachine]:
    """A state machine comparing ``make_repository()`` with ``MemoryClaimRepository``."""
    return _comparison(_ClaimRepositoryCalls, MemoryClaimRepository, make_repository, settings)
