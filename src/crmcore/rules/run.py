"""One run of the engine over one event: compiled rules in, commands and traces out.

The hot path (no trace) asks each candidate only its trigger check and its compiled
condition; the explained path records why each rule fired or not, node by node. Either way a
rule that raises is reported and the others run, and the loop guard stops a rule that fired
for the same record earlier in the causal chain.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import datetime
from typing import Any

import attrs

from crmcore.events import DomainEvent
from crmcore.rules.actions import AssignManager
from crmcore.rules.assignment import Assignment, assign
from crmcore.rules.commands import Command
from crmcore.rules.conditions import CompiledCondition, NodeTrace
from crmcore.rules.model import Action, Rule
from crmcore.rules.outcome import (
    Link,
    LoopStop,
    RuleContext,
    RuleFailure,
    RuleOutcome,
    RuleTrace,
    nothing_done,
)
from crmcore.rules.records import FLATTENERS
from crmcore.rules.schemas import SchemaRegistry
from crmcore.rules.scope import Scope, read, record_from_changes
from crmcore.rules.templates import fill, render
from crmcore.rules.watch import TriggerCheck
from crmcore.workcalendar import WorkingCalendar

__all__ = ["CompiledAction", "CompiledRule", "Run"]


@attrs.frozen(eq=False)
class CompiledAction:
    """An action with its template fields and the readers of their placeholders."""

    action: Action
    templates: tuple[tuple[str, str, str], ...]
    getters: Mapping[str, Callable[[Scope], Any]]
    mapping: Mapping[int, CompiledCondition]


@attrs.frozen(eq=False)  # identity: two versions of one rule are two entries
class CompiledRule:
    """A rule ready to run: its trigger check, compiled condition and actions."""

    rule: Rule
    trigger: TriggerCheck
    condition: CompiledCondition | None
    actions: tuple[CompiledAction, ...]
    order: tuple[int, str]
    check: TriggerCheck | None = None  # None: the entity and kind say it all
    evaluate: Callable[[Scope], bool] | None = None
    timeless: bool = True  # no effective dates to check


@attrs.frozen(kw_only=True)
class Settings:
    """What a run takes from its engine."""

    schemas: SchemaRegistry
    calendar: WorkingCalendar | None
    max_depth: int


class Run:
    """The state of processing one event: commands so far, traces, failures, the chain."""

    def __init__(
        self, settings: Settings, event: DomainEvent, entity: str, context: RuleContext,
        now: datetime, *, dry_run: bool, explain: bool,
    ) -> None:  # fmt: skip
        self.settings = settings
        self.event = event
        self.entity = entity
        self.context = context
        self.dry_run = dry_run
        self.explain = explain
        record = context.record
        if record is None:
            record = _record_of(settings.schemas, event, entity)
        elif type(record) in FLATTENERS:
            record = FLATTENERS[type(record)](record)
        self.scope = Scope(event, record, now=now, facts=context.facts, calendar=settings.calendar)
        self.commands: list[Command] = []
        self.traces: list[RuleTrace] = []
        self.failures: list[RuleFailure] = []
        self.loops: list[LoopStop] = []
        self.links: list[Link] = []

    def run(self, candidates: Iterable[CompiledRule]) -> RuleOutcome:
        """Run ``candidates`` in order and say what came of it."""
        if self.explain:
            for compiled in candidates:
                if self._step(compiled):
                    break
        else:
            self._run_fast(candidates)
        return self._outcome()

    def _run_fast(self, candidates: Iterable[CompiledRule]) -> None:
        event, scope = self.event, self.scope
        for compiled in candidates:
            try:
                check = compiled.check
                if check is not None and not check(event, scope):
                    continue
                evaluate = compiled.evaluate
                if (evaluate is not None and not evaluate(scope)) or not self._fire(compiled):
                    continue
            except Exception as error:  # one rule's failure must not stop the others
                self._failed(compiled.rule, error)
                continue
            if compiled.rule.stop_processing:
                break

    def _step(self, compiled: CompiledRule) -> bool:
        """Run one candidate rule with its trace; whether processing stops after it."""
        rule = compiled.rule
        try:
            fired, reason, nodes = self._evaluate(compiled)
            if fired and not self._fire(compiled):
                fired, reason = False, "stopped by the loop guard"
        except Exception as error:  # one rule's failure must not stop the others
            self._failed(rule, error)
            fired, reason, nodes = False, f"failed: {type(error).__name__}", ()
        trace = RuleTrace(
            rule_id=rule.id, version=rule.version, fired=fired, reason=reason, nodes=nodes
        )
        self.traces.append(trace)
        return fired and rule.stop_processing

    def _failed(self, rule: Rule, error: Exception) -> None:
        failure = RuleFailure(
            rule_id=rule.id, version=rule.version, error=type(error).__name__, message=str(error)
        )
        self.failures.append(failure)

    def _evaluate(self, compiled: CompiledRule) -> tuple[bool, str, tuple[NodeTrace, ...]]:
        if not compiled.trigger(self.event, self.scope):
            return False, "the trigger's fields or values do not match", ()
        condition = compiled.condition
        if condition is None:
            return True, "no conditions", ()
        nodes: list[NodeTrace] = []
        holds = condition.explain(self.scope, nodes)
        return holds, "conditions hold" if holds else "conditions do not hold", tuple(nodes)

    def _fire(self, compiled: CompiledRule) -> bool:
        """Hand over the rule's commands unless the loop guard stops it; whether it fired."""
        rule = compiled.rule
        if not self._guard(rule):
            return False
        self.commands.extend(self._commands(compiled))
        self.links.append((rule.id, self.entity, self.event.entity_id))
        return True

    def _guard(self, rule: Rule) -> bool:
        chain = self.context.chain
        if not chain.fired and chain.depth < self.settings.max_depth:
            return True
        link = (rule.id, self.entity, self.event.entity_id)
        if chain.depth >= self.settings.max_depth:
            reason = f"the causal chain reached its depth limit of {self.settings.max_depth}"
            self._stop(rule, reason, ())
            return False
        if link in chain.fired:
            start = chain.fired.index(link)
            cycle = tuple(dict.fromkeys(fired[0] for fired in chain.fired[start:]))
            self._stop(rule, "the rule fired for this record earlier in the chain", cycle)
            return False
        return True

    def _stop(self, rule: Rule, reason: str, cycle: tuple[str, ...]) -> None:
        self.loops.append(
            LoopStop(
                rule_id=rule.id,
                entity=self.entity,
                entity_id=self.event.entity_id,
                reason=reason,
                rules=cycle,
            )
        )

    def _commands(self, compiled: CompiledRule) -> Iterator[Command]:
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

    def _assignment(self, item: CompiledAction) -> Assignment:
        action = item.action
        assert isinstance(action, AssignManager)
        staff = self.context.staff
        if staff is None:
            raise LookupError("assigning a manager needs the staff in the rule context")
        schema = self.settings.schemas.get(self.entity)
        manager = read(self.scope.record, schema.manager_field) if schema.manager_field else None
        return assign(
            action.strategy, staff=staff, now=self.scope.now,
            responsible=manager if isinstance(manager, str) else None,  # type: ignore[arg-type]
            org=self.context.org, working_hours=action.working_hours,
            matches=lambda condition: item.mapping[id(condition)].evaluate(self.scope),
        )  # fmt: skip

    def _outcome(self) -> RuleOutcome:
        if not (self.commands or self.traces or self.failures or self.loops or self.links):
            return nothing_done(self.context.chain, dry_run=self.dry_run)
        chain = self.context.chain.after(self.links) if self.links else self.context.chain
        return RuleOutcome(
            commands=tuple(self.commands), trace=tuple(self.traces), failures=tuple(self.failures),
            loops=tuple(self.loops), chain=chain, dry_run=self.dry_run,
        )  # fmt: skip


def _record_of(schemas: SchemaRegistry, event: DomainEvent, entity: str) -> Mapping[str, Any]:
    """The record as the event's changes show it, when the host passes none."""
    try:
        return record_from_changes(event, schemas, entity)
    except LookupError:
        return {"id": event.entity_id}
