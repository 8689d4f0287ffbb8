"""The JSON forms of condition trees, which :func:`crmcore.serialization.make_converter`
registers on every converter it makes.

A tree is written by its keys: ``{"all": [...]}``, ``{"any": [...]}``, ``{"not": {...}}`` or
a test ``{"field": "amount", "op": "gt", "value": 100000}`` (a value left at ``None`` is not
written). Literals are strings, integers, booleans or null; a list of them is a JSON list and
another field is ``{"field": "partner.region"}``. An optional condition (a static segment
has none) reads ``null`` as ``None``.

>>> from crmcore.serialization import make_converter
>>> converter = make_converter()
>>> tree = converter.structure(
...     {"all": [{"field": "amount", "op": "gt", "value": 100000},
...              {"not": {"field": "partner.segment", "op": "eq", "value": "key"}}]}, AllOf)
>>> converter.unstructure(tree, Condition)["all"][1]
{'not': {'field': 'partner.segment', 'op': 'eq', 'value': 'key'}}
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable, Mapping
from functools import partial
from typing import TYPE_CHECKING, Any, Final

from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn

from crmcore.conditions.model import AllOf, AnyOf, Condition, FieldCondition, FieldRef, Not
from crmcore.errors import DomainValidationError, Violation

if TYPE_CHECKING:
    from crmcore.serialization import Converter

__all__ = ["MAX_DEPTH", "configure", "is_union_of"]

MAX_DEPTH: Final = 32
_CONDITIONS: Final = frozenset({AllOf, AnyOf, Not, FieldCondition})
_SCALARS: Final = frozenset({str, int, bool, type(None)})

Problems = Callable[[BaseException, str], list[Violation]]
"""Turns an error cattrs raised into violations under a path (the kernel's own naming)."""


def _union_args(hint: Any) -> frozenset[Any] | None:
    if typing.get_origin(hint) not in (typing.Union, types.UnionType):
        return None
    return frozenset(typing.get_args(hint))


def is_union_of(members: frozenset[Any]) -> Callable[[Any], bool]:
    """A predicate on type hints: a union of exactly ``members``, optional or not."""

    def predicate(hint: Any) -> bool:
        args = _union_args(hint)
        return args is not None and args - {type(None)} == members

    return predicate


def configure(converter: Converter, *, problems: Problems) -> None:
    """Register the forms of literals, operands and condition trees on ``converter``;
    ``problems`` names the paths of the errors cattrs raises inside a tree."""
    _configure_scalars(converter)
    converter.register_unstructure_hook(
        FieldRef, make_dict_unstructure_fn(FieldRef, converter, _cattrs_omit_if_default=True)
    )
    _configure_conditions(converter, problems)
    converter.register_structure_hook_func(
        _is_optional_condition, partial(_structure_optional, converter)
    )


def _structure_scalar(value: object, _: Any) -> object:
    if value is None or isinstance(value, str | int | bool):
        return value
    raise TypeError("must be a string, integer, boolean or null (write decimals as strings)")


def _structure_operand(converter: Converter, value: object, _: Any) -> object:
    if isinstance(value, list):
        return tuple(_structure_scalar(item, None) for item in value)
    if isinstance(value, Mapping):
        return converter.structure(value, FieldRef)
    return _structure_scalar(value, None)


def _configure_scalars(converter: Converter) -> None:
    converter.register_structure_hook_func(is_union_of(_SCALARS - {type(None)}), _structure_scalar)
    operand = is_union_of(
        frozenset({str, int, bool, tuple[str | int | bool | None, ...], FieldRef})
    )
    converter.register_structure_hook_func(operand, partial(_structure_operand, converter))
    converter.register_unstructure_hook_func(
        operand,
        lambda value: (
            converter.unstructure(value) if isinstance(value, FieldRef) else _listed(value)
        ),
    )


def _listed(value: object) -> object:
    return list(value) if isinstance(value, tuple) else value


def _is_optional_condition(hint: Any) -> bool:
    return _union_args(hint) == _CONDITIONS | {type(None)}


def _structure_optional(converter: Converter, value: object, _: Any) -> Condition | None:
    if value is None:
        return None
    found: Condition = converter.structure(value, Condition)
    return found


def _configure_conditions(converter: Converter, problems: Problems) -> None:
    leaf = make_dict_unstructure_fn(FieldCondition, converter, _cattrs_omit_if_default=True)
    converter.register_unstructure_hook(FieldCondition, leaf)
    converter.register_unstructure_hook(
        AllOf, lambda node: {"all": [converter.unstructure(c, Condition) for c in node.all]}
    )
    converter.register_unstructure_hook(
        AnyOf, lambda node: {"any": [converter.unstructure(c, Condition) for c in node.any]}
    )
    converter.register_unstructure_hook(
        Not, lambda node: {"not": converter.unstructure(node.condition, Condition)}
    )
    is_condition = is_union_of(_CONDITIONS)
    converter.register_unstructure_hook_func(
        is_condition, lambda node: converter.unstructure(node, type(node))
    )
    structure_leaf = make_dict_structure_fn(
        FieldCondition, converter, _cattrs_forbid_extra_keys=True
    )
    reader = _Reader(converter, structure_leaf, problems)
    converter.register_structure_hook_func(is_condition, lambda value, _: reader.read(value, 0))
    for cls in _CONDITIONS:
        converter.register_structure_hook(cls, lambda value, _: reader.read(value, 0))


class _Reader:
    """Reads a condition tree, every child's problems at once, to a bounded depth."""

    def __init__(
        self,
        converter: Converter,
        leaf: Callable[[Any, Any], FieldCondition],
        problems: Problems,
    ) -> None:
        self._converter = converter
        self._leaf = leaf
        self._problems = problems

    def read(self, value: object, depth: int) -> Condition:
        if depth > MAX_DEPTH:
            raise DomainValidationError.single("$", f"conditions nest deeper than {MAX_DEPTH}")
        if not isinstance(value, Mapping):
            raise TypeError(
                "must be a mapping: {'all': [...]}, {'any': [...]}, {'not': {...}} or a test"
            )
        groups = {key for key in ("all", "any", "not") if key in value}
        if not groups:
            return self._leaf(value, FieldCondition)
        if len(value) != 1:
            extra = sorted(str(key) for key in value if key not in groups) or sorted(groups)[1:]
            raise DomainValidationError(
                [Violation(field=str(key), message="is not a known field") for key in extra]
            )
        ((key, inner),) = value.items()
        if key == "not":
            return Not(condition=self._child(inner, depth, "not"))
        if not isinstance(inner, list):
            raise DomainValidationError.single(key, "must be a list of conditions")
        children: list[Condition] = []
        found: list[Violation] = []
        for index, item in enumerate(inner):  # every child's problems, not only the first's
            try:
                children.append(self._child(item, depth, f"{key}[{index}]"))
            except DomainValidationError as error:
                found.extend(error.violations)
        if found:
            raise DomainValidationError(found)
        return AllOf(all=tuple(children)) if key == "all" else AnyOf(any=tuple(children))

    def _child(self, value: object, depth: int, path: str) -> Condition:
        try:
            return self.read(value, depth + 1)
        except DomainValidationError as error:
            raise error.under(path) from None
        except Exception as error:  # cattrs' own errors become violations with paths
            raise DomainValidationError(self._problems(error, path)) from None
