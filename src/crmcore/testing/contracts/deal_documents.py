"""The contract suites of the deals' document repositories: commercial offers, supplier
orders and business plans."""

from __future__ import annotations

from abc import ABC, abstractmethod
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, ClassVar

import attrs
import pytest

from crmcore.agreements.conditions import Taxation
from crmcore.agreements.kinds import TaxRegime
from crmcore.agreements.pricing import PastSale
from crmcore.agreements.quotes import Quote, QuoteLine
from crmcore.deals.documents import (
    BusinessPlan,
    CommercialOffer,
    CostLine,
    SupplierOrder,
    SupplierOrderLine,
)
from crmcore.deals.kinds import OfferStatus, SupplierOrderStatus
from crmcore.deals.repository import (
    BusinessPlanRepository,
    CommercialOfferRepository,
    SupplierOrderRepository,
)
from crmcore.errors import DuplicateEntityError
from crmcore.ids import AgreementId, DealId, EntityRef, PartnerId
from crmcore.money import Money
from crmcore.testing.contracts._common import (
    CREATED_AT,
    MOMENTS_IN_ZONES,
    VersionedRepositoryContract,
    run_in_threads,
)

__all__ = [
    "BusinessPlanRepositoryContract",
    "CommercialOfferRepositoryContract",
    "SupplierOrderRepositoryContract",
]


def _quote(quote_id: str) -> Quote:
    price = Money.of("9500.00", "RUB")
    line = QuoteLine(
        product="pump", quantity=Decimal(2), list_price=Money.of("10000", "RUB"),
        discount=Decimal(5), price=price, minimum_price=Money.of("8500.00", "RUB"),
        amount=Money.of("19000.00", "RUB"),
        last_sale=PastSale(
            product="pump", price=Money.of("9300", "RUB"), sold_on=date(2026, 1, 10),
            document=EntityRef(entity_type="sales_document", entity_id="inv-1"),
        ),
    )  # fmt: skip
    return Quote(
        id=quote_id,
        partner_id=PartnerId("p-1"),
        agreement_id=AgreementId("a-1"),
        created_at=CREATED_AT,
        valid_until=date(2026, 12, 31),
        price_type="wholesale",
        taxation=Taxation(regime=TaxRegime.VAT_ON_TOP, rate=Decimal(20)),
        lines=(line,),
        total=Money.of("19000.00", "RUB"),
    )


