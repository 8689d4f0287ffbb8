"""The contract suite of the rules engine's ledger of firings."""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from datetime import UTC, datetime, timedelta
from typing import Any

import attrs

from crmcore.rules import Firing, RuleLedger
from crmcore.testing.contracts._common import Contract

__all__ = ["RuleLedgerContract"]

AT = datetime(2026, 6, 1, 9, tzinfo=UTC)


class RuleLedgerContract(Contract, ABC):
    """The behaviour every :class:`~crmcore.rules.RuleLedger` must show."""

    @abstractmethod
    def make_ledger(self) -> RuleLedger:
        """A new, empty ledger."""

    def make_firing(self, **changes: Any) -> Firing:
        """A firing of rule ``sms`` for request ``q-1``, counted per client ``p-1``."""
        firing = Firing(
            rule_id="sms", rule_version=1, entity="request", entity_id="q-1", at=AT,
            caused_by="request.registered", actions=("sms_client",),
            throttle_key="partner_id=p-1",
        )  # fmt: skip
        return attrs.evolve(firing, **changes)

    def test_an_empty_ledger_knows_no_firing(self) -> None:
        ledger = self.make_ledger()
        assert ledger.count("sms", throttle_key="partner_id=p-1", since=AT) == 0
        assert not ledger.fired_for("sms", entity="request", entity_id="q-1")
        assert ledger.history(entity="request", entity_id="q-1") == ()

    def test_firings_are_counted_by_rule_key_and_moment(self) -> None:
        ledger = self.make_ledger()
        ledger.record(self.make_firing(at=AT - timedelta(days=2)))
        ledger.record(self.make_firing(at=AT, rule_version=2))
        ledger.record(self.make_firing(at=AT, throttle_key="partner_id=p-2"))
        ledger.record(self.make_firing(at=AT, rule_id="other"))
        assert ledger.count("sms", throttle_key="partner_id=p-1", since=AT) == 1
        assert ledger.count("sms", throttle_key="partner_id=p-1", since=AT - timedelta(days=3)) == 2
        assert ledger.count("sms", throttle_key="partner_id=p-1", since=AT + timedelta(1)) == 0
        assert ledger.count("sms", throttle_key="", since=AT - timedelta(days=3)) == 0

    def test_whether_a_rule_fired_for_a_record(self) -> None:
        ledger = self.make_ledger()
        ledger.record(self.make_firing())
        assert ledger.fired_for("sms", entity="request", entity_id="q-1")
        assert not ledger.fired_for("sms", entity="request", entity_id="q-2")
        assert not ledger.fired_for("sms", entity="deal", entity_id="q-1")
        assert not ledger.fired_for("other", entity="request", entity_id="q-1")

    def test_a_records_history_is_its_firings_oldest_first(self) -> None:
        ledger = self.make_ledger()
        late = self.make_firing(rule_id="late", at=AT + timedelta(hours=1))
        first = self.make_firing(rule_id="first")
        second = self.make_firing(rule_id="second")
        elsewhere = self.make_firing(entity_id="q-2")
        for firing in (late, first, second, elsewhere, first):
            ledger.record(firing)
        assert ledger.history(entity="request", entity_id="q-1") == (first, second, first, late)
        assert ledger.history(entity="request", entity_id="q-2") == (elsewhere,)

    def test_firings_recorded_from_several_threads_are_all_kept(self) -> None:
        self.require_concurrency()
        ledger = self.make_ledger()

        def record(number: int) -> None:
            for step in range(20):
                ledger.record(self.make_firing(at=AT + timedelta(seconds=number * 100 + step)))

        threads = [threading.Thread(target=record, args=(n,)) for n in range(self.thread_count)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        expected = self.thread_count * 20
        assert ledger.count("sms", throttle_key="partner_id=p-1", since=AT) == expected
        assert len(ledger.history(entity="request", entity_id="q-1")) == expected
