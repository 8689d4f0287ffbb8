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

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Final

from crmcore.collector import PAUSE
from crmcore.conditions.compiler import CompiledCondition, Memo, compile_condition
from crmcore.conditions.generated import Call, Leaf, Step, ValuesTest, conjunction
from crmcore.conditions.operators import OPERATORS, Operator
from crmcore.conditions.scope import Scope, compile_path, plain
from crmcore.errors import DomainValidationError, Violation
from crmcore.events import DomainEvent
from crmcore.ids import RuleId
from crmcore.rules.actions import ACTIONS, AssignManager
from crmcore.rules.alpha import UNFILED, AlphaNetwork, AlphaPlan, PlanMemo, conjuncts, plan_of
from crmcore.rules.assignment import FieldMapping
from crmcore.rules.events import DateReached, StepDue
from crmcore.rules.index import RuleIndex
from crmcore.rules.model import (
    Action,
    Branch,
    Condition,
    Enrollment,
    FieldCondition,
    Rule,
    Wait,
    WaitDue,
)
from crmcore.rules.outcome import (
    NO_CONTEXT,
    Chain,
    DisabledRule,
    LoopStop,
    RuleContext,
    RuleFailure,
    RuleOutcome,
    RuleTrace,
    nothing_done,
)
from crmcore.rules.repository import RuleLedger
from crmcore.rules.run import (
    CompiledAction,
    CompiledRule,
    Run,
    Settings,
    Test,
    rule_test,
    run_quiet,
    run_step,
    scope_of,
)
from crmcore.rules.schemas import SchemaRegistry
from crmcore.rules.templates import compile_template, placeholders, template_fields
from crmcore.rules.triggers import DueTrigger
from crmcore.rules.validation import rule_problems, validate_rules
from crmcore.rules.watch import TriggerCheck, always, compile_trigger
from crmcore.rules.webhooks import DEFAULT_WEBHOOKS, WebhookPolicy
from crmcore.workcalendar import WorkingCalendar

__all__ = [
    "NETWORK_FROM",
    "Chain",
    "LoopStop",
    "RuleContext",
    "RuleEngine",
    "RuleFailure",
    "RuleOutcome",
    "RuleTrace",
]

NETWORK_FROM: Final = 32
"""The default of ``network_from``: below it the network's reads and merge cost more than the
tests they spare (measured on ``benchmarks/rules/bench_rules.py``)."""
_NETWORKS: Final = 4096  # candidate lists whose networks are kept


def _valid_only(
    rules: Sequence[Rule], *, schemas: SchemaRegistry, operators: Mapping[str, Operator],
    actions: Mapping[str, type[Action]], lifecycle_moves: bool, webhooks: WebhookPolicy,
) -> tuple[tuple[Rule, ...], tuple[DisabledRule, ...]]:  # fmt: skip
    """The rules without problems of their own, and the others with their problems."""
    kept: list[Rule] = []
    disabled: list[DisabledRule] = []
    for rule in rules:
        problems = tuple(
            rule_problems(
                rule, schemas=schemas, operators=operators, actions=actions,
                lifecycle_moves=lifecycle_moves, webhooks=webhooks,
            )
        )  # fmt: skip
        if problems:
            disabled.append(DisabledRule(rule_id=rule.id, version=rule.version, problems=problems))
        else:
            kept.append(rule)
    return tuple(kept), tuple(disabled)


def _need_ledger(rules: Sequence[Rule], ledger: RuleLedger | None) -> None:
    """Refuse rules that count their firings when there is no ledger to count them in."""
    if ledger is not None:
        return
    found = []
    for index, rule in enumerate(rules):
        if rule.throttle is not None:
            found.append(Violation(field=f"[{index}].throttle", message=_NO_LEDGER))
        if rule.enrollment is not Enrollment.EVERY_TIME:
            found.append(Violation(field=f"[{index}].enrollment", message=_NO_LEDGER))
    if found:
        raise DomainValidationError(found)


_NO_LEDGER: Final = "needs the engine to be given a ledger of firings (ledger=...)"


