"""The rules repository contract and the facts over mappings, against the memory host."""

from __future__ import annotations

from crmcore.memory.rules import MemoryFacts, MemoryRuleRepository
from crmcore.rules import RuleRepository
from crmcore.testing.contracts.rules import RuleRepositoryContract


class TestMemoryRuleRepository(RuleRepositoryContract):
    def make_repository(self) -> RuleRepository:
        return MemoryRuleRepository()


def test_memory_facts_answer_what_they_hold_and_none_otherwise() -> None:
    facts = MemoryFacts(
        records={"partner": {"p-1": {"id": "p-1", "region": "Siberia"}}},
        facts={("partner", "p-1"): {"last_purchase_amount": 10}},
    )
    assert facts.record("partner", "p-1") == {"id": "p-1", "region": "Siberia"}
    assert facts.record("deal", "p-1") is None
    assert facts.fact("partner", "p-1", "last_purchase_amount") == 10
    assert facts.fact("partner", "p-2", "last_purchase_amount") is None


def test_the_memory_repository_matches_the_reference_under_random_calls() -> None:
    from hypothesis import settings  # noqa: PLC0415

    from crmcore.testing.stateful import rule_repository_comparison  # noqa: PLC0415

    machine = rule_repository_comparison(
        MemoryRuleRepository, settings=settings(max_examples=30, deadline=None)
    )
    machine.TestCase().runTest()


class _ForgetsVersions(MemoryRuleRepository):
    """A broken repository: it lists only the latest versions, even when asked for all."""

    def list(
        self, *, entity: str | None = None, enabled: bool | None = None, all_versions: bool = False
    ):  # type: ignore[no-untyped-def]
        return super().list(entity=entity, enabled=enabled)


def test_the_comparison_catches_a_repository_that_forgets_versions() -> None:
    import pytest  # noqa: PLC0415
    from hypothesis import Phase, settings  # noqa: PLC0415

    from crmcore.testing.stateful import rule_repository_comparison  # noqa: PLC0415

    quick = settings(max_examples=100, deadline=None, database=None, phases=[Phase.generate])
    machine = rule_repository_comparison(_ForgetsVersions, settings=quick)
    with pytest.raises(AssertionError, match="reference gave"):
        machine.TestCase().runTest()


def test_every_stored_version_keeps_who_changed_the_rule_when_and_why() -> None:
    from datetime import UTC, datetime  # noqa: PLC0415

    import attrs  # noqa: PLC0415

    from crmcore.rules import Rule, SendMessage, Trigger, TriggerKind  # noqa: PLC0415

    first = Rule(
        id="r", name="Greet", trigger=Trigger(entity="deal", on=TriggerKind.CREATED),
        then=(SendMessage(text="Hi"),), author="anna",
        changed_at=datetime(2026, 5, 1, tzinfo=UTC), comment="First version",
    )  # fmt: skip
    second = attrs.evolve(
        first, version=2, author="boris", changed_at=datetime(2026, 5, 2, tzinfo=UTC),
        comment="  Greet warmly\n",
    )  # fmt: skip
    repository = MemoryRuleRepository()
    repository.add(first)
    repository.save(second, expected_version=1)
    audit = [(r.version, r.author, r.changed_at, r.comment) for r in repository.versions("r")]
    assert audit == [
        (1, "anna", datetime(2026, 5, 1, tzinfo=UTC), "First version"),
        (2, "boris", datetime(2026, 5, 2, tzinfo=UTC), "Greet warmly"),
    ]
