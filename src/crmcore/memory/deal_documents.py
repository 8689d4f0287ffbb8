"""The reference in-memory repositories of the deals' documents: commercial offers,
supplier orders and business plans, complete like every reference repository (indexes kept
in step with each ``add`` and ``save``, one lock around every call)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from crmcore.deals.documents import BusinessPlan, CommercialOffer, SupplierOrder
from crmcore.errors import DuplicateEntityError, EntityNotFoundError
from crmcore.ids import DealId, PartnerId
from crmcore.memory._store import GuardedStore, KeyIndex
from crmcore.repository_checks import instant, require_version_bump

__all__ = [
    "MemoryBusinessPlanRepository",
    "MemoryCommercialOfferRepository",
    "MemorySupplierOrderRepository",
]

COMMERCIAL_OFFER: Final = "commercial_offer"
SUPPLIER_ORDER: Final = "supplier_order"
BUSINESS_PLAN: Final = "business_plan"


class MemoryCommercialOfferRepository:
    """Offers in memory: the reference :class:`~crmcore.deals.CommercialOfferRepository`."""

    def __init__(self) -> None:
        self._by_deal: KeyIndex[CommercialOffer] = KeyIndex(lambda offer: [offer.deal_id])
        self._store: GuardedStore[CommercialOffer] = GuardedStore(COMMERCIAL_OFFER, [self._by_deal])

    def get(self, offer_id: str) -> CommercialOffer:
        """The offer with this id, else ``EntityNotFoundError``."""
        return self._store.get(offer_id)

    def _known(self, offer_id: str) -> bool:
        try:
            self._store.get(offer_id)
        except EntityNotFoundError:
            return False
        return True

    def _number_taken(self, offer: CommercialOffer) -> None:
        same = [other for other in self.of_deal(offer.deal_id) if other.number == offer.number]
        if same and all(other.id != offer.id for other in same):
            raise DuplicateEntityError(COMMERCIAL_OFFER, str(offer.number), key="number")

    def add(self, offer: CommercialOffer) -> None:
        """Store a new offer, else ``DuplicateEntityError`` (of its id, or of its number)."""
        with self._store.lock:
            # A taken id is named first, whatever the number: as a unique key of the id would.
            if self._known(offer.id):
                raise DuplicateEntityError(COMMERCIAL_OFFER, offer.id)
            self._number_taken(offer)
            self._store.add(offer)

    def save(self, offer: CommercialOffer, *, expected_version: int) -> None:
        """Store a changed offer if the stored one is at ``expected_version``; a number
        another offer of its deal has is a ``DuplicateEntityError``."""
        require_version_bump(version=offer.version, expected_version=expected_version)
        with self._store.lock:
            self._number_taken(offer)
            self._store.save(offer, expected_version=expected_version)

    def of_deal(self, deal_id: DealId) -> list[CommercialOffer]:
        """The offers of a deal, ordered by number."""
        found = self._store.matching([(self._by_deal, deal_id)])
        return sorted(found, key=lambda offer: offer.number)

    def count(self) -> int:
        """How many offers are stored."""
        return len(self._store)


def _by_creation(order: SupplierOrder) -> tuple[object, str]:
    return (instant(order.created_at), order.id)


class MemorySupplierOrderRepository:
    """Supplier orders in memory: the reference
    :class:`~crmcore.deals.SupplierOrderRepository`."""

    def __init__(self) -> None:
        self._by_deal: KeyIndex[SupplierOrder] = KeyIndex(lambda order: [order.deal_id])
        self._by_supplier: KeyIndex[SupplierOrder] = KeyIndex(lambda order: [order.supplier_id])
        self._store: GuardedStore[SupplierOrder] = GuardedStore(
            SUPPLIER_ORDER, [self._by_deal, self._by_supplier]
        )

    def get(self, order_id: str) -> SupplierOrder:
        """The order with this id, else ``EntityNotFoundError``."""
        return self._store.get(order_id)

    def add(self, order: SupplierOrder) -> None:
        """Store a new order, else ``DuplicateEntityError``."""
        self._store.add(order)

    def save(self, order: SupplierOrder, *, expected_version: int) -> None:
        """Store a changed order if the stored one is at ``expected_version``."""
        self._store.save(order, expected_version=expected_version)

    def of_deal(self, deal_id: DealId) -> list[SupplierOrder]:
        """The orders of a deal, ordered by creation moment, then id."""
        return sorted(self._store.matching([(self._by_deal, deal_id)]), key=_by_creation)

    def of_supplier(self, supplier_id: PartnerId) -> list[SupplierOrder]:
        """The orders to a supplier, ordered by creation moment, then id."""
        return sorted(self._store.matching([(self._by_supplier, supplier_id)]), key=_by_creation)

    def count(self) -> int:
        """How many orders are stored."""
        return len(self._store)


class MemoryBusinessPlanRepository:
    """Business plans in memory: the reference :class:`~crmcore.deals.BusinessPlanRepository`."""

    def __init__(self) -> None:
        self._store: GuardedStore[BusinessPlan] = GuardedStore(BUSINESS_PLAN, [])

    def get(self, deal_id: DealId) -> BusinessPlan:
        """The plan of this deal, else ``EntityNotFoundError``."""
        return self._store.get(deal_id)

    def add(self, plan: BusinessPlan) -> None:
        """Store a new plan, else ``DuplicateEntityError``."""
        self._store.add(plan)

    def save(self, plan: BusinessPlan, *, expected_version: int) -> None:
        """Store a changed plan if the stored one is at ``expected_version``."""
        self._store.save(plan, expected_version=expected_version)

    def count(self) -> int:
        """How many plans are stored."""
        return len(self._store)


if TYPE_CHECKING:
    from crmcore.deals.repository import (
        BusinessPlanRepository,
        CommercialOfferRepository,
        SupplierOrderRepository,
    )

    def _conforms(
        offers: MemoryCommercialOfferRepository,
        orders: MemorySupplierOrderRepository,
        plans: MemoryBusinessPlanRepository,
    ) -> tuple[CommercialOfferRepository, SupplierOrderRepository, BusinessPlanRepository]:
        return offers, orders, plans
