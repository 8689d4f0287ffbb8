"""The agreements area's protocols over SQL: agreements, price lists and past sales."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import select

from crmcore.agreements.kinds import AgreementKind, AgreementStatus
from crmcore.agreements.model import Agreement
from crmcore.agreements.pricing import PastSale
from crmcore.errors import DomainValidationError
from crmcore.ids import AgreementId, EntityRef, PartnerId
from crmcore.money import Money
from crmcore.sql import metadata as m
from crmcore.sql.database import Database
from crmcore.sql.versioned import VersionedTable

__all__ = ["SqlAgreementRepository", "SqlPriceList", "SqlSalesHistory"]


class SqlAgreementRepository(VersionedTable[Agreement]):
    """Agreements in SQL: an :class:`~crmcore.agreements.AgreementRepository`."""

    table = m.agreements
    entity_type = "agreement"
    model = Agreement

    def columns(self, entity: Agreement) -> dict[str, object]:
        """Kind, status, partner, base agreement and start of validity."""
        return {
            "kind": entity.kind.value,
            "status": entity.status.value,
            "partner_id": entity.partner_id,
            "base_id": entity.base_id,
            "valid_from": entity.valid_from,
        }

    def of_partner(
        self, partner_id: PartnerId, *, status: AgreementStatus | None = None
    ) -> list[Agreement]:
        """The partner's individual agreements (with ``status`` when given), ordered by
        ``valid_from``, then id."""
        c = self.table.c
        conditions = [c.partner_id == partner_id]
        if status is not None:
            conditions.append(c.status == status.value)
        return self.select(*conditions, order_by=(c.valid_from, c.id))

    def based_on(self, base_id: AgreementId) -> list[Agreement]:
        """The individual agreements based on ``base_id``, ordered by id."""
        return self.select(self.table.c.base_id == base_id)

    def of_kind(
        self, kind: AgreementKind, *, status: AgreementStatus | None = None
    ) -> list[Agreement]:
        """The agreements of ``kind`` (with ``status`` when given), ordered by id."""
        c = self.table.c
        conditions = [c.kind == kind.value]
        if status is not None:
            conditions.append(c.status == status.value)
        return self.select(*conditions)

    def iterate(self) -> Iterator[Agreement]:
        """Every agreement, ordered by id (read when called)."""
        return iter(self.select())


class SqlPriceList:
    """Prices by price type and product, each in effect from a date until the next one: a
    :class:`~crmcore.agreements.PriceSource` over SQL, with the methods of
    :class:`crmcore.memory.MemoryPriceList`."""

    def __init__(self, database: Database) -> None:
        self._db = database

    def set(self, price_type: str, product: str, price: Money, *, since: date) -> None:
        """Make ``price`` the price of ``product`` in ``price_type`` from ``since`` on."""
        if not isinstance(price, Money) or price.is_negative():
            raise DomainValidationError.single("price", "must be Money of 0 or more", value=price)
        c = m.prices.c
        key = (c.price_type == price_type, c.product == product, c.since == since)
        row = {"price_type": price_type, "product": product, "since": since}
        with self._db.begin("set a price", write=True) as connection:
            connection.execute(m.prices.delete().where(*key))
            connection.execute(m.prices.insert(), {**row, "body": self._db.dump(price)})

    def price(self, price_type: str, product: str, on: date) -> Money | None:
        """The price of ``product`` in ``price_type`` in effect on ``on``, or ``None``."""
        c = m.prices.c
        query = (
            select(c.body)
            .where(c.price_type == price_type, c.product == product, c.since <= on)
            .order_by(c.since.desc())
            .limit(1)
        )
        with self._db.begin("read a price") as connection:
            body = connection.execute(query).scalar_one_or_none()
        return None if body is None else self._db.load(body, Money)


class SqlSalesHistory:
    """Sales recorded per partner and product: a :class:`~crmcore.agreements.SalesHistory`
    over SQL, with the methods of :class:`crmcore.memory.MemorySalesHistory`."""

    def __init__(self, database: Database) -> None:
        self._db = database

    def record(
        self,
        partner_id: PartnerId,
        product: str,
        price: Money,
        *,
        sold_on: date,
        document: EntityRef | None = None,
    ) -> None:
        """Remember that ``partner_id`` bought ``product`` at net ``price`` on ``sold_on``."""
        sale = PastSale(product=product, price=price, sold_on=sold_on, document=document)
        row = {"partner_id": partner_id, "product": product, "sold_on": sold_on}
        with self._db.begin("record a sale", write=True) as connection:
            connection.execute(m.sales.insert(), {**row, "body": self._db.dump(sale)})

    def last_sales(
        self, partner_id: PartnerId, products: tuple[str, ...], *, until: date
    ) -> dict[str, PastSale]:
        """The latest sale on or before ``until`` of each product sold to the partner; of
        two on the same day, the one recorded last."""
        c = m.sales.c
        found: dict[str, PastSale] = {}
        with self._db.begin("read past sales") as connection:
            for product in dict.fromkeys(products):
                body = connection.execute(
                    select(c.body)
                    .where(c.partner_id == partner_id, c.product == product, c.sold_on <= until)
                    .order_by(c.sold_on.desc(), c.id.desc())
                    .limit(1)
                ).scalar_one_or_none()
                if body is not None:
                    found[product] = self._db.load(body, PastSale)
        return found


if TYPE_CHECKING:
    from crmcore.agreements.repository import AgreementRepository, PriceSource, SalesHistory

    def _conforms(
        agreements: SqlAgreementRepository, prices: SqlPriceList, sales: SqlSalesHistory
    ) -> tuple[AgreementRepository, PriceSource, SalesHistory]:
        return agreements, prices, sales
