"""JSON forms of rules: condition trees by their keys, actions and strategies by their tags.

:func:`configure` teaches a converter the canonical shape of a rule::

    {"trigger": {"entity": "deal", "on": "created"},
     "when": {"all": [{"field": "amount", "op": "gt", "value": 100000},
                      {"not": {"field": "partner.segment", "op": "eq", "value": "key"}}]},
     "then": [{"action": "assign_manager", "strategy": "head_of_department"}]}

Fields left at their defaults are not written, so stored rules stay as short as typed.
:func:`crmcore.serialization.make_converter` calls it; a host with action plugins calls it
again with ``actions=`` to let the converter read them.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable, Iterable, Mapping
from functools import partial
from typing import Any, Final

from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn

from crmcore.errors import DomainValidationError, Violation
from crmcore.rules.actions import ACTIONS
from crmcore.rules.assignment import STRATEGIES, FieldMapping, HeadOfDepartment, MappingRow
from crmcore.rules.model import (
    Action,
    AllOf,
    AnyOf,
    Branch,
    Condition,
    FieldCondition,
    FieldRef,
    Not,
    Rule,
    Throttle,
    Trigger,
    Wait,
)

__all__ = ["configure"]

if typing.TYPE_CHECKING:
    from crmcore.serialization import Converter

ACTION_TAG: Final = "action"
STRATEGY_TAG: Final = "kind"
MAX_DEPTH: Final = 32
_CONDITIONS: Final = frozenset({AllOf, AnyOf, Not, FieldCondition})
_SCALARS: Final = frozenset({str, int, bool, type(None)})


def _union_args(hint: Any) -> frozenset[Any] | None:
    if typing.get_origin(hint) not in (typing.Union, types.UnionType):
        return None
    return frozenset(typing.get_args(hint))


def _is_union_of(members: frozenset[Any]) -> Callable[[Any], bool]:
    def predicate(hint: Any) -> bool:
        args = _union_args(hint)
        return args is not None and args - {type(None)} == members

    return predicate


def configure(converter: Converter, *, actions: Iterable[type[Action]] = ()) -> None:
    """Register the JSON forms of rules, conditions, actions, strategies and commands on
    ``converter``; ``actions`` adds plugin action classes beside the built-ins."""
    classes = {**ACTIONS, **{cls.kind: cls for cls in actions}}
    _configure_scalars(converter)
    _configure_conditions(converter)
    _omit_defaults(converter, Trigger, FieldRef, MappingRow)
    strategies = {cls.kind: cls for cls in STRATEGIES}
    for members in (frozenset(STRATEGIES), frozenset(STRATEGIES) - {FieldMapping}):
        predicate = _is_union_of(members)
        converter.register_structure_hook_func(
            predicate, partial(_structure_tagged, converter, strategies, STRATEGY_TAG)
        )
        converter.register_unstructure_hook_func(
            predicate, lambda value: converter.unstructure(value, type(value))
        )
    _configure_tagged(converter, None, strategies, STRATEGY_TAG)
    _configure_tagged(converter, Action, classes, ACTION_TAG)
    _omit_defaults(converter, Branch, Throttle, Wait, Rule)


def _omit_defaults(converter: Converter, *classes: type) -> None:
    """Write ``classes`` without the fields left at their defaults (after the hooks of the
    types they hold are registered: cattrs binds those when it builds the function)."""
    for cls in classes:
        converter.register_unstructure_hook(
            cls, make_dict_unstructure_fn(cls, converter, _cattrs_omit_if_default=True)
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
    converter.register_structure_hook_func(_is_union_of(_SCALARS - {type(None)}), _structure_scalar)
    operand = _is_union_of(
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


def _configure_conditions(converter: Converter) -> None:
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
    is_condition = _is_union_of(_CONDITIONS)
    converter.register_unstructure_hook_func(
        is_condition, lambda node: converter.unstructure(node, type(node))
    )
    structure_leaf = make_dict_structure_fn(
        FieldCondition, converter, _cattrs_forbid_extra_keys=True
    )
    converter.register_structure_hook_func(
        is_condition, lambda value, _: _structure_condition(converter, structure_leaf, value, 0)
    )
    for cls in _CONDITIONS:
        converter.register_structure_hook(
            cls, lambda value, _: _structure_condition(converter, structure_leaf, value, 0)
        )


def _structure_condition(
    converter: Converter, leaf: Callable[[Any, Any], FieldCondition], value: object, depth: int
) -> Condition:
    if depth > MAX_DEPTH:
        raise DomainValidationError.single("$", f"conditions nest deeper than {MAX_DEPTH}")
    if not isinstance(value, Mapping):
        raise TypeError(
            "must be a mapping: {'all': [...]}, {'any': [...]}, {'not': {...}} or a test"
        )
    groups = {key for key in ("all", "any", "not") if key in value}
    if not groups:
        return leaf(value, FieldCondition)
    if len(value) != 1:
        extra = sorted(str(key) for key in value if key not in groups) or sorted(groups)[1:]
        raise DomainValidationError(
            [Violation(field=str(key), message="is not a known field") for key in extra]
        )
    ((key, inner),) = value.items()
    if key == "not":
        return Not(condition=_child(converter, leaf, inner, depth, "not"))
    if not isinstance(inner, list):
        raise DomainValidationError.single(key, "must be a list of conditions")
    children: list[Condition] = []
    found: list[Violation] = []
    for index, item in enumerate(inner):  # every child's problems, not only the first's
        try:
            children.append(_child(converter, leaf, item, depth, f"{key}[{index}]"))
        except DomainValidationError as error:
            found.extend(error.violations)
    if found:
        raise DomainValidationError(found)
    return AllOf(all=tuple(children)) if key == "all" else AnyOf(any=tuple(children))


def _child(
    converter: Converter,
    leaf: Callable[[Any, Any], FieldCondition],
    value: object,
    depth: int,
    path: str,
) -> Condition:
    from crmcore.serialization import _violations  # noqa: PLC0415 - shares the path naming

    try:
        return _structure_condition(converter, leaf, value, depth + 1)
    except DomainValidationError as error:
        raise error.under(path) from None
    except Exception as error:  # cattrs' own errors become violations with paths
        raise DomainValidationError(_violations(error, path)) from None


def _configure_tagged(
    converter: Converter, base: type | None, classes: Mapping[str, type], tag: str
) -> None:
    """Each class writes ``{tag: kind, **fields}``; ``base`` reads any of them by the tag."""
    for kind, cls in classes.items():
        fields: Callable[[Any], dict[str, Any]] = make_dict_unstructure_fn(
            cls, converter, _cattrs_omit_if_default=True
        )
        converter.register_unstructure_hook(cls, partial(_unstructure_tagged, fields, kind, tag))
        structure: Callable[[Any, Any], Any] = make_dict_structure_fn(
            cls, converter, _cattrs_forbid_extra_keys=True
        )
        converter.register_structure_hook(cls, partial(_structure_one, structure, cls, tag))
    if base is not None:
        converter.register_unstructure_hook(
            base, lambda value: converter.unstructure(value, type(value))
        )
        converter.register_structure_hook(base, partial(_structure_tagged, converter, classes, tag))


def _unstructure_tagged(
    fields: Callable[[Any], dict[str, Any]], kind: str, tag: str, value: Any
) -> Any:
    if isinstance(value, HeadOfDepartment):
        return kind  # a strategy without parameters is written as its name
    return {tag: kind, **fields(value)}


def _structure_one(
    structure: Callable[[Any, Any], Any], cls: type, tag: str, value: Any, _: Any
) -> Any:
    if isinstance(value, str) and value == getattr(cls, "kind", None):
        value = {tag: value}
    if not isinstance(value, Mapping):
        raise TypeError("must be a mapping")
    return structure({k: v for k, v in value.items() if k != tag}, cls)


def _structure_tagged(
    converter: Converter, classes: Mapping[str, type], tag: str, value: Any, _: Any
) -> Any:
    kind = (
        value if isinstance(value, str) else value.get(tag) if isinstance(value, Mapping) else None
    )
    if not isinstance(value, str | Mapping):
        raise TypeError("must be a mapping")
    if kind is None:
        raise DomainValidationError.single(tag, "is required: it names the kind")
    cls = classes.get(kind) if isinstance(kind, str) else None
    if cls is None:
        raise DomainValidationError.single(
            tag, "must be one of " + ", ".join(sorted(classes)), value=kind
        )
    return converter.structure(value, cls)
