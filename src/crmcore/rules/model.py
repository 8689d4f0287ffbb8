"""Rules as data: a trigger, an "If" condition tree and the "Then" actions.

A rule is plain data that a sales manager fills in a form and the host stores as JSON
(through :func:`crmcore.serialization.make_converter`). Nothing here runs: conditions are
compiled by :mod:`crmcore.conditions.compiler`, checked against entity schemas by
:mod:`crmcore.rules.validation`, and the engine (:mod:`crmcore.rules.engine`) applies them.

>>> from crmcore.rules import AssignManager, HeadOfDepartment
>>> rule = Rule(id=RuleId("big-deals"), name="Big deals go to the head of sales",
...             trigger=Trigger(entity="deal", on=TriggerKind.CREATED),
...             when=FieldCondition(field="amount", op="gt", value=100000),
...             then=(AssignManager(strategy=HeadOfDepartment()),))
>>> rule.trigger.entity, rule.when.op
('deal', 'gt')
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Final

import attrs

from crmcore.actions import TEMPLATE, Action, template
from crmcore.conditions.model import (
    AllOf,
    AnyOf,
    Condition,
    FieldCondition,
    FieldRef,
    Not,
    Operand,
    Scalar,
    condition_check,
    field_path,
    nodes,
    scalar,
)
from crmcore.conditions.schemas import RENAMED
from crmcore.errors import Violation
from crmcore.ids import RuleId
from crmcore.validation import (
    Model,
    aware_datetime,
    bounded_text,
    checks,
    clean_optional_text,
    clean_text,
    each,
    identifier,
    instance_of,
    invariant,
    non_negative_int,
    optional,
    positive_int,
)

__all__ = [
    "ENTITIES",
    "RENAMED",
    "TEMPLATE",
    "Action",
    "AllOf",
    "AnyOf",
    "Branch",
    "Condition",
    "Enrollment",
    "FieldCondition",
    "FieldRef",
    "Firing",
    "Not",
    "Operand",
    "Rule",
    "Scalar",
    "Throttle",
    "TimeUnit",
    "Trigger",
    "TriggerKind",
    "Wait",
    "WaitDue",
    "condition_check",
    "field_path",
    "nodes",
    "scalar",
    "template",
]

ENTITIES: Final = (
    "request",
    "deal",
    "contact_person",
    "partner",
    "invoice",
    "claim",
    "interaction",
    "agreement",
)
"""The entity types a rule may be triggered by, named as the glossary names them."""

MAX_ACTIONS: Final = 20


class TriggerKind(enum.Enum):
    """What happened to a record: the "When" of a rule."""

    CREATED = "created"
    CHANGED = "changed"
    DELETED = "deleted"
    STAGE_SET = "stage_set"
    STATUS_SET = "status_set"
    DATE = "date"
    EMAIL_RECEIVED = "email_received"
    EMAIL_SENT = "email_sent"


class TimeUnit(enum.Enum):
    """The unit of a date trigger's offset."""

    MINUTES = "minutes"
    HOURS = "hours"
    DAYS = "days"


def entity_problem(value: object) -> str | None:
    """Why ``value`` is not a rule entity name (with the new name of an old one), or ``None``."""
    if value in ENTITIES:
        return None
    if isinstance(value, str) and value in RENAMED:
        return f"is now called {RENAMED[value]!r}"
    return "must be one of " + ", ".join(ENTITIES)


def _entity(field: str, value: object) -> Iterator[Violation]:
    problem = entity_problem(value)
    if problem is not None:
        yield Violation(field=field, message=problem, value=value)


