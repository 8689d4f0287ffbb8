"""The contract suites of the deals area's repositories: pipelines, deals and the stage log."""

from __future__ import annotations

from abc import ABC, abstractmethod
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, ClassVar

import attrs
import pytest

from crmcore.customfields import CustomValue
from crmcore.deals.builtin import LONG_PROJECT, MANUAL_SALE, TYPICAL_SALE
from crmcore.deals.kinds import DealKind, DealStatus
from crmcore.deals.model import Deal, StageChange
from crmcore.deals.pipeline import Pipeline
from crmcore.deals.repository import DealRepository, PipelineRepository, StageLog
from crmcore.errors import DomainValidationError, DuplicateEntityError
from crmcore.ids import DealId, EntityRef, PartnerId, PipelineId, UserId
from crmcore.money import Money
from crmcore.testing.contracts._common import (
    CODE_POINT_IDS,
    CREATED_AT,
    CURRENCIES,
    MOMENTS_IN_ZONES,
    Contract,
    VersionedRepositoryContract,
    in_zone,
    instant,
    run_in_threads,
    windows_in_zones,
    within,
)

__all__ = ["DealRepositoryContract", "PipelineRepositoryContract", "StageLogContract"]


class PipelineRepositoryContract(VersionedRepositoryContract[Pipeline], ABC):
    """The behaviour every :class:`~crmcore.deals.PipelineRepository` must show."""

    entity_type: ClassVar[str] = "pipeline"

    @abstractmethod
    def make_repository(self) -> PipelineRepository:
        """A new, empty repository."""

    def make_entity(self) -> Pipeline:
        """The built-in manual sale."""
        return MANUAL_SALE

    def moved(self, entity: Pipeline) -> Pipeline:
        """``entity`` made a controlled sale."""
        return attrs.evolve(entity, kind=DealKind.CONTROLLED, win_at_any_stage=False)

    def found_by_keys(
        self, repository: PipelineRepository, entity: Pipeline
    ) -> list[list[Pipeline]]:
        """The pipelines of ``entity``'s kind."""
        return [repository.of_kind(entity.kind)]

    def test_get_returns_an_equal_pipeline(self) -> None:
        repository = self.make_repository()
        for pipeline in (TYPICAL_SALE, MANUAL_SALE, LONG_PROJECT):
            repository.add(pipeline)
        assert repository.get(TYPICAL_SALE.id) == TYPICAL_SALE
        assert repository.get(LONG_PROJECT.id).stages == ()

    def test_of_kind_and_iterate_are_ordered_by_id(self) -> None:
        repository = self.make_repository()
        second = attrs.evolve(TYPICAL_SALE, id=PipelineId("a_tender"))
        for pipeline in (TYPICAL_SALE, LONG_PROJECT, second):
            repository.add(pipeline)
        assert [p.id for p in repository.of_kind(DealKind.CONTROLLED)] == [
            "a_tender",
            "typical_sale",
        ]
        assert [p.id for p in repository.iterate()] == ["a_tender", "long_project", "typical_sale"]


def _deal(deal_id: str = "d-1", **changes: Any) -> Deal:
    deal = Deal(
        id=DealId(deal_id),
        title="Трубы для «Ромашки»",
        partner_id=PartnerId("p-1"),
        pipeline_id=TYPICAL_SALE.id,
        kind=DealKind.CONTROLLED,
        stage="first_contact",
        responsible_manager=UserId("u-1"),
        created_at=CREATED_AT,
        stage_entered_at=CREATED_AT,
    )
    return attrs.evolve(deal, **changes)


