"""Hypothesis strategies for the rules area: valid rules, conditions, actions, strategies.

Every rule drawn passes :func:`crmcore.rules.validate_rule` against
:func:`crmcore.rules.default_schemas`: fields are drawn from the entity's schema, operators
that fit the field's type, and values that fit both.
"""

from __future__ import annotations

import functools
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any, Final

import attrs
from hypothesis import strategies as st

from crmcore.ids import RuleId, UserId
from crmcore.rules import (
    OPERATORS,
    AddProduct,
    AllOf,
    AnyOf,
    Arity,
    AssignManager,
    Assignment,
    Branch,
    CallWebhook,
    ChangeCoExecutor,
    CoExecutorChange,
    Command,
    Condition,
    CreateDeal,
    CreateDocument,
    CreateInvoice,
    CreateRequest,
    CreateTask,
    EmailToClient,
    Enrollment,
    FieldCondition,
    FieldMapping,
    FieldRef,
    FieldSpec,
    FieldType,
    Firing,
    FixedUser,
    HeadOfDepartment,
    HttpMethod,
    LoadBalancing,
    MappingRow,
    Member,
    Not,
    RoundRobin,
    Rule,
    SchemaRegistry,
    SendMessage,
    SetFields,
    SmsToClient,
    SmsToEmployee,
    Staff,
    StartProject,
    Throttle,
    TimeUnit,
    Trigger,
    TriggerKind,
    Wait,
    WaitDue,
    default_schemas,
)
from crmcore.rules.model import Action
from crmcore.rules.validation import protected

__all__ = [
    "assignment_strategies",
    "commands",
    "conditions",
    "field_conditions",
    "literal_values",
    "rule_actions",
    "rule_steps",
    "rule_strategies",
    "rules",
    "triggers",
]

SCHEMAS: Final = default_schemas()
_WORDS: Final = st.sampled_from(("Audi", "BMW", "east", "west", "web", "call", "tea", "Ромашка"))
_USERS: Final = st.sampled_from(("anna", "boris", "vera", "gleb"))
_TEAMS: Final = st.sampled_from(("sales", "key-accounts"))
_IDS: Final = st.from_regex(r"\A[a-z][a-z0-9-]{0,15}\Z")
_DAYS: Final = st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31))
_RELATIVE: Final = st.sampled_from(
    ("today", "today + 3 days", "today - 1 week", "today + 2 working days")
)


def _text_value(spec: FieldSpec) -> st.SearchStrategy[Any]:
    return st.sampled_from(spec.choices) if spec.choices else _WORDS


@functools.cache
def literal_values(spec: FieldSpec, *, relative: bool = True) -> st.SearchStrategy[Any]:
    """A literal a rule may compare a field of ``spec`` with, in its JSON form; relative
    dates (``"today + 3 days"``) among them unless ``relative`` is false."""
    kind = spec.type
    if kind is FieldType.INTEGER:
        return st.integers(-1000, 1_000_000)
    if kind in {FieldType.DECIMAL, FieldType.MONEY}:
        cents = st.integers(0, 10**9).map(lambda n: f"{n // 100}.{n % 100:02d}")
        return st.integers(0, 10**7) | cents
    if kind is FieldType.BOOLEAN:
        return st.booleans()
    if kind is FieldType.DATE:
        days = _DAYS.map(date.isoformat)
        return days | _RELATIVE if relative else days
    if kind is FieldType.DATETIME:
        moments = _DAYS.map(lambda d: datetime(d.year, d.month, d.day, 9, tzinfo=UTC).isoformat())
        return moments | _RELATIVE | st.just("now - 2 hours") if relative else moments
    return _text_value(spec)


@functools.cache
def _operand(spec: FieldSpec, arity: Arity) -> st.SearchStrategy[Any]:
    if arity is Arity.NONE:
        return st.none()
    one = literal_values(
        spec if spec.type is not FieldType.LIST else FieldSpec(type=FieldType.TEXT)
    )
    if arity is Arity.ONE:
        return one
    if arity is Arity.PAIR:
        return st.tuples(one, one)
    return st.lists(one, min_size=1, max_size=4).map(tuple)


def _fits(spec: FieldSpec, op: str) -> bool:
    operator = OPERATORS[op]
    return operator.types is None or spec.type in operator.types