@attrs.frozen(kw_only=True)
class Trigger(Model):
    """When a rule is looked at: an entity type and what happened to a record of it.

    ``changed`` may watch ``fields`` (any of them) and require ``from_value`` / ``to_value``
    of the single watched field; ``stage_set`` and ``status_set`` may require ``to_value``;
    ``date`` fires ``offset`` ``unit`` ``before`` (or after) the date in ``field``, counting
    working days of the host's calendar when ``working_days`` is set.
    """

    entity: str = attrs.field(metadata=checks(_entity))
    on: TriggerKind = attrs.field(metadata=checks(instance_of(TriggerKind)))
    fields: tuple[str, ...] = attrs.field(default=(), metadata=checks(each(field_path)))
    from_value: Scalar = attrs.field(default=None, metadata=checks(scalar))
    to_value: Scalar = attrs.field(default=None, metadata=checks(scalar))
    field: str | None = attrs.field(default=None, metadata=checks(optional(field_path)))
    offset: int = attrs.field(default=0, metadata=checks(non_negative_int))
    unit: TimeUnit = attrs.field(default=TimeUnit.DAYS, metadata=checks(instance_of(TimeUnit)))
    before: bool = attrs.field(default=True, metadata=checks(instance_of(bool)))
    working_days: bool = attrs.field(default=False, metadata=checks(instance_of(bool)))

    @invariant("on", "fields", "from_value", "to_value", "field", "offset", "unit", "working_days")
    def _kind_fields(self) -> Iterator[Violation]:
        if self.on is TriggerKind.DATE:
            if self.field is None:
                yield Violation(field="field", message="a date trigger needs a date field")
            if self.working_days and self.unit is not TimeUnit.DAYS:
                yield Violation(field="unit", message="working days are counted in days")
            if self.offset > 3660:
                yield Violation(field="offset", message="must be at most 3660", value=self.offset)
        elif self.field is not None or self.offset or self.working_days:
            yield Violation(field="field", message="only a date trigger has a date field")
        if self.fields and self.on is not TriggerKind.CHANGED:
            yield Violation(field="fields", message="only a changed trigger watches fields")
        if self.from_value is not None and (
            self.on is not TriggerKind.CHANGED or len(self.fields) != 1
        ):
            yield Violation(field="from_value", message="needs a changed trigger on one field")
        if self.to_value is not None and self.on not in _TO_VALUE_KINDS:
            yield Violation(
                field="to_value", message="needs a changed, stage_set or status_set trigger"
            )
        if self.to_value is not None and self.on is TriggerKind.CHANGED and len(self.fields) != 1:
            yield Violation(
                field="to_value", message="a changed trigger needs one watched field for it"
            )


_TO_VALUE_KINDS: Final = frozenset(
    {TriggerKind.CHANGED, TriggerKind.STAGE_SET, TriggerKind.STATUS_SET}
)


class Enrollment(enum.Enum):
    """Whether a rule fires for a record every time it holds, or only the first time."""

    EVERY_TIME = "every_time"
    FIRST_TIME = "first_time"


MAX_WINDOW: Final = timedelta(days=366)


def _window(field: str, value: object) -> Iterator[Violation]:
    if not isinstance(value, timedelta):
        yield Violation(field=field, message="must be a duration", value=value)
    elif not timedelta(0) < value <= MAX_WINDOW:
        yield Violation(field=field, message="must be longer than zero and at most 366 days")


@attrs.frozen(kw_only=True)
class Throttle(Model):
    """At most ``limit`` firings of a rule within ``window``, counted per value of the
    record's field ``per`` ("at most one SMS per client per day": ``per="partner_id"``) or,
    without ``per``, for the rule as a whole."""

    limit: int = attrs.field(default=1, metadata=checks(positive_int))
    window: timedelta = attrs.field(metadata=checks(_window))
    per: str | None = attrs.field(default=None, metadata=checks(optional(field_path)))


def _actions(field: str, value: object) -> Iterator[Violation]:
    yield from each(instance_of(Action))(field, value)
    if isinstance(value, tuple) and len(value) > MAX_ACTIONS:
        yield Violation(field=field, message=f"must hold at most {MAX_ACTIONS} actions")


MAX_BRANCHES: Final = 10


