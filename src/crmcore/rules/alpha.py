"""Indexed conditions (an alpha network): an event evaluates only the rules it may fire.

Among the rules one event meets, each files one test of its condition, chosen from the tests
run first (the conjuncts of its top ``all``, in order, up to the first that reads more than the
record's own fields): equality and membership on up to three fields together by hashed value,
else prefixes and suffixes by casefolded key per length, ``between`` by sorted bounds or
words a text ``contains`` (each word looked for once), else ``gt``, ``ge``, ``lt``, ``le`` by
sorted bounds.
Per event each filed field is read once; the rules whose filed test holds are asked the tests
they were not filed by, over the values read, and those that file none their whole test, in
running order. The network's question per event is generated as Python code
(:mod:`crmcore.rules.selection`).

The answer is the plain evaluation's, failures included: a rule left out had a filed test that
is false, and the tests before it read fields whose values compare without raising (text,
numbers, finite decimals, dates, booleans, ``None``, money, enumerations and references). When
a record is not a mapping or an attrs model, or holds another kind of value in a field the
network reads, that event goes through the plain evaluation of every rule.
"""

from __future__ import annotations

import enum
import math
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Final, Generic, TypeVar

import attrs

from crmcore.conditions.operators import OPERATORS, Operator
from crmcore.conditions.scope import direct_field
from crmcore.conditions.values import Constant, coerce
from crmcore.ids import EntityRef
from crmcore.money import Money
from crmcore.rules.model import AllOf, AnyOf, Condition, FieldCondition, FieldRef, Not, Rule
from crmcore.rules.schemas import FieldType, SchemaRegistry
from crmcore.rules.selection import Selector, selector

__all__ = [
    "UNFILED",
    "AlphaKey",
    "AlphaNetwork",
    "AlphaPlan",
    "PlanMemo",
    "conjuncts",
    "plan_of",
    "safe",
]

Normal = Callable[[object], object] | None
_RANK: Final = {"eq": 0, "in": 1, "starts_with": 2, "ends_with": 2, "between": 3, "contains": 3}
_RANGES: Final = frozenset({"gt", "ge", "lt", "le"})
_TEXT: Final = frozenset({FieldType.TEXT, FieldType.CHOICE})
_SAFE: Final = frozenset({str, int, bool, date, datetime, type(None)})
_MOST_FIELDS: Final = 3  # equality tests combined into one key
_COMBINATIONS: Final = 256  # value combinations one rule may file


@attrs.frozen(kw_only=True)
class AlphaKey:
    """The test a rule is filed by: built-in operator ``op`` on the record's ``fields`` (made
    plain) against the constant ``value``.

    Equality and membership on several fields make one key (``op`` ``"eq"``): ``value`` is
    then every combination of the fields' values that passes, a ``region`` and one of three
    ``source`` values giving three. Any other operator has one field.
    """

    fields: tuple[str, ...]
    op: str
    value: Any


@attrs.frozen(kw_only=True)
class AlphaPlan:
    """How a rule is filed: by ``key`` (``None``: asked for every event), and the fields whose
    values must compare safely for leaving it out to be right, with their plain-making.

    ``filed`` holds the positions, among the :func:`conjuncts` of the rule's condition, of the
    tests the key stands for: a rule the network lets through passes them, so only the others
    are left to ask.
    """

    key: AlphaKey | None = None
    guards: tuple[tuple[str, Normal], ...] = ()
    filed: tuple[int, ...] = ()


UNFILED: Final = AlphaPlan()
"""The plan of a rule asked for every event."""


def plan_of(
    rule: Rule, *, schemas: SchemaRegistry, operators: Mapping[str, Operator], checks: bool,
    memo: PlanMemo | None = None,
) -> AlphaPlan:  # fmt: skip
    """The plan of ``rule``; ``checks`` says whether its trigger checks a field of the record
    beside the entity and kind (a ``changed`` rule's from and to values, a status awaited);
    ``memo`` keeps what each leaf reads, and the plans made, for the next rules planned with
    the same schemas and operators."""
    if rule.when is None:
        return UNFILED
    guards: dict[str, Normal] = dict(_trigger_fields(rule, schemas)) if checks else {}
    memo = PlanMemo() if memo is None else memo
    look = _Leaves(rule.trigger.entity, schemas, operators, memo.parts)
    equal: dict[str, tuple[int, tuple[Any, ...]]] = {}
    best: tuple[int, AlphaKey] | None = None
    for position, key in _keys(rule.when, look, guards):
        if key.op in ("eq", "in"):
            values = key.value if key.op == "in" else (key.value,)
            equal.setdefault(key.fields[0], (position, values))
        elif best is None or _RANK.get(key.op, 4) < _RANK.get(best[1].op, 4):
            best = (position, key)
    if equal:
        combined = _combined({field: values for field, (_, values) in equal.items()})
        filed = tuple(equal[field][0] for field in combined.fields)
        return memo.shared(AlphaPlan(key=combined, guards=memo.guards(guards), filed=filed))
    if best is None:
        return UNFILED
    return memo.shared(AlphaPlan(key=best[1], guards=memo.guards(guards), filed=(best[0],)))


