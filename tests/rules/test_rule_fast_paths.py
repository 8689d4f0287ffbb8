"""The engine's fast paths give what the explained ones give: compiled conditions on records
that hold odd values, the untraced run of random rules over random events, and compiled
templates."""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import Decimal
from typing import Any

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st
from rule_samples import NOW, STAFF

from crmcore.conditions.values import coerce
from crmcore.deals import DealChanged, DealLost, DealMoved, DealOpened, DealWon
from crmcore.deals.kinds import DealKind, DealStatus
from crmcore.events import Change, DomainEvent
from crmcore.ids import EntityRef
from crmcore.money import Money
from crmcore.rules import (
    OPERATORS,
    Arity,
    Condition,
    FieldCondition,
    FieldSpec,
    FieldType,
    Rule,
    RuleContext,
    RuleEngine,
    Scope,
    Trigger,
    TriggerKind,
    compile_condition,
    default_schemas,
)
from crmcore.rules.templates import compile_template, render
from crmcore.testing.strategies import conditions, rules

SCHEMAS = default_schemas()
DEAL_FIELDS = SCHEMAS.get("deal").fields
_STATUSES = DEAL_FIELDS["status"].choices


_WORDS = ("Audi", "tea", "open", "manual", "")


class Named(enum.Enum):
    """A host's enumeration whose values are words of the rules."""

    AUDI = "Audi"
    TEA = "tea"
    OPEN = "open"
    MANUAL = "manual"


class Shade(enum.StrEnum):
    """A host's text enumeration, equal to its value."""

    TEA = "tea"
    OPEN = "open"


class Label(str):
    """A host's subclass of ``str``."""


_DAY = NOW.date()
_CHANGED = DealChanged(entity_id="d-1", occurred_at=NOW, changes={"title": Change(new="tea")})
# The literals of leaf tests, few per type so that records often hold them.
_LITERALS: dict[FieldType, tuple[Any, ...]] = {
    FieldType.TEXT: _WORDS,
    FieldType.LIST: _WORDS,
    FieldType.MONEY: (0, 100, "100.50"),
    FieldType.DECIMAL: (0, 50, "12.5"),
    FieldType.INTEGER: (-1, 0, 3),
    FieldType.DATE: ("2026-06-01", "today", "today + 3 days", "today - 1 week"),
    FieldType.DATETIME: ("2026-06-01T09:00:00+00:00", "now - 2 hours", "today", "today + 3 days"),
}
# What a host's record may hold: the plain values of the literals and odd forms of them
# (models, enumerations, subclasses, moments without a zone, values of other types).
_VALUES = st.one_of(
    st.none(),
    st.sampled_from(_WORDS).flatmap(lambda w: st.sampled_from((w, Label(w), [w], (w,)))),
    st.sampled_from((*Named, *Shade, *DealStatus, *DealKind)),
    st.sampled_from(("tea", "open")).map(lambda i: EntityRef(entity_type="company", entity_id=i)),
    st.sampled_from(("0", "100.50", Decimal(0), Decimal(100), Decimal("100.50"), 0, 3, -1, True)),
    st.sampled_from((Decimal(0), Decimal("100.50"))).map(lambda a: Money(amount=a, currency="RUB")),
    st.sampled_from((_DAY, _DAY + timedelta(days=3), _DAY - timedelta(days=7))).flatmap(
        lambda day: st.sampled_from((day, datetime(day.year, day.month, day.day),
                                     datetime(day.year, day.month, day.day, tzinfo=UTC)))
    ),
    st.sampled_from((NOW, NOW - timedelta(hours=2), NOW.replace(tzinfo=None))),
    st.just(frozenset({"tea", "Audi"})),
)  # fmt: skip


@st.composite
def deal_records(draw: st.DrawFn, *, values: st.SearchStrategy[Any] = _VALUES) -> dict[str, Any]:
    """A deal as a host's mapping, each field holding a plain, odd or no value."""
    record = {name: draw(values) for name in DEAL_FIELDS}
    record["id"] = "d-1"
    return record


