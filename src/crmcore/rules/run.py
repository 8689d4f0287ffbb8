"""One run of the engine over one event: compiled rules in, commands and traces out.

The hot path (:func:`run_quiet`, no trace) asks each candidate one test, its trigger check
and compiled condition together, and builds nothing until a rule fires; the explained path
(:meth:`Run.explained`) records why each rule fired or not, node by node. Either way a
rule that raises is reported and the others run, and the loop guard stops a rule that fired
for the same record earlier in the causal chain.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, Final

import attrs

from crmcore.conditions.compiler import CompiledCondition, NodeTrace
from crmcore.conditions.generated import ValuesTest
from crmcore.conditions.scope import Scope, read, record_from_changes
from crmcore.events import DomainEvent
from crmcore.rules.actions import AssignManager
from crmcore.rules.alpha import UNFILED, AlphaPlan
from crmcore.rules.assignment import Assignment, assign
from crmcore.rules.commands import Command, command_maker
from crmcore.rules.model import Action, Enrollment, Firing, Rule, TimeUnit, Wait, WaitDue
from crmcore.rules.outcome import (
    Link,
    LoopStop,
    RuleContext,
    RuleFailure,
    RuleHeld,
    RuleOutcome,
    RuleTrace,
    commands_done,
    nothing_done,
)
from crmcore.rules.records import FLATTENERS
from crmcore.rules.repository import RuleLedger
from crmcore.rules.schemas import SchemaRegistry
from crmcore.rules.templates import Renderer, fill
from crmcore.rules.triggers import shift_moment
from crmcore.rules.watch import TriggerCheck
from crmcore.workcalendar import WorkingCalendar, instant_after

__all__ = [
    "CompiledAction",
    "CompiledRule",
    "Run",
    "Settings",
    "Test",
    "due_after",
    "rule_test",
    "run_quiet",
    "run_step",
    "scope_of",
]


_FILLED: Final = 256  # filled-in actions kept per action, by the texts of their templates


@attrs.frozen(eq=False)
class CompiledAction:
    """An action with its template fields' renderers and the readers of their placeholders.

    Filled-in actions are kept by the texts their templates gave, so that an action filled
    with texts seen before is shared (actions are frozen) instead of built and checked again.
    """

    action: Action
    templates: tuple[tuple[str, Renderer], ...]
    getters: Mapping[str, Callable[[Scope], Any]]
    mapping: Mapping[int, CompiledCondition]
    assigns: bool = False  # an assign_manager action: the staff decides whom
    _filled: dict[tuple[str, ...], Action] = attrs.field(factory=dict, init=False)

    def filled(self, scope: Scope) -> Action:
        """The action with its templates filled from ``scope``; ``DomainValidationError``
        when a filled-in text breaks its field's checks."""
        templates = self.templates
        if not templates:
            return self.action
        values = {}
        for path, getter in self.getters.items():  # loops, not comprehensions: fewer frames
            values[path] = getter(scope)
        if len(templates) == 1:
            texts: tuple[str, ...] = (templates[0][1](values),)
        else:
            texts = tuple([render(values) for _, render in templates])
        found = self._filled.get(texts)
        if found is None:
            named = {name: text for (name, _), text in zip(self.templates, texts, strict=True)}
            found = fill(self.action, named)
            if len(self._filled) >= _FILLED:
                self._filled.clear()
            self._filled[texts] = found
        return found


Test = Callable[[Scope], bool]
CommandMaker = Callable[[str, Action, str], Command]


