"""Comparisons of agreement repositories."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, Final

from hypothesis import settings as Settings  # noqa: N812 - the class, beside the argument name
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from crmcore.agreements.conditions import (
    ConditionOverrides,
    DeliveryTerms,
    SalesConditions,
    Taxation,
)
from crmcore.agreements.kinds import (
    AgreementKind,
    AgreementStatus,
    DeliveryMethod,
    PaymentForm,
    TaxRegime,
)
from crmcore.agreements.model import Agreement
from crmcore.agreements.repository import AgreementRepository
from crmcore.ids import AgreementId, PartnerId
from crmcore.memory import MemoryAgreementRepository
from crmcore.testing.stateful._common import (
    _CREATED_AT,
    _NAMES,
    _comparison,
    _ids,
    _VersionedCalls,
)

__all__ = ["agreement_repository_comparison"]

_AGREEMENT_CONDITIONS: Final = SalesConditions(
    currency="RUB",
    price_type="wholesale",
    payment_form=PaymentForm.BANK_TRANSFER,
    taxation=Taxation(regime=TaxRegime.EXEMPT),
    delivery=DeliveryTerms(method=DeliveryMethod.PICKUP),
)
_BASES: Final = ("t-1", "t-2")
_VALID_FROM: Final = (date(2026, 1, 1), date(2026, 3, 1), date(2026, 6, 1))


@st.composite
def _pooled_agreements(draw: st.DrawFn) -> Agreement:
    kind = draw(st.sampled_from(tuple(AgreementKind)))
    status = draw(st.sampled_from(tuple(AgreementStatus)))
    common: dict[str, Any] = {
        "id": AgreementId(draw(_ids)),
        "kind": kind,
        "name": draw(st.sampled_from(_NAMES)),
        "status": status,
        "valid_from": draw(st.sampled_from(_VALID_FROM)),
        "conditions": _AGREEMENT_CONDITIONS,
        "created_at": _CREATED_AT,
        "version": draw(st.integers(min_value=1, max_value=3)),
    }
    if kind is AgreementKind.TYPICAL:
        return Agreement(**common)
    return Agreement(
        **common,
        partner_id=PartnerId(draw(st.sampled_from(("p-1", "p-2")))),
        base_id=AgreementId(draw(st.sampled_from(_BASES))),
        overrides=ConditionOverrides(),
    )


_statuses = st.none() | st.sampled_from(tuple(AgreementStatus))


class _AgreementRepositoryCalls(
    _VersionedCalls[AgreementRepository], entities=_pooled_agreements(), entity_id=AgreementId
):
    """The calls compared on the reference and the subject agreement repository."""

    @rule(partner_id=st.sampled_from(("p-1", "p-2", "p-3")), status=_statuses)
    def of_partner(self, partner_id: str, status: AgreementStatus | None) -> None:
        self.compare(lambda repository: repository.of_partner(PartnerId(partner_id), status=status))

    @rule(base_id=st.sampled_from((*_BASES, "t-3")))
    def based_on(self, base_id: str) -> None:
        self.compare(lambda repository: repository.based_on(AgreementId(base_id)))

    @rule(kind=st.sampled_from(tuple(AgreementKind)), status=_statuses)
    def of_kind(self, kind: AgreementKind, status: AgreementStatus | None) -> None:
        self.compare(lambda repository: repository.of_kind(kind, status=status))

    @invariant()
    def same_agreements(self) -> None:
        self.compare(lambda repository: (list(repository.iterate()), repository.count()))


def agreement_repository_comparison(
    make_repository: Callable[[], AgreementRepository], *, settings: Settings | None = None
) -> type[RuleBasedStateMachine]:
    """A state machine comparing ``make_repository()`` with ``MemoryAgreementRepository``."""
    return _comparison(
        _AgreementRepositoryCalls, MemoryAgreementRepository, make_repository, settings
    )