@st.composite
def leaves(draw: st.DrawFn) -> FieldCondition:
    """A test of a record field of a deal, by any operator alike, with a literal from the few
    of the field's type."""
    operator = draw(st.sampled_from([op for op in OPERATORS.values() if not op.reads_change]))
    types = {spec.type for spec in DEAL_FIELDS.values()} & (operator.types or set(FieldType))
    kind = draw(st.sampled_from(sorted(types, key=str)))
    name = draw(st.sampled_from(sorted(n for n, s in DEAL_FIELDS.items() if s.type is kind)))
    spec = DEAL_FIELDS[name]
    literals = st.sampled_from(spec.choices or _LITERALS[spec.type])
    value: Any = {
        Arity.NONE: st.none(),
        Arity.ONE: literals,
        Arity.LIST: st.lists(literals, min_size=1, max_size=3).map(tuple),
        Arity.PAIR: st.tuples(literals, literals),
    }[operator.arity]
    return FieldCondition(field=name, op=operator.name, value=draw(value))


def _forms(value: Any) -> list[Any]:
    """A plain value and the odd forms a host's record may hold it in."""
    if isinstance(value, str):
        members = [m for e in (Named, Shade, DealStatus, DealKind) for m in e if m.value == value]
        refs = [EntityRef(entity_type="company", entity_id=value)] if value.isalpha() else []
        return [value, Label(value), (value,), [value], *members, *refs]
    if isinstance(value, Decimal):
        return [value, Money(amount=value, currency="RUB"), int(value), str(value)]
    if isinstance(value, datetime):
        return [value, value.replace(tzinfo=None), value.date()]
    if isinstance(value, date):
        return [value, datetime.combine(value, time()), datetime.combine(value, time(), UTC)]
    if isinstance(value, int):
        return [value, Decimal(value), str(value), bool(value)]
    return [value]


@st.composite
def leaves_and_values(draw: st.DrawFn) -> tuple[FieldCondition, list[Any]]:
    """A leaf test, and values for its field: one of its literals in every form, and others."""
    leaf = draw(leaves())
    spec = DEAL_FIELDS[leaf.field]
    literal = leaf.value[0] if isinstance(leaf.value, tuple) else leaf.value
    kind = FieldSpec(type=FieldType.TEXT) if spec.type is FieldType.LIST else spec
    try:
        wanted = coerce(kind, OPERATORS["eq"], literal)(Scope(_CHANGED, {}, now=NOW))
    except ValueError:  # a literal that does not fit the field
        wanted = None
    return leaf, _forms(wanted) + draw(st.lists(_VALUES, max_size=4))


def _agree(condition: Condition, record: dict[str, Any]) -> None:
    """Evaluating ``condition`` gives what explaining it gives, when explaining gives any."""
    try:
        compiled = compile_condition(condition, entity="deal", schemas=SCHEMAS, operators=OPERATORS)
    except ValueError:  # a literal that does not fit: validation refuses such rules
        return
    scope = Scope(_CHANGED, record, now=NOW)
    try:
        explained = compiled.explain(scope, [])
    except ArithmeticError:  # every node is explained, even those a short cut skips
        return
    assert compiled.evaluate(scope) is explained


@settings(max_examples=1000, deadline=None)
@given(leaves_and_values())
def test_fused_leaf_tests_agree_with_their_explanation(
    drawn: tuple[FieldCondition, list[Any]],
) -> None:
    leaf, values = drawn
    for value in values:
        _agree(leaf, {"id": "d-1", leaf.field: value})


@settings(max_examples=200, deadline=None)
@given(
    conditions(entity="deal"),
    deal_records(values=_VALUES | st.sampled_from((Decimal("NaN"), Decimal("sNaN")))),
)
def test_compiled_conditions_agree_with_their_explanation(
    condition: Condition, record: dict[str, Any]
) -> None:
    _agree(condition, record)


_ZONES = st.sampled_from((UTC, timezone(timedelta(hours=10)), timezone(timedelta(hours=-8))))


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.datetimes(datetime(2025, 1, 1), datetime(2100, 1, 1), timezones=_ZONES),
        min_size=1,
        max_size=4,
    ),
    st.integers(-30, 30),
)
def test_relative_dates_follow_every_moment_asked_with(nows: list[datetime], days: int) -> None:
    text = f"today + {days} days" if days >= 0 else f"today - {-days} days"
    due = FieldCondition(field="expected_close", op="eq", value=text)
    later = FieldCondition(field="created_at", op="lt", value="now - 2 hours")
    compiled = [
        compile_condition(leaf, entity="deal", schemas=SCHEMAS, operators=OPERATORS)
        for leaf in (due, later)
    ]
    for now in nows + [moment.replace() for moment in reversed(nows)]:
        record = {
            "expected_close": now.date() + timedelta(days=days),
            "created_at": now - timedelta(hours=2, seconds=1),
        }
        scope = Scope(_CHANGED, record, now=now)
        assert all(condition.evaluate(scope) for condition in compiled)
        record["created_at"] = now - timedelta(hours=2)
        assert not compiled[1].evaluate(Scope(_CHANGED, record, now=now))