class CommercialOfferRepositoryContract(VersionedRepositoryContract[CommercialOffer], ABC):
    """The behaviour every :class:`~crmcore.deals.CommercialOfferRepository` must show."""

    entity_type: ClassVar[str] = "commercial_offer"

    @abstractmethod
    def make_repository(self) -> CommercialOfferRepository:
        """A new, empty repository."""

    def make_offer(
        self, offer_id: str = "o-1", deal_id: str = "d-1", number: int = 1, **changes: Any
    ) -> CommercialOffer:
        """Offer ``number`` of deal ``deal_id``, registered."""
        offer = CommercialOffer(
            id=offer_id,
            deal_id=DealId(deal_id),
            number=number,
            quote=_quote(offer_id),
            created_at=CREATED_AT,
        )
        return attrs.evolve(offer, **changes)

    def make_entity(self) -> CommercialOffer:
        """Offer 1 of deal ``d-1``."""
        return self.make_offer()

    def moved(self, entity: CommercialOffer) -> CommercialOffer:
        """``entity`` as an offer of deal ``d-2``."""
        return attrs.evolve(entity, deal_id=DealId("d-2"))

    def found_by_keys(
        self, repository: CommercialOfferRepository, entity: CommercialOffer
    ) -> list[list[CommercialOffer]]:
        """The offers of ``entity``'s deal."""
        return [repository.of_deal(entity.deal_id)]

    test_save_of_an_unknown_offer_raises_not_found = (
        VersionedRepositoryContract.save_of_an_entity_never_added_raises_not_found
    )

    def test_get_returns_an_equal_offer_with_every_field(self) -> None:
        repository = self.make_repository()
        declined = self.make_offer(
            status=OfferStatus.DECLINED, sent_at=MOMENTS_IN_ZONES[3],
            decided_at=MOMENTS_IN_ZONES[5], decline_reason="Дорого", version=3,
        )  # fmt: skip
        repository.add(declined)
        assert repository.get("o-1") == declined

    def test_of_deal_orders_by_number(self) -> None:
        repository = self.make_repository()
        for offer_id, number in (("o-c", 2), ("o-a", 3), ("o-b", 1)):
            repository.add(self.make_offer(offer_id, number=number))
        repository.add(self.make_offer("o-z", "d-2"))
        assert [o.number for o in repository.of_deal(DealId("d-1"))] == [1, 2, 3]
        assert [o.id for o in repository.of_deal(DealId("d-2"))] == ["o-z"]
        assert repository.of_deal(DealId("d-9")) == []
        assert repository.count() == 4

    def test_a_second_offer_of_one_number_is_refused(self) -> None:
        repository = self.make_repository()
        repository.add(self.make_offer("o-1"))
        with pytest.raises(DuplicateEntityError) as raised:
            repository.add(self.make_offer("o-2"))
        assert raised.value.key == "number"
        assert [o.id for o in repository.of_deal(DealId("d-1"))] == ["o-1"]
        with pytest.raises(DuplicateEntityError) as again:
            repository.add(self.make_offer("o-1"))
        assert again.value.key == "id"

    def test_a_save_to_a_number_another_offer_has_is_refused(self) -> None:
        repository = self.make_repository()
        first, second = self.make_offer("o-1"), self.make_offer("o-2", number=2)
        repository.add(first)
        repository.add(second)
        with pytest.raises(DuplicateEntityError) as raised:
            repository.save(attrs.evolve(second, number=1, version=2), expected_version=1)
        assert raised.value.key == "number"
        assert repository.get("o-2") == second
        renumbered = attrs.evolve(first, number=5, version=2)
        repository.save(renumbered, expected_version=1)
        assert [o.number for o in repository.of_deal(DealId("d-1"))] == [2, 5]


class SupplierOrderRepositoryContract(VersionedRepositoryContract[SupplierOrder], ABC):
    """The behaviour every :class:`~crmcore.deals.SupplierOrderRepository` must show."""

    entity_type: ClassVar[str] = "supplier_order"

    @abstractmethod
    def make_repository(self) -> SupplierOrderRepository:
        """A new, empty repository."""

    def make_order(
        self, order_id: str = "so-1", deal_id: str = "d-1", supplier_id: str = "s-1", **changes: Any
    ) -> SupplierOrder:
        """A placed order of deal ``deal_id`` to ``supplier_id``."""
        order = SupplierOrder(
            id=order_id,
            deal_id=DealId(deal_id),
            supplier_id=PartnerId(supplier_id),
            lines=(
                SupplierOrderLine(
                    product_id="pump", quantity=Decimal("2.5"), price=Money.of("7000.125", "KWD")
                ),
            ),
            created_at=CREATED_AT,
        )
        return attrs.evolve(order, **changes)

    def make_entity(self) -> SupplierOrder:
        """Order ``so-1`` of deal ``d-1`` to ``s-1``."""
        return self.make_order()

    def moved(self, entity: SupplierOrder) -> SupplierOrder:
        """``entity`` for deal ``d-2`` from supplier ``s-2``."""
        return attrs.evolve(entity, deal_id=DealId("d-2"), supplier_id=PartnerId("s-2"))

    def found_by_keys(
        self, repository: SupplierOrderRepository, entity: SupplierOrder
    ) -> list[list[SupplierOrder]]:
        """The orders of ``entity``'s deal and to its supplier."""
        return [repository.of_deal(entity.deal_id), repository.of_supplier(entity.supplier_id)]

    test_save_of_an_unknown_order_raises_not_found = (
        VersionedRepositoryContract.save_of_an_entity_never_added_raises_not_found
    )

    def test_get_returns_an_equal_order_with_every_field(self) -> None:
        repository = self.make_repository()
        received = self.make_order(
            status=SupplierOrderStatus.RECEIVED, changed_at=MOMENTS_IN_ZONES[2],
            expected_on=date(2026, 2, 1), version=2,
        )  # fmt: skip
        repository.add(received)
        assert repository.get("so-1") == received

    def test_queries_order_by_creation_moment_as_an_instant_then_id(self) -> None:
        repository = self.make_repository()
        # Written in other zones, the moments' local texts are not in their order.
        for index in (4, 0, 2):
            repository.add(self.make_order(f"so-{index}", created_at=MOMENTS_IN_ZONES[index]))
        repository.add(self.make_order("so-3", created_at=MOMENTS_IN_ZONES[2]))
        repository.add(self.make_order("so-9", "d-2", "s-2"))
        expected = ["so-0", "so-2", "so-3", "so-4"]
        assert [o.id for o in repository.of_deal(DealId("d-1"))] == expected
        assert [o.id for o in repository.of_supplier(PartnerId("s-1"))] == expected
        assert repository.count() == 5

    def test_concurrent_adds_of_distinct_ids_keep_them_all(self) -> None:
        self.require_concurrency()
        repository = self.make_repository()

        def worker(number: int) -> None:
            for item in range(3):
                repository.add(self.make_order(f"so-{number}-{item}"))

        run_in_threads(worker, count=self.thread_count)
        assert len(repository.of_deal(DealId("d-1"))) == 3 * self.thread_count