@attrs.frozen(eq=False)  # identity: two versions of one rule are two entries
class CompiledRule:
    """A rule ready to run: its trigger check, compiled condition and actions.

    ``test`` is the hot path's whole question, trigger check and condition in one call;
    ``None`` when the entity and kind say it all and the rule has no condition.
    ``on_values`` is the same question without the tests the alpha network filed the rule by,
    for the rules it lets through (they pass those), asked over the values the network read
    (``None``: nothing is left to ask).
    """

    rule: Rule
    trigger: TriggerCheck
    condition: CompiledCondition | None
    actions: tuple[CompiledAction, ...]
    order: tuple[int, str]
    test: Test | None = None
    timeless: bool = True  # no effective dates to check
    alpha: AlphaPlan = UNFILED  # how the alpha network files it
    filed: tuple[CompiledCondition, ...] = ()  # the conjuncts it is filed by, compiled
    on_values: ValuesTest | None = None
    throttle_key: Callable[[Scope], str] | None = None  # for a throttled rule
    # Per branch: its condition (None: the else) and its actions.
    branches: tuple[tuple[CompiledCondition | None, tuple[CompiledAction, ...]], ...] = ()
    # Per waiting step: its condition (None: none of its own) and its actions.
    waits: tuple[tuple[CompiledCondition | None, tuple[CompiledAction, ...]], ...] = ()
    # Neither branches, waiting steps nor an assignment: its actions are all it gives.
    plain: bool = attrs.field(init=False)
    stops: bool = attrs.field(init=False)  # the rule's stop_processing, read per firing
    # The makers of its commands by entity and dry run, made on first use (see ``maker``).
    makers: dict[tuple[str, bool], CommandMaker] = attrs.field(factory=dict, init=False)

    @plain.default
    def _plain(self) -> bool:
        return not (self.branches or self.waits or any(a.assigns for a in self.actions))

    @stops.default
    def _stops(self) -> bool:
        return self.rule.stop_processing

    def maker(self, entity: str, dry_run: bool) -> CommandMaker:
        """The maker of this rule's commands for ``entity`` (see
        :func:`~crmcore.rules.commands.command_maker`), made once."""
        found = self.makers.get((entity, dry_run))
        if found is None:
            rule = self.rule
            found = self.makers[entity, dry_run] = command_maker(
                rule_id=rule.id, rule_version=rule.version, entity=entity, dry_run=dry_run
            )
        return found


def rule_test(check: TriggerCheck | None, evaluate: Test | None) -> Test | None:
    """A rule's trigger check (``None``: nothing to check) and condition as one test."""
    if check is None:
        return evaluate
    if evaluate is None:
        return lambda scope: check(scope.event, scope)
    return lambda scope: check(scope.event, scope) and evaluate(scope)


@attrs.frozen(kw_only=True)
class Settings:
    """What a run takes from its engine."""

    schemas: SchemaRegistry
    calendar: WorkingCalendar | None
    max_depth: int
    ledger: RuleLedger | None = None


def scope_of(
    settings: Settings, event: DomainEvent, entity: str, context: RuleContext, now: datetime
) -> Scope:
    """The scope rules read for ``event``: the host's record (flattened where rules want it
    flat) or, when the host passes none, the record as the event's changes show it."""
    record = context.record
    if record is None:
        record = _record_of(settings.schemas, event, entity)
    elif type(record) in FLATTENERS:
        record = FLATTENERS[type(record)](record)
    return Scope(event, record, now=now, facts=context.facts, calendar=settings.calendar)


def run_quiet(
    settings: Settings, scope: Scope, entity: str, context: RuleContext,
    candidates: Iterable[CompiledRule], *, dry_run: bool,
    values: Mapping[str, Any] | None = None,
) -> RuleOutcome:  # fmt: skip
    """Run ``candidates`` without a trace: each asked its one test, and the state of a
    :class:`Run` made only once a rule fires or fails, so that most events allocate nothing.

    ``values`` are the fields the alpha network read when it chose the candidates: each is
    then asked the tests it was not filed by, over them (``on_values``)."""
    chain = context.chain
    if settings.ledger is None and not chain.fired and chain.depth < settings.max_depth:
        return _run_lean(settings, scope, entity, context, candidates, dry_run, values)
    run: Run | None = None
    for compiled in candidates:
        try:
            if not _passes(compiled, scope, values):
                continue
            if run is None:
                run = Run(settings, scope, entity, context, dry_run=dry_run)
            if not run.fire(compiled):
                continue
        except Exception as error:  # one rule's failure must not stop the others
            if run is None:
                run = Run(settings, scope, entity, context, dry_run=dry_run)
            run.failed(compiled.rule, error)
            continue
        if compiled.stops:
            break
    return nothing_done(context.chain, dry_run=dry_run) if run is None else run.outcome()


