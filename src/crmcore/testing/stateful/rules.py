"""Comparisons of rule repositories."""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from hypothesis import settings as Settings  # noqa: N812 - the class, beside the argument name
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from crmcore.ids import RuleId, UserId
from crmcore.memory import MemoryRotationPointers, MemoryRuleRepository
from crmcore.rules import RotationPointers, RuleRepository, SendMessage, Trigger, TriggerKind
from crmcore.rules import Rule as RuleModel
from crmcore.testing.stateful._common import (
    _NAMES,
    _Comparison,
    _comparison,
    _ids,
    _unknown_or_known_ids,
    _VersionedCalls,
)

__all__ = ["rotation_pointers_comparison", "rule_repository_comparison"]

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


class _RuleRepositoryCalls(
    _VersionedCalls[RuleRepository], entities=_pooled_rules(), entity_id=RuleId
):
    """The calls compared on the reference and the subject rule repository."""

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
    return _comparison(_RuleRepositoryCalls, MemoryRuleRepository, make_repository, settings)


_TEAMS: Final = ("sales", "Sales", "закупки")
_USERS: Final = ("anna", "boris", "Anna")


class _RotationPointersCalls(_Comparison[RotationPointers]):
    """The calls compared on the reference and the subject rotation pointers: moves from the
    pointer as read, from a stale one and from none, in teams whose names differ by case."""

    @rule(
        team=st.sampled_from(_TEAMS),
        user=st.sampled_from(_USERS),
        expected=st.none() | st.sampled_from(_USERS),
    )
    def move(self, team: str, user: str, expected: str | None) -> None:
        self.compare(
            lambda pointers: pointers.move(
                team, UserId(user), expected=None if expected is None else UserId(expected)
            )
        )

    @rule(team=st.sampled_from(_TEAMS), user=st.sampled_from(_USERS))
    def move_from_where_it_stands(self, team: str, user: str) -> None:
        expected = self.reference.pointers().get(team)
        self.compare(lambda pointers: pointers.move(team, UserId(user), expected=expected))

    @invariant()
    def same_pointers(self) -> None:
        self.compare(lambda pointers: dict(pointers.pointers()))


def rotation_pointers_comparison(
    make_pointers: Callable[[], RotationPointers], *, settings: Settings | None = None
) -> type[RuleBasedStateMachine]:
    """A state machine comparing ``make_pointers()`` with ``MemoryRotationPointers``."""
    return _comparison(_RotationPointersCalls, MemoryRotationPointers, make_pointers, settings)
