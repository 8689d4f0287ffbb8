"""The facts segments read about a partner, worked out once per evaluation from its
purchases (won deals' lines) and deals.

Years are calendar years in UTC; amounts sum the purchases in the segment's currency
(purchases in other currencies count in ``purchase_count`` and ``products_bought`` only).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Final

from crmcore.marketing.model import Purchase
from crmcore.rules.schemas import FieldType

__all__ = ["SEGMENT_FACTS", "PartnerFacts"]

SEGMENT_FACTS: Final[Mapping[str, FieldType]] = {
    "purchases_total": FieldType.DECIMAL,
    "purchases_this_year": FieldType.DECIMAL,
    "purchases_last_year": FieldType.DECIMAL,
    "purchases_last_12_months": FieldType.DECIMAL,
    "purchase_count": FieldType.INTEGER,
    "last_purchase_at": FieldType.DATETIME,
    "products_bought": FieldType.LIST,
    "won_deals": FieldType.INTEGER,
    "open_deals": FieldType.INTEGER,
}
"""The facts about a partner (entity ``partner``) a segment's condition may read."""

_ZERO: Final = Decimal(0)
_DEFAULTS: Final[Mapping[str, object]] = {
    "purchases_total": _ZERO,
    "purchases_this_year": _ZERO,
    "purchases_last_year": _ZERO,
    "purchases_last_12_months": _ZERO,
    "purchase_count": 0,
    "last_purchase_at": None,
    "products_bought": (),
    "won_deals": 0,
    "open_deals": 0,
}
_AMOUNTS: Final = (
    "purchases_total",
    "purchases_this_year",
    "purchases_last_year",
    "purchases_last_12_months",
)
_YEAR: Final = timedelta(days=365)


class PartnerFacts:
    """A :class:`~crmcore.rules.FactSource` over partners and the facts of each, kept by
    fact (one mapping of partner ids per fact) so that a million partners stay cheap."""

    def __init__(
        self, partners: Mapping[str, object], columns: Mapping[str, Mapping[str, object]]
    ) -> None:
        self._partners = partners
        self._columns = columns

    @classmethod
    def of(
        cls,
        partners: Mapping[str, object],
        purchases: Iterable[Purchase],
        deals: Iterable[object],
        *,
        currency: str,
        now: datetime,
    ) -> PartnerFacts:
        """The facts of ``partners`` from ``purchases`` and ``deals`` at ``now``."""
        columns: dict[str, dict[str, object]] = {name: {} for name in SEGMENT_FACTS}
        _add_purchases(columns, purchases, currency=currency, now=now)
        _add_deals(columns, deals)
        return cls(partners, columns)

    def record(self, entity: str, entity_id: str) -> object | None:
        """The partner ``entity_id`` for the ``partner`` of a contact person."""
        return self._partners.get(entity_id) if entity == "partner" else None

    def fact(self, entity: str, entity_id: str, name: str) -> object | None:
        """The fact ``name`` about partner ``entity_id``: zero (or empty) when it has none."""
        if entity != "partner" or name not in _DEFAULTS:
            return None
        return self._columns[name].get(entity_id, _DEFAULTS[name])


def _add_purchases(
    columns: dict[str, dict[str, object]],
    purchases: Iterable[Purchase],
    *,
    currency: str,
    now: datetime,
) -> None:
    this_year = now.astimezone(UTC).year
    year_ago = now - _YEAR
    sums: dict[str, dict[str, Decimal]] = {name: {} for name in _AMOUNTS}
    counts: dict[str, int] = {}
    last: dict[str, datetime] = {}
    products: dict[str, set[str]] = {}
    for purchase in purchases:
        if purchase.won_at > now:
            continue
        partner = purchase.partner_id
        counts[partner] = counts.get(partner, 0) + 1
        products.setdefault(partner, set()).add(purchase.product_id)
        if partner not in last or purchase.won_at > last[partner]:
            last[partner] = purchase.won_at
        if purchase.amount.currency != currency:
            continue
        amount = purchase.amount.amount
        year = purchase.won_at.astimezone(UTC).year
        chosen = ["purchases_total"]
        if year == this_year:
            chosen.append("purchases_this_year")
        elif year == this_year - 1:
            chosen.append("purchases_last_year")
        if purchase.won_at >= year_ago:
            chosen.append("purchases_last_12_months")
        for name in chosen:
            column = sums[name]
            column[partner] = column.get(partner, _ZERO) + amount
    for name, column in sums.items():
        columns[name].update(column)
    columns["purchase_count"].update(counts)
    columns["last_purchase_at"].update(last)
    columns["products_bought"].update((p, tuple(sorted(found))) for p, found in products.items())


def _add_deals(columns: dict[str, dict[str, object]], deals: Iterable[object]) -> None:
    won, open_ = columns["won_deals"], columns["open_deals"]
    for deal in deals:
        partner = getattr(deal, "partner_id", None)
        status = getattr(getattr(deal, "status", None), "value", None)
        if not isinstance(partner, str):
            continue
        if status == "won":
            won[partner] = int(won.get(partner, 0)) + 1  # type: ignore[call-overload]
        elif status == "open":
            open_[partner] = int(open_.get(partner, 0)) + 1  # type: ignore[call-overload]