class PlanMemo:
    """What :func:`plan_of` keeps between the rules of one engine: the parts each leaf reads,
    by entity, field, operator and the repr of its value, and each distinct plan, shared by
    the rules that have it."""

    def __init__(self) -> None:
        self.parts: dict[tuple[str, str, str, str], tuple[Parts | None, AlphaKey | None]] = {}
        self._plans: dict[AlphaPlan, AlphaPlan] = {}
        self._guards: dict[tuple[tuple[str, Normal], ...], tuple[tuple[str, Normal], ...]] = {}

    def shared(self, plan: AlphaPlan) -> AlphaPlan:
        """``plan``, or the equal one made before."""
        return self._plans.setdefault(plan, plan)

    def guards(self, found: dict[str, Normal]) -> tuple[tuple[str, Normal], ...]:
        """The guards ``found`` as a tuple, the equal one made before if there is one."""
        guards = tuple(found.items())
        return self._guards.setdefault(guards, guards)

    def leaf(
        self, leaf: FieldCondition, entity: str, schemas: SchemaRegistry,
        operators: Mapping[str, Operator],
    ) -> Parts | None:  # fmt: skip
        """The field, plain-making function, constant and field type ``leaf`` reads, if it
        reads only the record and compares by a built-in operator with a constant."""
        return _Leaves(entity, schemas, operators, self.parts).parts(leaf)[0]


class _Leaves:
    """The parts of leaves of one entity's rules, each leaf worked out once per memo."""

    def __init__(
        self, entity: str, schemas: SchemaRegistry, operators: Mapping[str, Operator],
        memo: dict[tuple[str, str, str, str], tuple[Parts | None, AlphaKey | None]],
    ) -> None:  # fmt: skip
        self.entity, self.schemas, self.operators, self.memo = entity, schemas, operators, memo

    def parts(self, leaf: FieldCondition) -> tuple[Parts | None, AlphaKey | None]:
        """What ``leaf`` reads (``None``: more than the record), and the key it may be
        filed by."""
        # By the value's repr, not the value: 1, 1.0 and True are equal but coerce apart.
        key = (self.entity, leaf.field, leaf.op, repr(leaf.value))
        found = self.memo.get(key)
        if found is None:
            parts = _leaf_parts(leaf, self.entity, self.schemas, self.operators)
            found = self.memo[key] = (parts, None if parts is None else _key(leaf.op, parts))
        return found


def _keys(
    condition: Condition, look: _Leaves, guards: dict[str, Normal]
) -> list[tuple[int, AlphaKey]]:
    """The keys of the conjuncts that run before any reads more than the record, each one
    filed alone with its position; their fields are added to ``guards``."""
    keys: list[tuple[int, AlphaKey]] = []
    for position, (_, conjunct) in enumerate(conjuncts(condition)):
        if not isinstance(conjunct, FieldCondition):
            read = _safe_reads(conjunct, look)
            if read is None:
                break
            guards.update(read)
            continue
        parts, key = look.parts(conjunct)
        if parts is None:
            break
        guards[parts[0]] = parts[1]
        if key is not None:
            keys.append((position, key))
    return keys


def _combined(equal: dict[str, tuple[Any, ...]]) -> AlphaKey:
    """One key for the equality and membership tests on several fields: every combination of
    their values, the fields taken in order while there are at most ``_COMBINATIONS``."""
    fields: list[str] = []
    combinations: list[tuple[Any, ...]] = [()]
    for field, values in list(equal.items())[:_MOST_FIELDS]:
        distinct = tuple(dict.fromkeys(values))
        if fields and len(combinations) * len(distinct) > _COMBINATIONS:
            break
        fields.append(field)
        combinations = [(*combination, value) for combination in combinations for value in distinct]
    return AlphaKey(fields=tuple(fields), op="eq", value=tuple(combinations))


def _trigger_fields(rule: Rule, schemas: SchemaRegistry) -> Iterator[tuple[str, Normal]]:
    trigger = rule.trigger
    for name in (*trigger.fields, "stage", "status"):
        try:
            resolved = schemas.resolve(trigger.entity, name)
        except LookupError:
            continue
        direct = direct_field(resolved)
        if direct is not None:
            yield direct


