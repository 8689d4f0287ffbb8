"""The three claim reports: examples a quality manager would check by hand, and totals that
agree with brute-force recounts over random claims."""

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from claim_samples import SETTINGS, draft
from hypothesis import given, settings
from hypothesis import strategies as st

from crmcore.claims import (
    Claim,
    Claimant,
    ClaimResult,
    ClaimStatus,
    InvestigationPlan,
    cancel,
    claim_dynamics,
    claim_satisfaction,
    claim_structure,
    decide,
    investigate,
    register_claim,
)
from crmcore.claims.reports import NO_DEPARTMENT, NO_REASON
from crmcore.errors import DomainValidationError
from crmcore.ids import ClaimId
from crmcore.partners import PartnerRole
from crmcore.testing.strategies import claims

START, END = date(2025, 1, 1), date(2027, 1, 31)
ANNA = Claimant(role=PartnerRole.CLIENT, name="Anna")
CLAIM_LISTS = st.lists(claims(claimants=[ANNA], plans=[InvestigationPlan()]), max_size=8)


def at(month: int, day: int) -> datetime:
    return datetime(2026, month, day, 12, 0, tzinfo=UTC)


def story() -> list[Claim]:
    """Five claims: two in January (one decided in February), three in February."""

    def registered(number: int, when: datetime, department: str, reasons: list[str]) -> Claim:
        outcome = register_claim(
            draft(department=department, reasons=reasons),
            claim_id=ClaimId(f"c-{number}"), now=when, settings=SETTINGS,
        )  # fmt: skip
        return outcome.entity

    first = investigate(registered(1, at(1, 10), "Warehouse", ["packaging"]), now=at(1, 11))
    decided = decide(first.entity, result="satisfied", now=at(2, 3)).entity
    second = registered(2, at(1, 20), "Sales", ["delivery", "packaging"])
    third = investigate(registered(3, at(2, 1), "Warehouse", []), now=at(2, 2)).entity
    rejected = decide(third, result="rejected", now=at(2, 4)).entity
    fourth = registered(4, at(2, 5), "Warehouse", ["quality"])
    cancelled = cancel(registered(5, at(2, 6), "Sales", []), now=at(2, 7), comment="Dup").entity
    return [decided, second, rejected, fourth, cancelled]


def test_dynamics_by_month_with_the_busiest_month_and_departments() -> None:
    report = claim_dynamics(iter(story()), start=date(2026, 1, 1), end=date(2026, 3, 31))
    rows = [(r.period.month, r.registered, r.processed, r.open) for r in report.rows]
    assert rows == [(1, 2, 0, 2), (2, 3, 3, 2), (3, 0, 0, 2)]
    assert report.busiest == date(2026, 2, 1)
    warehouse = [
        (r.period.month, r.registered, r.processed, r.open)
        for r in report.by_department
        if r.department == "Warehouse"
    ]
    assert warehouse == [(1, 1, 0, 1), (2, 2, 2, 1), (3, 0, 0, 1)]
    assert report.rows_for_spreadsheet()[:2] == [
        ("period", "department", "registered", "processed", "open"),
        ("2026-01-01", "", 2, 0, 2),
    ]
    assert report.table()[0].split() == ["period", "registered", "processed", "open"]


def test_dynamics_by_week_starts_on_mondays() -> None:
    report = claim_dynamics(story(), start=date(2026, 1, 5), end=date(2026, 1, 25), period="week")
    assert [r.period for r in report.rows] == [
        date(2026, 1, 5),
        date(2026, 1, 12),
        date(2026, 1, 19),
    ]
    assert [r.registered for r in report.rows] == [1, 0, 1]


def test_dynamics_refuses_an_unknown_period() -> None:
    with pytest.raises(DomainValidationError) as caught:
        claim_dynamics([], start=START, end=END, period="day")  # type: ignore[arg-type]
    assert caught.value.field == "period"
    assert claim_dynamics([], start=START, end=START).busiest is None
    assert claim_satisfaction([]).total.shares() == (Decimal("0.0"),) * 3


