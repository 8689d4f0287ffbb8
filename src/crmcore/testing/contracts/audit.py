"""The contract suite of the audit trail: append-only, read back per record in order."""

from __future__ import annotations

from abc import ABC, abstractmethod
from datetime import timedelta, timezone
from decimal import Decimal
from typing import Any

import attrs
import pytest

from crmcore.access.audit import AuditEntry, FieldChange
from crmcore.access.repository import AuditTrail
from crmcore.errors import DomainValidationError, DuplicateEntityError
from crmcore.testing.contracts._common import CREATED_AT, Contract, run_in_threads

__all__ = ["AuditTrailContract"]

_MOSCOW = timezone(timedelta(hours=3))


class AuditTrailContract(Contract, ABC):
    """The behaviour every :class:`~crmcore.access.AuditTrail` must show."""

    @abstractmethod
    def make_repository(self) -> AuditTrail:
        """A new, empty audit trail."""

    def make_entry(self, entry_id: str = "a-1", **changes: Any) -> AuditEntry:
        """A valid entry of deal ``d-1`` changing its title; ``changes`` override."""
        entry = AuditEntry(
            id=entry_id,
            at=CREATED_AT,
            actor="u-anna",
            command="edit_deal",
            entity_type="deal",
            entity_id="d-1",
            version=2,
            changes=(FieldChange(field="title", before="Pumps", after="Valves"),),
        )
        return attrs.evolve(entry, **changes)

    def test_entries_are_read_back_per_record_in_the_order_appended(self) -> None:
        trail = self.make_repository()
        first = self.make_entry("a-2", at=CREATED_AT + timedelta(hours=1))
        second = self.make_entry("a-1", at=CREATED_AT.astimezone(_MOSCOW), version=3)
        other = self.make_entry("a-3", entity_id="d-2", rule_id="r-1")
        for entry in (first, other, second):
            trail.append(entry)
        assert trail.of_record("deal", "d-1") == [first, second]
        assert trail.of_record("deal", "d-2") == [other]
        assert trail.of_record("claim", "d-1") == []
        assert trail.count() == 3

    def test_values_of_every_json_kind_round_trip(self) -> None:
        trail = self.make_repository()
        values: list[object] = [None, True, 7, "текст", ["a", 1], {"amount": "10.50"}]
        changes = tuple(
            FieldChange(field=f"f{index}", before=value, after=str(Decimal(index)))
            for index, value in enumerate(values)
        )
        entry = self.make_entry(changes=changes)
        trail.append(entry)
        assert trail.of_record("deal", "d-1") == [entry]

    def test_appending_an_id_twice_raises_duplicate_and_keeps_the_first(self) -> None:
        trail = self.make_repository()
        trail.append(self.make_entry())
        with pytest.raises(DuplicateEntityError) as raised:
            trail.append(self.make_entry(actor="u-boris"))
        assert raised.value.entity_id == "a-1"
        assert [entry.actor for entry in trail.of_record("deal", "d-1")] == ["u-anna"]

    def test_only_an_entry_is_appended(self) -> None:
        trail = self.make_repository()
        with pytest.raises(DomainValidationError):
            trail.append("not an entry")  # type: ignore[arg-type]
        assert trail.count() == 0

    def test_concurrent_appends_keep_every_entry(self) -> None:
        self.require_concurrency()
        trail = self.make_repository()
        entries = [self.make_entry(f"a-{index}") for index in range(self.thread_count)]
        run_in_threads(lambda number: trail.append(entries[number]), count=self.thread_count)
        assert trail.count() == len(entries)
        assert {entry.id for entry in trail.of_record("deal", "d-1")} == {e.id for e in entries}
