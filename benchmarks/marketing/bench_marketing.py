"""Benchmark of crmcore.marketing; prints one JSON object per line.

1. Segment evaluation: ``evaluate_segment`` of "bought more than 50,000 RUB last year and
   owns an Audi" over N partners and N purchases (the condition compiled once, facts worked
   out in one pass), beside a straightforward implementation: for each partner, sum its own
   purchases and walk the condition tree with a small interpreter.
2. Cross-sell: ``cross_sell`` over M won deals' lines (one pass over the baskets counting
   pairs), beside a straightforward implementation: for every pair of products, intersect
   the sets of deals holding each.

Both answers are compared with the baseline's, so that a fast wrong answer fails the run.
The data is built first and frozen out of the garbage collector's sight (``gc.freeze``), so
that neither side is timed scanning millions of live objects.

Run: ``python benchmarks/marketing/bench_marketing.py [--partners N] [--lines M]``.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from itertools import combinations
from typing import Any

from crmcore.conditions.scope import plain
from crmcore.conditions.values import constant
from crmcore.customfields import CustomField, CustomFieldRegistry, CustomFieldType
from crmcore.ids import DealId, PartnerId
from crmcore.marketing import (
    Purchase,
    Segment,
    SegmentId,
    SegmentKind,
    SegmentPopulation,
    cross_sell,
    evaluate_segment,
    segment_schemas,
)
from crmcore.money import Money
from crmcore.partners import Partner, PartnerKind, PartnerRole
from crmcore.rules import OPERATORS, AllOf, AnyOf, Condition, FieldCondition, Not

NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
LAST_YEAR = datetime(2025, 1, 1, tzinfo=UTC)
BRANDS = ("Audi", "BMW", "Lada", "Kia", "Skoda")
CONDITION = AllOf(
    all=(
        FieldCondition(field="purchases_last_year", op="gt", value="50000"),
        FieldCondition(field="custom.car_brand", op="eq", value="Audi"),
    )
)
SCHEMAS = segment_schemas(
    CustomFieldRegistry().with_field(
        "partner", CustomField(name="car_brand", type=CustomFieldType.TEXT)
    )
)


def _settle() -> None:
    """Move the data built so far out of the collector's sight, for both sides alike: with
    millions of live objects, full collections during a run would time the collector."""
    gc.collect()
    gc.freeze()


def _timed(run: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = run()
    return time.perf_counter() - started, result


def _partners(count: int, rng: random.Random) -> list[Partner]:
    return [
        Partner(
            id=PartnerId(f"p-{n}"),
            kind=PartnerKind.LEGAL_ENTITY,
            roles=frozenset({PartnerRole.CLIENT}),
            short_name=f"Client {n}",
            created_at=LAST_YEAR,
            custom={"car_brand": rng.choice(BRANDS)},
        )
        for n in range(count)
    ]


def _purchases(count: int, partners: int, products: int, rng: random.Random) -> list[Purchase]:
    found: list[Purchase] = []
    deal = 0
    while len(found) < count:
        deal += 1
        partner = PartnerId(f"p-{rng.randrange(partners)}")
        won_at = LAST_YEAR + timedelta(days=rng.randrange(500))
        chosen = rng.sample(range(products), k=min(products, rng.randint(1, 6)))
        for product in chosen:
            amount = Money(amount=Decimal(rng.randrange(1000, 40_000)), currency="RUB")
            found.append(
                Purchase(
                    id=f"l-{len(found)}", deal_id=DealId(f"d-{deal}"), partner_id=partner,
                    product_id=f"prod-{product}", amount=amount, won_at=won_at,
                )
            )  # fmt: skip
    return found[:count]


def _read(path: str, partner: Partner, facts: dict[str, Any]) -> Any:
    """A field path of a partner read the plain way: its custom fields, facts, attributes."""
    if path.startswith("custom."):
        return partner.custom.get(path.removeprefix("custom."))
    if path in facts:
        return facts[path]
    return getattr(partner, path, None)


def _interpret(condition: Condition, partner: Partner, facts: dict[str, Any]) -> bool:
    """The straightforward reading of a condition tree: walk it for each record, coercing
    each literal by its field's type as it is met."""
    if isinstance(condition, AllOf):
        return all(_interpret(child, partner, facts) for child in condition.all)
    if isinstance(condition, AnyOf):
        return any(_interpret(child, partner, facts) for child in condition.any)
    if isinstance(condition, Not):
        return not _interpret(condition.condition, partner, facts)
    spec = SCHEMAS.resolve("partner", condition.field).spec
    operator = OPERATORS[condition.op]
    actual = plain(_read(condition.field, partner, facts))
    return bool(operator.test(actual, constant(spec, condition.value)))


