"""The facts segments read about a partner, worked out once per evaluation from its
purchases (won deals' lines) and deals.

Years are calendar years of the host's zone: the zone of the working calendar, whose date
"today" is for the rules too (``now``'s own zone without a calendar). Amounts sum the
purchases in the segment's currency (purchases in other currencies count in
``purchase_count`` and ``products_bought`` only).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Final

from dateutil.relativedelta import relativedelta

from crmcore.conditions.moments import local
from crmcore.conditions.schemas import FieldType
from crmcore.deals import Deal, DealStatus
from crmcore.marketing.model import Purchase
from crmcore.workcalendar import WorkingCalendar

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


class PartnerFacts:
    """A :class:`~crmcore.conditions.FactSource` over partners and the facts of each, kept by
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
        deals: Iterable[Deal],
        *,
        currency: str,
        now: datetime,
        wanted: Collection[str] | None = None,
        calendar: WorkingCalendar | None = None,
    ) -> PartnerFacts:
        """The facts of ``partners`` from ``purchases`` and ``deals`` at ``now``: those in
        ``wanted`` (the facts a condition reads), every fact when ``None``; years are those of
        ``calendar``'s zone."""
        names = frozenset(SEGMENT_FACTS if wanted is None else wanted) & SEGMENT_FACTS.keys()
        columns: dict[str, dict[str, object]] = {name: {} for name in SEGMENT_FACTS}
        if names - {"won_deals", "open_deals"}:
            _add_purchases(columns, purchases, names, currency=currency, now=local(now, calendar))
        if names & {"won_deals", "open_deals"}:
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
    names: frozenset[str],
    *,
    currency: str,
    now: datetime,
) -> None:
    """Fill the purchase facts in ``names``, each purchase doing only the work they need."""
    at = now.astimezone(UTC)  # moments compared as instants, whatever zones they are written in
    chosen = [p for p in purchases if p.won_at.astimezone(UTC) <= at]
    if names & set(_AMOUNTS):
        _add_sums(columns, chosen, names, currency=currency, now=now)
    if "purchase_count" in names:
        counts = columns["purchase_count"]
        for purchase in chosen:
            counts[purchase.partner_id] = counts.get(purchase.partner_id, 0) + 1  # type: ignore[operator]
    if "last_purchase_at" in names:
        last: dict[str, datetime] = {}
        for purchase in chosen:
            seen = last.get(purchase.partner_id)
            if seen is None or purchase.won_at.astimezone(UTC) > seen.astimezone(UTC):
                last[purchase.partner_id] = purchase.won_at
        columns["last_purchase_at"].update(last)
    if "products_bought" in names:
        products: dict[str, set[str]] = {}
        for purchase in chosen:
            products.setdefault(purchase.partner_id, set()).add(purchase.product_id)
        columns["products_bought"].update((p, tuple(sorted(f))) for p, f in products.items())


def _add_sums(
    columns: dict[str, dict[str, object]],
    purchases: list[Purchase],
    names: frozenset[str],
    *,
    currency: str,
    now: datetime,
) -> None:
    # Years and months are the calendar's, on the local clock of ``now``; the bounds are then
    # compared as instants, as Python compares two moments of one zone by their wall clocks.
    this_year = datetime(now.year, 1, 1, tzinfo=now.tzinfo).astimezone(UTC)
    last_year = datetime(now.year - 1, 1, 1, tzinfo=now.tzinfo).astimezone(UTC)
    year_ago = (now - relativedelta(years=1)).astimezone(UTC)
    at = now.astimezone(UTC)
    bounds = {
        "purchases_total": None,
        "purchases_this_year": (this_year, at),
        "purchases_last_year": (last_year, this_year),
        "purchases_last_12_months": (year_ago, at),
    }
    sums = [(columns[name], bounds[name]) for name in _AMOUNTS if name in names]
    for purchase in purchases:
        amount = purchase.amount
        if amount.currency != currency:
            continue
        won_at, partner = purchase.won_at.astimezone(UTC), purchase.partner_id
        for column, window in sums:
            if window is None or window[0] <= won_at < window[1]:
                column[partner] = column.get(partner, _ZERO) + amount.amount  # type: ignore[operator]


def _add_deals(columns: dict[str, dict[str, object]], deals: Iterable[Deal]) -> None:
    won: Counter[str] = Counter()
    open_: Counter[str] = Counter()
    for deal in deals:
        if deal.status is DealStatus.WON:
            won[deal.partner_id] += 1
        elif deal.status is DealStatus.OPEN:
            open_[deal.partner_id] += 1
    columns["won_deals"].update(won)
    columns["open_deals"].update(open_)
