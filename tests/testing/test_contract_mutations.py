"""Mutation tests of the contract kit: for each kind of bug an adapter author has been seen to
write, a memory repository made faulty on purpose, and the contract test that must fail it.

Each faulty repository differs from the reference in one place; the same contract test passes
against the reference (tests/memory, tests/sql) and must fail here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import attrs
import pytest
from hypothesis import settings

from crmcore.claims import Claim, ClaimRepository
from crmcore.deals import Deal, DealRepository, StageChange, StageLog
from crmcore.errors import DuplicateEntityError
from crmcore.ids import PartnerId, PipelineId
from crmcore.interactions import Interaction, InteractionRepository
from crmcore.memory import (
    MemoryClaimRepository,
    MemoryDealRepository,
    MemoryInteractionRepository,
    MemoryPartnerRepository,
    MemoryRequestRepository,
    MemoryStageLog,
)
from crmcore.money import Money
from crmcore.partners import Partner, PartnerRepository
from crmcore.requests import Request, RequestRepository
from crmcore.testing.contracts import (
    ClaimRepositoryContract,
    DealRepositoryContract,
    InteractionRepositoryContract,
    PartnerRepositoryContract,
    RequestRepositoryContract,
    StageLogContract,
)
from crmcore.testing.live import LIVE
from crmcore.testing.stateful import request_repository_comparison, stage_log_comparison
from crmcore.visibility import AccessScope

_EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
_LATEST = datetime(2999, 1, 1, tzinfo=UTC)


class LocalOffsetTextStageLog(MemoryStageLog):
    """Keeps each moment as ISO text with its local offset and compares the texts, as a
    ``varchar`` column would: 10:00+03:00 sorts after 08:00Z, though it is 07:00Z."""

    def between(
        self,
        start: datetime,
        end: datetime,
        *,
        pipeline_id: PipelineId | None = None,
        scope: AccessScope | None = None,
    ) -> Iterator[StageChange]:
        every = super().between(_EARLIEST, _LATEST, pipeline_id=pipeline_id, scope=scope)
        low, high = start.isoformat(), end.isoformat()
        chosen = [change for change in every if low <= change.at.isoformat() < high]
        chosen.sort(key=lambda change: (change.at.isoformat(), change.deal_id, change.version))
        return iter(chosen)


class WallClockRequests(MemoryRequestRepository):
    """Compares moments by their wall clocks, dropping the offset, as a ``timestamp without
    time zone`` column does."""

    def find(self, **filters: Any) -> list[Request]:
        start, end = filters.pop("received_from", None), filters.pop("received_to", None)
        found = super().find(**filters)

        def wall(moment: datetime) -> datetime:
            return moment.replace(tzinfo=None)

        found = [
            request
            for request in found
            if (start is None or wall(request.received_at) >= wall(start))
            and (end is None or wall(request.received_at) < wall(end))
        ]
        return sorted(found, key=lambda request: (wall(request.received_at), request.id))


class NaiveMomentsStageLog(MemoryStageLog):
    """Takes a naive moment for UTC instead of refusing it."""

    def between(
        self,
        start: datetime,
        end: datetime,
        *,
        pipeline_id: PipelineId | None = None,
        scope: AccessScope | None = None,
    ) -> Iterator[StageChange]:
        start, end = (m if m.tzinfo else m.replace(tzinfo=UTC) for m in (start, end))
        return super().between(start, end, pipeline_id=pipeline_id, scope=scope)


class CollatedDeals(MemoryDealRepository):
    """Orders ids as a database's default collation does: ignoring case and punctuation."""

    def find(self, **filters: Any) -> list[Deal]:
        def collated(deal: Deal) -> tuple[str, str]:
            folded = deal.id.casefold()
            return ("".join(c for c in folded if c.isalnum()), folded)

        return sorted(super().find(**filters), key=collated)

    def iterate(self) -> Iterator[Deal]:
        return iter(self.find())


class OneCurrencyDeals(MemoryDealRepository):
    """Stores an amount's number only and reads it back in the house currency."""

    def add(self, deal: Deal) -> None:
        if deal.amount is not None:
            deal = attrs.evolve(deal, amount=Money.of(deal.amount.amount, "RUB"))
        super().add(deal)


class AsciiNamePartners(MemoryPartnerRepository):
    """Stores names in a column that only holds ASCII, replacing every other letter."""

    def add(self, partner: Partner) -> None:
        def ascii_only(text: str) -> str:
            return text.encode("ascii", "replace").decode("ascii")

        name = ascii_only(partner.short_name)
        super().add(attrs.evolve(partner, short_name=name))


class AsciiFoldingPartners(MemoryPartnerRepository):
    """Folds names with an ASCII-only ``lower()``, as SQLite's ``lower()`` and ``LIKE`` do."""

    def find_by_name_prefix(self, prefix: str, *, limit: int = 50) -> list[Partner]:
        def folded(text: str) -> str:
            return "".join(c.lower() if c.isascii() else c for c in text)

        wanted = folded(prefix)
        found = [
            partner
            for partner in self.iterate()
            if any(folded(name).startswith(wanted) for name in (partner.short_name,
                                                                 partner.full_name or ""))
        ]  # fmt: skip
        found.sort(key=lambda partner: (folded(partner.short_name), partner.id))
        return found[:limit]