def test_satisfaction_shares_by_reason() -> None:
    report = claim_satisfaction(story(), classifier=SETTINGS.reasons)
    assert (report.total.decided, report.total.shares()) == (
        2, (Decimal("50.0"), Decimal("0.0"), Decimal("50.0")),
    )  # fmt: skip
    rows = {r.label: (r.satisfied, r.rejected) for r in report.by_reason}
    assert rows == {"Packaging": (1, 0), NO_REASON: (0, 1)}
    assert report.rows_for_spreadsheet()[1] == (
        "all claims", 2, Decimal("50.0"), Decimal("0.0"), Decimal("50.0"),
    )  # fmt: skip
    assert len(report.table()) == 5


def test_structure_by_department_and_reason_with_top_departments() -> None:
    report = claim_structure(story(), classifier=SETTINGS.reasons, top=1)
    assert [(r.label, r.claims, r.share) for r in report.departments] == [
        ("Warehouse", 3, Decimal("60.0")),
        ("Sales", 2, Decimal("40.0")),
    ]
    assert [r.label for r in report.top_departments] == ["Warehouse"]
    assert [(r.label, r.claims) for r in report.reasons] == [
        (NO_REASON, 2), ("Packaging", 2), ("Late delivery", 1), ("Quality", 1),
    ]  # fmt: skip
    assert report.rows_for_spreadsheet()[0] == ("by", "item", "claims", "share %")


def test_reports_stream_over_a_generator_once() -> None:
    def once() -> Iterator[Claim]:
        yield from story()

    assert claim_structure(once()).total == 5
    assert claim_satisfaction(once()).total.decided == 2


# --- brute-force recounts --------------------------------------------------------------------


def status_at(claim: Claim, moment: datetime) -> ClaimStatus | None:
    logged = [step.target for step in claim.history if step.at <= moment]
    if claim.registered_at > moment:
        return None
    return logged[-1] if logged else ClaimStatus.REGISTERED


def month_of(moment: datetime) -> date:
    return moment.astimezone(UTC).date().replace(day=1)


@settings(max_examples=30)
@given(CLAIM_LISTS)
def test_dynamics_agree_with_a_recount(found: list[Claim]) -> None:
    report = claim_dynamics(found, start=START, end=END)
    for row in report.rows:
        next_month = (row.period + timedelta(days=32)).replace(day=1)
        end = datetime.combine(next_month, datetime.min.time(), UTC) - timedelta(microseconds=1)
        assert row.registered == sum(month_of(c.registered_at) == row.period for c in found)
        assert row.processed == sum(
            any(s.target in {ClaimStatus.DECIDED, ClaimStatus.CANCELLED}
                and month_of(s.at) == row.period for s in c.history)
            for c in found
        )  # fmt: skip
        assert row.open == sum(
            (status := status_at(c, end)) is not None and status.is_open for c in found
        )
    for department in {c.department or NO_DEPARTMENT for c in found}:
        rows = [r for r in report.by_department if r.department == department]
        mine = [
            c
            for c in found
            if (c.department or NO_DEPARTMENT) == department
            and START <= month_of(c.registered_at) <= END
        ]
        assert sum(r.registered for r in rows) == len(mine)


@settings(max_examples=30)
@given(CLAIM_LISTS)
def test_satisfaction_agrees_with_a_recount(found: list[Claim]) -> None:
    report = claim_satisfaction(found)
    decided = [c for c in found if c.result is not None]
    assert report.total.decided == len(decided)
    assert report.total.satisfied == sum(c.result is ClaimResult.SATISFIED for c in decided)
    if decided:
        assert abs(sum(report.total.shares()) - 100) <= Decimal("0.2")
    for row in report.by_reason:
        assert row.reason is not None
        with_reason = [c for c in decided if row.reason in (c.reasons or (NO_REASON,))]
        assert row.decided == len(with_reason)
        assert row.rejected == sum(c.result is ClaimResult.REJECTED for c in with_reason)


@settings(max_examples=30)
@given(CLAIM_LISTS, st.integers(0, 4))
def test_structure_agrees_with_a_recount(found: list[Claim], top: int) -> None:
    report = claim_structure(found, top=top)
    assert report.total == len(found)
    assert sum(r.claims for r in report.departments) == len(found)
    for row in report.departments:
        assert row.claims == sum((c.department or NO_DEPARTMENT) == row.key for c in found)
    for row in report.reasons:
        assert row.claims == sum(row.key in (c.reasons or (NO_REASON,)) for c in found)
    counts = [r.claims for r in report.departments]
    assert counts == sorted(counts, reverse=True)
    assert report.top_departments == report.departments[:top]
