"""Comparisons of rule repositories."""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from hypothesis import settings as Settings  # noqa: N812 - the class, beside the argument name
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from crmcore.ids import RuleId
from crmcore.memory import MemoryRuleRepository
from crmcore.rules import Rule as RuleModel
from crmcore.rules import RuleRepository, SendMessage, Trigger, TriggerKind
from crmcore.testing.stateful._common import (
    _NAMES,
    _bumps,
    _Comparison,
    _configured,
    _ids,
    _offsets,
    _saved_change,
    _unknown_or_known_ids,
)

__all__ = ["rule_repository_comparison"]

_RULE_ENTITIES: Final = ("deal", "request", "claim")


@st.composite
def _pooled_rules(draw: st.DrawFn) -> RuleModel:
    entity = draw(st.sampled_from(_RULE_ENTITIES))
    return RuleModel(
        id=RuleId(draw(_ids)),
        name=draw(st.sampled_from(_NAMES)),
        enabled=draw(st.booleans()),
        priority=draw(st.integers(-2, 2)),
        trigger=Trigger(entity=entity, on=TriggerKind.CREATED),
        then=(SendMessage(text="{{ id }}"),),
        version=draw(st.integers(min_value=1, max_value=3)),
    )


class _RuleRepositoryCalls(_Comparison[RuleRepository]):
    """The calls compared on the reference and the subject rule repository."""

    @rule(rule_=_pooled_rules())
    def add(self, rule_: RuleModel) -> None:
        self.compare(lambda repository: repository.add(rule_))

    @rule(rule_=_pooled_rules(), offset=_offsets, bump=_bumps)
    def save(self, rule_: RuleModel, offset: int, bump: int) -> None:
        stored = self.saved_version(lambda repository: repository.get(rule_.id))
        changed, expected = _saved_change(rule_, stored, offset, bump)
        self.compare(lambda repository: repository.save(changed, expected_version=expected))

    @rule(rule_id=_unknown_or_known_ids)
    def versions(self, rule_id: str) -> None:
        self.compare(lambda repository: repository.versions(RuleId(rule_id)))

    @rule(
        entity=st.none() | st.sampled_from(_RULE_ENTITIES),
        enabled=st.none() | st.booleans(),
        all_versions=st.booleans(),
    )
    def list_rules(self, entity: str | None, enabled: bool | None, all_versions: bool) -> None:
        self.compare(
            lambda repository: repository.list(
                entity=entity, enabled=enabled, all_versions=all_versions
            )
        )

    @invariant()
    def same_rules(self) -> None:
        self.compare(lambda repository: repository.list(all_versions=True))


def rule_repository_comparison(
    make_repository: Callable[[], RuleRepository], *, settings: Settings | None = None
) -> type[RuleBasedStateMachine]:
    """A state machine comparing ``make_repository()`` with ``MemoryRuleRepository``."""

    class RuleRepositoryComparison(_RuleRepositoryCalls):
        def __init__(self) -> None:
            super().__init__()
            self.reference = MemoryRuleRepository()
            self.subject = make_repository()

    return _configured(RuleRepositoryComparison, settings)