@functools.cache
def field_conditions(
    *, entity: str = "deal", schemas: SchemaRegistry = SCHEMAS
) -> st.SearchStrategy[FieldCondition]:
    """A valid test of one field of ``entity``."""
    fields = schemas.get(entity).fields
    return st.sampled_from(sorted(fields)).flatmap(lambda name: _field_test(name, fields[name]))


@functools.cache
def _field_test(name: str, spec: FieldSpec) -> st.SearchStrategy[FieldCondition]:
    ops = [op for op in sorted(OPERATORS) if _fits(spec, op) and op != "matches"]
    return st.sampled_from(ops).flatmap(
        lambda op: _operand(spec, OPERATORS[op].arity).map(
            lambda value: FieldCondition(field=name, op=op, value=value)
        )
    )


@functools.cache
def conditions(
    *, entity: str = "deal", schemas: SchemaRegistry = SCHEMAS, max_leaves: int = 6
) -> st.SearchStrategy[Condition]:
    """Valid condition trees of ``all``, ``any`` and ``not`` over fields of ``entity``."""
    leaves: st.SearchStrategy[Condition] = field_conditions(entity=entity, schemas=schemas)
    return st.recursive(leaves, _groups, max_leaves=max_leaves)


def _groups(children: st.SearchStrategy[Condition]) -> st.SearchStrategy[Condition]:
    """``all``, ``any`` and ``not`` nodes over ``children``."""
    several = st.lists(children, min_size=1, max_size=3).map(tuple)
    return st.one_of(
        several.map(lambda c: AllOf(all=c)),
        several.map(lambda c: AnyOf(any=c)),
        children.map(lambda c: Not(condition=c)),
    )


@functools.cache
def assignment_strategies(*, entity: str = "deal") -> st.SearchStrategy[Any]:
    """Assignment strategies, mapping rows included."""
    return st.one_of(*_strategy_kinds(entity).values())


@functools.cache
def _strategy_kinds(entity: str) -> dict[type[Any], st.SearchStrategy[Any]]:
    simple = {
        FixedUser: _USERS.map(lambda u: FixedUser(user=UserId(u))),
        RoundRobin: _TEAMS.map(lambda t: RoundRobin(team=t)),
        LoadBalancing: _TEAMS.map(lambda t: LoadBalancing(team=t)),
        HeadOfDepartment: st.just(HeadOfDepartment()),
    }
    row = st.builds(MappingRow, when=field_conditions(entity=entity), user=_USERS)
    fallback = st.none() | st.one_of(*simple.values())
    mapping = st.builds(FieldMapping, rows=st.lists(row, max_size=3).map(tuple), otherwise=fallback)
    return {**simple, FieldMapping: mapping}


def _writable(entity: str) -> list[tuple[str, FieldSpec]]:
    return [
        (name, spec)
        for name, spec in sorted(SCHEMAS.get(entity).fields.items())
        if spec.writable and spec.type is not FieldType.LIST and not protected(name)
    ]


@st.composite
def _set_fields(draw: st.DrawFn, entity: str) -> SetFields:
    fields = draw(
        st.lists(
            st.sampled_from(_writable(entity)), min_size=1, max_size=3, unique_by=lambda f: f[0]
        )
    )
    return SetFields(
        values={name: draw(literal_values(spec, relative=False)) for name, spec in fields}
    )


@functools.cache
def rule_actions(*, entity: str = "deal") -> st.SearchStrategy[Action]:
    """Valid actions for records of ``entity``, templates naming its fields."""
    return st.one_of(*_action_kinds(entity).values())


@functools.cache
def _action_kinds(entity: str) -> dict[type[Any], st.SearchStrategy[Any]]:
    text_fields = sorted(
        n for n, s in SCHEMAS.get(entity).fields.items() if s.type is FieldType.TEXT
    )
    texts = st.sampled_from(text_fields).map(lambda name: f"About {{{{ {name} }}}}")
    days = st.none() | st.integers(0, 30).map(lambda d: timedelta(days=d))
    webhook = CallWebhook(url="https://hooks.example.com/deal", body='{"id": "{{ id }}"}')
    return {
        SendMessage: texts.map(lambda t: SendMessage(text=t)),
        SmsToClient: texts.map(lambda t: SmsToClient(text=t)),
        CreateTask: st.builds(CreateTask, title=texts, due_in=days),
        CallWebhook: st.just(webhook),
        SetFields: _set_fields(entity),
        AssignManager: assignment_strategies(entity=entity).map(
            lambda s: AssignManager(strategy=s)
        ),
    }


