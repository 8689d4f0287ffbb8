"""Events of the rules area."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

import attrs

from crmcore.errors import Violation
from crmcore.events import DomainEvent
from crmcore.rules.model import ENTITIES, field_path
from crmcore.validation import aware_datetime, checks, identifier, instance_of

__all__ = ["DateReached", "StepDue"]


def _entity(field: str, value: object) -> list[Violation]:
    if value in ENTITIES:
        return []
    return [Violation(field=field, message="must be one of " + ", ".join(ENTITIES), value=value)]


@attrs.frozen(kw_only=True)
class DateReached(DomainEvent):
    """The date trigger of ``rule_id`` came due at ``due_at`` for record ``entity_id`` of
    ``entity``; the engine runs that rule alone for it (see
    :meth:`~crmcore.rules.RuleEngine.process_due`)."""

    name: ClassVar[str] = "rule.date_reached"
    entity_type: ClassVar[str] = "rule"
    action: ClassVar[str] = "date"

    rule_id: str = attrs.field(metadata=checks(identifier))
    rule_version: int = attrs.field(default=1, metadata=checks(instance_of(int)))
    entity: str = attrs.field(metadata=checks(_entity))
    field: str = attrs.field(metadata=checks(field_path))
    due_at: datetime = attrs.field(metadata=checks(aware_datetime))


@attrs.frozen(kw_only=True)
class StepDue(DomainEvent):
    """Waiting step ``step`` of ``rule_id`` came due for record ``entity_id`` of ``entity``;
    the engine runs that step alone for it (see :meth:`~crmcore.rules.RuleEngine.process_step`)."""

    name: ClassVar[str] = "rule.step_due"
    entity_type: ClassVar[str] = "rule"
    action: ClassVar[str] = "step"

    rule_id: str = attrs.field(metadata=checks(identifier))
    rule_version: int = attrs.field(default=1, metadata=checks(instance_of(int)))
    entity: str = attrs.field(metadata=checks(_entity))
    step: int = attrs.field(metadata=checks(instance_of(int)))
