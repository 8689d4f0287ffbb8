"""Cross-sell from won deals' lines: the products bought together (support, confidence,
lift), the top products of a segment, and suggestions for a client with the reason.

Each won deal is one basket of the products on its lines. For products A and B, *support*
is the share of baskets holding both, *confidence* of A -> B the share of baskets with A that
also hold B, and *lift* that confidence over B's own share (above 1: bought together more
often than by chance).

>>> from datetime import datetime, timezone
>>> from crmcore.money import Money
>>> at = datetime(2026, 3, 2, tzinfo=timezone.utc)
>>> lines = [Purchase(id=f"l-{n}", deal_id=deal, partner_id="p-1", product_id=product,
...     amount=Money.of("10", "RUB"), won_at=at)
...     for n, (deal, product) in enumerate([("d-1", "oil"), ("d-1", "filter"),
...         ("d-2", "oil"), ("d-2", "filter"), ("d-3", "oil"), ("d-4", "tyres")])]
>>> pair = cross_sell(lines).pairs[0]
>>> pair.product, pair.also, pair.together, str(pair.confidence), str(pair.lift)
('filter', 'oil', 2, '1.0000', '1.3333')
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable
from decimal import ROUND_HALF_UP, Decimal
from itertools import combinations
from typing import Final

import attrs

from crmcore.deals import Deal, DealStatus
from crmcore.errors import DomainValidationError
from crmcore.marketing.model import Purchase
from crmcore.money import Money

__all__ = [
    "CrossSell",
    "ProductPair",
    "ProductRank",
    "Suggestion",
    "cross_sell",
    "purchases_from_deals",
    "suggest_products",
    "top_products",
]

_PLACES: Final = Decimal("0.0001")


@attrs.frozen(kw_only=True)
class ProductPair:
    """Clients who bought ``product`` also bought ``also``: in ``together`` baskets."""

    product: str
    also: str
    together: int
    support: Decimal
    confidence: Decimal
    lift: Decimal


@attrs.frozen(kw_only=True)
class CrossSell:
    """The products bought together over ``baskets`` won deals, strongest lift first; and
    how many baskets hold each product."""

    baskets: int
    pairs: tuple[ProductPair, ...]
    counts: dict[str, int] = attrs.field(factory=dict, eq=False)

    def also_bought(self, product: str) -> tuple[ProductPair, ...]:
        """The pairs that start from ``product``, most confident first."""
        found = [pair for pair in self.pairs if pair.product == product]
        return tuple(sorted(found, key=lambda p: (-p.confidence, -p.lift, p.also)))


def _ratio(part: int | Decimal, whole: int | Decimal) -> Decimal:
    return (Decimal(part) / Decimal(whole)).quantize(_PLACES)


def _baskets(purchases: Iterable[Purchase]) -> dict[str, frozenset[str]]:
    found: dict[str, set[str]] = {}
    for purchase in purchases:
        found.setdefault(purchase.deal_id, set()).add(purchase.product_id)
    return {deal: frozenset(products) for deal, products in found.items()}


def cross_sell(
    purchases: Iterable[Purchase], *, min_together: int = 2, limit: int | None = None
) -> CrossSell:
    """The pairs of products bought together in at least ``min_together`` won deals, ordered
    by lift, then by how often, then by names; at most ``limit`` of them."""
    if min_together < 1:
        raise DomainValidationError.single("min_together", "must be at least 1", value=min_together)
    baskets = _baskets(purchases)
    counts: Counter[str] = Counter()
    together: Counter[tuple[str, str]] = Counter()
    for products in baskets.values():
        counts.update(products)
        if len(products) > 1:
            together.update(combinations(sorted(products), 2))
    total = len(baskets)
    of: dict[str, Decimal] = {product: Decimal(count) for product, count in counts.items()}
    share = {product: count / total for product, count in of.items()}
    pairs: list[ProductPair] = []
    for (first, second), both in together.items():
        if both < min_together:
            continue
        support = _ratio(both, total)
        for product, also in ((first, second), (second, first)):
            confidence = both / of[product]
            pairs.append(
                ProductPair(
                    product=product, also=also, together=both, support=support,
                    confidence=confidence.quantize(_PLACES),
                    lift=(confidence / share[also]).quantize(_PLACES),
                )
            )  # fmt: skip
    # Two stable sorts: names ascending, then lift and count descending keep the names' order.
    pairs.sort(key=lambda p: (p.product, p.also))
    pairs.sort(key=lambda p: (p.lift, p.together), reverse=True)
    chosen = tuple(pairs if limit is None else pairs[:limit])
    return CrossSell(baskets=total, pairs=chosen, counts=dict(counts))


@attrs.frozen(kw_only=True)
class ProductRank:
    """A product among a group of partners: how many of them bought it, the amount they
    spent on it, and the share of the group that bought it."""

    product_id: str
    buyers: int
    amount: Money
    share: Decimal


def top_products(
    purchases: Iterable[Purchase],
    *,
    partner_ids: Collection[str] | None = None,
    currency: str = "RUB",
    limit: int = 10,
) -> tuple[ProductRank, ...]:
    """The products bought by most of ``partner_ids`` (a segment's partners; every buyer when
    ``None``), then by amount in ``currency``; at most ``limit``."""
    buyers: dict[str, set[str]] = {}
    amounts: dict[str, Decimal] = {}
    group: set[str] = set()
    for purchase in purchases:
        if partner_ids is not None and purchase.partner_id not in partner_ids:
            continue
        group.add(purchase.partner_id)
        buyers.setdefault(purchase.product_id, set()).add(purchase.partner_id)
        if purchase.amount.currency == currency:
            amounts[purchase.product_id] = amounts.get(purchase.product_id, Decimal(0)) + (
                purchase.amount.amount
            )
    size = len(partner_ids) if partner_ids is not None else len(group)
    ranked = sorted(
        buyers, key=lambda product: (-len(buyers[product]), -amounts.get(product, 0), product)
    )
    return tuple(
        ProductRank(
            product_id=product,
            buyers=len(buyers[product]),
            amount=Money(amount=amounts.get(product, Decimal(0)), currency=currency),
            share=_ratio(len(buyers[product]), size),
        )
        for product in ranked[:limit]
    )


@attrs.frozen(kw_only=True)
class Suggestion:
    """A product to offer a client, how confident the suggestion is, and why."""

    product_id: str
    confidence: Decimal
    lift: Decimal
    reason: str


def suggest_products(
    partner_id: str,
    purchases: Iterable[Purchase],
    found: CrossSell,
    *,
    limit: int = 5,
    min_lift: Decimal = Decimal(1),
) -> tuple[Suggestion, ...]:
    """What to offer ``partner_id``: the products that clients who bought what it bought
    also buy (lift above ``min_lift``), which it has not bought yet; the most confident
    first, each with the pair that suggests it."""
    bought = {p.product_id for p in purchases if p.partner_id == partner_id}
    best: dict[str, ProductPair] = {}
    for pair in found.pairs:
        if pair.product not in bought or pair.also in bought or pair.lift <= min_lift:
            continue
        kept = best.get(pair.also)
        if kept is None or (pair.confidence, pair.lift) > (kept.confidence, kept.lift):
            best[pair.also] = pair
    ranked = sorted(best.values(), key=lambda p: (-p.confidence, -p.lift, p.also))
    return tuple(
        Suggestion(
            product_id=pair.also,
            confidence=pair.confidence,
            lift=pair.lift,
            reason=(
                f"clients who bought {pair.product} also bought {pair.also} in "
                f"{pair.together} of {found.counts.get(pair.product, pair.together)} deals "
                f"(confidence {_percent(pair.confidence)}, lift {pair.lift.normalize()})"
            ),
        )
        for pair in ranked[:limit]
    )


def _percent(ratio: Decimal) -> str:
    return f"{(ratio * 100).quantize(Decimal('0.1'), ROUND_HALF_UP)}%"


def purchases_from_deals(deals: Iterable[Deal]) -> tuple[Purchase, ...]:
    """The purchases of won deals: one per line item (``<deal id>:<line number>``, counted
    from 1), for the line's amount, at the deal's close."""
    found: list[Purchase] = []
    for deal in deals:
        if deal.status is not DealStatus.WON or deal.closed_at is None:
            continue
        for number, item in enumerate(deal.line_items, start=1):
            found.append(
                Purchase(
                    id=f"{deal.id}:{number}", deal_id=deal.id, partner_id=deal.partner_id,
                    product_id=item.product_id, amount=item.amount, won_at=deal.closed_at,
                )
            )  # fmt: skip
    return tuple(found)
