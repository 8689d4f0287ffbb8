"""Benchmark of crmcore.claims and the working calendar; prints one JSON object per line.

1. Due dates: ``WorkingCalendar.add_working_time`` of 40 working hours on a Moscow calendar
   with a lunch break and holiday rules, beside the floor of wall-clock arithmetic
   (``moment + timedelta``).
2. Self-service intake: ``register_claim_from_form`` on a valid payload and on a hostile one
   (100 kB of text, unknown fields, nested junk), beside decoding the same payload from JSON.
3. The three reports over generated claims, beside one pass that only counts claims per
   department.

Run: ``python benchmarks/claims/bench_claims.py [--claims N] [--calls N]``.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock

import attrs

from crmcore.claims import (
    Claimant,
    ClaimDraft,
    ClaimReason,
    ClaimResult,
    ClaimSettings,
    ClaimStatus,
    ReasonClassifier,
    claim_dynamics,
    claim_satisfaction,
    claim_structure,
    register_claim,
    register_claim_from_form,
)
from crmcore.errors import DomainValidationError
from crmcore.ids import ClaimId
from crmcore.partners import PartnerRole
from crmcore.workcalendar import HolidayRule, WorkingCalendar, WorkingPeriod

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
CALENDAR = WorkingCalendar(
    time_zone="Europe/Moscow",
    hours=(WorkingPeriod(start=clock(9), end=clock(13)),
           WorkingPeriod(start=clock(14), end=clock(18))),
    holiday_rules=(
        HolidayRule(name="New Year", rule="FREQ=YEARLY;BYMONTH=1;BYMONTHDAY=1,2,3,4,5,6,7,8"),
        HolidayRule(name="Victory Day", rule="FREQ=YEARLY;BYMONTH=5;BYMONTHDAY=9"),
    ),
)  # fmt: skip
SETTINGS = ClaimSettings(
    calendar=CALENDAR,
    reasons=ReasonClassifier(
        reasons=tuple(ClaimReason(code=c, name=c) for c in ("packaging", "delivery", "quality"))
    ),
)
VALID = {
    "name": "Анна Смирнова",
    "email": "a.smirnova@romashka.ru",
    "essence": "Ящики пришли разбитыми",
    "reasons": ["packaging"],
    "attachments": [{"name": "photo.jpg", "media_type": "image/jpeg", "size": 2048}],
}
HOSTILE = {
    "name": {"$ne": None},
    "email": "admin@localhost'; --",
    "essence": "\u202e" + "<script>" * 12_500,
    "status": "closed",
    "attachments": [{"name": "a" * 300, "size": -1, "nested": [[[{"x": None}]]]}] * 3,
    **{f"junk{i}": [i] for i in range(50)},
}


def emit(**figures: object) -> None:
    print(json.dumps(figures, ensure_ascii=False), flush=True)


def best_per_call(action: Callable[[], object], calls: int, rounds: int = 5) -> float:
    """The fastest of ``rounds`` timings of ``calls`` calls, in microseconds per call."""
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        for _ in range(calls):
            action()
        best = min(best, time.perf_counter() - started)
    return best / calls * 1e6


def bench_due_dates(calls: int) -> None:
    allowance = timedelta(hours=40)
    crmcore = best_per_call(lambda: CALENDAR.add_working_time(NOW, allowance), calls)
    floor = best_per_call(lambda: NOW + allowance, calls)
    emit(bench="due_date", crmcore_us=round(crmcore, 2), wall_clock_floor_us=round(floor, 3))


def bench_intake(calls: int) -> None:
    def register(payload: object) -> object:
        try:
            return register_claim_from_form(
                payload,
                claim_id=ClaimId("c-1"),
                now=NOW,
                settings=SETTINGS,  # type: ignore[arg-type]
            )
        except DomainValidationError as error:
            return error

    for name, payload in (("valid", VALID), ("hostile", HOSTILE)):
        text = json.dumps(payload, ensure_ascii=False)
        crmcore = best_per_call(lambda payload=payload: register(payload), calls)
        floor = best_per_call(lambda text=text: json.loads(text), calls)
        emit(bench="intake", payload=name, bytes=len(text.encode()),
             crmcore_us=round(crmcore, 1), json_decode_floor_us=round(floor, 1))  # fmt: skip


def generated_claims(count: int) -> list[object]:
    rng = random.Random(6)
    template = register_claim(
        ClaimDraft(claimant=Claimant(role=PartnerRole.CLIENT, name="Anna"), essence="Broken"),
        claim_id=ClaimId("c-0"), now=NOW, settings=SETTINGS,
    ).entity  # fmt: skip
    departments = ("Warehouse", "Sales", "Logistics", "Accounting", None)
    found = []
    for number in range(count):
        at = NOW - timedelta(hours=rng.randrange(24 * 365))
        decided = rng.random() < 0.7
        found.append(attrs.evolve(
            template, id=ClaimId(f"c-{number}"), registered_at=at, response_due=at,
            resolution_due=at, department=rng.choice(departments),
            reasons=tuple(rng.sample(("packaging", "delivery", "quality"), rng.randint(0, 2))),
            status=ClaimStatus.DECIDED if decided else ClaimStatus.REGISTERED,
            result=rng.choice(tuple(ClaimResult)) if decided else None,
            decided_at=at + timedelta(days=3) if decided else None,
        ))  # fmt: skip
    return found


def bench_reports(count: int) -> None:
    claims = generated_claims(count)
    start, end = date(2025, 3, 1), date(2026, 3, 31)
    timings = {}
    for name, report in (
        ("dynamics", lambda: claim_dynamics(claims, start=start, end=end)),  # type: ignore[arg-type]
        ("satisfaction", lambda: claim_satisfaction(claims)),  # type: ignore[arg-type]
        ("structure", lambda: claim_structure(claims)),  # type: ignore[arg-type]
        ("count_floor", lambda: Counter(c.department for c in claims)),  # type: ignore[attr-defined]
    ):
        started = time.perf_counter()
        report()
        timings[name] = round(time.perf_counter() - started, 3)
    emit(bench="reports", claims=count, seconds=timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=50_000)
    parser.add_argument("--calls", type=int, default=2_000)
    arguments = parser.parse_args()
    bench_due_dates(arguments.calls)
    bench_intake(max(arguments.calls // 10, 10))
    bench_reports(arguments.claims)


if __name__ == "__main__":
    main()