class DealRepositoryContract(VersionedRepositoryContract[Deal], ABC):
    """The behaviour every :class:`~crmcore.deals.DealRepository` must show."""

    entity_type: ClassVar[str] = "deal"

    @abstractmethod
    def make_repository(self) -> DealRepository:
        """A new, empty repository."""

    def make_deal(self, deal_id: str = "d-1", **changes: Any) -> Deal:
        """A valid open deal at the first stage of the typical sale; ``changes`` override."""
        return _deal(deal_id, **changes)

    def make_full_deal(self) -> Deal:
        """A lost deal with every field set, to check that nothing is lost in storage."""
        custom: dict[str, CustomValue] = {
            "budget": Money.of("1.50", "EUR"),
            "tender": True,
            "rank": Decimal("2.5"),
            "due": date(2026, 5, 1),
        }
        return self.make_deal(
            "d-full",
            stage="negotiation",
            status=DealStatus.LOST,
            amount=Money.of("1250000.50", "RUB"),
            expected_close=date(2026, 6, 30),
            co_executors=frozenset({UserId("u-2"), UserId("u-3")}),
            documents=(
                EntityRef(entity_type="agreement", entity_id="a-1"),
                EntityRef(entity_type="commercial_offer", entity_id="o-1"),
            ),
            custom=custom,
            lost_reason="price",
            competitor_id=PartnerId("p-rival"),
            lost_comment="Конкурент дал скидку 7 %",
            closed_at=CREATED_AT + timedelta(days=40),
            stage_entered_at=CREATED_AT + timedelta(days=20),
        )

    def make_entity(self) -> Deal:
        """The deal of :meth:`make_deal`."""
        return self.make_deal()

    def moved(self, entity: Deal) -> Deal:
        """``entity`` won, of partner ``p-2``, managed by ``u-2``."""
        return attrs.evolve(
            entity, status=DealStatus.WON, closed_at=CREATED_AT, partner_id=PartnerId("p-2"),
            responsible_manager=UserId("u-2"),
        )  # fmt: skip

    def found_by_keys(self, repository: DealRepository, entity: Deal) -> list[list[Deal]]:
        """The deals found by ``entity``'s status, partner and manager."""
        return [
            repository.find(status=entity.status),
            repository.find(partner_id=entity.partner_id),
            repository.find(responsible_manager=entity.responsible_manager),
        ]

    test_save_of_a_deal_never_added_raises_not_found = (
        VersionedRepositoryContract.save_of_an_entity_never_added_raises_not_found
    )

    def test_get_returns_an_equal_deal_with_every_field(self) -> None:
        repository = self.make_repository()
        deal = self.make_full_deal()
        repository.add(deal)
        assert repository.get(deal.id) == deal

    def test_find_combines_filters_and_orders_by_id(self) -> None:
        repository = self.make_repository()
        repository.add(self.make_deal("d-3"))
        repository.add(self.make_deal("d-1", responsible_manager=UserId("u-2")))
        repository.add(self.make_deal("d-2", partner_id=PartnerId("p-2")))
        assert [d.id for d in repository.find()] == ["d-1", "d-2", "d-3"]
        assert [d.id for d in repository.find(partner_id=PartnerId("p-1"))] == ["d-1", "d-3"]
        found = repository.find(partner_id=PartnerId("p-1"), responsible_manager=UserId("u-1"))
        assert [d.id for d in found] == ["d-3"]
        assert repository.find(pipeline_id=PipelineId("manual_sale")) == []
        assert repository.count() == 3

    def test_closing_between_finds_open_deals_by_expected_close(self) -> None:
        repository = self.make_repository()
        repository.add(self.make_deal("d-1", expected_close=date(2026, 3, 31)))
        repository.add(self.make_deal("d-2", expected_close=date(2026, 3, 1)))
        repository.add(self.make_deal("d-3", expected_close=date(2026, 4, 1)))
        repository.add(self.make_deal("d-4"))
        repository.add(
            self.make_deal(
                "d-5", expected_close=date(2026, 3, 1), status=DealStatus.WON, closed_at=CREATED_AT
            )
        )
        found = repository.closing_between(date(2026, 3, 1), date(2026, 4, 1))
        assert [d.id for d in found] == ["d-2", "d-1"]

    def test_ids_are_ordered_by_code_point_not_by_a_collation(self) -> None:
        repository = self.make_repository()
        for deal_id in reversed(CODE_POINT_IDS):
            repository.add(self.make_deal(deal_id))
        assert [d.id for d in repository.find()] == list(CODE_POINT_IDS)
        assert [d.id for d in repository.iterate()] == list(CODE_POINT_IDS)

    def test_amounts_keep_their_currency_and_minor_digits(self) -> None:
        repository = self.make_repository()
        deals = [
            self.make_deal(f"d-{currency}", amount=Money.of("1234.567", currency))
            for currency in CURRENCIES
        ]
        for deal in deals:
            repository.add(deal)
        assert [repository.get(deal.id).amount for deal in deals] == [d.amount for d in deals]