@functools.cache
def triggers(*, entity: str = "deal") -> st.SearchStrategy[Trigger]:
    """Valid triggers on ``entity``."""
    return _triggers(entity)


@st.composite
def _triggers(draw: st.DrawFn, entity: str) -> Trigger:
    fields = SCHEMAS.get(entity).fields
    kinds = [TriggerKind.CREATED, TriggerKind.CHANGED, TriggerKind.DELETED]
    dates = sorted(n for n, s in fields.items() if s.type in {FieldType.DATE, FieldType.DATETIME})
    if "status" in fields:
        kinds.append(TriggerKind.STATUS_SET)
    if dates:
        kinds.append(TriggerKind.DATE)
    on = draw(st.sampled_from(kinds))
    if on is TriggerKind.DATE:
        return Trigger(
            entity=entity,
            on=on,
            field=draw(st.sampled_from(dates)),
            offset=draw(st.integers(0, 30)),
            working_days=draw(st.booleans()),
        )
    if on is TriggerKind.CHANGED:
        watched = draw(st.lists(st.sampled_from(sorted(fields)), max_size=2, unique=True))
        return Trigger(entity=entity, on=on, fields=tuple(watched))
    return Trigger(entity=entity, on=on)


@st.composite
def rules(
    draw: st.DrawFn, *, entities: tuple[str, ...] = ("deal", "partner", "request", "claim")
) -> Rule:
    """Valid rules over ``entities`` against :func:`~crmcore.rules.default_schemas`."""
    entity = draw(st.sampled_from(entities))
    return Rule(
        id=RuleId(draw(_IDS)),
        name=draw(_WORDS),
        priority=draw(st.integers(-10, 10)),
        stop_processing=draw(st.booleans()),
        enabled=draw(st.booleans()),
        trigger=draw(triggers(entity=entity)),
        when=draw(st.none() | conditions(entity=entity)),
        then=tuple(draw(st.lists(rule_actions(entity=entity), min_size=1, max_size=3))),
    )


def _branch_or_wait(draw: st.DrawFn, entity: str, kind: type[Any], last: bool) -> Any:
    when = draw(st.none() | conditions(entity=entity)) if last else draw(conditions(entity=entity))
    then = tuple(draw(st.lists(rule_actions(entity=entity), min_size=1, max_size=2)))
    if kind is Branch:
        return Branch(when=when, then=then)
    unit = draw(st.sampled_from(tuple(TimeUnit)))
    working = unit is TimeUnit.DAYS and draw(st.booleans())
    return Wait(after=draw(st.integers(1, 30)), unit=unit, working_days=working, when=when,
                then=then)  # fmt: skip


@st.composite
def rule_steps(
    draw: st.DrawFn, *, entities: tuple[str, ...] = ("deal", "partner", "request", "claim")
) -> Rule:
    """Valid rules with the parts that need more than a plain engine: branches, waiting
    steps, a throttle, first-time enrollment and the audit of the version (an engine takes
    the throttled and first-time ones only with a ledger)."""
    rule = draw(rules(entities=entities))
    entity = rule.trigger.entity
    count = draw(st.integers(0, 3))
    branches = tuple(_branch_or_wait(draw, entity, Branch, i == count - 1) for i in range(count))
    waits = tuple(_branch_or_wait(draw, entity, Wait, True) for _ in range(draw(st.integers(0, 2))))
    per = draw(st.none() | st.sampled_from(("id", "responsible_manager")))
    throttle = draw(st.none() | st.builds(
        Throttle, limit=st.integers(1, 5), per=st.just(per),
        window=st.integers(1, 10**6).map(lambda s: timedelta(seconds=s))))  # fmt: skip
    return attrs.evolve(
        rule, branches=branches, waits=waits, throttle=throttle,
        enrollment=draw(st.sampled_from(tuple(Enrollment))), author=draw(st.none() | _USERS),
        changed_at=draw(st.none() | st.just(datetime(2026, 5, 1, tzinfo=UTC))),
        comment=draw(st.none() | _WORDS),
    )  # fmt: skip


