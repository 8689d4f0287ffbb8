"""The assembled CRM: every command run end to end in one unit of work.

:meth:`CRM.execute` loads what a command needs, calls the area service, saves every changed
aggregate with its expected version, appends the stage log, runs the rules on the events
(threading the loop chain itself), carries out the rules' internal commands through the area
services, puts the commands for the outside world in the outbox, and commits once; after
the commit the duplicate indexes learn what changed. Anything that raises rolls the whole
unit back. :meth:`CRM.tick` fires date triggers and due reminders exactly once.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, time
from decimal import Decimal
from functools import partial
from importlib.metadata import entry_points
from typing import TYPE_CHECKING, Any, Final, Generic, TypeVar

import attrs

from crmcore import plugins
from crmcore.access import AccessControl, AccessPolicy, Action, AuditEntry
from crmcore.analytics import BUILTIN_INDICATORS, Desktop, KpiTable, Period, desktop, kpi_table
from crmcore.app.access_queries import deal_documents_as, export, price_form_as
from crmcore.app.catalog_queries import DealDocuments, deal_documents, price_form_of
from crmcore.app.commands import CRMCommand
from crmcore.app.effects import apply_internal, is_internal, keeps_tasks
from crmcore.app.guard import KIND_OF_REPOSITORY, Guard, loader
from crmcore.app.handlers import HANDLERS
from crmcore.app.handlers.base import pipeline_of
from crmcore.app.handlers.rules import same_rule
from crmcore.app.indexes import DuplicateIndexes
from crmcore.app.marketing import MarketingQueries
from crmcore.app.model import OutboxMessage, Recipient
from crmcore.app.outbox import Delivery, MessageHandler, Outbox
from crmcore.app.recipients import resolve
from crmcore.app.settings import Settings
from crmcore.app.store import Repositories, Store
from crmcore.app.work import REPOSITORY_OF_ENTITY, REPOSITORY_OF_REFERENCE, Work
from crmcore.catalog import PriceForm
from crmcore.claims import (
    Claim,
    ClaimDynamics,
    ClaimStructure,
    claim_dynamics,
    claim_structure,
    overdue_claims,
)
from crmcore.deals import Deal, DealStatus, Forecast, Funnel, Pipeline, funnel, upcoming
from crmcore.errors import (
    AccessDeniedError,
    BusinessRuleError,
    ConcurrencyConflictError,
    DomainValidationError,
    DuplicateEntityError,
    EntityNotFoundError,
    Violation,
)
from crmcore.events import DomainEvent
from crmcore.ids import DealId, EntityRef, PartnerId, ProjectId, RuleId, UserId, new_id
from crmcore.interactions import Interaction, due_reminders
from crmcore.matching import DuplicateIndex
from crmcore.partners import ContactPerson, Partner, Relationship
from crmcore.requests import Request, RequestMatcher
from crmcore.rules import (
    NO_FACTS,
    ActionHandler,
    Chain,
    Command,
    DisabledRule,
    FactSource,
    LoopStop,
    Rule,
    RuleContext,
    RuleEngine,
    RuleFailure,
    RuleOutcome,
    SendMessage,
    Staff,
    TriggerKind,
    due_time_triggers,
    validate_rules,
)
from crmcore.rules.model import RENAMED, Firing, WaitDue
from crmcore.rules.triggers import DueTrigger
from crmcore.tasks import (
    Project,
    ProjectProgress,
    Task,
    TaskAgenda,
    TaskRepository,
    project_progress,
    task_agenda,
)
from crmcore.validation import FIRST_DAY, aware_datetime, identifier, raise_violations
from crmcore.visibility import responsible_key

if TYPE_CHECKING:
    from crmcore.agreements import Agreement

__all__ = ["CRM", "Executed", "PartnerView", "Ticked"]

T = TypeVar("T")

REMINDER_RULE: Final = RuleId("reminder")
_TICK_ACTOR: Final = "system"
_STORES: Final = "crmcore.stores"
_LOG_BEGINS: Final = datetime.combine(FIRST_DAY, time(), tzinfo=UTC)
"""The first moment a record may hold, so before every entry of a stage log: where the funnel
reads the log from."""


@attrs.frozen(kw_only=True)
class Executed(Generic[T]):
    """What one command did: its result (the entity, a :class:`~crmcore.requests.Conversion`,
    or :class:`~crmcore.partners.PossibleDuplicates` that stopped a registration), every event
    of the unit of work, the commands the rules produced, the outbox messages stored, and the
    rules that failed or were stopped by the loop guard."""

    result: T
    events: tuple[DomainEvent, ...] = ()
    commands: tuple[Command, ...] = ()
    outbox: tuple[OutboxMessage, ...] = ()
    failures: tuple[RuleFailure, ...] = ()
    loops: tuple[LoopStop, ...] = ()
    warnings: tuple[Violation, ...] = ()
    attempts: int = 1


@attrs.frozen(kw_only=True)
class Ticked:
    """What one :meth:`CRM.tick` fired: date triggers, the rules' waiting steps and
    reminders, each once."""

    since: datetime
    until: datetime
    triggers: tuple[str, ...] = ()
    steps: tuple[str, ...] = ()
    reminders: tuple[str, ...] = ()
    outbox: tuple[OutboxMessage, ...] = ()
    failures: tuple[RuleFailure, ...] = ()


@attrs.frozen(kw_only=True)
class PartnerView:
    """Everything the CRM holds about one partner: the 360-degree view of a client card."""

    partner: Partner
    contact_persons: tuple[ContactPerson, ...]
    relationships: tuple[Relationship, ...]
    deals: tuple[Deal, ...]
    interactions: tuple[Interaction, ...]
    agreements: tuple[Agreement, ...]
    claims: tuple[Claim, ...]
    requests: tuple[Request, ...]


def _store_class(name: str) -> Any:
    """The store class ``name`` (``memory``, ``sql``) of the ``crmcore.stores`` entry points,
    loaded only when a CRM opens one, so that the application layer imports no store."""
    chosen = [entry for entry in entry_points(group=_STORES) if entry.name == name]
    return plugins.load(_STORES, available=chosen)[name]


def _effective_versions(rules: Iterable[Rule]) -> list[Rule]:
    """Of each rule, the latest version and the earlier ones whose effective periods do not
    overlap any later kept one: a new version without a period replaces the one before."""
    by_id: dict[str, list[Rule]] = {}
    for found in rules:
        by_id.setdefault(found.id, []).append(found)
    kept: list[Rule] = []
    for versions in by_id.values():
        chosen: list[Rule] = []
        for version in sorted(versions, key=lambda r: r.version, reverse=True):
            if not any(_overlap(version, later) for later in chosen):
                chosen.append(version)
        kept.extend(sorted(chosen, key=lambda r: r.version))
    return kept


def _unknown_kind(entity: str) -> str:
    """Why ``entity`` names no record :meth:`CRM.get` reads, with the known names (or the new
    name of an old one)."""
    renamed = RENAMED.get(entity)
    if renamed in REPOSITORY_OF_ENTITY:
        return f"is not a record the CRM stores: it is now called {renamed!r}"
    return "is not a record the CRM stores: one of " + ", ".join(sorted(REPOSITORY_OF_ENTITY))


def _overlap(first: Rule, second: Rule) -> bool:
    starts_before_end = (
        first.effective_from is None
        or second.effective_until is None
        or first.effective_from < second.effective_until
    )
    ends_after_start = (
        first.effective_until is None
        or second.effective_from is None
        or second.effective_from < first.effective_until
    )
    return starts_before_end and ends_after_start


def _process_due(
    trigger: DueTrigger, now: datetime, engine: RuleEngine, context: RuleContext
) -> RuleOutcome:
    return engine.process_due(trigger, context=context, now=now)


def _process_step(
    step: WaitDue, now: datetime, engine: RuleEngine, context: RuleContext
) -> RuleOutcome:
    return engine.process_step(step, context=context, now=now)


def _fired(key: str, repositories: Repositories) -> bool:
    return repositories.ticks.fired(key)


def _done(
    key: str, now: datetime, then: Callable[[Repositories], None] | None,
    repositories: Repositories,
) -> None:  # fmt: skip
    """Note that what ``key`` names ran: ``then`` (a step taken from the pending ones), and
    ``key`` in the tick log, which refuses a key another process's tick recorded first."""
    if then is not None:
        then(repositories)
    repositories.ticks.record(key, at=now)


