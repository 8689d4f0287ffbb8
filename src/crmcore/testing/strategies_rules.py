"""Hypothesis strategies for the rules area: valid rules, conditions, actions, strategies.

Every rule drawn passes :func:`crmcore.rules.validate_rule` against
:func:`crmcore.rules.default_schemas`: fields are drawn from the entity's schema, operators
that fit the field's type, and values that fit both.
"""

from __future__ import annotations

import functools
from datetime import UTC, date, datetime, timedelta
from typing import Any, Final

from hypothesis import strategies as st

from crmcore.ids import RuleId, UserId
from crmcore.rules import (
    OPERATORS,
    AllOf,
    AnyOf,
    Arity,
    AssignManager,
    CallWebhook,
    Condition,
    CreateTask,
    FieldCondition,
    FieldMapping,
    FieldSpec,
    FieldType,
    FixedUser,
    HeadOfDepartment,
    LoadBalancing,
    MappingRow,
    Not,
    RoundRobin,
    Rule,
    SchemaRegistry,
    SendMessage,
    SetFields,
    SmsToClient,
    Trigger,
    TriggerKind,
    default_schemas,
)
from crmcore.rules.model import Action

__all__ = [
    "assignment_strategies",
    "conditions",
    "field_conditions",
    "literal_values",
    "rule_actions",
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
    return st.recursive(
        leaves,
        lambda children: st.one_of(
            st.lists(children, min_size=1, max_size=3).map(lambda c: AllOf(all=tuple(c))),
            st.lists(children, min_size=1, max_size=3).map(lambda c: AnyOf(any=tuple(c))),
            children.map(lambda c: Not(condition=c)),
        ),
        max_leaves=max_leaves,
    )


@functools.cache
def assignment_strategies(*, entity: str = "deal") -> st.SearchStrategy[Any]:
    """Assignment strategies, mapping rows included."""
    simple = st.one_of(
        _USERS.map(lambda u: FixedUser(user=UserId(u))),
        _TEAMS.map(lambda t: RoundRobin(team=t)),
        _TEAMS.map(lambda t: LoadBalancing(team=t)),
        st.just(HeadOfDepartment()),
    )
    row = st.builds(MappingRow, when=field_conditions(entity=entity), user=_USERS)
    mapping = st.builds(
        FieldMapping, rows=st.lists(row, max_size=3).map(tuple), otherwise=st.none() | simple
    )
    return simple | mapping


def _writable(entity: str) -> list[tuple[str, FieldSpec]]:
    return [
        (name, spec)
        for name, spec in sorted(SCHEMAS.get(entity).fields.items())
        if spec.writable and spec.type is not FieldType.LIST
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
    text_fields = sorted(
        n for n, s in SCHEMAS.get(entity).fields.items() if s.type is FieldType.TEXT
    )
    texts = st.sampled_from(text_fields).map(lambda name: f"About {{{{ {name} }}}}")
    return st.one_of(
        texts.map(lambda t: SendMessage(text=t)),
        texts.map(lambda t: SmsToClient(text=t)),
        st.builds(
            CreateTask,
            title=texts,
            due_in=st.none() | st.integers(0, 30).map(lambda d: timedelta(days=d)),
        ),
        st.just(CallWebhook(url="https://hooks.example.com/deal", body='{"id": "{{ id }}"}')),
        _set_fields(entity),
        assignment_strategies(entity=entity).map(lambda s: AssignManager(strategy=s)),
    )


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
    draw: st.DrawFn, *, entities: tuple[str, ...] = ("deal", "company", "request", "claim")
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


def rule_strategies() -> dict[type[Any], st.SearchStrategy[Any]]:
    """The rules area's models and their strategies, for ``st.register_type_strategy``."""
    registered: dict[type[Any], st.SearchStrategy[Any]] = {
        Rule: rules(),
        Trigger: triggers(),
        FieldCondition: field_conditions(),
        AllOf: conditions().filter(lambda c: isinstance(c, AllOf)),
        AssignManager: assignment_strategies().map(lambda s: AssignManager(strategy=s)),
    }
    for cls in (SendMessage, SmsToClient, CreateTask, SetFields):
        registered[cls] = _only(cls)
    return registered


def _only(cls: type[Action]) -> st.SearchStrategy[Action]:
    return rule_actions().filter(lambda action: isinstance(action, cls))