_TEXTS: Final = st.sampled_from(("Call {{ title }}", "Спасибо!", "Deal {{ id }} is won"))
_QUANTITIES: Final = st.integers(1, 10_000).map(lambda n: Decimal(n) / 100)
_OTHER_ACTIONS: Final[dict[type[Any], st.SearchStrategy[Any]]] = {
    CreateRequest: st.builds(CreateRequest, title=_TEXTS, source=st.none() | st.just("web")),
    CreateDeal: st.builds(CreateDeal, title=_TEXTS, pipeline_id=st.none() | _IDS),
    CreateInvoice: st.builds(CreateInvoice, comment=st.none() | _TEXTS,
                             amount_field=st.none() | st.just("amount")),
    StartProject: st.builds(StartProject, name=_TEXTS, template_id=_IDS),
    SmsToEmployee: st.builds(SmsToEmployee, text=_TEXTS, to=st.tuples(_USERS)),
    EmailToClient: st.builds(EmailToClient, subject=_TEXTS, body=_TEXTS),
    AddProduct: st.builds(AddProduct, product_id=_IDS, quantity=_QUANTITIES),
    ChangeCoExecutor: st.builds(ChangeCoExecutor, user=_USERS,
                                change=st.sampled_from(tuple(CoExecutorChange))),
    CreateDocument: st.builds(CreateDocument, template_id=_IDS, text=_TEXTS),
    CallWebhook: st.builds(CallWebhook, url=st.just("https://hooks.example.com/r?d={{ id }}"),
                           method=st.sampled_from(tuple(HttpMethod)),
                           body=st.none() | st.just('{"id": "{{ id }}"}')),
}  # fmt: skip


@st.composite
def commands(draw: st.DrawFn) -> Command:
    """Commands as a fired rule hands them over, with an assignment for managers."""
    action = draw(rule_actions())
    assignment = None
    if isinstance(action, AssignManager):
        user = UserId(draw(_USERS))
        assignment = Assignment(user=user, strategy="round_robin", reason="next in turn",
                                rotation={"sales": user})  # fmt: skip
    return Command(
        rule_id=RuleId(draw(_IDS)), rule_version=draw(st.integers(1, 5)), entity="deal",
        entity_id=draw(_IDS), action=action, caused_by="deal.opened", assignment=assignment,
        dry_run=draw(st.booleans()),
    )  # fmt: skip


def rule_strategies() -> dict[type[Any], st.SearchStrategy[Any]]:
    """The rules area's models and their strategies, for ``st.register_type_strategy``."""
    tests = st.lists(field_conditions(), min_size=1, max_size=3).map(tuple)
    fields = st.sampled_from(sorted(SCHEMAS.get("deal").fields))
    registered: dict[type[Any], st.SearchStrategy[Any]] = {
        Rule: rules(),
        Trigger: triggers(),
        FieldCondition: field_conditions(),
        FieldRef: fields.map(lambda f: FieldRef(field=f)),
        AllOf: tests.map(lambda c: AllOf(all=c)),
        AnyOf: tests.map(lambda c: AnyOf(any=c)),
        Not: field_conditions().map(lambda c: Not(condition=c)),
        Member: st.builds(Member, user=_USERS.map(UserId), teams=st.tuples(_TEAMS),
                          department=st.none() | st.just("sales"), on_leave=st.booleans()),
        Command: commands(),
        Throttle: st.builds(Throttle, limit=st.integers(1, 5), per=st.none() | st.just("id"),
                            window=st.integers(1, 10**6).map(lambda s: timedelta(seconds=s))),
        Branch: st.builds(Branch, when=st.none() | field_conditions(),
                          then=st.tuples(rule_actions())),
        Wait: st.builds(Wait, after=st.integers(1, 30), when=st.none() | field_conditions(),
                        then=st.tuples(rule_actions())),
        WaitDue: st.builds(WaitDue, rule_id=_IDS, rule_version=st.integers(1, 5),
                           step=st.integers(0, 4), entity=st.just("request"), entity_id=_IDS,
                           due_at=st.just(datetime(2026, 6, 1, tzinfo=UTC)),
                           caused_by=st.just("request.registered")),
        Firing: st.builds(Firing, rule_id=_IDS, rule_version=st.integers(1, 5),
                          entity=st.just("deal"), entity_id=_IDS,
                          at=st.just(datetime(2026, 6, 1, tzinfo=UTC)),
                          caused_by=st.just("deal.opened"),
                          actions=st.tuples(st.just("sms_client")),
                          throttle_key=st.just("") | st.just("partner_id=p-1")),
        **_OTHER_ACTIONS,
    }  # fmt: skip
    registered.update(_action_kinds("deal"))
    registered.update(_strategy_kinds("deal"))
    registered[Staff] = st.lists(registered[Member], max_size=4, unique_by=lambda m: m.user).map(
        lambda members: Staff(members=tuple(members), heads={"sales": UserId("olga")})
    )
    return registered
