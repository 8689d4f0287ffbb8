"""The contract suite of the store of rules' waiting steps."""

from __future__ import annotations

from abc import ABC, abstractmethod
from datetime import UTC, datetime, timedelta
from typing import Any

import attrs

from crmcore.rules import PendingSteps, WaitDue
from crmcore.testing.contracts._common import Contract

__all__ = ["PendingStepsContract"]

AT = datetime(2026, 6, 1, 9, tzinfo=UTC)


class PendingStepsContract(Contract, ABC):
    """The behaviour every :class:`~crmcore.rules.PendingSteps` must show."""

    @abstractmethod
    def make_steps(self) -> PendingSteps:
        """A new, empty store."""

    def make_step(self, **changes: Any) -> WaitDue:
        """Step 0 of rule ``unanswered`` for request ``q-1``, due at ``AT``."""
        step = WaitDue(
            rule_id="unanswered", rule_version=1, step=0, entity="request", entity_id="q-1",
            due_at=AT, caused_by="request.registered",
        )  # fmt: skip
        return attrs.evolve(step, **changes)

    def test_steps_come_due_earliest_first(self) -> None:
        steps = self.make_steps()
        late = self.make_step(entity_id="q-2", due_at=AT + timedelta(days=1))
        first, second = self.make_step(), self.make_step(step=1)
        for step in (late, first, second, first):
            steps.add(step)
        assert steps.due(until=AT - timedelta(seconds=1)) == ()
        assert steps.due(until=AT) == (first, second)
        assert steps.due(until=AT + timedelta(days=2)) == (first, second, late)

    def test_a_removed_step_no_longer_comes_due(self) -> None:
        steps = self.make_steps()
        first, other = self.make_step(), self.make_step(entity_id="q-2")
        steps.add(first)
        steps.add(other)
        steps.remove(first)
        steps.remove(first)
        steps.remove(self.make_step(rule_id="never-added"))
        assert steps.due(until=AT) == (other,)
