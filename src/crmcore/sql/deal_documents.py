"""The repositories of the deals' documents over SQL: commercial offers, supplier orders
and business plans."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select

from crmcore.deals.documents import BusinessPlan, CommercialOffer, SupplierOrder
from crmcore.errors import DuplicateEntityError
from crmcore.ids import DealId, PartnerId
from crmcore.sql import metadata as m
from crmcore.sql.versioned import VersionedTable, require_version_bump

__all__ = [
    "SqlBusinessPlanRepository",
    "SqlCommercialOfferRepository",
    "SqlSupplierOrderRepository",
]


class SqlCommercialOfferRepository(VersionedTable[CommercialOffer]):
    """Offers in SQL: a :class:`~crmcore.deals.CommercialOfferRepository`; a deal's offer
    numbers are unique by a constraint, so two writers cannot both take one."""

    table = m.commercial_offers
    entity_type = "commercial_offer"
    model = CommercialOffer

    def columns(self, entity: CommercialOffer) -> dict[str, object]:
        """The deal and the offer's number."""
        return {"deal_id": entity.deal_id, "number": entity.number}

    def add(self, offer: CommercialOffer) -> None:
        """Store a new offer, else ``DuplicateEntityError`` (of its id, or of its number)."""
        row = {"id": offer.id, "version": offer.version, **self.columns(offer)}
        c = self.table.c
        with self._db.begin("add a commercial offer", write=True) as connection:
            if self._db.insert_new(connection, self.table, {**row, "body": self._db.dump(offer)}):
                return
            taken = connection.execute(select(c.id).where(c.id == offer.id)).first()
        if taken is not None:
            raise DuplicateEntityError(self.entity_type, offer.id)
        raise DuplicateEntityError(self.entity_type, str(offer.number), key="number")

    def save(self, offer: CommercialOffer, *, expected_version: int) -> None:
        """Store a changed offer if the stored one is at ``expected_version``; a number
        another offer of its deal has is a ``DuplicateEntityError``."""
        require_version_bump(version=offer.version, expected_version=expected_version)
        c = self.table.c
        # One transaction for the look-up and the update; the unique key stays the guard
        # against a concurrent writer.
        with self._db.unit_of_work():
            with self._db.begin("save a commercial offer", write=True) as connection:
                taken = connection.execute(
                    select(c.id).where(
                        c.deal_id == offer.deal_id, c.number == offer.number, c.id != offer.id
                    )
                ).first()
            if taken is not None:
                raise DuplicateEntityError(self.entity_type, str(offer.number), key="number")
            super().save(offer, expected_version=expected_version)

    def of_deal(self, deal_id: DealId) -> list[CommercialOffer]:
        """The offers of a deal, ordered by number."""
        c = self.table.c
        return self.select(c.deal_id == deal_id, order_by=(c.number,))


class SqlSupplierOrderRepository(VersionedTable[SupplierOrder]):
    """Supplier orders in SQL: a :class:`~crmcore.deals.SupplierOrderRepository`."""

    table = m.supplier_orders
    entity_type = "supplier_order"
    model = SupplierOrder

    def columns(self, entity: SupplierOrder) -> dict[str, object]:
        """The deal, the supplier and the creation moment."""
        return {
            "deal_id": entity.deal_id,
            "supplier_id": entity.supplier_id,
            "created_at": entity.created_at,
        }

    def of_deal(self, deal_id: DealId) -> list[SupplierOrder]:
        """The orders of a deal, ordered by creation moment, then id."""
        c = self.table.c
        return self.select(c.deal_id == deal_id, order_by=(c.created_at, c.id))

    def of_supplier(self, supplier_id: PartnerId) -> list[SupplierOrder]:
        """The orders to a supplier, ordered by creation moment, then id."""
        c = self.table.c
        return self.select(c.supplier_id == supplier_id, order_by=(c.created_at, c.id))


class SqlBusinessPlanRepository(VersionedTable[BusinessPlan]):
    """Business plans in SQL: a :class:`~crmcore.deals.BusinessPlanRepository`."""

    table = m.business_plans
    entity_type = "business_plan"
    model = BusinessPlan

    def columns(self, entity: BusinessPlan) -> dict[str, object]:
        """No key besides the deal's id."""
        return {}


if TYPE_CHECKING:
    from crmcore.deals.repository import (
        BusinessPlanRepository,
        CommercialOfferRepository,
        SupplierOrderRepository,
    )

    def _conforms(
        offers: SqlCommercialOfferRepository,
        orders: SqlSupplierOrderRepository,
        plans: SqlBusinessPlanRepository,
    ) -> tuple[CommercialOfferRepository, SupplierOrderRepository, BusinessPlanRepository]:
        return offers, orders, plans