class BusinessPlanRepositoryContract(VersionedRepositoryContract[BusinessPlan], ABC):
    """The behaviour every :class:`~crmcore.deals.BusinessPlanRepository` must show."""

    entity_type: ClassVar[str] = "business_plan"

    @abstractmethod
    def make_repository(self) -> BusinessPlanRepository:
        """A new, empty repository."""

    def make_plan(self, deal_id: str = "d-1", **changes: Any) -> BusinessPlan:
        """The plan of deal ``deal_id``: 20 000 RUB of revenue, two costs."""
        plan = BusinessPlan(
            id=DealId(deal_id),
            planned_revenue=Money.of("20000.00", "RUB"),
            planned_costs=(
                CostLine(name="Закупка", amount=Money.of("14000", "RUB")),
                CostLine(name="Доставка", amount=Money.of("999.99", "RUB")),
            ),
            created_at=CREATED_AT,
            changed_at=CREATED_AT,
        )
        return attrs.evolve(plan, **changes)

    def make_entity(self) -> BusinessPlan:
        """The plan of deal ``d-1``."""
        return self.make_plan()

    def moved(self, entity: BusinessPlan) -> BusinessPlan:
        """``entity`` with other costs (a plan has no key but its deal's id)."""
        return attrs.evolve(entity, planned_costs=())

    def found_by_keys(
        self, repository: BusinessPlanRepository, entity: BusinessPlan
    ) -> list[list[BusinessPlan]]:
        """No query: a plan is found by its deal's id only."""
        return []

    test_save_of_an_unknown_plan_raises_not_found = (
        VersionedRepositoryContract.save_of_an_entity_never_added_raises_not_found
    )

    def test_get_returns_an_equal_plan_with_its_actuals(self) -> None:
        repository = self.make_repository()
        later = datetime(2026, 5, 1, 12, tzinfo=UTC)
        plan = self.make_plan(
            actual_revenue=Money.of("19000", "RUB"),
            actual_costs=(CostLine(name="Закупка", amount=Money.of("13500", "RUB")),),
            changed_at=later, version=4,
        )  # fmt: skip
        repository.add(plan)
        repository.add(self.make_plan("d-2"))
        assert repository.get(DealId("d-1")) == plan
        assert repository.count() == 2
