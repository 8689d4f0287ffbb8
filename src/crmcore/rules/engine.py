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

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

from crmcore.events import DomainEvent
from crmcore.ids import RuleId
from crmcore.rules.actions import ACTIONS, AssignManager
from crmcore.rules.assignment import FieldMapping
from crmcore.rules.conditions import CompiledCondition, compile_condition
from crmcore.rules.events import DateReached
from crmcore.rules.index import RuleIndex
from crmcore.rules.model import Action, Condition, Rule
from crmcore.rules.operators import OPERATORS, Operator
from crmcore.rules.outcome import (
    NO_CONTEXT,
    Chain,
    LoopStop,
    RuleContext,
    RuleFailure,
    RuleOutcome,
    RuleTrace,
    nothing_done,
)
from crmcore.rules.run import (
    CompiledAction,
    CompiledRule,
    Run,
    Settings,
    rule_test,
    run_quiet,
    scope_of,
)
from crmcore.rules.schemas import ENTITY_OF_EVENT, SchemaRegistry
from crmcore.rules.scope import compile_path
from crmcore.rules.templates import compile_template, placeholders, template_fields
from crmcore.rules.triggers import DueTrigger
from crmcore.rules.validation import validate_rules
from crmcore.rules.watch import always, compile_trigger
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
        self._settings = Settings(schemas=schemas, calendar=calendar, max_depth=max_depth)
        compiled = [self._compile(rule) for rule in rules if rule.enabled]
        self._by_id: dict[RuleId, list[CompiledRule]] = {}
        for entry in compiled:
            self._by_id.setdefault(entry.rule.id, []).append(entry)
        self._index = RuleIndex(compiled, schemas)
        self._timeless = all(c.timeless for c in compiled)

    def _compile(self, rule: Rule) -> CompiledRule:
        entity = rule.trigger.entity
        condition = None
        if rule.when is not None:
            condition = self._condition(rule.when, entity)
        actions = tuple(self._compile_action(action, entity) for action in rule.then)
        trigger = compile_trigger(rule.trigger, self._schemas)
        test = rule_test(
            None if trigger is always else trigger,
            condition.evaluate if condition is not None else None,
        )
        return CompiledRule(
            rule, trigger, condition, actions, (-rule.priority, rule.id), test=test,
            timeless=rule.effective_from is None and rule.effective_until is None,
        )  # fmt: skip

    def _condition(
        self, condition: Condition, entity: str, path: str = "when"
    ) -> CompiledCondition:
        return compile_condition(
            condition, entity=entity, schemas=self._schemas, operators=self._operators, path=path
        )

    def _compile_action(self, action: Action, entity: str) -> CompiledAction:
        fields = tuple(template_fields(action))
        paths = {p for _, _, text in fields for p in placeholders(text)}
        getters = {p: compile_path(self._schemas.resolve(entity, p)) for p in paths}
        templates = tuple((name, compile_template(kind, text)) for name, kind, text in fields)
        mapping: dict[int, CompiledCondition] = {}
        if isinstance(action, AssignManager) and isinstance(action.strategy, FieldMapping):
            for row in action.strategy.rows:
                mapping[id(row.when)] = self._condition(row.when, entity)
        return CompiledAction(action, templates, getters, mapping)

    def candidates(self, event: DomainEvent) -> tuple[Rule, ...]:
        """The rules (every effective version) ``event`` may concern, in the order they run."""
        return tuple(c.rule for c in self._index.candidates(event))

    def process(
        self,
        event: DomainEvent,
        *,
        context: RuleContext = NO_CONTEXT,
        now: datetime,
        dry_run: bool = False,
        explain: bool = False,
    ) -> RuleOutcome:
        """Run the rules ``event`` concerns; nothing is executed, commands are returned.

        ``dry_run`` gives the same result with every command marked as a dry run;
        ``explain`` adds the trace of each candidate rule with its condition nodes.
        """
        candidates = self._index.candidates(event)
        if not candidates:
            return nothing_done(context.chain, dry_run=dry_run)
        if not self._timeless:
            at = event.occurred_at
            candidates = tuple(c for c in candidates if c.timeless or c.rule.effective_at(at))
        return self._run(event, candidates, context, now, dry_run=dry_run, explain=explain)

    def process_due(
        self,
        due: DueTrigger,
        *,
        context: RuleContext = NO_CONTEXT,
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
        candidates: Sequence[CompiledRule],
        context: RuleContext,
        now: datetime,
        *,
        dry_run: bool,
        explain: bool,
        entity: str | None = None,
    ) -> RuleOutcome:
        if not candidates:
            return nothing_done(context.chain, dry_run=dry_run)
        entity = entity or ENTITY_OF_EVENT.get(event.entity_type, event.entity_type)
        scope = scope_of(self._settings, event, entity, context, now)
        if explain:
            run = Run(self._settings, scope, entity, context, dry_run=dry_run)
            return run.explained(candidates)
        return run_quiet(self._settings, scope, entity, context, candidates, dry_run=dry_run)