def conjuncts(condition: Condition, path: str = "when") -> Iterator[tuple[str, Condition]]:
    """The tests an ``all`` at ``path`` runs, in order, nested ``all`` flattened, each with
    its path."""
    if not isinstance(condition, AllOf):
        yield path, condition
        return
    for index, child in enumerate(condition.all):
        if isinstance(child, AllOf):
            yield from conjuncts(child, f"{path}.all[{index}]")
        else:
            yield f"{path}.all[{index}]", child


def _leaves(condition: Condition) -> Iterator[FieldCondition]:
    if isinstance(condition, FieldCondition):
        yield condition
    elif isinstance(condition, AllOf | AnyOf):
        for child in condition.all if isinstance(condition, AllOf) else condition.any:
            yield from _leaves(child)
    elif isinstance(condition, Not):
        yield from _leaves(condition.condition)


def _safe_reads(condition: Condition, look: _Leaves) -> dict[str, Normal] | None:
    """The record fields ``condition`` reads, if it reads nothing else and only compares them
    with constants by built-in operators; else ``None``."""
    found: dict[str, Normal] = {}
    for leaf in _leaves(condition):
        parts, _ = look.parts(leaf)
        if parts is None:
            return None
        found[parts[0]] = parts[1]
    return found


Parts = tuple[str, Normal, Any, FieldType]


def _leaf_parts(
    leaf: FieldCondition, entity: str, schemas: SchemaRegistry, operators: Mapping[str, Operator]
) -> Parts | None:
    """The field, plain-making function, constant and field type of a leaf that reads only
    the record."""
    operator = operators.get(leaf.op)
    if operator is None or OPERATORS.get(leaf.op) is not operator or operator.reads_change:
        return None
    if isinstance(leaf.value, FieldRef):
        return None
    resolved = schemas.resolve(entity, leaf.field)
    direct = direct_field(resolved)
    if direct is None or resolved.spec.type is FieldType.LIST:
        return None
    expected = coerce(resolved.spec, operator, leaf.value)
    if not isinstance(expected, Constant):
        return None
    return direct[0], direct[1], expected.value, resolved.spec.type


def _key(op: str, parts: Parts) -> AlphaKey | None:
    field, _, value, kind = parts
    if not _fileable(op, value, kind):
        return None
    return AlphaKey(fields=(field,), op=op, value=value)


def _fileable(op: str, value: Any, kind: FieldType) -> bool:
    if op == "eq":
        return isinstance(value, Hashable)
    if op == "in":
        return all(isinstance(item, Hashable) for item in value)
    if op in ("starts_with", "ends_with", "contains"):
        return isinstance(value, str) and kind in _TEXT
    if op in _RANGES:
        return _domain(value) is not None
    if op == "between":
        low, high = value
        return _domain(low) is not None and _domain(low) == _domain(high)
    return False


def _domain(value: object) -> str | None:
    """The values ``value`` orders with without raising: numbers, texts, dates, or aware or
    naive datetimes; ``None`` for the others."""
    if isinstance(value, bool | int | Decimal | float):
        return "number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, datetime):
        return "aware" if value.utcoffset() is not None else "naive"
    if isinstance(value, date):
        return "date"
    return None


# The domains of the classes whose values all share one (datetimes depend on their zone).
_DOMAINS: Final[dict[type, str]] = {
    int: "number",
    bool: "number",
    Decimal: "number",
    float: "number",
    str: "text",
    date: "date",
}


def safe(value: object) -> bool:
    """Whether ``value`` compares with a rule's constants without raising."""
    kind = value.__class__
    if kind in _SAFE:
        return True
    if isinstance(value, Decimal):
        return kind is Decimal and value.is_finite()
    if isinstance(value, float):
        return kind is float and math.isfinite(value)
    if isinstance(value, Money):
        return value.amount.is_finite()
    if isinstance(value, enum.Enum):
        return value.value.__class__ in (str, int)
    return isinstance(value, EntityRef)


T = TypeVar("T")
Positions = list[int]


class _Equal:
    """Equality and membership tests on one field, by hashed value."""

    def __init__(self) -> None:
        self.by_value: dict[Any, Positions] = {}

    def add(self, key: AlphaKey, position: int) -> None:
        for combination in dict.fromkeys(key.value):
            self.by_value.setdefault(combination, []).append(position)

    def done(self) -> None:
        """Nothing to sort: a dictionary needs no preparing."""

    def hits(self, value: Any) -> Positions | None:
        return self.by_value.get(value)


