"""The contract suite of the rules area's repository."""

from __future__ import annotations

from abc import ABC, abstractmethod
from datetime import timedelta
from typing import Any, ClassVar

import attrs
import pytest

from crmcore.errors import (
    ConcurrencyConflictError,
    DomainValidationError,
    DuplicateEntityError,
    EntityNotFoundError,
)
from crmcore.ids import RuleId
from crmcore.rules import (
    AssignManager,
    CallWebhook,
    CreateTask,
    FieldCondition,
    FieldMapping,
    MappingRow,
    Not,
    RoundRobin,
    Rule,
    RuleRepository,
    SetFields,
    Trigger,
    TriggerKind,
)
from crmcore.testing.contracts._common import CREATED_AT, VersionedRepositoryContract

__all__ = ["RuleRepositoryContract"]


def _rule(rule_id: str = "r-1", **changes: Any) -> Rule:
    rule = Rule(
        id=RuleId(rule_id),
        name="Big deals",
        trigger=Trigger(entity="deal", on=TriggerKind.CREATED),
        when=FieldCondition(field="amount", op="gt", value=100000),
        then=(CreateTask(title="Call {{ title }}"),),
    )
    return attrs.evolve(rule, **changes)


class RuleRepositoryContract(VersionedRepositoryContract[Rule], ABC):
    """The behaviour every :class:`~crmcore.rules.RuleRepository` must show."""

    entity_type: ClassVar[str] = "rule"

    @abstractmethod
    def make_repository(self) -> RuleRepository:
        """A new, empty repository."""

    def make_rule(self, rule_id: str = "r-1", **changes: Any) -> Rule:
        """A valid rule on created deals."""
        return _rule(rule_id, **changes)

    def make_full_rule(self) -> Rule:
        """A rule with every part set, to check that nothing is lost."""
        strategy = FieldMapping(
            rows=(
                MappingRow(
                    when=FieldCondition(field="region", op="in", value=("a", "b")), team="east"
                ),
            ),
            otherwise=RoundRobin(team="sales"),
        )
        return self.make_rule(
            "r-full", enabled=False, priority=-3, stop_processing=True,
            trigger=Trigger(
                entity="request", on=TriggerKind.CHANGED, fields=("region",), to_value="east"
            ),
            when=Not(condition=FieldCondition(field="source", op="eq", value="web")),
            then=(
                AssignManager(strategy=strategy, working_hours=True),
                SetFields(values={"status": "new"}),
                CallWebhook(url="https://hooks.example.com/r", body='{"id": "{{ id }}"}'),
            ),
            version=3, effective_from=CREATED_AT, effective_until=CREATED_AT + timedelta(days=30),
        )  # fmt: skip

    def make_entity(self) -> Rule:
        """The rule of :meth:`make_rule`."""
        return self.make_rule()

    def moved(self, entity: Rule) -> Rule:
        """``entity`` triggered by a created request."""
        return attrs.evolve(entity, trigger=Trigger(entity="request", on=TriggerKind.CREATED))

    def found_by_keys(self, repository: RuleRepository, entity: Rule) -> list[list[Rule]]:
        """The latest rules about ``entity``'s trigger entity."""
        return [list(repository.list(entity=entity.trigger.entity))]

    test_save_of_a_rule_never_added_raises_not_found = (
        VersionedRepositoryContract.save_of_an_entity_never_added_raises_not_found
    )

    def test_get_returns_an_equal_rule_with_every_part(self) -> None:
        repository = self.make_repository()
        full = self.make_full_rule()
        repository.add(full)
        assert repository.get(full.id) == full
        assert repository.versions(full.id) == (full,)

    def test_unknown_ids_raise_not_found(self) -> None:
        repository = self.make_repository()
        for read in (repository.get, repository.versions):
            with pytest.raises(EntityNotFoundError) as raised:
                read(RuleId("nowhere"))
            assert (raised.value.entity_type, raised.value.entity_id) == ("rule", "nowhere")

    def test_add_of_a_taken_id_raises_and_keeps_the_first(self) -> None:
        repository = self.make_repository()
        repository.add(self.make_rule())
        with pytest.raises(DuplicateEntityError):
            repository.add(self.make_rule(name="Other"))
        assert repository.versions(RuleId("r-1")) == (self.make_rule(),)

    def test_save_keeps_every_version_and_checks_the_expected_one(self) -> None:
        repository = self.make_repository()
        first = self.make_rule()
        repository.add(first)
        second = attrs.evolve(first, version=2, name="Bigger deals")
        repository.save(second, expected_version=1)
        assert repository.get(first.id) == second
        assert repository.versions(first.id) == (first, second)
        with pytest.raises(ConcurrencyConflictError):
            repository.save(attrs.evolve(second, version=3), expected_version=1)
        with pytest.raises(DomainValidationError):
            repository.save(attrs.evolve(second, version=2), expected_version=2)
        assert repository.versions(first.id) == (first, second)

    def test_list_filters_by_entity_and_enabled_ordered_by_id(self) -> None:
        repository = self.make_repository()
        request = Trigger(entity="request", on=TriggerKind.CREATED)
        for rule in (
            self.make_rule("r-3"),
            self.make_rule("r-1", enabled=False),
            self.make_rule("r-2", trigger=request),
        ):
            repository.add(rule)
        repository.save(self.make_rule("r-3", version=2, name="Second"), expected_version=1)
        assert [r.id for r in repository.list()] == ["r-1", "r-2", "r-3"]
        assert [r.id for r in repository.list(entity="deal")] == ["r-1", "r-3"]
        assert [r.id for r in repository.list(enabled=True)] == ["r-2", "r-3"]
        assert [r.id for r in repository.list(entity="claim")] == []
        every = repository.list(entity="deal", all_versions=True)
        assert [(r.id, r.version) for r in every] == [("r-1", 1), ("r-3", 1), ("r-3", 2)]
