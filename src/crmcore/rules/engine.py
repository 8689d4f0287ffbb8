"""The rules engine: which rules an event concerns, whether they fire, and their commands.

:class:`RuleEngine` validates and compiles its rules once and indexes them by entity,
trigger and watched field, so an event meets only the rules that can concern it.
:meth:`RuleEngine.process` runs them by descending priority and returns a
:class:`RuleOutcome`: the commands for the host, an explain trace on request, the rules that
failed (each failure is isolated: the other rules still run) and the loops it stopped.

A loop guard keeps automation from feeding itself for ever: the host passes the outcome's
``chain`` with the events its commands cause; a rule fires at most once per record in one
causal chain, and chains stop at ``max_depth``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import datetime
from typing import Any

import attrs

from crmcore.events import DomainEvent
from crmcore.ids import RuleId
from crmcore.rules.actions import (
    ACTIONS,
    AssignManager,
    fill,
    placeholders,
    render,
    template_fields,
)
from crmcore.rules.assignment import Assignment, FieldMapping, OrgStructure, Staff, assign
from crmcore.rules.commands import Command
from crmcore.rules.conditions import CompiledCondition, NodeTrace, compile_condition
from crmcore.rules.events import DateReached
from crmcore.rules.index import RuleIndex
from crmcore.rules.model import Action, Condition, Rule
from crmcore.rules.operators import OPERATORS, Operator
from crmcore.rules.records import FLATTENERS
from crmcore.rules.repository import NO_FACTS, FactSource
from crmcore.rules.schemas import ENTITY_OF_EVENT, SchemaRegistry
from crmcore.rules.scope import Scope, compile_path, read, record_from_changes
from crmcore.rules.triggers import DueTrigger
from crmcore.rules.validation import validate_rules
from crmcore.rules.watch import TriggerCheck, always, compile_trigger
from crmcore.workcalendar import WorkingCalendar

__all__ = [
    "Chain",
    "LoopStop",
    "RuleContext",
    "RuleEngine",
    "RuleFailure",
    "RuleOutcome",
    "RuleTrace",
]

Link = tuple[str, str, str]  # rule id, entity, record id


@attrs.frozen(kw_only=True)
class Chain:
    """A causal chain of rule firings: how deep it is and which rule fired for which record."""

    depth: int = 0
    fired: tuple[Link, ...] = ()

    def after(self, links: Iterable[Link]) -> Chain:
        """The chain one step deeper, with ``links`` fired."""
        return Chain(depth=self.depth + 1, fired=(*self.fired, *links))


@attrs.frozen(kw_only=True)
class RuleContext:
    """What the host knows beside the event: the record, related facts, staff for assignment,
    the causal chain the event belongs to."""

    record: object = None
    facts: FactSource = NO_FACTS
    staff: Staff | None = None
    org: OrgStructure | None = None
    chain: Chain = Chain()


@attrs.frozen(kw_only=True)
class RuleTrace:
    """Why a candidate rule fired or not, with its condition nodes when explained."""

    rule_id: str
    version: int
    fired: bool
    reason: str
    nodes: tuple[NodeTrace, ...] = ()


@attrs.frozen(kw_only=True)
class RuleFailure:
    """A rule that raised while running; the other rules ran."""

    rule_id: str
    version: int
    error: str
    message: str


@attrs.frozen(kw_only=True)
class LoopStop:
    """A firing the loop guard stopped: a cycle (the rules in it) or a chain too deep."""

    rule_id: str
    entity: str
    entity_id: str
    reason: str
    rules: tuple[str, ...] = ()


@attrs.frozen(kw_only=True)
class RuleOutcome:
    """What processing one event gave: commands, traces, failures, stopped loops, and the
    chain to pass with the events the commands cause."""

    commands: tuple[Command, ...] = ()
    trace: tuple[RuleTrace, ...] = ()
    failures: tuple[RuleFailure, ...] = ()
    loops: tuple[LoopStop, ...] = ()
    chain: Chain = Chain()
    dry_run: bool = False


@attrs.frozen(eq=False)
class _CompiledAction:
    action: Action
    templates: tuple[tuple[str, str, str], ...]
    getters: Mapping[str, Callable[[Scope], Any]]
    mapping: Mapping[int, CompiledCondition]


@attrs.frozen(eq=False)  # identity: two versions of one rule are two entries
class _CompiledRule:
    rule: Rule
    trigger: TriggerCheck
    condition: CompiledCondition | None
    actions: tuple[_CompiledAction, ...]
    order: tuple[int, str]
    check: TriggerCheck | None = None  # None: the entity and kind say it all
    evaluate: Callable[[Scope], bool] | None = None
    timeless: bool = True  # no effective dates to check


class RuleEngine:
    """Rules compiled once and indexed; see the module docstring."""

    def __init__(
        self,
        rules: Iterable[Rule],
        *,
        schemas: SchemaRegistry,
        operators: Mapping[str, Operator] = OPERATORS,
        actions: Mapping[str, type[Action]] = ACTIONS,
        calendar: WorkingCalendar | None = None,
        max_depth: int = 8,
    ) -> None:
        rules = tuple(rules)
        validate_rules(rules, schemas=schemas, operators=operators, actions=actions)
        self._schemas = schemas
        self._operators = operators
        self._calendar = calendar
        self._max_depth = max_depth
        compiled = [self._compile(rule) for rule in rules if rule.enabled]
        self._by_id = {c.rule.id: [x for x in compiled if x.rule.id == c.rule.id] for c in compiled}
        self._index = RuleIndex(compiled, schemas)
        self._timeless = all(c.timeless for c in compiled)

    def _compile(self, rule: Rule) -> _CompiledRule:
        entity = rule.trigger.entity
        condition = None
        if rule.when is not None:
            condition = self._condition(rule.when, entity)
        actions = tuple(self._compile_action(action, entity) for action in rule.then)
        trigger = compile_trigger(rule.trigger, self._schemas)
        return _CompiledRule(
            rule, trigger, condition, actions, (-rule.priority, rule.id),
            check=None if trigger is always else trigger,
            evaluate=condition.evaluate if condition is not None else None,
            timeless=rule.effective_from is None and rule.effective_until is None,
        )  # fmt: skip

    def _condition(
        self, condition: Condition, entity: str, path: str = "when"
    ) -> CompiledCondition:
        return compile_condition(
            condition, entity=entity, schemas=self._schemas, operators=self._operators, path=path
        )

    def _compile_action(self, action: Action, entity: str) -> _CompiledAction:
        templates = tuple(template_fields(action))
        paths = {p for _, _, text in templates for p in placeholders(text)}
        getters = {p: compile_path(self._schemas.resolve(entity, p)) for p in paths}
        mapping: dict[int, CompiledCondition] = {}
        if isinstance(action, AssignManager) and isinstance(action.strategy, FieldMapping):
            for row in action.strategy.rows:
                mapping[id(row.when)] = self._condition(row.when, entity)
        return _CompiledAction(action, templates, getters, mapping)

    def candidates(self, event: DomainEvent) -> tuple[Rule, ...]:
        """The rules (every effective version) ``event`` may concern, in the order they run."""
        return tuple(c.rule for c in self._candidates(event))

    def _candidates(self, event: DomainEvent) -> tuple[_CompiledRule, ...]:
        return self._index.candidates(event)

    def process(
        self,
        event: DomainEvent,
        *,
        context: RuleContext = RuleContext(),
        now: datetime,
        dry_run: bool = False,
        explain: bool = False,
    ) -> RuleOutcome:
        """Run the rules ``event`` concerns; nothing is executed, commands are returned.

        ``dry_run`` gives the same result with every command marked as a dry run;
        ``explain`` adds the trace of each candidate rule with its condition nodes.
        """
        candidates = self._candidates(event)
        if not self._timeless:
            at = event.occurred_at
            candidates = tuple(c for c in candidates if c.timeless or c.rule.effective_at(at))
        return self._run(event, candidates, context, now, dry_run=dry_run, explain=explain)

    def process_due(
        self,
        due: DueTrigger,
        *,
        context: RuleContext = RuleContext(),
        now: datetime,
        dry_run: bool = False,
        explain: bool = False,
    ) -> RuleOutcome:
        """Run the rule version of a date trigger that came due (see
        :func:`~crmcore.rules.due_time_triggers`) for its record."""
        event = DateReached(
            entity_id=due.entity_id, occurred_at=due.due_at, rule_id=due.rule_id,
            rule_version=due.rule_version, entity=due.entity, field=due.field, due_at=due.due_at,
        )  # fmt: skip
        versions = self._by_id.get(RuleId(due.rule_id), [])
        chosen = [c for c in versions if c.rule.version == due.rule_version]
        return self._run(
            event, chosen, context, now, dry_run=dry_run, explain=explain, entity=due.entity
        )

    def _run(
        self,
        event: DomainEvent,
        candidates: Iterable[_CompiledRule],
        context: RuleContext,
        now: datetime,
        *,
        dry_run: bool,
        explain: bool,
        entity: str | None = None,
    ) -> RuleOutcome:
        entity = entity or ENTITY_OF_EVENT.get(event.entity_type, event.entity_type)
        run = _Run(self, event, entity, context, now, dry_run=dry_run, explain=explain)
        for compiled in candidates:
            if run.step(compiled):
                break
        return run.outcome()


class _Run:
    """The state of processing one event: commands so far, traces, failures, the chain."""

    def __init__(
        self, engine: RuleEngine, event: DomainEvent, entity: str, context: RuleContext,
        now: datetime, *, dry_run: bool, explain: bool,
    ) -> None:  # fmt: skip
        self.engine = engine
        self.event = event
        self.entity = entity
        self.context = context
        self.dry_run = dry_run
        self.explain = explain
        record = context.record
        if record is None:
            record = _record_of(engine, event, entity)
        elif type(record) in FLATTENERS:
            record = FLATTENERS[type(record)](record)
        self.scope = Scope(event, record, now=now, facts=context.facts, calendar=engine._calendar)
        self.commands: list[Command] = []
        self.traces: list[RuleTrace] = []
        self.failures: list[RuleFailure] = []
        self.loops: list[LoopStop] = []
        self.links: list[Link] = []

    def step(self, compiled: _CompiledRule) -> bool:
        """Run one candidate rule; whether processing stops after it."""
        rule = compiled.rule
        try:
            if self.explain:
                fired, reason, nodes = self._evaluate(compiled)
            else:
                fired, reason, nodes = self._fires(compiled), "", ()
            if fired and not self._guard(rule):
                fired, reason = False, "stopped by the loop guard"
            if fired:
                self.commands.extend(self._commands(compiled))
                self.links.append((rule.id, self.entity, self.event.entity_id))
        except Exception as error:  # one rule's failure must not stop the others
            self.failures.append(
                RuleFailure(
                    rule_id=rule.id,
                    version=rule.version,
                    error=type(error).__name__,
                    message=str(error),
                )
            )
            fired, reason, nodes = False, f"failed: {type(error).__name__}", ()
        if self.explain:
            self.traces.append(
                RuleTrace(
                    rule_id=rule.id, version=rule.version, fired=fired, reason=reason, nodes=nodes
                )
            )
        return fired and rule.stop_processing

    def _fires(self, compiled: _CompiledRule) -> bool:
        """Whether the rule fires, without a trace: the hot path."""
        check = compiled.check
        if check is not None and not check(self.event, self.scope):
            return False
        condition = compiled.evaluate
        return condition is None or condition(self.scope)

    def _evaluate(self, compiled: _CompiledRule) -> tuple[bool, str, tuple[NodeTrace, ...]]:
        if not compiled.trigger(self.event, self.scope):
            return False, "the trigger's fields or values do not match", ()
        condition = compiled.condition
        if condition is None:
            return True, "no conditions", ()
        if not self.explain:
            holds = condition.evaluate(self.scope)
            return holds, "conditions hold" if holds else "conditions do not hold", ()
        nodes: list[NodeTrace] = []
        holds = condition.explain(self.scope, nodes)
        return holds, "conditions hold" if holds else "conditions do not hold", tuple(nodes)

    def _guard(self, rule: Rule) -> bool:
        link = (rule.id, self.entity, self.event.entity_id)
        chain = self.context.chain
        if chain.depth >= self.engine._max_depth:
            self.loops.append(
                LoopStop(
                    rule_id=rule.id,
                    entity=self.entity,
                    entity_id=self.event.entity_id,
                    reason=f"the causal chain reached its depth limit of {self.engine._max_depth}",
                )
            )
            return False
        if link in chain.fired:
            start = chain.fired.index(link)
            cycle = tuple(dict.fromkeys(fired[0] for fired in chain.fired[start:]))
            self.loops.append(
                LoopStop(
                    rule_id=rule.id,
                    entity=self.entity,
                    entity_id=self.event.entity_id,
                    reason="the rule fired for this record earlier in the chain",
                    rules=cycle,
                )
            )
            return False
        return True

    def _commands(self, compiled: _CompiledRule) -> Iterator[Command]:
        rule = compiled.rule
        for item in compiled.actions:
            action = item.action
            if item.templates:
                values = {path: getter(self.scope) for path, getter in item.getters.items()}
                filled = {name: render(kind, text, values) for name, kind, text in item.templates}
                action = fill(action, filled)
            chosen = self._assignment(item) if isinstance(action, AssignManager) else None
            yield Command(
                rule_id=rule.id, rule_version=rule.version, entity=self.entity,
                entity_id=self.event.entity_id, action=action, caused_by=self.event.name,
                assignment=chosen, dry_run=self.dry_run,
            )  # fmt: skip

    def _assignment(self, item: _CompiledAction) -> Assignment:
        action = item.action
        assert isinstance(action, AssignManager)
        staff = self.context.staff
        if staff is None:
            raise LookupError("assigning a manager needs the staff in the rule context")
        schema = self.engine._schemas.get(self.entity)
        manager = read(self.scope.record, schema.manager_field) if schema.manager_field else None
        return assign(
            action.strategy, staff=staff, now=self.scope.now,
            responsible=manager if isinstance(manager, str) else None,  # type: ignore[arg-type]
            org=self.context.org, working_hours=action.working_hours,
            matches=lambda condition: item.mapping[id(condition)].evaluate(self.scope),
        )  # fmt: skip

    def outcome(self) -> RuleOutcome:
        chain = self.context.chain.after(self.links) if self.links else self.context.chain
        return RuleOutcome(
            commands=tuple(self.commands), trace=tuple(self.traces), failures=tuple(self.failures),
            loops=tuple(self.loops), chain=chain, dry_run=self.dry_run,
        )  # fmt: skip


def _record_of(engine: RuleEngine, event: DomainEvent, entity: str) -> Mapping[str, Any]:
    """The record as the event's changes show it, when the host passes none."""
    try:
        return record_from_changes(event, engine._schemas, entity)
    except LookupError:
        return {"id": event.entity_id}