def _run_lean(  # noqa: C901, PLR0912 - the hot loop; splitting it adds calls per candidate
    settings: Settings, scope: Scope, entity: str, context: RuleContext,
    candidates: Iterable[CompiledRule], dry_run: bool, values: Mapping[str, Any] | None,
) -> RuleOutcome:  # fmt: skip
    """:func:`run_quiet` with no ledger to ask and no loop to guard against: a plain rule's
    commands are made right here, and a :class:`Run` (sharing the lists) only for a rule
    that needs more or fails."""
    commands: list[Command] = []
    links: list[Link] = []
    lists = (commands, links)
    run: Run | None = None
    event = scope.event
    entity_id, caused_by = event.entity_id, event.name
    made = (entity, dry_run)
    filled: dict[CompiledAction, Action] = {}  # the actions filled for this event so far
    for compiled in candidates:
        try:
            if values is None:
                test = compiled.test
                if test is not None and not test(scope):
                    continue
            else:
                on_values = compiled.on_values
                if on_values is not None and not on_values(values, scope):
                    continue
            if run is None and compiled.plain:
                make = compiled.makers.get(made) or compiled.maker(entity, dry_run)
                actions = compiled.actions
                if len(actions) == 1:
                    item = actions[0]
                    action = filled.get(item)
                    if action is None:
                        action = _fill(item, scope, filled)
                    commands.append(make(entity_id, action, caused_by))
                else:  # all the rule's actions are filled before any command is kept
                    commands += [
                        make(
                            entity_id,
                            filled[item] if item in filled else _fill(item, scope, filled),
                            caused_by,
                        )
                        for item in actions
                    ]
                links.append((compiled.rule.id, entity, entity_id))
            else:
                run = run or Run(settings, scope, entity, context, dry_run=dry_run, lists=lists)
                if not run.fire(compiled):
                    continue
        except Exception as error:  # one rule's failure must not stop the others
            run = run or Run(settings, scope, entity, context, dry_run=dry_run, lists=lists)
            run.failed(compiled.rule, error)
            continue
        if compiled.stops:
            break
    if run is not None:
        return run.outcome()
    if not links:
        return nothing_done(context.chain, dry_run=dry_run)
    return commands_done(tuple(commands), context.chain.after(links), dry_run=dry_run)


def _passes(compiled: CompiledRule, scope: Scope, values: Mapping[str, Any] | None) -> bool:
    """Whether ``compiled`` holds for ``scope``: its whole test, or with the ``values`` the
    alpha network read, the tests it was not filed by."""
    if values is None:
        return compiled.test is None or compiled.test(scope)
    return compiled.on_values is None or compiled.on_values(values, scope)


def _fill(item: CompiledAction, scope: Scope, filled: dict[CompiledAction, Action]) -> Action:
    """``item`` filled from ``scope``, kept in ``filled``: rules sharing an action fill it
    once per event."""
    action = filled[item] = item.filled(scope)
    return action


def run_step(
    settings: Settings, scope: Scope, entity: str, context: RuleContext,
    compiled: CompiledRule, step: int, *, dry_run: bool,
) -> RuleOutcome:  # fmt: skip
    """Run waiting ``step`` of ``compiled``: its commands if the rule's condition and the
    step's own still hold, else the step cancelled (reported in ``held``)."""
    run = Run(settings, scope, entity, context, dry_run=dry_run)
    own, _ = compiled.waits[step]
    rule = compiled.rule
    try:
        holds = compiled.condition is None or compiled.condition.evaluate(scope)
        if holds and (own is None or own.evaluate(scope)):
            run.fire(compiled, step)
        else:
            reason = "cancelled: the record no longer qualifies"
            run.held.append(
                RuleHeld(rule_id=rule.id, version=rule.version, entity_id=run.event.entity_id,
                         reason=reason)
            )  # fmt: skip
    except Exception as error:  # a failing step is reported, as a failing rule is
        run.failed(rule, error)
    return run.outcome()


