"""The protocols of the agreements area that the host implements: where agreements are kept,
where prices come from, and what clients bought before.

Values in, values out, synchronous. :class:`AgreementRepository` follows the conventions of
every repository (see :mod:`crmcore.partners.repository`) and must pass
:class:`crmcore.testing.contracts.AgreementRepositoryContract`; :mod:`crmcore.memory` holds
the reference implementations of all three.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Protocol

from crmcore.agreements.kinds import AgreementKind, AgreementStatus
from crmcore.agreements.model import Agreement
from crmcore.agreements.pricing import PastSale
from crmcore.ids import AgreementId, PartnerId
from crmcore.money import Money

__all__ = ["AgreementRepository", "PriceSource", "SalesHistory"]


class AgreementRepository(Protocol):
    """Where the host keeps agreements."""

    def get(self, agreement_id: AgreementId) -> Agreement:
        """The agreement with this id."""
        ...

    def add(self, agreement: Agreement) -> None:
        """Store a new agreement."""
        ...

    def save(self, agreement: Agreement, *, expected_version: int) -> None:
        """Store a changed agreement if the stored one is at ``expected_version``."""
        ...

    def of_partner(
        self, partner_id: PartnerId, *, status: AgreementStatus | None = None
    ) -> list[Agreement]:
        """The individual agreements of a partner (with ``status`` when given), ordered by
        ``valid_from``, then id."""
        ...

    def based_on(self, base_id: AgreementId) -> list[Agreement]:
        """The individual agreements based on a typical one, ordered by id."""
        ...

    def of_kind(
        self, kind: AgreementKind, *, status: AgreementStatus | None = None
    ) -> list[Agreement]:
        """The agreements of ``kind`` (with ``status`` when given), ordered by id."""
        ...

    def iterate(self) -> Iterator[Agreement]:
        """Every agreement, ordered by id."""
        ...

    def count(self) -> int:
        """How many agreements are stored."""
        ...


class PriceSource(Protocol):
    """Prices by price type, product and date; the host implements it over its price lists."""

    def price(self, price_type: str, product: str, on: date) -> Money | None:
        """The price of ``product`` in ``price_type`` in effect on ``on``, or ``None``."""
        ...


class SalesHistory(Protocol):
    """Past sales to clients; the host implements it over its posted sales documents."""

    def last_sales(
        self, partner_id: PartnerId, products: tuple[str, ...], *, until: date
    ) -> dict[str, PastSale]:
        """The latest sale on or before ``until`` to ``partner_id`` of each of ``products`` ever
        sold to them, by product; products never sold to them are left out."""
        ...