@attrs.frozen(kw_only=True)
class Branch(Model):
    """One branch of a rule's if / else-if / else: its ``then`` actions run when ``when``
    holds; a branch without ``when`` is the else."""

    when: Condition | None = attrs.field(default=None, metadata=checks(optional(condition_check)))
    then: tuple[Action, ...] = attrs.field(metadata=checks(_actions))

    @invariant("then")
    def _acts(self) -> Iterator[Violation]:
        if not self.then:
            yield Violation(field="then", message="a branch needs at least one action")


def _branches(field: str, value: object) -> Iterator[Violation]:
    yield from each(instance_of(Branch))(field, value)
    if not isinstance(value, tuple):
        return
    if len(value) > MAX_BRANCHES:
        yield Violation(field=field, message=f"must hold at most {MAX_BRANCHES} branches")
    for index, branch in enumerate(value[:-1]):
        if isinstance(branch, Branch) and branch.when is None:
            yield Violation(
                field=f"{field}[{index}].when", message="only the last branch is the else"
            )


MAX_WAITS: Final = 5


@attrs.frozen(kw_only=True)
class Wait(Model):
    """A step of a rule run later: ``after`` ``unit`` (working days of the host's calendar
    with ``working_days``) after the rule fired, its ``then`` actions run if the rule's
    ``when`` and the step's own ``when`` still hold for the record then; otherwise the step
    is cancelled ("3 working days later, if the request is still not answered, notify the
    head of department")."""

    after: int = attrs.field(metadata=checks(positive_int))
    unit: TimeUnit = attrs.field(default=TimeUnit.DAYS, metadata=checks(instance_of(TimeUnit)))
    working_days: bool = attrs.field(default=False, metadata=checks(instance_of(bool)))
    when: Condition | None = attrs.field(default=None, metadata=checks(optional(condition_check)))
    then: tuple[Action, ...] = attrs.field(metadata=checks(_actions))

    @invariant("then", "unit", "working_days", "after")
    def _step(self) -> Iterator[Violation]:
        if not self.then:
            yield Violation(field="then", message="a step needs at least one action")
        if self.working_days and self.unit is not TimeUnit.DAYS:
            yield Violation(field="unit", message="working days are counted in days")
        if self.after > 3660:
            yield Violation(field="after", message="must be at most 3660", value=self.after)


def _waits(field: str, value: object) -> Iterator[Violation]:
    yield from each(instance_of(Wait))(field, value)
    if isinstance(value, tuple) and len(value) > MAX_WAITS:
        yield Violation(field=field, message=f"must hold at most {MAX_WAITS} steps")


@attrs.frozen(kw_only=True)
class WaitDue(Model):
    """A step of a fired rule waiting to run: step ``step`` of version ``rule_version`` of
    ``rule_id`` for record ``entity_id`` of ``entity``, due at ``due_at``. The host keeps it
    (see :class:`~crmcore.rules.PendingSteps`) and runs it when due with
    :meth:`~crmcore.rules.RuleEngine.process_step`."""

    rule_id: str = attrs.field(metadata=checks(identifier))
    rule_version: int = attrs.field(metadata=checks(non_negative_int))
    step: int = attrs.field(metadata=checks(non_negative_int))
    entity: str = attrs.field(metadata=checks(_entity))
    entity_id: str = attrs.field(metadata=checks(bounded_text(200)))
    due_at: datetime = attrs.field(metadata=checks(aware_datetime))
    caused_by: str = attrs.field(metadata=checks(bounded_text(200)))