_EVENTS = (DealOpened, DealChanged, DealMoved, DealWon, DealLost)


@st.composite
def valued_triggers(draw: st.DrawFn) -> Trigger:
    """Triggers awaiting a status, a stage or a changed field's values, or nothing."""
    kind = draw(st.sampled_from((TriggerKind.STATUS_SET, TriggerKind.STAGE_SET)))
    if draw(st.booleans()):
        return Trigger(entity="deal", on=TriggerKind.CHANGED, fields=("status",),
                       from_value=draw(st.none() | st.sampled_from(_STATUSES)),
                       to_value=draw(st.none() | st.sampled_from(_STATUSES)))  # fmt: skip
    values = _STATUSES if kind is TriggerKind.STATUS_SET else ("offer", "contract")
    return Trigger(entity="deal", on=kind, to_value=draw(st.none() | st.sampled_from(values)))


@st.composite
def deal_rules(draw: st.DrawFn) -> list[Rule]:
    """Random enabled deal rules, some of them on triggers awaiting values."""
    drawn = draw(st.lists(rules(entities=("deal",)), min_size=1, max_size=6, unique_by=str))
    found = []
    for index, rule in enumerate(drawn):
        trigger = draw(st.just(rule.trigger) | valued_triggers())
        found.append(attrs.evolve(rule, id=f"r{index}", enabled=True, trigger=trigger))
    return found


@st.composite
def deal_events(draw: st.DrawFn) -> DomainEvent:
    """An event of a deal that changed some fields, as JSON-ready values."""
    names = draw(st.lists(st.sampled_from(("status", "stage", "title", "amount")), unique=True))
    values = st.none() | st.sampled_from((*_STATUSES, "offer", "contract", "tea"))
    changes = {name: Change(old=draw(values), new=draw(values)) for name in names}
    return draw(st.sampled_from(_EVENTS))(entity_id="d-1", occurred_at=NOW, changes=changes)


@settings(max_examples=200, deadline=None)
@given(deal_rules(), st.lists(deal_events(), min_size=1, max_size=3), deal_records())
def test_untraced_runs_give_the_explained_outcome(
    drawn: list[Rule], events: list[DomainEvent], record: dict[str, Any]
) -> None:
    engine = RuleEngine(drawn, schemas=SCHEMAS)
    context = RuleContext(record=record, staff=STAFF)
    for event in events:
        for dry_run in (False, True):
            plain = engine.process(event, context=context, now=NOW, dry_run=dry_run)
            explained = engine.process(
                event, context=context, now=NOW, dry_run=dry_run, explain=True
            )
            assert attrs.evolve(explained, trace=()) == plain


_PATHS = ("title", "amount", "partner.region", "tags")
_TEMPLATE_VALUES = (
    st.none() | st.text(max_size=5) | st.decimals(allow_nan=False, allow_infinity=False)
)
_PIECES = st.sampled_from(("", "Call ", " about ", "&?=", "{{", "}}", "{ title }", "{{ Title }}"))
_PLACEHOLDERS = st.sampled_from(_PATHS).flatmap(
    lambda path: st.sampled_from((f"{{{{ {path} }}}}", f"{{{{{path}}}}}"))
)


@given(
    st.sampled_from(("text", "url")),
    st.lists(_PIECES | _PLACEHOLDERS, max_size=6).map("".join),
    st.fixed_dictionaries(
        {}, optional=dict.fromkeys(_PATHS, _TEMPLATE_VALUES | st.tuples(_TEMPLATE_VALUES))
    ),
)
def test_compiled_templates_render_as_templates_do(
    kind: str, text: str, values: dict[str, object]
) -> None:
    assert compile_template(kind, text)(values) == render(kind, text, values)


def test_compiled_json_templates_place_values_as_json() -> None:
    values = {"title": 'Tea "green"', "amount": Decimal("10.50")}
    text = '{"t": "{{ title }}", "n": "{{ amount }}", "s": "a {{ title }}"}'
    assert compile_template("json", text)(values) == render("json", text, values)
