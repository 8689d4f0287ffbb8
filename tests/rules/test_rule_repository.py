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
        records={"company": {"p-1": {"id": "p-1", "region": "Siberia"}}},
        facts={("company", "p-1"): {"last_purchase_amount": 10}},
    )
    assert facts.record("company", "p-1") == {"id": "p-1", "region": "Siberia"}
    assert facts.record("deal", "p-1") is None
    assert facts.fact("company", "p-1", "last_purchase_amount") == 10
    assert facts.fact("company", "p-2", "last_purchase_amount") is None