def _facts_of(own: list[Purchase]) -> dict[str, Any]:
    """Every segment fact of one partner from its own purchases."""
    this_year, last_year = NOW.year, NOW.year - 1
    rub = [p for p in own if p.won_at <= NOW and p.amount.currency == "RUB"]
    return {
        "purchases_total": sum((p.amount.amount for p in rub), Decimal(0)),
        "purchases_this_year": sum(
            (p.amount.amount for p in rub if p.won_at.astimezone(UTC).year == this_year),
            Decimal(0),
        ),
        "purchases_last_year": sum(
            (p.amount.amount for p in rub if p.won_at.astimezone(UTC).year == last_year),
            Decimal(0),
        ),
        "purchases_last_12_months": sum(
            (p.amount.amount for p in rub if p.won_at >= NOW - timedelta(days=365)), Decimal(0)
        ),
        "purchase_count": len([p for p in own if p.won_at <= NOW]),
        "products_bought": tuple(sorted({p.product_id for p in own if p.won_at <= NOW})),
    }


def _baseline_segment(partners: Iterable[Partner], purchases: list[Purchase]) -> set[str]:
    by_partner: dict[str, list[Purchase]] = {}
    for purchase in purchases:
        by_partner.setdefault(purchase.partner_id, []).append(purchase)
    return {
        partner.id
        for partner in partners
        if _interpret(CONDITION, partner, _facts_of(by_partner.get(partner.id, [])))
    }


def _baseline_pairs(purchases: list[Purchase], min_together: int) -> dict[tuple[str, str], Any]:
    """For every pair of products, the deals holding both, and the pair's measures."""
    deals_of: dict[str, set[str]] = {}
    for purchase in purchases:
        deals_of.setdefault(purchase.product_id, set()).add(purchase.deal_id)
    baskets = len({purchase.deal_id for purchase in purchases})
    places = Decimal("0.0001")
    found = {}
    for first, second in combinations(sorted(deals_of), 2):
        both = len(deals_of[first] & deals_of[second])
        if both < min_together:
            continue
        for product, also in ((first, second), (second, first)):
            confidence = Decimal(both) / len(deals_of[product])
            lift = confidence / (Decimal(len(deals_of[also])) / baskets)
            support = (Decimal(both) / baskets).quantize(places)
            found[(product, also)] = (
                both,
                support,
                confidence.quantize(places),
                lift.quantize(places),
            )
    ordered = sorted(found.items(), key=lambda item: (-item[1][3], -item[1][0], item[0]))
    return dict(ordered)


def bench_segments(count: int, rng: random.Random) -> None:
    built, partners = _timed(lambda: _partners(count, rng))
    purchases = _purchases(count, count, 50, rng)
    segment = Segment(
        id=SegmentId("big-audi"), name="Big Audi owners", kind=SegmentKind.DYNAMIC,
        condition=CONDITION, created_at=NOW,
    )  # fmt: skip
    population = SegmentPopulation(partners=partners, purchases=purchases)
    _settle()
    seconds, found = _timed(
        lambda: evaluate_segment(segment, population, now=NOW, schemas=SCHEMAS, explain=False)
    )
    baseline, expected = _timed(lambda: _baseline_segment(partners, purchases))
    assert found.ids == expected, "the segment differs from the baseline's"
    explained, _ = _timed(
        lambda: evaluate_segment(segment, population, now=NOW, schemas=SCHEMAS, explain=True)
    )
    print(json.dumps({
        "bench": "segment_evaluation", "partners": count, "purchases": len(purchases),
        "members": found.count, "seconds": round(seconds, 3),
        "with_explanations_seconds": round(explained, 3),
        "baseline_seconds": round(baseline, 3), "speedup": round(baseline / seconds, 2),
        "per_partner_us": round(seconds / count * 1e6, 2),
        "building_the_partners_seconds": round(built, 3),
    }))  # fmt: skip


def bench_cross_sell(count: int, rng: random.Random) -> None:
    purchases = _purchases(count, max(1, count // 10), 200, rng)
    _settle()
    seconds, found = _timed(lambda: cross_sell(purchases, min_together=2))
    baseline, expected = _timed(lambda: _baseline_pairs(purchases, 2))
    pairs = {
        (p.product, p.also): (p.together, p.support, p.confidence, p.lift) for p in found.pairs
    }
    assert pairs == expected, "the pairs differ from the baseline's"
    print(json.dumps({
        "bench": "cross_sell", "lines": count, "baskets": found.baskets, "pairs": len(pairs),
        "seconds": round(seconds, 3), "baseline_seconds": round(baseline, 3),
        "speedup": round(baseline / seconds, 2),
        "per_line_us": round(seconds / count * 1e6, 2),
    }))  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--partners", type=int, default=100_000)
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=19)
    options = parser.parse_args()
    rng = random.Random(options.seed)
    bench_segments(options.partners, rng)
    bench_cross_sell(options.lines, rng)


if __name__ == "__main__":
    main()