def _not_pending(step: WaitDue, now: datetime, repositories: Repositories) -> bool:
    pending = repositories.pending_steps
    return pending is None or step not in pending.due(until=now)


def _ran(step: WaitDue, repositories: Repositories) -> None:
    if repositories.pending_steps is not None:
        repositories.pending_steps.remove(step)


def _tasks_of(repositories: Repositories) -> TaskRepository:
    if repositories.tasks is None:
        raise DomainValidationError.single("store", "keeps no tasks")
    return repositories.tasks


class _StoredFacts:
    """The rules' related records read from the unit of work, facts from the host."""

    def __init__(self, work: Work, host: FactSource) -> None:
        self._work = work
        self._host = host

    def record(self, entity: str, entity_id: str) -> object | None:
        found = self._host.record(entity, entity_id)
        return found if found is not None else self._work.latest(entity, entity_id)

    def fact(self, entity: str, entity_id: str, name: str) -> object | None:
        return self._host.fact(entity, entity_id, name)


class CRM:
    """crmcore as one system, over a :class:`~crmcore.app.Store`.

    ``rules`` are stored (each absent or changed one as its next version) when the CRM is
    built; later rules come through :class:`~crmcore.app.commands.SaveRule`. ``handlers``
    deliver the outbox (one :class:`~crmcore.rules.ActionHandler` per action kind);
    ``facts`` answers the rules' facts crmcore does not store (a last purchase amount).
    """

    def __init__(
        self,
        store: Store,
        *,
        settings: Settings | None = None,
        rules: Iterable[Rule] = (),
        handlers: Mapping[str, ActionHandler | MessageHandler] | None = None,
        facts: FactSource = NO_FACTS,
        policy: AccessPolicy | None = None,
    ) -> None:
        self.store = store
        self._settings = settings or Settings()
        self._policy = policy
        self._policy_users = frozenset(() if policy is None else (u.id for u in policy.users))
        self._guard = Guard(
            AccessControl(policy) if policy is not None else None,
            self._settings.system_actors,
        )
        self.handlers = dict(handlers or {})
        self._facts = facts
        self._lock = threading.RLock()
        self._staff = self._settings.staff
        self._engine: tuple[tuple[tuple[str, int], ...], RuleEngine] | None = None
        self._rules_read_at: datetime | None = None
        self._indexes = DuplicateIndexes()
        self.outbox = Outbox(store, max_attempts=self._settings.max_delivery_attempts)
        self._install(tuple(rules))

    @classmethod
    def in_memory(
        cls,
        *,
        settings: Settings | None = None,
        rules: Iterable[Rule] = (),
        handlers: Mapping[str, ActionHandler | MessageHandler] | None = None,
        facts: FactSource = NO_FACTS,
        policy: AccessPolicy | None = None,
    ) -> CRM:
        """A CRM on a new, empty :class:`crmcore.memory.MemoryStore`."""
        return cls(
            _store_class("memory")(),
            settings=settings,
            rules=rules,
            handlers=handlers,
            facts=facts,
            policy=policy,
        )

    @classmethod
    def sqlite(
        cls,
        path: str = ":memory:",
        *,
        settings: Settings | None = None,
        rules: Iterable[Rule] = (),
        handlers: Mapping[str, ActionHandler | MessageHandler] | None = None,
        facts: FactSource = NO_FACTS,
        policy: AccessPolicy | None = None,
    ) -> CRM:
        """A CRM on an SQLite file (created and migrated if new); needs the ``sql`` extra."""
        store = _store_class("sql").sqlite(path)
        return cls(
            store, settings=settings, rules=rules, handlers=handlers, facts=facts, policy=policy
        )

    @classmethod
    def from_url(
        cls,
        url: str,
        *,
        settings: Settings | None = None,
        rules: Iterable[Rule] = (),
        handlers: Mapping[str, ActionHandler | MessageHandler] | None = None,
        facts: FactSource = NO_FACTS,
        upgrade: bool = False,
        policy: AccessPolicy | None = None,
    ) -> CRM:
        """A CRM on the SQLAlchemy database ``url`` (PostgreSQL in production), migrated first
        when ``upgrade``; needs the ``sql`` extra."""
        store = _store_class("sql").from_url(url, upgrade=upgrade)
        return cls(
            store, settings=settings, rules=rules, handlers=handlers, facts=facts, policy=policy
        )

    @property
    def settings(self) -> Settings:
        """The CRM's settings."""
        return self._settings

    @property
    def staff(self) -> Staff:
        """The staff, with the rotation pointers as this CRM object last moved or read them
        (the store keeps them for every process when it has :attr:`Repositories.rotation`)."""
        return self._staff

    # Commands

    def execute(self, command: CRMCommand, *, actor: str, now: datetime) -> Executed[Any]:
        """Run ``command`` for ``actor`` at ``now`` in one unit of work; see the module.

        A command, actor or moment that is not acceptable is a
        :class:`~crmcore.errors.DomainValidationError` naming the field, an unknown id an
        :class:`~crmcore.errors.EntityNotFoundError`; a concurrent writer's win is retried
        up to ``settings.max_retries`` times, then raised as
        :class:`~crmcore.errors.ConcurrencyConflictError`. Nothing is stored on an error.
        """
        handler = self._check(command, actor, now)
        self._ensure_indexes()
        attempt = 0
        while True:
            attempt += 1
            try:
                with self._lock, self.store.unit_of_work() as repositories:
                    work = Work(repositories, actor=actor, now=now, staff=self._staff)
                    work.read_rotation()
                    work.guard = self._guard
                    work.command = command.name
                    result = handler(self, work, command)
                    commands = self._react(work)
                    for message in work.outbox:
                        repositories.outbox.add(message)
                break
            except ConcurrencyConflictError:
                if attempt > self._settings.max_retries:
                    raise
        self._committed(work, commands)
        return Executed(
            result=work.current(result),
            events=tuple(event for event, _ in work.events),
            commands=tuple(commands),
            outbox=tuple(work.outbox),
            failures=tuple(work.failures),
            loops=tuple(work.loops),
            warnings=tuple(work.warnings),
            attempts=attempt,
        )

    def _check(self, command: object, actor: object, now: object) -> Any:
        problems: list[Violation] = []
        if not isinstance(command, CRMCommand):
            problems.append(Violation(field="command", message="must be a CRM command"))
        handler = HANDLERS.get(type(command))
        if isinstance(command, CRMCommand) and handler is None:
            problems.append(Violation(field="command", message="has no handler"))
        found = list(identifier("actor", actor))
        problems.extend(found)
        if not found and not self._knows(str(actor)):
            problems.append(Violation(field="actor", message="is not a known user", value=actor))
        problems.extend(aware_datetime("now", now))
        if problems:
            raise DomainValidationError(problems)
        return handler

    def _knows(self, actor: str) -> bool:
        """Whether ``actor`` may execute commands: known to the settings or the policy."""
        return actor in self._policy_users or self._settings.knows(actor)

    @property
    def policy(self) -> AccessPolicy | None:
        """The access policy the CRM enforces (``None``: everything is allowed)."""
        return self._policy

    def _react(self, work: Work) -> list[Command]:
        """Run the rules on every event of ``work``, in order, the follow-up events of a rule's
        change in the chain after it; internal commands through the services, the others to
        the outbox."""
        engine = self._rules(work.repositories, work.now)
        produced: list[Command] = []
        index = 0
        while index < len(work.events):
            event, chain = work.events[index]
            index += 1
            if not engine.candidates(event):
                continue
            outcome = engine.process(event, context=self._context(work, event, chain), now=work.now)
            produced.extend(self._outcome(work, outcome))
        return produced

    def _outcome(self, work: Work, outcome: RuleOutcome) -> list[Command]:
        """Keep what the rules fired and scheduled, and carry out their commands."""
        repositories = work.repositories
        work.failures.extend(outcome.failures)
        work.loops.extend(outcome.loops)
        if repositories.ledger is not None:
            for firing in outcome.firings:
                repositories.ledger.record(firing)
        if repositories.pending_steps is not None:
            for step in outcome.scheduled:
                repositories.pending_steps.add(step)
        carried: list[Command] = []
        for command in outcome.commands:
            if not command.dry_run:
                carried.append(command)
                self._carry_out(work, command, outcome.chain)
        return carried

    def _context(self, work: Work, event: DomainEvent, chain: Chain) -> RuleContext:
        entity = event.entity_type
        return RuleContext(
            record=work.latest(entity, event.entity_id),
            facts=_StoredFacts(work, self._facts),
            staff=work.staff,
            org=work.staff,
            chain=chain,
        )

    def _carry_out(self, work: Work, command: Command, chain: Chain) -> None:
        if command.assignment is not None and command.assignment.rotation:
            work.move_rotation(command.assignment.rotation)
        internal = is_internal(command)
        if not internal and not keeps_tasks(work.repositories, command):
            work.outbox.append(self._message(work, command))
            return
        person = work.rights
        work.rights = self._runs_as(work, command)
        work.rule_id = command.rule_id
        try:
            apply_internal(self, work, command, chain=chain)
        except (
            DomainValidationError,
            BusinessRuleError,
            EntityNotFoundError,
            AccessDeniedError,
        ) as error:
            # The service refused the rule's change before anything was stored: the rule
            # failed, the person's command stands.
            work.failures.append(
                RuleFailure(
                    rule_id=command.rule_id,
                    version=command.rule_version,
                    error=type(error).__name__,
                    message=str(error),
                )
            )
            return
        finally:
            work.rights = person
            work.rule_id = None
        if not internal:
            # A task or project stored for the rule: its message tells the people concerned.
            work.outbox.append(self._message(work, command))

    def _runs_as(self, work: Work, command: Command) -> str:
        """Whose rights a rule's command uses: the user the rule states, else the system's."""
        if self._guard.control is None:
            return _TICK_ACTOR
        try:
            rule = work.repositories.rules.get(command.rule_id)
        except EntityNotFoundError:
            return _TICK_ACTOR
        return rule.runs_as or _TICK_ACTOR

    def _message(self, work: Work, command: Command) -> OutboxMessage:
        return OutboxMessage(
            id=work.message_id(),
            command=command,
            recipients=resolve(work, command, work.staff),
            created_at=work.now,
        )

    def _committed(self, work: Work, commands: Sequence[Command]) -> None:
        """Keep the rotation the unit of work moved, and teach the duplicate indexes what it
        wrote."""
        self._staff = work.staff
        self._indexes.committed(work)

    def deliver(self, *, now: datetime, limit: int | None = None) -> Delivery:
        """Hand the pending outbox messages to the CRM's ``handlers``; see
        :meth:`Outbox.deliver`."""
        return self.outbox.deliver(self.handlers, now=now, limit=limit)

    # Rules and indexes

    def _install(self, rules: tuple[Rule, ...]) -> None:
        if not rules:
            return
        # The rules given here are refused with their problems; stored ones that went stale
        # since (a custom field deleted) are only left out, see disabled_rules.
        validate_rules(
            rules, schemas=self._settings.schemas, lifecycle_moves=True,
            webhooks=self._settings.webhooks,
        )  # fmt: skip
        with self.store.unit_of_work() as repositories:
            stored: dict[str, Rule] = {rule.id: rule for rule in repositories.rules.list()}
            for rule in rules:
                current = stored.get(rule.id)
                if current is None:
                    repositories.rules.add(attrs.evolve(rule, version=1))
                elif not same_rule(current, rule):
                    again = attrs.evolve(rule, version=current.version + 1)
                    repositories.rules.save(again, expected_version=current.version)
        with self.store.unit_of_work() as repositories:
            self._rules(repositories)

    def disabled_rules(
        self, *, now: datetime | None = None, actor: str | None = None
    ) -> tuple[DisabledRule, ...]:
        """The stored rule versions left out of automation for their problems, each with them
        (a rule naming a custom field since deleted), of the rules ``actor`` may read; every
        other rule runs."""
        reader = self._reader(actor)
        with self.store.unit_of_work() as repositories:
            disabled = self._rules(repositories, now).disabled
            if self._guard.exempt(reader):
                return disabled
            stored: dict[str, Rule] = {rule.id: rule for rule in repositories.rules.list()}
        readable = {
            rule.id
            for rule in self._guard.visible(
                reader, "rule", [stored[d.rule_id] for d in disabled if d.rule_id in stored]
            )
        }
        return tuple(d for d in disabled if d.rule_id in readable)

    def rules_changed(self) -> None:
        """Read the rules from the store again before the next event (a rule was saved)."""
        self._rules_read_at = None

    def _rules(self, repositories: Repositories, now: datetime | None = None) -> RuleEngine:
        """The engine of the stored rules, read again after a rule was saved here and at
        least every ``settings.rules_refresh`` of the commands' clock (for rules other
        processes saved)."""
        cached = self._engine
        read_at = self._rules_read_at
        if (
            cached is not None
            and read_at is not None
            and now is not None
            and read_at.astimezone(UTC) <= now.astimezone(UTC)
            and now.astimezone(UTC) < read_at.astimezone(UTC) + self._settings.rules_refresh
        ):
            return cached[1]
        rules = _effective_versions(repositories.rules.list(all_versions=True))
        key = tuple((rule.id, rule.version) for rule in rules)
        self._rules_read_at = now
        if cached is not None and cached[0] == key:
            return cached[1]
        if repositories.pending_steps is None and any(rule.waits for rule in rules):
            raise DomainValidationError.single(
                "rules", "a rule waits, and the store keeps no waiting steps"
            )
        engine = RuleEngine(
            rules,
            schemas=self._settings.schemas,
            calendar=self._settings.calendar,
            max_depth=self._settings.max_rule_depth,
            ledger=repositories.ledger,
            lifecycle_moves=True,
            webhooks=self._settings.webhooks,
            disable_invalid=True,
        )
        self._engine = (key, engine)
        return engine

    def _ensure_indexes(self) -> None:
        if self._indexes.built:
            return
        with self._lock, self.store.unit_of_work() as repositories:
            self._indexes.build(repositories)

    def refresh_indexes(self) -> None:
        """Rebuild the duplicate indexes from everything stored: a full read of the partners
        and contact persons. Not needed to see other processes' writes on a store with a
        change log (:attr:`Repositories.partner_changes`): the indexes catch up with those
        before each duplicate check."""
        with self._lock, self.store.unit_of_work() as repositories:
            self._indexes.build(repositories)

    def partner_index(self, work: Work) -> DuplicateIndex:
        """The duplicate index of the partners, caught up with the store's changes."""
        self._ensure_indexes()
        self._indexes.catch_up(work)
        assert self._indexes.partners is not None
        return self._indexes.partners

    def matcher(self, work: Work) -> RequestMatcher:
        """The duplicate check of requests against partners and their contact persons,
        caught up with the store's changes."""
        partners = self.partner_index(work)
        return RequestMatcher(
            partners=partners,
            contacts=self._indexes.contacts,
            contact_persons=work.repositories.contact_persons,
        )

    # Time

    def tick(self, now: datetime) -> Ticked:
        """Fire the date triggers, the rules' waiting steps and the reminders that came due
        since the last tick (or within ``settings.first_tick`` before the first one), each
        exactly once: each is recorded in the store's tick log (a step is also taken from its
        pending steps) in the same unit of work, so a tick repeated after a crash or a restart
        skips them, and where ticks of two processes race for one, the one that records it
        first runs it and the other skips it. Each runs in its own unit of work, like a
        command of the system actor."""
        raise_violations(aware_datetime("now", now))
        self._ensure_indexes()
        with self.store.unit_of_work() as repositories:
            since = repositories.ticks.watermark() or now - self._settings.first_tick
            since = min(since, now)
            rules = _effective_versions(repositories.rules.list(all_versions=True))
            records = self._dated_records(repositories, rules)
            due = due_time_triggers(
                rules,
                records,
                since=since,
                now=now,
                schemas=self._settings.schemas,
                calendar=self._settings.calendar,
            )
            reminders = due_reminders(
                repositories.interactions.reminding(since, now), since=since, now=now
            )
            steps = (
                repositories.pending_steps.due(until=now)
                if repositories.pending_steps is not None
                else ()
            )
        fired: list[str] = []
        ran: list[str] = []
        reminded: list[str] = []
        outbox: list[OutboxMessage] = []
        failures: list[RuleFailure] = []
        for trigger in due.due:
            key = (
                f"rule:{trigger.rule_id}:{trigger.rule_version}:{trigger.entity}:"
                f"{trigger.entity_id}:{trigger.field}:{trigger.due_at.isoformat()}"
            )
            work = self._run_due(
                trigger.entity,
                trigger.entity_id,
                now,
                key=key,
                run=partial(_process_due, trigger, now),
                skip=partial(_fired, key),
            )
            if work is not None:
                fired.append(key)
                outbox.extend(work.outbox)
                failures.extend(work.failures)
        for step in steps:
            key = (
                f"step:{step.rule_id}:{step.rule_version}:{step.step}:{step.entity}:"
                f"{step.entity_id}:{step.due_at.isoformat()}"
            )
            work = self._run_due(
                step.entity,
                step.entity_id,
                now,
                key=key,
                run=partial(_process_step, step, now),
                skip=partial(_not_pending, step, now),
                done=partial(_ran, step),
            )
            if work is not None:
                ran.append(f"step:{step.rule_id}:{step.rule_version}:{step.step}:{step.entity_id}")
                outbox.extend(work.outbox)
                failures.extend(work.failures)
        for reminder in reminders.reminders:
            key = f"reminder:{reminder.interaction_id}:{reminder.index}:{reminder.at.isoformat()}"
            try:
                with self.store.unit_of_work() as repositories:
                    if repositories.ticks.fired(key):
                        continue
                    message = self._reminder(reminder, now)
                    repositories.outbox.add(message)
                    repositories.ticks.record(key, at=now)
            except DuplicateEntityError as error:
                if error.entity_id != key:
                    raise
                continue  # another process's tick recorded it first and sent it
            reminded.append(key)
            outbox.append(message)
        with self.store.unit_of_work() as repositories:
            if repositories.ticks.watermark() is None or repositories.ticks.watermark() < now:  # type: ignore[operator]
                repositories.ticks.advance(now)
        return Ticked(
            since=since,
            until=now,
            triggers=tuple(fired),
            steps=tuple(ran),
            reminders=tuple(reminded),
            outbox=tuple(outbox),
            failures=tuple(failures),
        )

    def _run_due(
        self,
        entity: str,
        entity_id: str,
        now: datetime,
        *,
        key: str,
        run: Callable[[RuleEngine, RuleContext], RuleOutcome],
        skip: Callable[[Repositories], bool],
        done: Callable[[Repositories], None] | None = None,
    ) -> Work | None:
        """Run one thing that came due in its own unit of work, unless ``skip`` says it ran
        already; ``key`` is recorded in the tick log in the same unit of work, after ``done``.
        A concurrent writer's win (another process moved the rotation an assignment read)
        runs it again, up to ``settings.max_retries`` times, as :meth:`execute` does; another
        process's tick that recorded ``key`` first ran it, and nothing is done here."""
        attempt = 0
        while True:
            attempt += 1
            try:
                return self._run_due_once(
                    entity, entity_id, now, run=run, skip=skip, done=partial(_done, key, now, done)
                )
            except ConcurrencyConflictError:
                if attempt > self._settings.max_retries:
                    raise
            except DuplicateEntityError as error:
                if error.entity_id != key:
                    raise
                return None

    def _run_due_once(
        self,
        entity: str,
        entity_id: str,
        now: datetime,
        *,
        run: Callable[[RuleEngine, RuleContext], RuleOutcome],
        skip: Callable[[Repositories], bool],
        done: Callable[[Repositories], None],
    ) -> Work | None:
        with self._lock, self.store.unit_of_work() as repositories:
            if skip(repositories):
                return None
            work = Work(repositories, actor=_TICK_ACTOR, now=now, staff=self._staff)
            work.read_rotation()
            work.guard = self._guard
            work.command = "tick"
            engine = self._rules(repositories, now)
            context = RuleContext(
                record=work.latest(entity, entity_id),
                facts=_StoredFacts(work, self._facts),
                staff=work.staff,
                org=work.staff,
            )
            commands = [*self._outcome(work, run(engine, context)), *self._react(work)]
            for message in work.outbox:
                repositories.outbox.add(message)
            done(repositories)
        self._committed(work, commands)
        return work

    @staticmethod
    def _dated_records(repositories: Repositories, rules: Sequence[Rule]) -> dict[str, list[Any]]:
        wanted = {r.trigger.entity for r in rules if r.enabled and r.trigger.on is TriggerKind.DATE}
        listed: dict[str, Any] = {
            "partner": lambda: list(repositories.partners.iterate()),
            "contact_person": lambda: list(repositories.contact_persons.iterate()),
            "deal": lambda: list(repositories.deals.iterate()),
            "agreement": lambda: list(repositories.agreements.iterate()),
            "claim": repositories.claims.find,
            "request": repositories.requests.find,
        }
        return {entity: listed[entity]() for entity in wanted if entity in listed}

    def _reminder(self, reminder: Any, now: datetime) -> OutboxMessage:
        command = Command(
            rule_id=REMINDER_RULE,
            rule_version=1,
            entity="interaction",
            entity_id=reminder.interaction_id,
            action=SendMessage(to=(reminder.user,), text=f"Reminder: {reminder.topic}"),
            caused_by="interaction.reminder_due",
        )
        recipient = Recipient(
            symbol=str(reminder.user), user=reminder.user, explanation="the reminder's user"
        )
        return OutboxMessage(id=new_id(), command=command, recipients=(recipient,), created_at=now)

    # Queries

    def _reader(self, actor: str | None) -> str:
        """Who reads: ``actor``, checked; without a policy the system actor when ``None``."""
        if actor is None:
            if self._policy is None:
                return _TICK_ACTOR
            message = "is required: the CRM enforces an access policy"
            raise DomainValidationError.single("actor", message)
        found = list(identifier("actor", actor))
        if not found and not self._knows(actor):
            found.append(Violation(field="actor", message="is not a known user", value=actor))
        raise_violations(found)
        return actor

    def desktop(
        self, user: str, *, now: datetime, day: date | None = None, actor: str | None = None
    ) -> Desktop:
        """The manager's desktop for ``day`` (today in the settings' zone by default), with
        the day's and the overdue tasks on a store that keeps tasks; under an access policy
        ``actor`` must be allowed to read ``user``'s interactions, and sees among the
        counterparties only the partners and among the tasks only the tasks they may read."""
        reader = self._reader(actor)
        guard = self._guard
        scope = guard.scope(reader, "interaction")
        if scope is not None and responsible_key(user) not in scope.keys:
            raise AccessDeniedError(reader, Action.READ.value, "desktop", user)
        zone = self._settings.zone
        with self.store.unit_of_work() as repositories:
            found = desktop(
                UserId(user),
                day or now.astimezone(zone).date(),
                interactions=repositories.interactions,
                partners=repositories.partners,
                now=now,
                zone=zone,
                tasks=repositories.tasks,
                calendar=self._settings.calendar,
            )
            if guard.exempt(reader):
                return found
            partners = guard.visible(
                reader,
                "partner",
                [repositories.partners.get(c.partner_id) for c in found.counterparties],
            )
        shown = {partner.id for partner in partners}
        return attrs.evolve(
            found,
            counterparties=tuple(c for c in found.counterparties if c.partner_id in shown),
            tasks_today=tuple(guard.visible(reader, "task", found.tasks_today)),
            overdue_tasks=tuple(guard.visible(reader, "task", found.overdue_tasks)),
        )

    def tasks(
        self,
        *,
        assignee: str | None = None,
        linked: EntityRef | None = None,
        project_id: str | None = None,
        open_only: bool = False,
        actor: str | None = None,
    ) -> list[Task]:
        """The tasks of ``assignee``, linked to the record ``linked`` or of ``project_id``
        (every filter given applies) that ``actor`` may read, by due moment (those without
        one last), then id."""
        reader = self._reader(actor)
        with self.store.unit_of_work() as repositories:
            found = _tasks_of(repositories).find(
                assignee=None if assignee is None else UserId(assignee),
                linked=linked,
                project_id=None if project_id is None else ProjectId(project_id),
                open_only=open_only,
            )
        return self._guard.visible(reader, "task", found)

    def task_agenda(
        self, user: str, *, now: datetime, day: date | None = None, actor: str | None = None
    ) -> TaskAgenda:
        """The open tasks of ``user`` due on ``day`` (today in the settings' zone by default)
        and those overdue at ``now`` on the settings' working calendar, of the tasks ``actor``
        may read."""
        reader = self._reader(actor)
        zone = self._settings.zone
        with self.store.unit_of_work() as repositories:
            found = task_agenda(
                _tasks_of(repositories),
                UserId(user),
                day=day or now.astimezone(zone).date(),
                now=now,
                zone=zone,
                calendar=self._settings.calendar,
            )
        return attrs.evolve(
            found,
            today=tuple(self._guard.visible(reader, "task", found.today)),
            overdue=tuple(self._guard.visible(reader, "task", found.overdue)),
        )

    def project(
        self, project_id: str, *, now: datetime, actor: str | None = None
    ) -> tuple[Project, ProjectProgress]:
        """A project and its progress at ``now`` over the tasks of it that ``actor`` may
        read, else ``EntityNotFoundError`` (``AccessDeniedError`` for a project they may not
        read: a project is its manager's)."""
        reader = self._reader(actor)
        with self.store.unit_of_work() as repositories:
            projects = repositories.projects
            if projects is None:
                raise DomainValidationError.single("store", "keeps no projects")
            found = self._guard.read(reader, "project", projects.get(ProjectId(project_id)))
            tasks = self._guard.visible(
                reader, "task", _tasks_of(repositories).find(project_id=found.id)
            )
        progress = project_progress(found, tasks, now=now, calendar=self._settings.calendar)
        return found, progress

    def pending(self, user: str, *, actor: str | None = None) -> list[Interaction]:
        """The planned and running interactions ``user`` is responsible for, oldest first
        (those ``actor`` may read)."""
        reader = self._reader(actor)
        with self.store.unit_of_work() as repositories:
            found = repositories.interactions.pending(UserId(user))
        return self._guard.visible(reader, "interaction", found)

    def overdue(
        self, now: datetime, *, user: str | None = None, actor: str | None = None
    ) -> list[Interaction]:
        """The interactions past their end and not done at ``now`` (of ``user`` if given)
        that ``actor`` may read."""
        reader = self._reader(actor)
        scope = self._guard.scope(reader, "interaction")
        with self.store.unit_of_work() as repositories:
            found = repositories.interactions.overdue(
                now, user=UserId(user) if user is not None else None, scope=scope
            )
        return self._guard.redacted(reader, "interaction", found)

    def funnel(
        self,
        pipeline_id: str,
        *,
        start: datetime,
        end: datetime,
        actor: str | None = None,
        weighted: bool = False,
    ) -> Funnel:
        """The funnel of a pipeline over ``[start, end)``, from the stage log of the deals
        ``actor`` may read (who must be allowed to run reports on deals). The log is read from
        its beginning, so that a deal still open at ``end`` counts as open though nothing
        happened to it in the period. With ``weighted`` it also weighs the open deals
        (``Funnel.weighted_open``) by the probability the manager set on each deal open now,
        else by its stage's, as the forecast does: reading the open deals for it costs as much
        as the forecast."""
        scope = self._guard.report(self._reader(actor), "deal")
        with self.store.unit_of_work() as repositories:
            work = Work(repositories, actor=_TICK_ACTOR, now=end)
            pipeline = pipeline_of(self, work, pipeline_id)
            changes = repositories.stage_log.between(
                _LOG_BEGINS, end, pipeline_id=pipeline.id, scope=scope
            )
            own: dict[str, Decimal] | None = None
            if weighted:
                opened = repositories.deals.find(
                    pipeline_id=pipeline.id, status=DealStatus.OPEN, scope=scope
                )
                own = {d.id: d.probability for d in opened if d.probability is not None}
            return funnel(pipeline, changes, start=start, end=end, probabilities=own)

    def forecast(
        self,
        *,
        now: datetime,
        days: int = 30,
        currency: str = "RUB",
        actor: str | None = None,
    ) -> Forecast:
        """The open deals ``actor`` may read expected to close within ``days`` from today (in
        the settings' zone), each weighted by its own probability when it has one, else by its
        stage's (see :func:`crmcore.deals.upcoming`)."""
        raise_violations(aware_datetime("now", now))
        scope = self._guard.report(self._reader(actor), "deal")
        with self.store.unit_of_work() as repositories:
            work = Work(repositories, actor=_TICK_ACTOR, now=now)
            deals = repositories.deals.find(status=DealStatus.OPEN, scope=scope)
            pipelines: dict[str, Pipeline] = {
                pipeline_id: pipeline_of(self, work, pipeline_id)
                for pipeline_id in {deal.pipeline_id for deal in deals}
            }
            return upcoming(
                deals,
                pipelines=pipelines,
                today=now.astimezone(self._settings.zone).date(),
                days=days,
                currency=currency,
            )

    def claims_report(
        self, *, start: date, end: date, now: datetime, actor: str | None = None
    ) -> tuple[ClaimDynamics, ClaimStructure, tuple[Claim, ...]]:
        """The claims' dynamics over ``[start, end]``, their structure by reason, and the
        overdue ones at ``now``, of the claims ``actor`` may read (who must be allowed to run
        reports on claims)."""
        reader = self._reader(actor)
        scope = self._guard.report(reader, "claim")
        with self.store.unit_of_work() as repositories:
            claims = self._guard.redacted(reader, "claim", repositories.claims.find(scope=scope))
        return (
            claim_dynamics(claims, start=start, end=end, zone=self._settings.zone),
            claim_structure(claims),
            tuple(overdue_claims(claims, now)),
        )

    def kpi(
        self,
        period: Period,
        *,
        now: datetime,
        managers: Sequence[str] | None = None,
        actor: str | None = None,
    ) -> KpiTable:
        """The KPI table of ``period`` beside the same period a year before, per manager,
        counting the records ``actor`` may read (who must be allowed to run reports on
        deals)."""
        reader = self._reader(actor)
        guard = self._guard
        deal_scope = guard.report(reader, "deal")
        zone = self._settings.zone
        people = list(managers) if managers is not None else [m.user for m in self._staff.members]
        start = datetime.combine(
            period.first.replace(year=period.first.year - 1), datetime.min.time(), zone
        )
        end = datetime.combine(period.last, datetime.max.time(), zone)
        scopes = {kind: guard.scope(reader, kind) for kind in ("claim", "request", "interaction")}
        with self.store.unit_of_work() as repositories:
            deals = (
                list(repositories.deals.iterate())
                if deal_scope is None
                else repositories.deals.find(scope=deal_scope)
            )
            claims = repositories.claims.find(scope=scopes["claim"])
            leads = repositories.requests.find(scope=scopes["request"])
            interactions = {
                i.id: i
                for user in people
                for i in repositories.interactions.of_user(
                    UserId(user), start=start, end=end, scope=scopes["interaction"]
                )
            }
        return kpi_table(
            BUILTIN_INDICATORS,
            period=period,
            deals=deals,
            interactions=list(interactions.values()),
            claims=claims,
            leads=leads,
            managers=people or None,
            zone=zone,
            now=now,
        )

    def partner_view(self, partner_id: str, *, actor: str | None = None) -> PartnerView:
        """Everything about one partner that ``actor`` may read, else
        ``EntityNotFoundError`` (``AccessDeniedError`` for a partner they may not read)."""
        reader = self._reader(actor)
        guard = self._guard
        with self.store.unit_of_work() as repositories:
            found = repositories.partners.get(PartnerId(partner_id))
            partner = guard.read(reader, "partner", found)
            ref = EntityRef(entity_type="partner", entity_id=partner.id)
            deals = repositories.deals.find(
                partner_id=partner.id, scope=guard.scope(reader, "deal")
            )
            claims = repositories.claims.find(
                partner_id=partner.id, scope=guard.scope(reader, "claim")
            )
            requests = repositories.requests.find(
                partner_id=partner.id, scope=guard.scope(reader, "request")
            )
            load = loader(repositories)
            persons = guard.visible(
                reader, "contact_person", repositories.contact_persons.of_partner(partner.id), load
            )
            relationships = guard.visible(
                reader, "relationship", repositories.relationships.of(ref), load
            )
            history = repositories.interactions.history(partner.id)
            agreements = repositories.agreements.of_partner(partner.id)
            return PartnerView(
                partner=partner,
                contact_persons=tuple(persons),
                relationships=tuple(relationships),
                deals=tuple(guard.redacted(reader, "deal", deals)),
                interactions=tuple(guard.visible(reader, "interaction", history)),
                agreements=tuple(guard.visible(reader, "agreement", agreements)),
                claims=tuple(guard.redacted(reader, "claim", claims)),
                requests=tuple(guard.redacted(reader, "request", requests)),
            )

    def price_form(
        self,
        partner_id: str,
        *,
        now: datetime,
        agreement_id: str | None = None,
        group_id: str | None = None,
        actor: str | None = None,
    ) -> PriceForm:
        """The price form of a client today (in the settings' zone): the product tree, each
        product's stock per warehouse, recommended and minimum price under the client's
        agreement (the one in force when ``agreement_id`` is ``None``), past price and image.
        ``actor`` must be allowed to read the partner; the lowest prices are hidden from them
        without the right the policy asks for (see :mod:`crmcore.app.access_queries`)."""
        raise_violations(aware_datetime("now", now))
        reader = self._reader(actor)
        guard = self._guard
        with self.store.unit_of_work() as repositories:
            guard.read(reader, "partner", repositories.partners.get(PartnerId(partner_id)))
            form = price_form_of(
                repositories,
                partner_id,
                on=now.astimezone(self._settings.zone).date(),
                agreement_id=agreement_id,
                group_id=group_id,
            )
        return price_form_as(guard, reader, form)

    def deal_documents(self, deal_id: str, *, actor: str | None = None) -> DealDocuments:
        """A deal's commercial offers, supplier orders and business plan, if ``actor`` may
        read the deal (else ``AccessDeniedError``), with the sensitive fields of each hidden
        from them."""
        reader = self._reader(actor)
        with self.store.unit_of_work() as repositories:
            self._guard.read(reader, "deal", repositories.deals.get(DealId(deal_id)))
            found = deal_documents(repositories, deal_id)
        return deal_documents_as(self._guard, reader, found)

    def export(self, kind: str, *, actor: str | None = None) -> list[dict[str, Any]]:
        """Every record of ``kind`` (``"partner"``, ``"deal"``, ... see
        :data:`crmcore.app.access_queries.EXPORTED`) that ``actor`` may export, as JSON-ready
        mappings (the converter's form), sensitive fields hidden from them at their
        defaults; ``AccessDeniedError`` for an actor who may export none."""
        reader = self._reader(actor)
        with self.store.unit_of_work() as repositories:
            return export(self._guard, reader, kind, repositories)

    def get(self, entity: str, entity_id: str, *, actor: str | None = None) -> Any:
        """The stored record ``entity_id`` of the rules' ``entity`` name (``"deal"``,
        ``"partner"``, ...) as ``actor`` may read it, else ``EntityNotFoundError`` (or
        ``AccessDeniedError``)."""
        repository = REPOSITORY_OF_ENTITY.get(entity)
        if repository is None:
            raise DomainValidationError.single("entity", _unknown_kind(entity), value=entity)
        reader = self._reader(actor)
        with self.store.unit_of_work() as repositories:
            found = getattr(repositories, repository).get(entity_id)
        return self._guard.read(reader, KIND_OF_REPOSITORY[repository], found)

    @property
    def marketing(self) -> MarketingQueries:
        """The marketing reports over this CRM's store: segment members, attribution,
        cross-sell, suggestions and survey results, each taking ``actor=`` under the CRM's
        access policy."""
        return MarketingQueries(self.store, self._settings, guard=self._guard, reader=self._reader)

    def history(self, record: EntityRef, *, actor: str | None = None) -> tuple[AuditEntry, ...]:
        """Every stored change of ``record`` from the store's audit trail, oldest first: who
        made it, when, through which command, and each field before and after. ``actor``
        must be allowed to read the record as it is now."""
        references = {
            **REPOSITORY_OF_REFERENCE,
            "rule": "rules",
            "task": "tasks",
            "project": "projects",
            "product": "catalog",
        }
        repository = references.get(record.entity_type)
        if repository is None:
            raise DomainValidationError.single(
                "entity_type", "is not a kind of record the CRM stores", value=record.entity_type
            )
        reader = self._reader(actor)
        with self.store.unit_of_work() as repositories:
            if repositories.audit is None:
                raise DomainValidationError.single("store", "keeps no audit trail")
            if not self._guard.exempt(reader):
                records = getattr(repositories, repository)
                if records is None:
                    raise DomainValidationError.single("store", f"keeps no {repository}")
                current = records.get(record.entity_id)
                self._guard.read(reader, KIND_OF_REPOSITORY[repository], current)
            kind = KIND_OF_REPOSITORY[repository]
            return tuple(repositories.audit.of_record(kind, record.entity_id))

    def rule_firings(self, record: EntityRef, *, actor: str | None = None) -> tuple[Firing, ...]:
        """The execution log of one record: each rule version that fired for it, when, caused
        by which event and with which actions, oldest first (empty on a store that keeps no
        ledger). ``actor`` must be allowed to read the record as it is now."""
        repository = REPOSITORY_OF_REFERENCE.get(record.entity_type)
        if repository is None:
            raise DomainValidationError.single(
                "entity_type", _unknown_kind(record.entity_type), value=record.entity_type
            )
        reader = self._reader(actor)
        with self.store.unit_of_work() as repositories:
            found = getattr(repositories, repository).get(record.entity_id)
            self._guard.read(reader, KIND_OF_REPOSITORY[repository], found)
            ledger = repositories.ledger
            if ledger is None:
                return ()
            return ledger.history(entity=record.entity_type, entity_id=record.entity_id)

    def get_rule(self, rule_id: str, *, actor: str | None = None) -> Rule:
        """The latest version of a stored rule, else ``EntityNotFoundError`` (or
        ``AccessDeniedError`` when ``actor`` may not read it)."""
        reader = self._reader(actor)
        with self.store.unit_of_work() as repositories:
            found = repositories.rules.get(RuleId(rule_id))
        return self._guard.read(reader, "rule", found)

    def rules(self, *, actor: str | None = None) -> tuple[Rule, ...]:
        """The latest version of every stored rule that ``actor`` may read."""
        reader = self._reader(actor)
        with self.store.unit_of_work() as repositories:
            found = repositories.rules.list()
        return tuple(self._guard.visible(reader, "rule", found))

    def stage_log(self, deal_id: str, *, actor: str | None = None) -> list[Any]:
        """The stage log of one deal that ``actor`` may read, oldest first."""
        reader = self._reader(actor)
        with self.store.unit_of_work() as repositories:
            if not self._guard.exempt(reader):
                self._guard.read(reader, "deal", repositories.deals.get(DealId(deal_id)))
            return repositories.stage_log.of_deal(DealId(deal_id))