class _Affix:
    """Prefixes (or suffixes) by casefolded key, looked up once per length filed."""

    def __init__(self, *, suffix: bool) -> None:
        self.suffix = suffix
        self.by_key: dict[str, Positions] = {}
        self.lengths: tuple[int, ...] = ()

    def add(self, key: AlphaKey, position: int) -> None:
        self.by_key.setdefault(key.value.casefold(), []).append(position)

    def done(self) -> None:
        self.lengths = tuple(sorted({len(key) for key in self.by_key}))

    def hits(self, value: Any) -> Positions | None:
        if not isinstance(value, str):
            return None
        folded, size = value.casefold(), len(value.casefold())
        found: Positions = []
        for length in self.lengths:
            if length > size:
                break
            part = folded[size - length :] if self.suffix else folded[:length]
            matched = self.by_key.get(part)
            if matched is not None:
                found += matched
        return found


class _Range:
    """One ordering (``gt``, ``between``, ...) with its bounds sorted per domain."""

    def __init__(self, op: str) -> None:
        self.op = op
        self.filed: dict[str, list[tuple[Any, Any, int]]] = {}
        self.bounds: dict[str, list[Any]] = {}
        self.entries: dict[str, list[tuple[Any, Any, int]]] = {}
        self.positions: dict[str, Positions] = {}  # in the order of the bounds

    def add(self, key: AlphaKey, position: int) -> None:
        low, high = key.value if self.op == "between" else (key.value, None)
        domain = _domain(low)
        assert domain is not None
        self.filed.setdefault(domain, []).append((low, high, position))

    def done(self) -> None:
        for domain, filed in self.filed.items():
            filed.sort(key=lambda entry: entry[0])
            self.entries[domain] = filed
            self.bounds[domain] = [entry[0] for entry in filed]
            self.positions[domain] = [entry[2] for entry in filed]

    def hits(self, value: Any) -> Positions | None:
        domain = _DOMAINS.get(value.__class__) or _domain(value)
        entries = self.entries.get(domain) if domain is not None else None
        if entries is None:
            return None
        bounds, positions, op = self.bounds[domain], self.positions[domain], self.op  # type: ignore[index]
        if op == "gt":
            return positions[: bisect_left(bounds, value)]
        if op == "between":
            return [p for _, high, p in entries[: bisect_right(bounds, value)] if value <= high]
        if op == "ge":
            return positions[: bisect_right(bounds, value)]
        if op == "lt":
            return positions[bisect_right(bounds, value) :]
        return positions[bisect_left(bounds, value) :]


class _Contains:
    """Words looked for in a text, each once however many rules look for it."""

    def __init__(self) -> None:
        self.by_word: dict[str, Positions] = {}

    def add(self, key: AlphaKey, position: int) -> None:
        self.by_word.setdefault(key.value.casefold(), []).append(position)

    def done(self) -> None:
        """Nothing to sort: every word is looked for."""

    def hits(self, value: Any) -> Positions | None:
        if not isinstance(value, str):
            return None
        folded = value.casefold()
        found: Positions = []
        for word, positions in self.by_word.items():
            if word in folded:
                found += positions
        return found


_Node = _Equal | _Affix | _Range | _Contains
"""The rules filed by one operator on one field: which of them hold for a value."""


def _node(op: str) -> _Node:
    if op in ("eq", "in"):
        return _Equal()
    if op in ("starts_with", "ends_with"):
        return _Affix(suffix=op == "ends_with")
    if op == "contains":
        return _Contains()
    return _Range(op)


class AlphaNetwork(Generic[T]):
    """The rules of one list of candidates filed by their plans' keys."""

    def __init__(self, entries: Sequence[T], plans: Sequence[AlphaPlan]) -> None:
        self._entries = tuple(entries)
        self._always: Positions = []
        nodes: dict[tuple[tuple[str, ...], str], _Node] = {}
        guards: dict[str, Normal] = {}
        for position, plan in enumerate(plans):
            key = plan.key
            if key is None:
                self._always.append(position)
                continue
            guards.update(plan.guards)
            nodes.setdefault((key.fields, key.op), _node(key.op)).add(key, position)
        for node in nodes.values():
            node.done()
        # The rules of each hashed value, ready for the events only that value lets rules
        # through for (by the id of its positions' list, which lives as long as the network).
        ready = {
            id(positions): tuple(self._entries[position] for position in positions)
            for node in nodes.values()
            if isinstance(node, _Equal)
            for positions in node.by_value.values()
        }
        self.select: Selector[T] = selector(
            tuple(guards.items()),
            [(fields, node.hits, isinstance(node, _Equal)) for (fields, _), node in nodes.items()],
            always=self._always, entries=self._entries, ready=ready, plain=_SAFE, safe=safe,
        )  # fmt: skip
        """The rules whose filed test holds for a scope's record, and those filed by none, in
        running order, with the values of the fields read (by name, made plain); ``None`` when
        every rule must be asked (see the module docstring)."""

    @property
    def filed(self) -> int:
        """How many of the rules are filed by a key."""
        return len(self._entries) - len(self._always)
