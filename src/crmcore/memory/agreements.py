"""The reference in-memory implementations of the agreements area's protocols.

:class:`MemoryAgreementRepository` is complete, like the partners' repositories: indexes by
partner, base agreement and kind kept in step with every ``add`` and ``save``, one lock
around every call, and ``save`` requiring a version bump. :class:`MemoryPriceList` and
:class:`MemorySalesHistory` serve prices and past sales for tests, demos and small hosts.
"""

from __future__ import annotations

import threading
from bisect import bisect_right, insort
from collections.abc import Iterator
from datetime import date
from typing import Final

from crmcore.agreements.kinds import AgreementKind, AgreementStatus
from crmcore.agreements.model import Agreement
from crmcore.agreements.pricing import PastSale
from crmcore.errors import DomainValidationError
from crmcore.ids import AgreementId, EntityRef, PartnerId
from crmcore.memory._store import GuardedStore, KeyIndex, journaled
from crmcore.money import Money

__all__ = ["MemoryAgreementRepository", "MemoryPriceList", "MemorySalesHistory"]

AGREEMENT: Final = "agreement"


class MemoryAgreementRepository:
    """Agreements in memory: the reference :class:`~crmcore.agreements.AgreementRepository`."""

    def __init__(self) -> None:
        self._by_partner: KeyIndex[Agreement] = KeyIndex(
            lambda agreement: [agreement.partner_id] if agreement.partner_id else []
        )
        self._by_base: KeyIndex[Agreement] = KeyIndex(
            lambda agreement: [agreement.base_id] if agreement.base_id else []
        )
        self._by_kind: KeyIndex[Agreement] = KeyIndex(lambda agreement: [agreement.kind])
        self._store: GuardedStore[Agreement] = GuardedStore(
            AGREEMENT, [self._by_partner, self._by_base, self._by_kind]
        )

    def get(self, agreement_id: AgreementId) -> Agreement:
        """The agreement with this id, else ``EntityNotFoundError``."""
        return self._store.get(agreement_id)

    def add(self, agreement: Agreement) -> None:
        """Store a new agreement, else ``DuplicateEntityError``."""
        self._store.add(agreement)

    def save(self, agreement: Agreement, *, expected_version: int) -> None:
        """Store a changed agreement if the stored one is at ``expected_version``."""
        self._store.save(agreement, expected_version=expected_version)

    def of_partner(
        self, partner_id: PartnerId, *, status: AgreementStatus | None = None
    ) -> list[Agreement]:
        """The partner's individual agreements (with ``status`` when given), ordered by
        ``valid_from``, then id."""
        found = self._store.under_any(self._by_partner, [partner_id])
        found.sort(key=lambda agreement: agreement.valid_from)
        return [a for a in found if status is None or a.status is status]

    def based_on(self, base_id: AgreementId) -> list[Agreement]:
        """The individual agreements based on ``base_id``, ordered by id."""
        return self._store.under_any(self._by_base, [base_id])

    def of_kind(
        self, kind: AgreementKind, *, status: AgreementStatus | None = None
    ) -> list[Agreement]:
        """The agreements of ``kind`` (with ``status`` when given), ordered by id."""
        found = self._store.under_any(self._by_kind, [kind])
        return [a for a in found if status is None or a.status is status]

    def iterate(self) -> Iterator[Agreement]:
        """Every agreement, ordered by id (a snapshot taken when called)."""
        return iter(self._store.ordered())

    def count(self) -> int:
        """How many agreements are stored."""
        return len(self._store)


class MemoryPriceList:
    """Prices by price type and product, each in effect from a date until the next one: a
    :class:`~crmcore.agreements.PriceSource`.

    >>> prices = MemoryPriceList()
    >>> prices.set("wholesale", "tea", Money.of("100.00", "RUB"), since=date(2026, 1, 1))
    >>> prices.set("wholesale", "tea", Money.of("110.00", "RUB"), since=date(2026, 3, 1))
    >>> str(prices.price("wholesale", "tea", date(2026, 2, 28)))
    '100.00 RUB'
    """

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._prices: dict[tuple[str, str], list[tuple[date, Money]]] = {}

    def set(self, price_type: str, product: str, price: Money, *, since: date) -> None:
        """Make ``price`` the price of ``product`` in ``price_type`` from ``since`` on."""
        if not isinstance(price, Money) or price.is_negative():
            raise DomainValidationError.single("price", "must be Money of 0 or more", value=price)
        key = (price_type, product)
        with self._lock:
            before = self._prices.get(key)
            history = [entry for entry in before or () if entry[0] != since]
            insort(history, (since, price), key=lambda entry: entry[0])
            self._prices[key] = history
            journaled(lambda: self._restore(key, before))

    def _restore(self, key: tuple[str, str], history: list[tuple[date, Money]] | None) -> None:
        with self._lock:
            if history is None:
                del self._prices[key]
            else:
                self._prices[key] = history

    def price(self, price_type: str, product: str, on: date) -> Money | None:
        """The price of ``product`` in ``price_type`` in effect on ``on``, or ``None``."""
        with self._lock:
            history = self._prices.get((price_type, product), [])
            position = bisect_right(history, on, key=lambda entry: entry[0])
            return history[position - 1][1] if position else None


class MemorySalesHistory:
    """Sales recorded per partner and product: a :class:`~crmcore.agreements.SalesHistory`."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._sales: dict[tuple[str, str], list[PastSale]] = {}

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
        key = (partner_id, product)
        with self._lock:
            sales = self._sales.setdefault(key, [])
            insort(sales, sale, key=_sold_on)
            journaled(lambda: self._take_back(key, sale))

    def _take_back(self, key: tuple[str, str], sale: PastSale) -> None:
        with self._lock:
            sales = self._sales[key]
            # The recorded object itself, not an equal one recorded before it.
            del sales[next(i for i, s in enumerate(sales) if s is sale)]
            if not sales:
                del self._sales[key]

    def last_sales(
        self, partner_id: PartnerId, products: tuple[str, ...], *, until: date
    ) -> dict[str, PastSale]:
        """The latest sale on or before ``until`` of each product sold to the partner; of
        two on the same day, the one recorded last."""
        found: dict[str, PastSale] = {}
        with self._lock:
            for product in products:
                sales = self._sales.get((partner_id, product), [])
                position = bisect_right(sales, until, key=_sold_on)
                if position:
                    found[product] = sales[position - 1]
        return found


def _sold_on(sale: PastSale) -> date:
    return sale.sold_on