class NoVersionBumpClaims(MemoryClaimRepository):
    """Lets a save through without a version bump (and then stores nothing)."""

    def save(self, claim: Claim, *, expected_version: int) -> None:
        if claim.version > expected_version:
            super().save(claim, expected_version=expected_version)


class NoLimitCheckInteractions(MemoryInteractionRepository):
    """Hands a negative ``limit`` to a slice, which drops the oldest instead of refusing."""

    def history(self, partner_id: PartnerId, *, limit: int | None = None) -> list[Interaction]:
        found = super().history(partner_id)
        return found if limit is None else found[:limit]


class KeylessErrorsStageLog(MemoryStageLog):
    """Reports a taken version as a duplicate of the deal, without the entry's id or key."""

    def append(self, change: StageChange) -> None:
        if any(c.version == change.version for c in self.of_deal(change.deal_id)):
            raise DuplicateEntityError("deal", change.deal_id)
        super().append(change)


def _stage_log(log: type[MemoryStageLog]) -> type[StageLogContract]:
    class Suite(StageLogContract):
        def make_repository(self) -> StageLog:
            return log()

    return Suite


class _Requests(RequestRepositoryContract):
    def make_repository(self) -> RequestRepository:
        return WallClockRequests()


class _CollatedDeals(DealRepositoryContract):
    def make_repository(self) -> DealRepository:
        return CollatedDeals()


class _OneCurrencyDeals(DealRepositoryContract):
    def make_repository(self) -> DealRepository:
        return OneCurrencyDeals()


class _Partners(PartnerRepositoryContract):
    def make_repository(self) -> PartnerRepository:
        return AsciiNamePartners()


class _AsciiFoldingPartners(PartnerRepositoryContract):
    def make_repository(self) -> PartnerRepository:
        return AsciiFoldingPartners()


class _Claims(ClaimRepositoryContract):
    def make_repository(self) -> ClaimRepository:
        return NoVersionBumpClaims()


class _Interactions(InteractionRepositoryContract):
    def make_repository(self) -> InteractionRepository:
        return NoLimitCheckInteractions()


MUTANTS: dict[str, tuple[type[Any], str]] = {
    "moments stored as local-offset text": (
        _stage_log(LocalOffsetTextStageLog),
        "test_ranges_compare_moments_written_in_any_zone_as_instants",
    ),
    "moments compared by wall clock": (
        _Requests,
        "test_windows_compare_moments_written_in_any_zone_as_instants",
    ),
    "naive moments taken for UTC": (
        _stage_log(NaiveMomentsStageLog),
        "test_ranges_refuse_naive_moments_naming_each",
    ),
    "ids ordered by a collation": (
        _CollatedDeals,
        "test_ids_are_ordered_by_code_point_not_by_a_collation",
    ),
    "one currency": (_OneCurrencyDeals, "test_amounts_keep_their_currency_and_minor_digits"),
    "ASCII-only names": (_Partners, "test_get_returns_an_equal_partner"),
    "ASCII-only case folding": (
        _AsciiFoldingPartners,
        "test_find_by_name_prefix_ignores_case_and_searches_full_names",
    ),
    "no version bump check": (_Claims, "test_save_without_a_version_bump_is_rejected"),
    "no limit check": (_Interactions, "test_history_is_newest_first_and_limited"),
    "errors without the entry's id and key": (
        _stage_log(KeylessErrorsStageLog),
        "test_append_of_a_taken_version_raises_and_keeps_the_first",
    ),
}


@pytest.mark.parametrize("bug", sorted(MUTANTS))
def test_the_contracts_fail_a_repository_with_the_bug(bug: str) -> None:
    suite, name = MUTANTS[bug]
    test: Callable[[], None] = getattr(suite(), name)
    with pytest.raises((AssertionError, pytest.fail.Exception)):
        test()


@pytest.mark.parametrize("bug", sorted(MUTANTS))
def test_the_same_contract_test_passes_against_the_reference(bug: str) -> None:
    suite, name = MUTANTS[bug]
    reference = next(base for base in suite.__mro__ if base.__module__.startswith("crmcore."))

    class Reference(reference):  # type: ignore[misc, valid-type]
        def make_repository(self) -> object:
            return _REFERENCES[reference]()

    getattr(Reference(), name)()


_REFERENCES: dict[type[Any], Callable[[], object]] = {
    StageLogContract: MemoryStageLog,
    RequestRepositoryContract: MemoryRequestRepository,
    DealRepositoryContract: MemoryDealRepository,
    PartnerRepositoryContract: MemoryPartnerRepository,
    ClaimRepositoryContract: MemoryClaimRepository,
    InteractionRepositoryContract: MemoryInteractionRepository,
}


def test_the_stateful_comparison_fails_a_log_of_local_offset_text() -> None:
    # Without shrinking (the live-store settings): the first failing sequence is enough here.
    quick = settings(LIVE, max_examples=100, database=None, derandomize=True)
    case = stage_log_comparison(LocalOffsetTextStageLog, settings=quick).TestCase
    with pytest.raises(AssertionError):
        case("runTest").runTest()


def test_the_stateful_comparison_fails_requests_compared_by_wall_clock() -> None:
    quick = settings(LIVE, max_examples=200, database=None, derandomize=True)
    case = request_repository_comparison(WallClockRequests, settings=quick).TestCase
    with pytest.raises(AssertionError):
        case("runTest").runTest()
