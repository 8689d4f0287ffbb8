"""A deal that exists is valid: every field and every rule between fields is checked, and
all problems are reported at once."""

from __future__ import annotations

from typing import Any

import attrs
import pytest
from deal_samples import NOW, opened

from crmcore.deals import LONG_PROJECT, TYPICAL_SALE, DealKind, DealStatus, DocumentKind
from crmcore.errors import DomainValidationError
from crmcore.ids import EntityRef, PartnerId, UserId
from crmcore.money import Money


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"stage": None}, ("stage",)),
        ({"kind": DealKind.UNSTAGED}, ("stage",)),
        ({"status": DealStatus.WON}, ("closed_at",)),
        ({"closed_at": NOW}, ("closed_at",)),
        ({"status": DealStatus.LOST, "closed_at": NOW}, ("lost_reason",)),
        ({"lost_reason": "price"}, ("lost_reason",)),
        (
            {"competitor_id": PartnerId("p-9"), "lost_comment": "x"},
            ("competitor_id", "lost_comment"),
        ),
        ({"co_executors": frozenset({UserId("u-1")})}, ("co_executors",)),
    ],
)
def test_rules_between_fields_are_checked(changes: dict[str, Any], fields: tuple[str, ...]) -> None:
    with pytest.raises(DomainValidationError) as raised:
        attrs.evolve(opened(TYPICAL_SALE), **changes)
    assert raised.value.fields == fields


def test_bad_fields_are_all_named() -> None:
    with pytest.raises(DomainValidationError) as raised:
        attrs.evolve(
            opened(TYPICAL_SALE),
            amount=Money.of("-1", "RUB"),
            co_executors=["u-2"],
            documents=(EntityRef(entity_type="partner", entity_id="p-1"),),
            stage="Offer",
        )
    assert raised.value.fields == ("stage", "amount", "co_executors", "documents[0].entity_type")
    with pytest.raises(DomainValidationError) as money:
        attrs.evolve(opened(TYPICAL_SALE), amount="10 RUB")
    assert money.value.fields == ("amount",)


def test_a_deal_names_its_documents_by_kind() -> None:
    agreement = EntityRef(entity_type="agreement", entity_id="a-1")
    deal = attrs.evolve(opened(LONG_PROJECT), documents=(agreement,))
    assert deal.linked(DocumentKind.AGREEMENT) == (agreement,)
    assert deal.linked(DocumentKind.BUSINESS_PLAN) == ()
    assert deal.ref == EntityRef(entity_type="deal", entity_id="d-1")
