"""The contract suite of :class:`~crmcore.agreements.AgreementRepository`."""

from __future__ import annotations

from abc import ABC, abstractmethod
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, ClassVar

import attrs
import pytest

from crmcore.agreements.conditions import (
    Audience,
    ConditionOverrides,
    DeliveryTerms,
    OverrideLimits,
    SalesConditions,
    Taxation,
)
from crmcore.agreements.kinds import (
    AgreementKind,
    AgreementStatus,
    DayCount,
    DeliveryMethod,
    PaymentBasis,
    PaymentForm,
    TaxRegime,
)
from crmcore.agreements.model import Agreement, StatusChange
from crmcore.agreements.repository import AgreementRepository
from crmcore.agreements.schedule import PaymentSchedule, PaymentStage
from crmcore.errors import (
    ConcurrencyConflictError,
)
from crmcore.ids import AgreementId, PartnerId, UserId
from crmcore.money import Money
from crmcore.partners.kinds import PartnerRole
from crmcore.testing.contracts._common import (
    CREATED_AT,
    VersionedRepositoryContract,
    run_in_threads,
)

__all__ = ["AgreementRepositoryContract"]

_CONDITIONS = SalesConditions(
    currency="RUB",
    price_type="wholesale",
    payment_form=PaymentForm.BANK_TRANSFER,
    taxation=Taxation(regime=TaxRegime.VAT_INCLUDED, rate=Decimal(20)),
    delivery=DeliveryTerms(method=DeliveryMethod.PICKUP),
)