class RuleEngine:
    """Rules compiled once and indexed; see the module docstring.

    ``index_conditions=False`` asks every candidate rule its test in turn instead of going
    through the alpha network (:mod:`crmcore.rules.alpha`), with the same results; the
    network is used for events meeting at least ``network_from`` rules;
    ``lifecycle_moves`` is passed to :func:`~crmcore.rules.validate_rules`; ``ledger`` is
    read to hold back throttled and first-time rules, and makes each outcome carry the firings
    to record in it (rules with a throttle or first-time enrollment need one).
    ``disable_invalid`` leaves out, instead of refusing all, each rule with problems of its own
    (a stored rule made stale by a deleted custom field), listed in :attr:`disabled`;
    ``webhooks`` says where a ``call_webhook`` may go.
    """

    def __init__(
        self,
        rules: Iterable[Rule],
        *,
        schemas: SchemaRegistry,
        operators: Mapping[str, Operator] = OPERATORS,
        actions: Mapping[str, type[Action]] = ACTIONS,
        calendar: WorkingCalendar | None = None,
        max_depth: int = 8,
        index_conditions: bool = True,
        lifecycle_moves: bool = False,
        ledger: RuleLedger | None = None,
        disable_invalid: bool = False,
        webhooks: WebhookPolicy = DEFAULT_WEBHOOKS,
        network_from: int = NETWORK_FROM,
    ) -> None:
        rules = tuple(rules)
        self.disabled: tuple[DisabledRule, ...] = ()
        with PAUSE:  # checking rules allocates as much as compiling them
            if disable_invalid:
                rules, self.disabled = _valid_only(
                    rules, schemas=schemas, operators=operators, actions=actions,
                    lifecycle_moves=lifecycle_moves, webhooks=webhooks,
                )  # fmt: skip
            validate_rules(
                rules, schemas=schemas, operators=operators, actions=actions,
                lifecycle_moves=lifecycle_moves, webhooks=webhooks,
            )  # fmt: skip
        _need_ledger(rules, ledger)
        self._schemas = schemas
        self._operators = operators
        self._settings = Settings(
            schemas=schemas, calendar=calendar, max_depth=max_depth, ledger=ledger
        )
        self._indexed = index_conditions
        self._network_from = network_from
        # Rules share tests and actions: each is compiled once, the compiled form shared.
        self._leaves: Memo = {}
        self._parts = PlanMemo()
        self._actions: dict[tuple[str, str], CompiledAction] = {}
        with PAUSE:
            compiled = [self._compile(rule) for rule in rules if rule.enabled]
            self._index = RuleIndex(compiled, schemas)
        self._leaves, self._parts, self._actions = {}, PlanMemo(), {}
        self._by_id: dict[RuleId, list[CompiledRule]] = {}
        for entry in compiled:
            self._by_id.setdefault(entry.rule.id, []).append(entry)
        self._timeless = all(c.timeless for c in compiled)
        # By the id of a candidate list the index keeps: the list itself (so that its id is
        # not reused while it is here) and its network, or None where none pays.
        self._networks: dict[
            int, tuple[tuple[CompiledRule, ...], AlphaNetwork[CompiledRule] | None]
        ] = {}
        self._last: tuple[Sequence[CompiledRule] | None, AlphaNetwork[CompiledRule] | None] = (
            None,
            None,
        )  # the candidate list last looked up here, and its network

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
        alpha = UNFILED
        filed: tuple[CompiledCondition, ...] = ()
        on_values: ValuesTest | None = None
        if self._indexed:
            alpha = plan_of(
                rule, schemas=self._schemas, operators=self._operators,
                checks=trigger is not always, memo=self._parts,
            )  # fmt: skip
            filed, on_values = self._split(
                rule, alpha, None if trigger is always else trigger, test
            )
        return CompiledRule(
            rule, trigger, condition, actions, (-rule.priority, rule.id), test=test,
            filed=filed, on_values=on_values,
            timeless=rule.effective_from is None and rule.effective_until is None, alpha=alpha,
            throttle_key=self._throttle_key(rule), branches=self._branches(rule),
            waits=self._steps(rule.trigger.entity, rule.waits, "waits"),
        )  # fmt: skip

    def _split(
        self, rule: Rule, plan: AlphaPlan, trigger: TriggerCheck | None, test: Test | None
    ) -> tuple[tuple[CompiledCondition, ...], ValuesTest | None]:
        """The conjuncts ``plan`` files the rule by, compiled at their paths (shared with the
        rule's own condition) to explain why the network left the rule out, and the rule's
        test without them, generated over the values the network reads (see
        :mod:`crmcore.conditions.generated`): the network lets a rule through only when it
        passes them."""
        if not plan.filed or rule.when is None:
            return (), None if test is None else conjunction([Call(test)])
        entity = rule.trigger.entity
        steps: list[Step] = []
        if trigger is not None:
            steps.append(Call(lambda scope: trigger(scope.event, scope)))
        read = {field for field, _ in plan.guards}
        filed: list[CompiledCondition] = []
        for position, (path, conjunct) in enumerate(conjuncts(rule.when)):
            if position in plan.filed:
                filed.append(self._condition(conjunct, entity, path))
            else:
                evaluate = self._condition(conjunct, entity).evaluate
                steps.append(self._step(conjunct, entity, read) or Call(evaluate))
        return tuple(filed), conjunction(steps)

    def _step(self, conjunct: Condition, entity: str, read: set[str]) -> Leaf | None:
        """``conjunct`` as a test of the values read, if it is a leaf on one of the fields
        ``read`` comparing by a built-in operator with a constant."""
        if not isinstance(conjunct, FieldCondition):
            return None
        parts = self._parts.leaf(conjunct, entity, self._schemas, self._operators)
        if parts is None or parts[0] not in read:
            return None
        field, normal, value, _ = parts
        operator = self._operators[conjunct.op]
        return Leaf(field=field, operator=operator, value=value, plain_text=normal is not plain)

    def _branches(
        self, rule: Rule
    ) -> tuple[tuple[CompiledCondition | None, tuple[CompiledAction, ...]], ...]:
        return self._steps(rule.trigger.entity, rule.branches, "branches")

    def _steps(
        self, entity: str, steps: Sequence[Branch | Wait], key: str
    ) -> tuple[tuple[CompiledCondition | None, tuple[CompiledAction, ...]], ...]:
        """Each branch or waiting step's condition (if any) and actions, compiled."""
        return tuple(
            (
                None if s.when is None else self._condition(s.when, entity, f"{key}[{i}].when"),
                tuple(self._compile_action(action, entity) for action in s.then),
            )
            for i, s in enumerate(steps)
        )

    def _throttle_key(self, rule: Rule) -> Callable[[Scope], str] | None:
        """What a throttled rule's firings are counted by: ``per=value`` of its field."""
        per = rule.throttle.per if rule.throttle is not None else None
        if per is None:
            return None
        read = compile_path(self._schemas.resolve(rule.trigger.entity, per))

        def key(scope: Scope) -> str:
            value = read(scope)
            return f"{per}={'' if value is None else value}"[:500]

        return key

    def _condition(
        self, condition: Condition, entity: str, path: str = "when"
    ) -> CompiledCondition:
        return compile_condition(
            condition, entity=entity, schemas=self._schemas, operators=self._operators,
            path=path, memo=self._leaves,
        )  # fmt: skip

    def _compile_action(self, action: Action, entity: str) -> CompiledAction:
        key = (entity, repr(action))  # not the action: 1 and True are equal, shown apart
        found = self._actions.get(key)
        if found is None:
            found = self._actions[key] = self._compiled_action(action, entity)
        return found

    def _compiled_action(self, action: Action, entity: str) -> CompiledAction:
        fields = tuple(template_fields(action))
        paths = {p for _, _, text in fields for p in placeholders(text)}
        getters = {p: compile_path(self._schemas.resolve(entity, p)) for p in paths}
        templates = tuple((name, compile_template(kind, text)) for name, kind, text in fields)
        mapping: dict[int, CompiledCondition] = {}
        if isinstance(action, AssignManager) and isinstance(action.strategy, FieldMapping):
            for row in action.strategy.rows:
                mapping[id(row.when)] = self._condition(row.when, entity)
        return CompiledAction(
            action, templates, getters, mapping, assigns=isinstance(action, AssignManager)
        )

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
        ``explain`` adds the trace of each candidate rule with its condition nodes, and for
        a rule the alpha network left out, the filed tests that do not hold.
        """
        candidates: Sequence[CompiledRule] = self._index.candidates(event)
        if not candidates:
            return nothing_done(context.chain, dry_run=dry_run)
        network = self._network(candidates) if len(candidates) >= self._network_from else None
        if network is None:
            return self._run(
                event, self._effective(event, candidates), context, now,
                dry_run=dry_run, explain=explain,
            )  # fmt: skip
        entity = event.entity_type
        scope = scope_of(self._settings, event, entity, context, now)
        selected = network.select(scope)
        chosen, values = (candidates, None) if selected is None else selected
        if explain:
            effective = self._effective(event, candidates)
            if not effective:
                return nothing_done(context.chain, dry_run=dry_run)
            left_out = frozenset(candidates).difference(chosen)
            run = Run(self._settings, scope, entity, context, dry_run=dry_run)
            return run.explained(effective, left_out)
        survivors = chosen if self._timeless else self._effective(event, chosen)
        if not survivors:
            return nothing_done(context.chain, dry_run=dry_run)
        return run_quiet(
            self._settings, scope, entity, context, survivors, dry_run=dry_run, values=values
        )

    def _effective(
        self, event: DomainEvent, candidates: Sequence[CompiledRule]
    ) -> Sequence[CompiledRule]:
        """The versions of ``candidates`` in effect when ``event`` occurred."""
        if not self._timeless:
            at = event.occurred_at
            return tuple(c for c in candidates if c.timeless or c.rule.effective_at(at))
        return candidates

    def _network(self, candidates: Sequence[CompiledRule]) -> AlphaNetwork[CompiledRule] | None:
        """The alpha network of a candidate list the index keeps, built on first use; ``None``
        when conditions are not indexed or too few of the candidates are filed."""
        last = self._last
        if last[0] is candidates:  # most events meet the list the one before met
            return last[1]
        if not self._indexed:
            return None
        kept = self._networks.get(id(candidates))
        if kept is not None and kept[0] is candidates:
            self._last = kept
            return kept[1]
        if len(self._networks) >= _NETWORKS:
            self._networks.clear()
        network = AlphaNetwork(candidates, [c.alpha for c in candidates])
        worth = network if network.filed * 2 >= len(candidates) else None
        self._networks[id(candidates)] = self._last = (tuple(candidates), worth)
        return worth

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

    def process_step(
        self, step: WaitDue, *, context: RuleContext = NO_CONTEXT, now: datetime,
        dry_run: bool = False,
    ) -> RuleOutcome:  # fmt: skip
        """Run a waiting step that came due (see :class:`~crmcore.rules.PendingSteps`) for
        its record: its actions if the rule's ``when`` and the step's own still hold, else
        the step cancelled, reported in ``held``; nothing for a rule version no longer here."""
        event = StepDue(
            entity_id=step.entity_id, occurred_at=step.due_at, rule_id=step.rule_id,
            rule_version=step.rule_version, entity=step.entity, step=step.step,
        )  # fmt: skip
        versions = self._by_id.get(RuleId(step.rule_id), [])
        chosen = [c for c in versions if c.rule.version == step.rule_version]
        if not chosen or step.step >= len(chosen[0].waits):
            return nothing_done(context.chain, dry_run=dry_run)
        scope = scope_of(self._settings, event, step.entity, context, now)
        return run_step(
            self._settings, scope, step.entity, context, chosen[0], step.step, dry_run=dry_run
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
        entity = entity or event.entity_type
        scope = scope_of(self._settings, event, entity, context, now)
        if explain:
            run = Run(self._settings, scope, entity, context, dry_run=dry_run)
            return run.explained(candidates)
        return run_quiet(self._settings, scope, entity, context, candidates, dry_run=dry_run)