class Run:
    """The state of processing one event: commands so far, traces, failures, the chain."""

    def __init__(
        self, settings: Settings, scope: Scope, entity: str, context: RuleContext, *,
        dry_run: bool, lists: tuple[list[Command], list[Link]] | None = None,
    ) -> None:  # fmt: skip
        """``lists`` are the commands and links so far, when the run takes over from a lean
        one (see :func:`run_quiet`)."""
        self.settings = settings
        self.event = scope.event
        self.entity = entity
        self.context = context
        self.dry_run = dry_run
        self.scope = scope
        self.commands: list[Command]
        self.links: list[Link]
        self.commands, self.links = ([], []) if lists is None else lists
        self.traces: list[RuleTrace] = []
        self.failures: list[RuleFailure] = []
        self.loops: list[LoopStop] = []
        self.firings: list[Firing] = []
        self.held: list[RuleHeld] = []
        self.scheduled: list[WaitDue] = []
        chain = context.chain
        self._free = not chain.fired and chain.depth < settings.max_depth  # no guard to ask

    def explained(
        self, candidates: Iterable[CompiledRule], left_out: Collection[CompiledRule] = ()
    ) -> RuleOutcome:
        """Run ``candidates`` in order with the trace of each, and say what came of it; those
        in ``left_out``, which the alpha network left out, are traced with the filed tests
        that do not hold."""
        for compiled in candidates:
            if compiled in left_out:
                self.traces.append(self._left_out(compiled))
            elif self._step(compiled):
                break
        return self.outcome()

    def _left_out(self, compiled: CompiledRule) -> RuleTrace:
        """The trace of a rule the alpha network left out: its filed tests' nodes, and which
        of them do not hold (the network read their fields safely, so none raises)."""
        nodes: list[NodeTrace] = []
        for test in compiled.filed:
            test.explain(self.scope, nodes)
        failing = ", ".join(
            f"{node.path} ({node.field} {node.op} {node.expected!r})"
            for node in nodes
            if not node.result and node.field is not None
        )
        rule = compiled.rule
        reason = f"left out by the index: {failing or 'a filed test'} does not hold"
        return RuleTrace(
            rule_id=rule.id, version=rule.version, fired=False, reason=reason, nodes=tuple(nodes)
        )

    def _step(self, compiled: CompiledRule) -> bool:
        """Run one candidate rule with its trace; whether processing stops after it."""
        rule = compiled.rule
        try:
            fired, reason, nodes = self._evaluate(compiled)
            if fired and not self.fire(compiled):
                held = self.held[-1] if self.held else None
                stopped = held.reason if held and held.rule_id == rule.id else "the loop guard"
                fired, reason = False, f"stopped by {stopped}"
        except Exception as error:  # one rule's failure must not stop the others
            self.failed(rule, error)
            fired, reason, nodes = False, f"failed: {type(error).__name__}", ()
        trace = RuleTrace(
            rule_id=rule.id, version=rule.version, fired=fired, reason=reason, nodes=nodes
        )
        self.traces.append(trace)
        return fired and rule.stop_processing

    def failed(self, rule: Rule, error: Exception) -> None:
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

    def fire(self, compiled: CompiledRule, step: int | None = None) -> bool:
        """Hand over the rule's commands unless the loop guard stops it; whether it fired.

        The commands are all built before any is handed over: a rule whose later action
        fails to fill gives none, so the host never applies half of a rule. A waiting
        ``step`` gives that step's commands; its rule was let through when it fired."""
        rule = compiled.rule
        if not self._free and not self._guard(rule):
            return False
        ledger = self.settings.ledger
        key = "" if compiled.throttle_key is None else compiled.throttle_key(self.scope)
        if step is None and ledger is not None and not self._admitted(ledger, rule, key):
            return False
        if step is None:
            commands = self._commands(compiled, self._chosen(compiled))
            if rule.waits:
                self._schedule(compiled)
        else:
            commands = self._commands(compiled, compiled.waits[step][1])
        self.commands += commands
        self.links.append((rule.id, self.entity, self.event.entity_id))
        if ledger is not None and not self.dry_run:
            self.firings.append(
                Firing(
                    rule_id=rule.id, rule_version=rule.version, entity=self.entity,
                    entity_id=self.event.entity_id, at=self.scope.now, caused_by=self.event.name,
                    actions=tuple(c.action.kind for c in commands), throttle_key=key,
                )
            )  # fmt: skip
        return True

    def _admitted(self, ledger: RuleLedger, rule: Rule, key: str) -> bool:
        """Whether the ledger lets ``rule`` fire: its throttle's limit is not reached, and it
        fires every time or has not fired for the record yet."""
        reason = None
        entity_id = self.event.entity_id
        if rule.enrollment is Enrollment.FIRST_TIME and ledger.fired_for(
            rule.id, entity=self.entity, entity_id=entity_id
        ):
            reason = "first-time enrollment: the rule fired for this record before"
        throttle = rule.throttle
        if reason is None and throttle is not None:
            # In UTC: real time, compared as instants with firings written in any zone.
            since = self.scope.now.astimezone(UTC) - throttle.window
            if ledger.count(rule.id, throttle_key=key, since=since) >= throttle.limit:
                reason = f"its throttle: {throttle.limit} firing(s) within {throttle.window}"
        if reason is None:
            return True
        self.held.append(
            RuleHeld(rule_id=rule.id, version=rule.version, entity_id=entity_id, reason=reason)
        )
        return False

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

    def _chosen(self, compiled: CompiledRule) -> tuple[CompiledAction, ...]:
        """The rule's actions, and those of the first branch whose condition holds."""
        if not compiled.branches:
            return compiled.actions
        for condition, actions in compiled.branches:
            if condition is None or condition.evaluate(self.scope):
                return compiled.actions + actions
        return compiled.actions

    def _schedule(self, compiled: CompiledRule) -> None:
        """Note the rule's waiting steps, due from now (not on a dry run)."""
        if self.dry_run:
            return
        rule = compiled.rule
        for index, wait in enumerate(rule.waits):
            self.scheduled.append(
                WaitDue(
                    rule_id=rule.id, rule_version=rule.version, step=index, entity=self.entity,
                    entity_id=self.event.entity_id, caused_by=self.event.name,
                    due_at=due_after(self.scope.now, wait, self.settings.calendar),
                )
            )  # fmt: skip

    def _commands(
        self, compiled: CompiledRule, actions: tuple[CompiledAction, ...]
    ) -> list[Command]:
        rule = compiled.rule
        scope, event = self.scope, self.event
        commands = []
        for item in actions:
            action = item.filled(scope)
            chosen = self._assignment(item) if item.assigns else None
            command = Command(
                rule_id=rule.id, rule_version=rule.version, entity=self.entity,
                entity_id=event.entity_id, action=action, caused_by=event.name,
                assignment=chosen, dry_run=self.dry_run,
            )  # fmt: skip
            commands.append(command)
        return commands

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

    def outcome(self) -> RuleOutcome:
        if not (
            self.commands
            or self.traces
            or self.failures
            or self.loops
            or self.links
            or self.held
            or self.scheduled
        ):
            return nothing_done(self.context.chain, dry_run=self.dry_run)
        chain = self.context.chain.after(self.links) if self.links else self.context.chain
        return RuleOutcome(
            commands=tuple(self.commands), trace=tuple(self.traces), failures=tuple(self.failures),
            loops=tuple(self.loops), chain=chain, dry_run=self.dry_run,
            firings=tuple(self.firings), held=tuple(self.held), scheduled=tuple(self.scheduled),
        )  # fmt: skip


_UNITS: Final = {TimeUnit.MINUTES: timedelta(minutes=1), TimeUnit.HOURS: timedelta(hours=1)}


def due_after(now: datetime, wait: Wait, calendar: WorkingCalendar | None) -> datetime:
    """When a waiting step is due: ``after`` minutes, hours or days from now, or ``after``
    working days of the calendar (at the same time of day in its zone)."""
    step = _UNITS.get(wait.unit)
    if step is not None:
        return instant_after(now, step * wait.after)
    if not wait.working_days:
        return instant_after(now, timedelta(days=wait.after))  # a duration: real time
    return shift_moment(now, wait.after, working=True, calendar=calendar)


def _record_of(schemas: SchemaRegistry, event: DomainEvent, entity: str) -> Mapping[str, Any]:
    """The record as the event's changes show it, when the host passes none."""
    try:
        return record_from_changes(event, schemas, entity)
    except LookupError:
        return {"id": event.entity_id}
