"""JSON forms of rules: condition trees by their keys, actions and strategies by their tags.

:func:`configure` teaches a converter the canonical shape of a rule::

    {"trigger": {"entity": "deal", "on": "created"},
     "when": {"all": [{"field": "amount", "op": "gt", "value": 100000},
                      {"not": {"field": "partner.segment", "op": "eq", "value": "key"}}]},
     "then": [{"action": "assign_manager", "strategy": "head_of_department"}]}

Fields left at their defaults are not written, so stored rules stay as short as typed.
The package registers :func:`configure` with :func:`crmcore.serialization.register_forms`
when it is imported, so that every converter made since knows rules; a host with action
plugins calls it again with ``actions=`` to let the converter read them.
"""

from __future__ import annotations

import typing
from collections.abc import Callable, Iterable, Mapping
from functools import partial
from typing import Any, Final

from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn

from crmcore.conditions.forms import is_union_of
from crmcore.errors import DomainValidationError
from crmcore.marketing.mailings import MAILING_ACTIONS
from crmcore.rules.actions import ACTIONS
from crmcore.rules.assignment import STRATEGIES, FieldMapping, HeadOfDepartment, MappingRow
from crmcore.rules.model import Action, Branch, Rule, Throttle, Trigger, Wait
from crmcore.serialization import register_forms

__all__ = ["configure"]

if typing.TYPE_CHECKING:
    from crmcore.serialization import Converter

ACTION_TAG: Final = "action"
STRATEGY_TAG: Final = "kind"


def configure(converter: Converter, *, actions: Iterable[type[Action]] = ()) -> None:
    """Register the JSON forms of rules, actions (the mailings' too), strategies and commands
    on ``converter``, one that :func:`crmcore.serialization.make_converter` made (it knows
    condition trees already); ``actions`` adds plugin action classes beside the built-ins."""
    extra: tuple[type[Action], ...] = (*MAILING_ACTIONS, *actions)
    classes = {**ACTIONS, **{cls.kind: cls for cls in extra}}
    _omit_defaults(converter, Trigger, MappingRow)
    strategies = {cls.kind: cls for cls in STRATEGIES}
    for members in (frozenset(STRATEGIES), frozenset(STRATEGIES) - {FieldMapping}):
        predicate = is_union_of(members)
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


register_forms(configure)
