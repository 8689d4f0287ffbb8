"""The condition language as data: the nodes of an "If" tree and the values they compare.

Rules (:mod:`crmcore.rules`) and segments (:mod:`crmcore.marketing`) both write their
conditions in it. A tree is plain data a person fills in a form; nothing here runs it:
:mod:`crmcore.conditions.compiler` compiles it and :mod:`crmcore.conditions.checks` holds it
against the entity schemas.

>>> tree = AllOf(all=(FieldCondition(field="amount", op="gt", value=100000),
...                   Not(condition=FieldCondition(field="partner.segment", op="eq", value="key"))))
>>> [path for path, _ in nodes(tree)]
['when', 'when.all[0]', 'when.all[1]', 'when.all[1].not']
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Final, TypeAlias

import attrs

from crmcore.errors import Violation
from crmcore.validation import Model, checks, identifier

__all__ = [
    "AllOf",
    "AnyOf",
    "Condition",
    "FieldCondition",
    "FieldRef",
    "Not",
    "Operand",
    "Scalar",
    "condition_check",
    "field_path",
    "nodes",
    "scalar",
]

_PATH: Final = re.compile(r"\A[a-z][a-z0-9_]{0,63}(\.[a-z][a-z0-9_]{0,63}){0,3}\Z")


Scalar: TypeAlias = str | int | bool | None
"""A literal value in a rule as JSON holds it; decimals and dates are written as strings."""


def field_path(field: str, value: object) -> Iterator[Violation]:
    """A dotted path of up to four lowercase names: ``amount``, ``partner.region``."""
    if not isinstance(value, str) or not _PATH.match(value):
        yield Violation(
            field=field, message="must be a dotted path like 'partner.region'", value=value
        )


def scalar(field: str, value: object) -> Iterator[Violation]:
    """A literal of a condition: a string (of at most 1000 characters), integer, boolean or
    null."""
    if value is not None and not isinstance(value, str | int | bool):
        yield Violation(
            field=field, message="must be a string, integer, boolean or null", value=value
        )
    elif isinstance(value, str) and len(value) > 1000:
        yield Violation(field=field, message="must be at most 1000 characters")


@attrs.frozen(kw_only=True)
class FieldRef(Model):
    """The value of another field of the record, for field-to-field comparisons."""

    field: str = attrs.field(metadata=checks(field_path))


Operand: TypeAlias = Scalar | tuple[Scalar, ...] | FieldRef
"""What a field is compared with: a literal, a list of literals, or another field."""


def _operand(field: str, value: object) -> Iterator[Violation]:
    if isinstance(value, FieldRef):
        return
    if isinstance(value, tuple):
        if len(value) > 1000:
            yield Violation(field=field, message="must hold at most 1000 values")
        for index, item in enumerate(value):
            yield from scalar(f"{field}[{index}]", item)
        return
    yield from scalar(field, value)


@attrs.frozen(kw_only=True)
class FieldCondition(Model):
    """One test: the value at ``field`` compared by operator ``op`` with ``value``.

    ``value`` is a literal, a list (for ``in``, ``between``), a :class:`FieldRef`, or a
    relative date such as ``"today + 3 days"`` for date fields.
    """

    field: str = attrs.field(metadata=checks(field_path))
    op: str = attrs.field(metadata=checks(identifier))
    value: Operand = attrs.field(default=None, metadata=checks(_operand))


def _conditions(field: str, value: object) -> Iterator[Violation]:
    if not isinstance(value, tuple):
        yield Violation(field=field, message="must be a list of conditions", value=value)
        return
    if not value:
        yield Violation(field=field, message="must hold at least one condition")
    for index, item in enumerate(value):
        if not isinstance(item, _CONDITION_TYPES):
            yield Violation(field=f"{field}[{index}]", message="must be a condition")


def condition_check(field: str, value: object) -> Iterator[Violation]:
    """A condition node: an :class:`AllOf`, :class:`AnyOf`, :class:`Not` or
    :class:`FieldCondition`."""
    if not isinstance(value, _CONDITION_TYPES):
        yield Violation(field=field, message="must be a condition")


@attrs.frozen(kw_only=True)
class AllOf(Model):
    """True when every one of ``all`` holds (JSON: ``{"all": [...]}``)."""

    all: tuple[Condition, ...] = attrs.field(metadata=checks(_conditions))


@attrs.frozen(kw_only=True)
class AnyOf(Model):
    """True when at least one of ``any`` holds (JSON: ``{"any": [...]}``)."""

    any: tuple[Condition, ...] = attrs.field(metadata=checks(_conditions))


@attrs.frozen(kw_only=True)
class Not(Model):
    """True when ``condition`` does not hold (JSON: ``{"not": {...}}``)."""

    condition: Condition = attrs.field(metadata=checks(condition_check))


Condition: TypeAlias = AllOf | AnyOf | Not | FieldCondition
"""A node of the "If" tree."""

_CONDITION_TYPES: Final = (AllOf, AnyOf, Not, FieldCondition)


def nodes(condition: Condition, path: str = "when") -> Iterator[tuple[str, Condition]]:
    """Every node of a condition tree with its JSON path, parents first."""
    yield path, condition
    if isinstance(condition, AllOf):
        for index, child in enumerate(condition.all):
            yield from nodes(child, f"{path}.all[{index}]")
    elif isinstance(condition, AnyOf):
        for index, child in enumerate(condition.any):
            yield from nodes(child, f"{path}.any[{index}]")
    elif isinstance(condition, Not):
        yield from nodes(condition.condition, f"{path}.not")