@attrs.frozen(kw_only=True)
class Rule(Model):
    """An If/Then automation rule: ``trigger``, optional ``when`` and the ``then`` actions.

    Rules run by descending ``priority`` (ties by id); ``stop_processing`` keeps the rules after
    a fired one from running for the same event. ``throttle`` bounds how often it fires and
    ``enrollment`` whether it fires again for a record it fired for, both counted from the
    firings the host keeps in a :class:`~crmcore.rules.RuleLedger`. A rule id may have several
    versions, each effective from ``effective_from`` (inclusive) until ``effective_until``
    (exclusive). When ``when`` holds, the ``then`` actions run, followed by those of the first
    of the ``branches`` whose condition holds (if / else-if / else); its ``waits`` are steps
    run later if the record still qualifies. Each version says who made
    it (``author``), when (``changed_at``) and why (``comment``): the audit of rule changes a
    repository's ``versions`` gives back.
    """

    id: RuleId = attrs.field(metadata=checks(identifier))
    name: str = attrs.field(converter=clean_text, metadata=checks(bounded_text(200)))
    enabled: bool = attrs.field(default=True, metadata=checks(instance_of(bool)))
    priority: int = attrs.field(default=0, metadata=checks(instance_of(int)))
    stop_processing: bool = attrs.field(default=False, metadata=checks(instance_of(bool)))
    trigger: Trigger = attrs.field(metadata=checks(instance_of(Trigger)))
    when: Condition | None = attrs.field(default=None, metadata=checks(optional(condition_check)))
    then: tuple[Action, ...] = attrs.field(metadata=checks(_actions))
    version: int = attrs.field(default=1, metadata=checks(non_negative_int))
    effective_from: datetime | None = attrs.field(
        default=None, metadata=checks(optional(aware_datetime))
    )
    effective_until: datetime | None = attrs.field(
        default=None, metadata=checks(optional(aware_datetime))
    )
    throttle: Throttle | None = attrs.field(
        default=None, metadata=checks(optional(instance_of(Throttle)))
    )
    enrollment: Enrollment = attrs.field(
        default=Enrollment.EVERY_TIME, metadata=checks(instance_of(Enrollment))
    )
    branches: tuple[Branch, ...] = attrs.field(default=(), metadata=checks(_branches))
    waits: tuple[Wait, ...] = attrs.field(default=(), metadata=checks(_waits))
    author: str | None = attrs.field(default=None, metadata=checks(optional(identifier)))
    changed_at: datetime | None = attrs.field(
        default=None, metadata=checks(optional(aware_datetime))
    )
    comment: str | None = attrs.field(
        default=None,
        converter=clean_optional_text,
        metadata=checks(optional(bounded_text(1000, multiline=True))),
    )
    runs_as: str | None = attrs.field(default=None, metadata=checks(optional(identifier)))
    """Whose access rights the rule's changes use: a user (the rule's owner), or the system
    actor's, which the access policy does not restrict, when ``None``."""

    @invariant("then", "branches", "effective_from", "effective_until")
    def _acts_in_time(self) -> Iterator[Violation]:
        if not self.then and not self.branches:
            yield Violation(field="then", message="a rule needs at least one action")
        start, end = self.effective_from, self.effective_until
        if (
            isinstance(start, datetime)
            and isinstance(end, datetime)
            and start.astimezone(UTC) >= end.astimezone(UTC)
        ):
            yield Violation(field="effective_until", message="must be after effective_from")

    def effective_at(self, moment: datetime) -> bool:
        """Whether this version of the rule applies at ``moment``."""
        if self.effective_from is not None and moment < self.effective_from:
            return False
        return self.effective_until is None or moment < self.effective_until


def _throttle_key(field: str, value: object) -> Iterator[Violation]:
    if not isinstance(value, str) or len(value) > 500:
        yield Violation(field=field, message="must be text of at most 500 characters")


@attrs.frozen(kw_only=True)
class Firing(Model):
    """One firing of a rule for a record, as the host's :class:`~crmcore.rules.RuleLedger`
    keeps it: which version fired, for which record and event, when, what it did (the kinds
    of its actions) and the value its throttle counts by (``""`` for the rule as a whole)."""

    rule_id: str = attrs.field(metadata=checks(identifier))
    rule_version: int = attrs.field(metadata=checks(non_negative_int))
    entity: str = attrs.field(metadata=checks(_entity))
    entity_id: str = attrs.field(metadata=checks(bounded_text(200)))
    at: datetime = attrs.field(metadata=checks(aware_datetime))
    caused_by: str = attrs.field(metadata=checks(bounded_text(200)))
    actions: tuple[str, ...] = attrs.field(default=(), metadata=checks(each(identifier)))
    throttle_key: str = attrs.field(default="", metadata=checks(_throttle_key))