def _entry(deal_id: str, version: int, *, minutes: int, **changes: Any) -> StageChange:
    entry = StageChange(
        deal_id=DealId(deal_id),
        pipeline_id=TYPICAL_SALE.id,
        to_stage="first_contact",
        status=DealStatus.OPEN,
        at=CREATED_AT + timedelta(minutes=minutes),
        version=version,
    )
    return attrs.evolve(entry, **changes)


def _in_time_order(change: StageChange) -> tuple[object, ...]:
    """The order of :meth:`~crmcore.deals.StageLog.between`, by instant (Python compares two
    datetimes of one zone by wall-clock time, which a repeated hour reverses)."""
    return (instant(change.at), change.deal_id, change.version)


class StageLogContract(Contract, ABC):
    """The behaviour every :class:`~crmcore.deals.StageLog` must show."""

    @abstractmethod
    def make_repository(self) -> StageLog:
        """A new, empty stage log."""

    def make_entry(
        self, deal_id: str, version: int, *, minutes: int, **changes: Any
    ) -> StageChange:
        """A valid entry of ``deal_id`` at ``version``, ``minutes`` after a fixed moment."""
        return _entry(deal_id, version, minutes=minutes, **changes)

    def test_of_deal_returns_equal_entries_ordered_by_version(self) -> None:
        log = self.make_repository()
        moved = self.make_entry(
            "d-1",
            2,
            minutes=5,
            from_stage="first_contact",
            to_stage="qualification",
            from_status=DealStatus.OPEN,
            by=UserId("u-1"),
            reason="Бюджет согласован",
            amount=Money.of("10.50", "RUB"),
        )
        opened = self.make_entry("d-1", 1, minutes=0)
        log.append(moved)
        log.append(opened)
        log.append(self.make_entry("d-2", 1, minutes=1))
        assert log.of_deal(DealId("d-1")) == [opened, moved]
        assert log.of_deal(DealId("d-404")) == []
        assert log.count() == 3

    def test_append_of_a_taken_version_raises_and_keeps_the_first(self) -> None:
        log = self.make_repository()
        first = self.make_entry("d-1", 1, minutes=0)
        log.append(first)
        with pytest.raises(DuplicateEntityError) as raised:
            log.append(self.make_entry("d-1", 1, minutes=9))
        error = raised.value
        assert (error.entity_type, error.entity_id, error.key) == (
            "stage_change",
            "d-1@1",
            "version",
        )
        assert log.of_deal(DealId("d-1")) == [first]
        assert log.count() == 1

    def test_between_is_a_half_open_range_in_time_order(self) -> None:
        log = self.make_repository()
        for deal_id, version, minutes in (
            ("d-2", 1, 10),
            ("d-1", 1, 10),
            ("d-1", 2, 20),
            ("d-3", 1, 0),
            ("d-3", 2, 30),
        ):
            log.append(self.make_entry(deal_id, version, minutes=minutes))
        start = CREATED_AT + timedelta(minutes=10)
        found = log.between(start, start + timedelta(minutes=20))
        assert [(c.deal_id, c.version) for c in found] == [("d-1", 1), ("d-2", 1), ("d-1", 2)]

    def test_between_filters_by_pipeline(self) -> None:
        log = self.make_repository()
        log.append(self.make_entry("d-1", 1, minutes=0))
        other = self.make_entry("d-2", 1, minutes=0, pipeline_id=MANUAL_SALE.id)
        log.append(other)
        end = CREATED_AT + timedelta(days=1)
        assert list(log.between(CREATED_AT, end, pipeline_id=MANUAL_SALE.id)) == [other]

    def test_by_deal_groups_the_range_by_deal_in_version_order(self) -> None:
        log = self.make_repository()
        for deal_id, version, minutes, pipeline in (
            ("d-2", 1, 10, TYPICAL_SALE),
            ("d-1", 1, 10, TYPICAL_SALE),
            ("d-2", 2, 15, MANUAL_SALE),
            ("d-1", 2, 20, TYPICAL_SALE),
            ("d-3", 1, 0, TYPICAL_SALE),
            ("d-3", 2, 30, TYPICAL_SALE),
            ("d-1", 3, 29, TYPICAL_SALE),
        ):
            log.append(self.make_entry(deal_id, version, minutes=minutes, pipeline_id=pipeline.id))
        start, end = CREATED_AT + timedelta(minutes=10), CREATED_AT + timedelta(minutes=30)
        found = [(c.deal_id, c.version) for c in log.by_deal(start, end)]
        assert found == [("d-1", 1), ("d-1", 2), ("d-1", 3), ("d-2", 1), ("d-2", 2)]
        assert sorted(log.by_deal(start, end), key=_in_time_order) == list(log.between(start, end))
        typical = log.by_deal(start, end, pipeline_id=TYPICAL_SALE.id)
        assert [(c.deal_id, c.version) for c in typical] == [("d-1", 1), ("d-1", 2), ("d-1", 3),
                                                              ("d-2", 1)]  # fmt: skip

    def test_ranges_compare_moments_written_in_any_zone_as_instants(self) -> None:
        log = self.make_repository()
        entries = [
            self.make_entry(f"d-{number}", 1, minutes=0, at=at)
            for number, at in enumerate(MOMENTS_IN_ZONES)
        ]
        for entry in reversed(entries):
            log.append(entry)
        for start, end in windows_in_zones():
            inside = [entry for entry in entries if within(entry.at, start, end)]
            # Compared as instants: Python never finds a moment of a repeated hour equal to
            # one written in another zone, even at the same instant.
            found = [_in_time_order(c) for c in log.between(start, end)]
            assert found == sorted(map(_in_time_order, inside)), (start, end)
            by_deal = [(c.deal_id, c.version) for c in log.by_deal(start, end)]
            assert by_deal == sorted((c.deal_id, c.version) for c in inside), (start, end)

    def test_ranges_refuse_naive_moments_naming_each(self) -> None:
        log = self.make_repository()
        log.append(self.make_entry("d-1", 1, minutes=0))
        naive = CREATED_AT.replace(tzinfo=None)
        for query in (log.between, log.by_deal):
            with pytest.raises(DomainValidationError) as raised:
                query(naive, naive + timedelta(days=1))
            assert raised.value.fields == ("start", "end")

    def test_entries_at_one_instant_in_other_offsets_are_ordered_by_deal(self) -> None:
        log = self.make_repository()
        at = MOMENTS_IN_ZONES[3]
        written = [in_zone(at, number) for number in range(4)]
        for deal_id, moment in zip(("d-4", "d-3", "d-2", "d-1"), written, strict=True):
            log.append(self.make_entry(deal_id, 1, minutes=0, at=moment))
        found = list(log.between(in_zone(at, 5), in_zone(at + timedelta(seconds=1), 6)))
        assert [c.deal_id for c in found] == ["d-1", "d-2", "d-3", "d-4"]
        assert [c.at for c in found] == [at] * 4

    def test_concurrent_appends_of_one_version_keep_one(self) -> None:
        self.require_concurrency()
        log = self.make_repository()
        appended: list[int] = []

        def worker(number: int) -> None:
            try:
                log.append(self.make_entry("d-1", 1, minutes=number))
            except DuplicateEntityError:
                return
            appended.append(number)

        run_in_threads(worker, count=self.thread_count)
        assert len(appended) == 1
        assert log.count() == 1