class AgreementRepositoryContract(VersionedRepositoryContract[Agreement], ABC):
    """The behaviour every :class:`~crmcore.agreements.AgreementRepository` must show."""

    entity_type: ClassVar[str] = "agreement"

    @abstractmethod
    def make_repository(self) -> AgreementRepository:
        """A new, empty repository."""

    def make_typical(self, agreement_id: str = "t-1", **changes: Any) -> Agreement:
        """A valid draft typical agreement; ``changes`` override fields."""
        agreement = Agreement(
            id=AgreementId(agreement_id),
            kind=AgreementKind.TYPICAL,
            name="Дилеры 2026",
            valid_from=date(2026, 1, 1),
            conditions=_CONDITIONS,
            limits=OverrideLimits(),
            created_at=CREATED_AT,
        )
        return attrs.evolve(agreement, **changes)

    def make_individual(
        self, agreement_id: str = "i-1", partner_id: str = "p-1", **changes: Any
    ) -> Agreement:
        """A valid draft individual agreement of ``partner_id`` on ``t-1``."""
        agreement = Agreement(
            id=AgreementId(agreement_id),
            kind=AgreementKind.INDIVIDUAL,
            name="Ромашка",
            valid_from=date(2026, 1, 1),
            partner_id=PartnerId(partner_id),
            base_id=AgreementId("t-1"),
            overrides=ConditionOverrides(),
            created_at=CREATED_AT,
        )
        return attrs.evolve(agreement, **changes)

    def make_full_agreement(self, agreement_id: str = "i-full") -> Agreement:
        """An approved individual agreement with every field set, so nothing is lost."""
        schedule = PaymentSchedule(
            stages=(
                PaymentStage(basis=PaymentBasis.ORDER, percent=Decimal("33.33"), days=2),
                PaymentStage(basis=PaymentBasis.DAY_OF_MONTH, percent=Decimal("66.67"),
                             months=1, day_of_month=31),
            ),
            day_count=DayCount.WORKING,
            shift_to_working_day=True,
        )  # fmt: skip
        conditions = attrs.evolve(
            _CONDITIONS,
            payment_schedule=schedule,
            discount=Decimal("7.5"),
            max_manager_discount=Decimal(3),
            contract_required=True,
            returnable_packaging=True,
            minimum_order=Money.of("15000.00", "RUB"),
        )
        entry = StatusChange(
            event="reject", status_from=AgreementStatus.ON_APPROVAL,
            status_to=AgreementStatus.DRAFT, at=datetime(2026, 1, 10, 12, tzinfo=UTC),
            actor=UserId("u-2"), reason="Скидка\nслишком велика",
        )  # fmt: skip
        return self.make_individual(
            agreement_id,
            status=AgreementStatus.APPROVED,
            valid_to=date(2026, 12, 31),
            conditions=conditions,
            overrides=ConditionOverrides(discount=Decimal("7.5"), payment_schedule=schedule),
            manager="u-7",
            history=(entry,),
            version=4,
        )

    def make_entity(self) -> Agreement:
        """The individual agreement ``a-1`` of partner ``p-1`` based on ``t-1``."""
        return self.make_individual("a-1", "p-1")

    def moved(self, entity: Agreement) -> Agreement:
        """``entity`` moved to partner ``p-2`` and base ``t-2``."""
        return attrs.evolve(entity, partner_id=PartnerId("p-2"), base_id=AgreementId("t-2"))

    def found_by_keys(
        self, repository: AgreementRepository, entity: Agreement
    ) -> list[list[Agreement]]:
        """The agreements of ``entity``'s partner and based on its base."""
        found = []
        if entity.partner_id is not None:
            found.append(repository.of_partner(entity.partner_id))
        if entity.base_id is not None:
            found.append(repository.based_on(entity.base_id))
        return found

    test_save_of_an_unknown_agreement_raises_not_found = (
        VersionedRepositoryContract.save_of_an_entity_never_added_raises_not_found
    )

    def test_get_returns_an_equal_agreement(self) -> None:
        repository = self.make_repository()
        full = self.make_full_agreement()
        typical = self.make_typical(
            audience=Audience(roles=frozenset({PartnerRole.DEALER}), segments=frozenset({"A"}))
        )
        repository.add(full)
        repository.add(typical)
        assert repository.get(full.id) == full
        assert repository.get(typical.id) == typical

    def test_save_at_a_stale_version_raises_conflict_and_changes_nothing(self) -> None:
        repository = self.make_repository()
        stored = self.make_typical("t-1", version=3)
        repository.add(stored)
        with pytest.raises(ConcurrencyConflictError) as raised:
            repository.save(self.make_typical("t-1", name="Другое", version=5), expected_version=2)
        assert (raised.value.expected_version, raised.value.actual_version) == (2, 3)
        assert repository.get(stored.id) == stored

    def test_of_partner_orders_by_validity_then_id_and_filters_by_status(self) -> None:
        repository = self.make_repository()
        approved, draft = AgreementStatus.APPROVED, AgreementStatus.DRAFT
        for agreement in (
            self.make_individual("a-3", status=approved, conditions=_CONDITIONS),
            self.make_individual("a-1", valid_from=date(2026, 6, 1)),
            self.make_individual("a-2", valid_from=date(2026, 1, 1)),
            self.make_individual("a-4", "p-2"),
            self.make_typical("t-1"),
        ):
            repository.add(agreement)
        assert [a.id for a in repository.of_partner(PartnerId("p-1"))] == ["a-2", "a-3", "a-1"]
        in_force = repository.of_partner(PartnerId("p-1"), status=approved)
        assert [a.id for a in in_force] == ["a-3"]
        drafts = repository.of_partner(PartnerId("p-1"), status=draft)
        assert [a.id for a in drafts] == ["a-2", "a-1"]
        assert repository.of_partner(PartnerId("p-9")) == []

    def test_based_on_and_of_kind_order_by_id(self) -> None:
        repository = self.make_repository()
        for agreement in (
            self.make_individual("a-2"),
            self.make_individual("a-1", base_id="t-2"),
            self.make_individual("a-3"),
            self.make_typical("t-2", status=AgreementStatus.APPROVED),
            self.make_typical("t-1"),
        ):
            repository.add(agreement)
        assert [a.id for a in repository.based_on(AgreementId("t-1"))] == ["a-2", "a-3"]
        assert [a.id for a in repository.of_kind(AgreementKind.TYPICAL)] == ["t-1", "t-2"]
        approved = repository.of_kind(AgreementKind.TYPICAL, status=AgreementStatus.APPROVED)
        assert [a.id for a in approved] == ["t-2"]
        assert [a.id for a in repository.iterate()] == ["a-1", "a-2", "a-3", "t-1", "t-2"]
        assert repository.count() == 5

    def test_concurrent_adds_of_distinct_ids_keep_them_all(self) -> None:
        self.require_concurrency()
        repository = self.make_repository()

        def worker(number: int) -> None:
            for item in range(5):
                repository.add(self.make_individual(f"a-{number}-{item}", "p-1"))

        run_in_threads(worker, count=self.thread_count)
        assert len(repository.of_partner(PartnerId("p-1"))) == 5 * self.thread_count
